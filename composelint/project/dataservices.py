"""Which services hold data: recognised by image, command, port, data directory and environment;
configurable; with their data directories."""

from __future__ import annotations

import fnmatch
import functools
import re
from typing import NamedTuple

from composelint.compose.tree import YSeq
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


# Words in an image's name that make it a tool around a data service, not the data service itself:
# `redis-commander`, `mongo-express`, `postgres-backup-s3`, `redis_exporter`, `mysql-init`.
_TOOL_WORDS = frozenset(
    {
        *("exporter", "commander", "express", "admin", "adminer", "insight", "ui", "web", "gui", "hq"),
        *("backup", "backups", "dump", "restore", "operator", "proxy", "bouncer", "pool", "client"),
        *("cli", "dashboard", "studio", "manager", "browser", "monitor", "sync", "migrate", "migration"),
        *("migrations", "init", "setup", "tools", "toolkit", "meta", "metrics", "beat", "sentinel", "router"),
        *("rest", "api", "gateway", "connector", "agent", "cdc", "wait", "healthcheck", "test", "tests"),
    }
)
# Distinctive ports, data directories and programs of data services, by built-in key.
_PORT_KINDS: dict[int, str] = {
    **{port: "postgres" for port in (5432,)},
    **{port: "mysql" for port in (3306, 33060)},
    27017: "mongo",
    6379: "redis",
    9042: "cassandra",
    1433: "mssql/server",
    1521: "oracle/database",
    5984: "couchdb",
    7687: "neo4j",
    26257: "cockroach",
    28015: "rethinkdb",
    11211: "memcached",
    8529: "arangodb",
    9200: "elasticsearch",
}
_DIR_KINDS: dict[str, str] = {
    "/var/lib/postgresql/data": "postgres",
    "/var/lib/postgresql": "postgres",
    "/bitnami/postgresql": "postgresql",
    "/var/lib/mysql": "mysql",
    "/bitnami/mysql": "mysql",
    "/bitnami/mariadb": "mariadb",
    "/data/db": "mongo",
    "/bitnami/mongodb": "mongodb",
    "/bitnami/redis/data": "redis",
    "/usr/share/elasticsearch/data": "elasticsearch",
    "/usr/share/opensearch/data": "opensearch",
    "/var/lib/cassandra": "cassandra",
    "/var/opt/mssql": "mssql/server",
    "/opt/couchdb/data": "couchdb",
    "/var/lib/clickhouse": "clickhouse",
    "/var/lib/influxdb2": "influxdb",
    "/var/lib/influxdb": "influxdb",
    "/var/lib/arangodb3": "arangodb",
    "/opt/oracle/oradata": "oracle/database",
}
_PROGRAM_KINDS: dict[str, str] = {
    "postgres": "postgres",
    "mysqld": "mysql",
    "mariadbd": "mariadb",
    "mongod": "mongo",
    "redis-server": "redis",
    "valkey-server": "valkey",
    "keydb-server": "keydb",
    "memcached": "memcached",
}
# Server-side environment variables (those an application connecting to the service does not set).
_ENV_KINDS: dict[str, str] = {
    "PGDATA": "postgres",
    "POSTGRES_INITDB_ARGS": "postgres",
    "POSTGRES_INITDB_WALDIR": "postgres",
    "POSTGRES_HOST_AUTH_METHOD": "postgres",
    "MYSQL_ROOT_PASSWORD": "mysql",
    "MYSQL_ALLOW_EMPTY_PASSWORD": "mysql",
    "MYSQL_RANDOM_ROOT_PASSWORD": "mysql",
    "MARIADB_ROOT_PASSWORD": "mariadb",
    "MARIADB_ALLOW_EMPTY_ROOT_PASSWORD": "mariadb",
    "MARIADB_RANDOM_ROOT_PASSWORD": "mariadb",
    "MONGO_INITDB_ROOT_USERNAME": "mongo",
    "MONGO_INITDB_ROOT_PASSWORD": "mongo",
    "MONGO_INITDB_DATABASE": "mongo",
}
_KIND_FAMILY = {"mariadb": "mysql", "postgresql": "postgres", "mongodb": "mongo", "valkey": "redis"}
_IMAGE_WORDS = re.compile(r"[^a-z0-9]+")


