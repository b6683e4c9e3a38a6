"""Which services hold data: recognised by image, configurable, with their data directories."""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable
from dataclasses import dataclass

from composelint.model import Project, Service
from composelint.settings import Settings

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
    "immudb": ("/var/lib/immudb",),
}
# Data services whose repository name alone is ambiguous: matched on the full path.
_DATA_PATHS: dict[str, tuple[str, ...]] = {
    "mssql/server": ("/var/opt/mssql",),
    "azure-sql-edge": ("/var/opt/mssql",),
    "oracle/database": ("/opt/oracle/oradata",),
    "database/enterprise": ("/opt/oracle/oradata",),
    "database/free": ("/opt/oracle/oradata",),
    "database/express": ("/opt/oracle/oradata",),
    "cockroachdb/cockroach": ("/cockroach/cockroach-data",),
}
_REGISTRY = re.compile(r"^[^/]+[.:][^/]*/|^localhost/")


def repository(image: str) -> str:
    """``registry.example.com:5000/team/postgres:16@sha256:..`` -> ``team/postgres``."""
    name = image.split("@", 1)[0]
    last_slash = name.rfind("/")
    colon = name.rfind(":")
    if colon > last_slash:
        name = name[:colon]
    name = _REGISTRY.sub("", name)
    if name.startswith("library/"):
        name = name[len("library/") :]
    return name.lower()


@dataclass(frozen=True)
class DataServices:
    """The data-service policy of a run: built-in images, plus and minus the configured patterns."""

    extra_patterns: tuple[str, ...] = ()
    removed_patterns: tuple[str, ...] = ()
    marked_services: tuple[str, ...] = ()

    @classmethod
    def from_settings(cls, settings: Settings) -> DataServices:
        return cls(settings.data_images, settings.not_data_images, settings.data_services)

    def _matches(self, repo: str, patterns: Iterable[str]) -> bool:
        last = repo.rsplit("/", 1)[-1]
        return any(fnmatch.fnmatchcase(repo, p) or fnmatch.fnmatchcase(last, p) for p in patterns)

    def data_dirs(self, service: Service) -> tuple[str, ...] | None:
        """The service's data directories if it is a data service, else None."""
        if service.name in self.marked_services:
            found = self._image_dirs(service.image) if service.image else None
            return found if found is not None else ()
        if not service.image:
            return None
        repo = repository(service.image)
        if self._matches(repo, self.removed_patterns):
            return None
        found = self._image_dirs(service.image)
        if found is not None:
            return found
        if self._matches(repo, self.extra_patterns):
            return ()
        return None

    @staticmethod
    def _image_dirs(image: str) -> tuple[str, ...] | None:
        repo = repository(image)
        for path, dirs in _DATA_PATHS.items():
            if repo == path or repo.endswith("/" + path):
                return dirs
        return _DATA_IMAGES.get(repo.rsplit("/", 1)[-1])

    def is_data_service(self, service: Service) -> bool:
        return self.data_dirs(service) is not None

    def kind(self, service: Service) -> str:
        return repository(service.image).rsplit("/", 1)[-1] if service.image else "data"

    def in_project(self, project: Project) -> dict[str, Service]:
        return {name: s for name, s in project.services.items() if self.is_data_service(s)}
