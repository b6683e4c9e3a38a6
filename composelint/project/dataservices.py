"""Which services hold data: recognised by image, configurable, with their data directories."""

from __future__ import annotations

import fnmatch
import functools
import re
from typing import NamedTuple

from composelint.project.model import Project, Service

# Repository names (the last path component of an image, tag ignored) of data services, with the
# directories where each keeps its data. An empty tuple: in-memory, nothing to keep on disk.
_DATA_IMAGES: dict[str, tuple[str, ...]] = {
    "postgres": ("/var/lib/postgresql/data", "/var/lib/postgresql"),
    "postgresql": ("/bitnami/postgresql", "/var/lib/postgresql/data", "/var/lib/postgresql"),
    "postgresql-repmgr": ("/bitnami/postgresql",),
    "postgis": ("/var/lib/postgresql/data", "/var/lib/postgresql"),
    "timescaledb": ("/var/lib/postgresql/data", "/var/lib/postgresql"),
    "timescaledb-ha": ("/home/postgres/pgdata", "/var/lib/postgresql/data"),
    "pgvector": ("/var/lib/postgresql/data", "/var/lib/postgresql"),
    "citus": ("/var/lib/postgresql/data",),
    "mysql": ("/var/lib/mysql", "/bitnami/mysql"),
    "mysql-server": ("/var/lib/mysql",),
    "mariadb": ("/var/lib/mysql", "/bitnami/mariadb", "/config"),
    "mariadb-galera": ("/bitnami/mariadb",),
    "percona": ("/var/lib/mysql",),
    "percona-server": ("/var/lib/mysql",),
    "percona-xtradb-cluster": ("/var/lib/mysql",),
    "percona-server-mongodb": ("/data/db",),
    "mongo": ("/data/db", "/data/configdb"),
    "mongodb": ("/data/db", "/bitnami/mongodb"),
    "mongodb-community-server": ("/data/db",),
    "mongodb-sharded": ("/bitnami/mongodb",),
    "redis": ("/data", "/bitnami/redis/data"),
    "redis-stack": ("/data",),
    "redis-stack-server": ("/data",),
    "redis-cluster": ("/bitnami/redis/data",),
    "valkey": ("/data", "/bitnami/valkey/data"),
    "valkey-cluster": ("/bitnami/valkey/data",),
    "keydb": ("/data",),
    "dragonfly": ("/data",),
    "memcached": (),
    "elasticsearch": ("/usr/share/elasticsearch/data", "/bitnami/elasticsearch/data"),
    "opensearch": ("/usr/share/opensearch/data",),
    "cassandra": ("/var/lib/cassandra",),
    "scylla": ("/var/lib/scylla",),
    "couchdb": ("/opt/couchdb/data",),
    "couchbase": ("/opt/couchbase/var",),
    "neo4j": ("/data",),
    "influxdb": ("/var/lib/influxdb2", "/var/lib/influxdb"),
    "clickhouse": ("/var/lib/clickhouse",),
    "clickhouse-server": ("/var/lib/clickhouse",),
    "cockroach": ("/cockroach/cockroach-data",),
    "rethinkdb": ("/data",),
    "etcd": ("/etcd-data", "/var/lib/etcd", "/bitnami/etcd"),
    "arangodb": ("/var/lib/arangodb3",),
    "questdb": ("/var/lib/questdb", "/root/.questdb"),
    "surrealdb": ("/data",),
    "yugabyte": ("/home/yugabyte/yb_data", "/root/var"),
    "tidb": ("/data",),
    "qdrant": ("/qdrant/storage",),
    "weaviate": ("/var/lib/weaviate",),
    "milvus": ("/var/lib/milvus",),
    "meilisearch": ("/meili_data",),
    "typesense": ("/data",),
    "solr": ("/var/solr",),
    "ravendb": ("/var/lib/ravendb/data",),
    "orientdb": ("/orientdb/databases",),
    "aerospike": ("/opt/aerospike/data",),
    "firebird": ("/firebird/data", "/var/lib/firebird/data"),
    "oracle-xe": ("/opt/oracle/oradata",),
    "oracle-free": ("/opt/oracle/oradata",),
    "dgraph": ("/dgraph",),
    "victoria-metrics": ("/victoria-metrics-data",),
    "edgedb": ("/var/lib/edgedb/data",),
    "gel": ("/var/lib/gel/data",),
    "immudb": ("/var/lib/immudb",),
    "redismod": ("/data",),
    "falkordb": ("/data", "/var/lib/falkordb/data"),
    "kvrocks": ("/var/lib/kvrocks",),
    "zulip-postgresql": ("/var/lib/postgresql/data", "/var/lib/postgresql"),
    "paradedb": ("/var/lib/postgresql/data", "/var/lib/postgresql"),
    "pgvecto-rs": ("/var/lib/postgresql/data", "/var/lib/postgresql"),
    "chroma": ("/chroma/chroma", "/data"),
    "memgraph": ("/var/lib/memgraph",),
    "memgraph-mage": ("/var/lib/memgraph",),
    "manticore": ("/var/lib/manticore",),
    "zincsearch": ("/data",),
    "tarantool": ("/var/lib/tarantool",),
}
# Data services whose repository name alone is ambiguous: matched on the full path, with their kind.
_DATA_PATHS: dict[str, tuple[str, tuple[str, ...]]] = {
    "mssql/server": ("mssql", ("/var/opt/mssql",)),
    "mssql/rhel/server": ("mssql", ("/var/opt/mssql",)),
    "azure-sql-edge": ("azure-sql-edge", ("/var/opt/mssql",)),
    "oracle/database": ("oracle", ("/opt/oracle/oradata",)),
    "database/enterprise": ("oracle", ("/opt/oracle/oradata",)),
    "database/free": ("oracle", ("/opt/oracle/oradata",)),
    "database/express": ("oracle", ("/opt/oracle/oradata",)),
    "cockroachdb/cockroach": ("cockroach", ("/cockroach/cockroach-data",)),
    "couchbase/server": ("couchbase", ("/opt/couchbase/var",)),
}
# The ports clients use, by the same keys: a data service that shares another service's network
# namespace is exposed by that service's published ports only when they map one of these.
_CLIENT_PORTS: dict[str, tuple[int, ...]] = {
    **dict.fromkeys(
        [
            "postgres",
            "postgresql",
            "postgresql-repmgr",
            "postgis",
            "timescaledb",
            "timescaledb-ha",
            "pgvector",
            "citus",
            "zulip-postgresql",
            "paradedb",
            "pgvecto-rs",
        ],
        (5432,),
    ),
    **dict.fromkeys(
        [
            "mysql",
            "mysql-server",
            "mariadb",
            "mariadb-galera",
            "percona",
            "percona-server",
            "percona-xtradb-cluster",
        ],
        (3306, 33060),
    ),
    **dict.fromkeys(
        ["mongo", "mongodb", "mongodb-community-server", "mongodb-sharded", "percona-server-mongodb"],
        (27017,),
    ),
    **dict.fromkeys(
        [
            "redis",
            "redis-stack",
            "redis-stack-server",
            "redis-cluster",
            "valkey",
            "valkey-cluster",
            "keydb",
            "dragonfly",
            "redismod",
            "falkordb",
        ],
        (6379,),
    ),
    "memcached": (11211,),
    "elasticsearch": (9200, 9300),
    "opensearch": (9200, 9300),
    "cassandra": (9042,),
    "scylla": (9042,),
    "couchdb": (5984,),
    "neo4j": (7474, 7687),
    "influxdb": (8086,),
    "clickhouse": (8123, 9000),
    "clickhouse-server": (8123, 9000),
    "cockroach": (26257,),
    "rethinkdb": (28015,),
    "etcd": (2379,),
    "arangodb": (8529,),
    "mssql": (1433,),
    "azure-sql-edge": (1433,),
    "oracle": (1521,),
    "couchbase": (8091, 11210),
}
# Options and variables that move the data directory (`--storageDataPath=/storage`, `PGDATA`).
_DATA_OPTION = re.compile(r"--?([A-Za-z][\w.-]*)(?:=|\s+)(/[^\s\"',;]*)")
_DATA_WORDS = re.compile(r"data|dir|path|storage", re.IGNORECASE)
_NOT_DATA_WORDS = re.compile(r"conf|log|te?mp|cache|sock|pid|plugin|backup|cert|key|secret", re.IGNORECASE)
_DATA_VARIABLE = re.compile(r"^PGDATA$|(DATA_?DIR|DATA_?PATH|STORAGE_?PATH|DB_?PATH)$")
_REGISTRY = re.compile(r"^[^/]+[.:][^/]*/|^localhost/")