@functools.lru_cache(maxsize=4096)
def _key_by_words(repo: str) -> str | None:
    """The built-in key named by a word of the image's name (`icewhaletech/ragflow-mysql`,
    `registry.k8s.io/redis-slave`, `postgres15`), unless another word makes it a tool."""
    words = [w for w in _IMAGE_WORDS.split(repo.rsplit("/", 1)[-1]) if w]
    if any(w in _TOOL_WORDS for w in words):
        return None
    for word in words:
        for candidate in (word, word.rstrip("0123456789")):
            if candidate in _WORD_KEYS:
                return _WORD_KEYS[candidate]
    return None


# The names common enough to recognise inside another image's name (`ragflow-mysql`), by word.
_WORD_KEYS = {
    **{
        key: key
        for key in (
            *("postgres", "postgresql", "postgis", "timescaledb", "mysql", "mariadb", "percona", "mongo"),
            *("mongodb", "redis", "valkey", "keydb", "memcached", "elasticsearch", "opensearch"),
            *("cassandra", "scylla", "couchdb", "neo4j", "influxdb", "clickhouse", "cockroach"),
            *("rethinkdb", "arangodb"),
        )
    },
    "mssql": "mssql/server",
}


class Recognition(NamedTuple):
    key: str | None  # the built-in entry: its data directories and client ports
    why: str  # how composelint knows, for messages; "" when the image is a known one


class DataServices:
    """The data-service policy of a run: built-in images, plus and minus the configured patterns.

    A service is a data service when its image is a known one (`postgres`, `mssql/server`), a word
    of its image's name names one (`ragflow-mysql`), its command runs one (`redis-server`), two of
    its container port, data directory and server-side environment agree on one, or the
    configuration says so.
    """

    __slots__ = ("_known", "extra_patterns", "marked_services", "removed_patterns")

    def __init__(
        self,
        extra_patterns: tuple[str, ...] = (),
        removed_patterns: tuple[str, ...] = (),
        marked_services: tuple[str, ...] = (),
    ) -> None:
        self.extra_patterns = extra_patterns
        self.removed_patterns = removed_patterns
        self.marked_services = marked_services
        # id(service) -> (service, recognition): services are immutable and live as long as the run.
        self._known: dict[int, tuple[Service, Recognition | None]] = {}

    @staticmethod
    @functools.lru_cache(maxsize=4096)
    def _matches(image: str, patterns: tuple[str, ...]) -> bool:
        """A configured pattern matches the image name with its registry (`registry.example/pg-*`),
        the repository (`team/pg-*`) or its last component (`pg-*`); tags never count."""
        repo = repository(image)
        names = (_without_tag(image).lower(), repo, repo.rsplit("/", 1)[-1])
        return any(fnmatch.fnmatchcase(name, p.lower()) for name in names for p in patterns)

    def recognise(self, service: Service) -> Recognition | None:
        known = self._known.get(id(service))
        if known is None or known[0] is not service:
            known = self._known[id(service)] = (service, self._recognise(service))
        return known[1]

    def _recognise(self, service: Service) -> Recognition | None:
        image = service.image
        marked = service.name in self.marked_services
        if image and self._matches(image, self.removed_patterns) and not marked:
            return None
        if image:
            repo = repository(image)
            key = _builtin_key_of(repo)
            if key is not None:
                return Recognition(key, "")
            key = _key_by_words(repo)
            if key is not None:
                return Recognition(key, f"its image name {_without_tag(image)}")
            if self._matches(image, self.extra_patterns):
                return Recognition(None, "")
        found = _evidence(service)
        if found is not None:
            return found
        return Recognition(None, "") if marked else None

    def is_data_service(self, service: Service) -> bool:
        return self.recognise(service) is not None

    def why(self, service: Service) -> str:
        """`` (recognised by ...)`` when the image alone does not say it, for messages."""
        found = self.recognise(service)
        return f" (recognised by {found.why})" if found is not None and found.why else ""

    def data_dirs(self, service: Service) -> tuple[str, ...] | None:
        """The service's data directories if it is a data service, else None: those of its image, and
        those its command or environment choose (`--dbpath /srv/db`, `PGDATA=/pg`)."""
        found = self.recognise(service)
        if found is None:
            return None
        key = found.key
        builtin = (_DATA_PATHS[key][1] if key in _DATA_PATHS else _DATA_IMAGES[key]) if key else ()
        return builtin + tuple(d for d in _configured_dirs(service) if d not in builtin)

    def client_ports(self, service: Service) -> tuple[int, ...]:
        """The ports clients connect to, when known for the service's image."""
        found = self.recognise(service)
        return _CLIENT_PORTS.get(_kind_of(found.key), ()) if found is not None and found.key else ()

    def kind(self, service: Service) -> str:
        """What the service is, for messages: `postgres`, `mssql`; `data` when only configured as one."""
        found = self.recognise(service)
        if found is not None and found.key is not None:
            return _kind_of(found.key)
        return repository(service.image).rsplit("/", 1)[-1] if service.image else "data"

    def in_project(self, project: Project) -> dict[str, Service]:
        return {name: s for name, s in project.services.items() if self.is_data_service(s)}


