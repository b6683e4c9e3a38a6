"""Family 5: reliability and operations — images, limits, healthchecks, restarts, logging."""
