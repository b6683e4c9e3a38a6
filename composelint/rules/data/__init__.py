"""Family 3: data and volumes — which data outlives `docker compose down -v`, and which host paths a
production deployment depends on."""