def _kind_of(key: str) -> str:
    return _DATA_PATHS[key][0] if key in _DATA_PATHS else key


def _evidence(service: Service) -> Recognition | None:
    """What the service's command, ports, data directories and environment say it is."""
    commands = service.command_strings()
    if commands:
        program = commands[0].split(None, 1)[0].rsplit("/", 1)[-1] if commands[0].strip() else ""
        if program in _PROGRAM_KINDS:
            return Recognition(_PROGRAM_KINDS[program], f"its command {program}")
    votes: dict[str, list[str]] = {}

    def vote(key: str, what: str) -> None:
        family = _KIND_FAMILY.get(key, key)
        reasons = votes.setdefault(family, [])
        if not any(r.split(" ", 1)[0] == what.split(" ", 1)[0] for r in reasons):
            reasons.append(what)

    for port in service.ports:
        if port.target in _PORT_KINDS:
            vote(_PORT_KINDS[port.target], f"container port {port.target}")
    for text in _exposed(service):
        if text.isdigit() and int(text) in _PORT_KINDS:
            vote(_PORT_KINDS[int(text)], f"container port {text}")
    for mount in service.mounts:
        target = mount.target.rstrip("/")
        if target in _DIR_KINDS and mount.type in ("volume", "bind"):
            vote(_DIR_KINDS[target], f"data directory {target}")
    for key in service.environment:
        if key in _ENV_KINDS:
            vote(_ENV_KINDS[key], f"environment {key}")
    for family, reasons in votes.items():
        if len(reasons) >= 2:
            listed = ", ".join(reasons[:-1]) + " and " + reasons[-1]
            return Recognition(family, f"its {listed}")
    return None


def _exposed(service: Service) -> list[str]:
    expose = service.config.get("expose")
    if not isinstance(expose, YSeq):
        return []
    return [str(item).split("/", 1)[0] for item in expose if isinstance(item, (str, int))]


def _configured_dirs(service: Service) -> list[str]:
    found: list[str] = []
    for key, value in service.environment.items():
        if value and value.startswith("/") and _DATA_VARIABLE.search(key.upper()):
            found.append(value)
    for option, path in _DATA_OPTION.findall(" ".join(service.command_strings())):
        if _DATA_WORDS.search(option) and not _NOT_DATA_WORDS.search(option):
            found.append(path)
    return [path.rstrip("/") for path in found if path.rstrip("/")]
