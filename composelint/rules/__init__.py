"""The built-in rules, one explicit list (plugins add theirs through entry points)."""

from __future__ import annotations

from composelint.rule import Rule
from composelint.rules import topology, validity

BUILTIN_RULES: tuple[type[Rule], ...] = (
    validity.InternalError,
    validity.YamlSyntax,
    validity.DuplicateKey,
    validity.SchemaViolation,
    validity.UndefinedReference,
    validity.DependencyCycle,
    validity.MissingRequiredVariable,
    validity.InvalidPortSpec,
    validity.InvalidVolumeSpec,
    validity.NetworkModeWithNetworks,
    validity.DependsOnDisabledService,
    validity.ContainerNameWithReplicas,
    validity.DuplicateContainerName,
    validity.InvalidInterpolation,
    validity.InvalidEnvFile,
    validity.MissingFile,
    validity.UnsafePath,
    validity.LimitExceeded,
    validity.InvalidConfig,
    topology.NetworkIsolation,
    topology.ExposedDatabase,
    topology.DuplicateHostPort,
    topology.BindMountInProduction,
    topology.NonExternalCriticalVolume,
)