def _without_tag(image: str) -> str:
    """``registry.example.com:5000/team/postgres:16@sha256:..`` -> ``registry.example.com:5000/team/postgres``."""
    name = image.split("@", 1)[0]
    colon = name.rfind(":")
    return name[:colon] if colon > name.rfind("/") else name


@functools.lru_cache(maxsize=4096)
def repository(image: str) -> str:
    """``registry.example.com:5000/team/postgres:16@sha256:..`` -> ``team/postgres``."""
    name = _REGISTRY.sub("", _without_tag(image))
    if name.startswith("library/"):
        name = name[len("library/") :]
    return name.lower()


@functools.lru_cache(maxsize=4096)
def _builtin_key_of(repo: str) -> str | None:
    for path in _DATA_PATHS:
        if repo == path or repo.endswith("/" + path):
            return path
    last = repo.rsplit("/", 1)[-1]
    return last if last in _DATA_IMAGES else None


class DataServices(NamedTuple):
    """The data-service policy of a run: built-in images, plus and minus the configured patterns."""

    extra_patterns: tuple[str, ...] = ()
    removed_patterns: tuple[str, ...] = ()
    marked_services: tuple[str, ...] = ()

    @staticmethod
    @functools.lru_cache(maxsize=4096)
    def _matches(image: str, patterns: tuple[str, ...]) -> bool:
        """A configured pattern matches the image name with its registry (`registry.example/pg-*`),
        the repository (`team/pg-*`) or its last component (`pg-*`); tags never count."""
        repo = repository(image)
        names = (_without_tag(image).lower(), repo, repo.rsplit("/", 1)[-1])
        return any(fnmatch.fnmatchcase(name, p.lower()) for name in names for p in patterns)

    def _builtin_key(self, service: Service) -> str | None:
        """The key of the built-in entry matching the service's image, unless configured away."""
        if not service.image:
            return None
        repo = repository(service.image)
        if self._matches(service.image, self.removed_patterns) and service.name not in self.marked_services:
            return None
        return _builtin_key_of(repo)

    def is_data_service(self, service: Service) -> bool:
        if service.name in self.marked_services or self._builtin_key(service) is not None:
            return True
        if not service.image:
            return False
        image = service.image
        return self._matches(image, self.extra_patterns) and not self._matches(image, self.removed_patterns)

    def data_dirs(self, service: Service) -> tuple[str, ...] | None:
        """The service's data directories if it is a data service, else None: those of its image, and
        those its command or environment choose (`--dbpath /srv/db`, `PGDATA=/pg`)."""
        if not self.is_data_service(service):
            return None
        key = self._builtin_key(service)
        builtin = (_DATA_PATHS[key][1] if key in _DATA_PATHS else _DATA_IMAGES[key]) if key else ()
        return builtin + tuple(d for d in _configured_dirs(service) if d not in builtin)

    def client_ports(self, service: Service) -> tuple[int, ...]:
        """The ports clients connect to, when known for the service's image."""
        key = self._builtin_key(service)
        return _CLIENT_PORTS.get(self._kind(key), ()) if key else ()

    @staticmethod
    def _kind(key: str) -> str:
        return _DATA_PATHS[key][0] if key in _DATA_PATHS else key

    def kind(self, service: Service) -> str:
        """What the service is, for messages: `postgres`, `mssql`; `data` when only configured as one."""
        key = self._builtin_key(service)
        if key is not None:
            return self._kind(key)
        return repository(service.image).rsplit("/", 1)[-1] if service.image else "data"

    def in_project(self, project: Project) -> dict[str, Service]:
        return {name: s for name, s in project.services.items() if self.is_data_service(s)}


def _configured_dirs(service: Service) -> list[str]:
    found: list[str] = []
    for key, value in service.environment.items():
        if value and value.startswith("/") and _DATA_VARIABLE.search(key.upper()):
            found.append(value)
    for option, path in _DATA_OPTION.findall(" ".join(service.command_strings())):
        if _DATA_WORDS.search(option) and not _NOT_DATA_WORDS.search(option):
            found.append(path)
    return [path.rstrip("/") for path in found if path.rstrip("/")]
