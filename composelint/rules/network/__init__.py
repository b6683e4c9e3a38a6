"""Family 2: network topology and port hygiene — who can reach whom, and what is published where.

The topology rules (isolation, exposed databases, duplicate host ports) read the whole project graph;
the hygiene rules read one service or network at a time.
"""
