"""Family 4: security hardening — privileges, host namespaces, sockets, secrets.

The rules read the canonical model (booleans already cast, short syntax already parsed), and judge
host paths by the path as written: a path written relative to the project (``./data``, ``../files``)
is the project's own, wherever the project happens to live on the host.
"""
