"""Loading whole projects: YAML pitfalls, interpolation, merging, extends, include, profiles, names."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from composelint.errors import ComposeError
from composelint.loader import LoadedProject, LoadOptions, load_project
from composelint.tree import IStr, YMap


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def load(
    directory: Path, *names: str, environ: dict[str, str] | None = None, **options: Any
) -> LoadedProject:
    files = tuple(str(directory / n) for n in names) or (str(directory / "compose.yaml"),)
    return load_project(LoadOptions(files=files, environ=environ or {}, cwd=str(directory), **options))


def service(loaded: LoadedProject, name: str) -> YMap:
    assert loaded.model is not None, loaded.errors
    svc = loaded.model["services"][name]
    assert isinstance(svc, YMap)
    return svc


def errors(loaded: LoadedProject, kind: str) -> list[ComposeError]:
    return [e for e in loaded.errors if e.rule == kind]


# --- YAML pitfalls, at the level of a whole project -------------------------------------------


def test_base60_lookalike_port_is_a_string(tmp_path: Path) -> None:
    write(tmp_path, "compose.yaml", "services:\n  ssh:\n    image: alpine\n    ports:\n      - 22:22\n")
    port = service(load(tmp_path), "ssh")["ports"][0]
    assert (port["published"], port["target"]) == ("22", 22)


def test_yes_stays_a_string_in_environment(tmp_path: Path) -> None:
    write(tmp_path, "compose.yaml", "services:\n  a:\n    image: alpine\n    environment:\n      FLAG: yes\n")
    assert service(load(tmp_path), "a")["environment"]["FLAG"] == "yes"


def test_leading_zero_is_octal_like_go(tmp_path: Path) -> None:
    write(
        tmp_path,
        "compose.yaml",
        "services:\n  a:\n    image: alpine\n    secrets:\n      - source: s\n        mode: 0440\n"
        "secrets:\n  s:\n    file: ./s.txt\n",
    )
    assert service(load(tmp_path), "a")["secrets"][0]["mode"] == 0o440


def test_duplicate_keys_are_an_error_at_the_second_key(tmp_path: Path) -> None:
    write(tmp_path, "compose.yaml", "services:\n  a:\n    image: alpine\n    image: nginx\n")
    found = errors(load(tmp_path), "duplicate-key")
    assert len(found) == 1
    assert found[0].message == 'mapping key "image" already defined at line 3'
    assert found[0].span is not None and (found[0].span.line, found[0].span.column) == (4, 5)


def test_merge_key_lists_earlier_sources_win_and_positions_stay_in_the_anchor(tmp_path: Path) -> None:
    write(
        tmp_path,
        "compose.yaml",
        "x-a: &a\n  image: from-a\n  restart: always\n"
        "x-b: &b\n  image: from-b\n  user: app\n"
        "services:\n  s:\n    <<: [*a, *b]\n    user: own\n",
    )
    svc = service(load(tmp_path), "s")
    assert (svc["image"], svc["restart"], svc["user"]) == ("from-a", "always", "own")
    assert svc.value_span("image").line == 2


def test_reset_removes_what_the_base_file_defined(tmp_path: Path) -> None:
    write(
        tmp_path, "compose.yaml", "services:\n  a:\n    image: alpine\n    ports: ['80:80']\n    build: .\n"
    )
    write(
        tmp_path, "compose.override.yaml", "services:\n  a:\n    ports: !reset []\n    build: !reset null\n"
    )
    svc = service(load(tmp_path, "compose.yaml", "compose.override.yaml"), "a")
    assert "ports" not in svc and "build" not in svc


def test_override_replaces_instead_of_merging(tmp_path: Path) -> None:
    write(tmp_path, "compose.yaml", "services:\n  a:\n    image: alpine\n    ports: ['8080:80']\n")
    write(tmp_path, "compose.override.yaml", "services:\n  a:\n    ports: !override ['8443:443']\n")
    svc = service(load(tmp_path, "compose.yaml", "compose.override.yaml"), "a")
    assert [p["published"] for p in svc["ports"]] == ["8443"]


def test_alias_bomb_is_rejected_quickly(tmp_path: Path) -> None:
    lines = ['x-0: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, 10):
        lines.append(f"x-{level}: &l{level} [" + ",".join([f"*l{level - 1}"] * 9) + "]")
    write(tmp_path, "compose.yaml", "\n".join(lines) + "\nservices:\n  a:\n    image: alpine\n")
    start = time.perf_counter()
    loaded = load(tmp_path)
    assert time.perf_counter() - start < 1.0
    assert [e.rule for e in loaded.errors] == ["limit-exceeded"]
    assert loaded.model is None


# --- interpolation and environment ------------------------------------------------------------


def test_os_environment_wins_over_dot_env(tmp_path: Path) -> None:
    write(tmp_path, ".env", "TAG=from-dotenv\nPORT=8000\n")
    write(tmp_path, "compose.yaml", "services:\n  a:\n    image: app:${TAG}\n    ports: ['${PORT}:80']\n")
    svc = service(load(tmp_path, environ={"TAG": "from-os"}), "a")
    assert svc["image"] == "app:from-os"
    assert svc["ports"][0]["published"] == "8000"


def test_env_file_option_replaces_dot_env(tmp_path: Path) -> None:
    write(tmp_path, ".env", "TAG=dotenv\n")
    write(tmp_path, "custom.env", "TAG=custom\n")
    write(tmp_path, "compose.yaml", "services:\n  a:\n    image: app:${TAG}\n")
    assert service(load(tmp_path, env_files=("custom.env",)), "a")["image"] == "app:custom"


def test_unset_variables_are_remembered_and_defaults_applied(tmp_path: Path) -> None:
    write(tmp_path, "compose.yaml", "services:\n  a:\n    image: app:${TAG}\n    ports: ['${P:-8080}:80']\n")
    svc = service(load(tmp_path), "a")
    image = svc["image"]
    assert isinstance(image, IStr) and image == "app:" and image.unset == ("TAG",)
    published = svc["ports"][0]["published"]
    assert published == "8080" and isinstance(published, IStr) and published.template == "${P:-8080}:80"


def test_missing_required_variable_is_reported_at_the_value(tmp_path: Path) -> None:
    write(
        tmp_path,
        "compose.yaml",
        "services:\n  db:\n    image: postgres\n    environment:\n      PW: ${PW:?set it}\n",
    )
    found = errors(load(tmp_path), "missing-required-variable")
    assert len(found) == 1 and "PW" in found[0].message and "set it" in found[0].message
    assert found[0].span is not None and (found[0].span.line, found[0].span.column) == (5, 11)


def test_env_file_contents_reach_the_environment_with_their_own_positions(tmp_path: Path) -> None:
    write(tmp_path, "app.env", "# settings\nLEVEL=debug\nTOKEN=abc\n")
    write(
        tmp_path,
        "compose.yaml",
        "services:\n  a:\n    image: alpine\n    env_file: app.env\n    environment:\n      LEVEL: info\n",
    )
    svc = service(load(tmp_path), "a")
    assert dict(svc["environment"]) == {"LEVEL": "info", "TOKEN": "abc"}
    token = svc["environment"].key_span("TOKEN")
    assert token.path.endswith("app.env") and token.line == 3


# --- merging several files --------------------------------------------------------------------


def test_override_file_merges_per_field_with_positions_in_the_override(tmp_path: Path) -> None:
    write(
        tmp_path,
        "compose.yaml",
        "services:\n  a:\n    image: alpine\n    command: run base\n    ports: ['80:80']\n"
        "    volumes: ['./a:/data']\n    environment: [A=1, B=1]\n    depends_on: [b]\n"
        "  b:\n    image: alpine\n",
    )
    write(
        tmp_path,
        "compose.override.yaml",
        "services:\n  a:\n    command: run override\n    ports: ['80:80', '443:443']\n"
        "    volumes: ['./b:/data']\n    environment: {B: 2}\n    depends_on:\n      b:\n        condition: service_healthy\n",
    )
    svc = service(load(tmp_path, "compose.yaml", "compose.override.yaml"), "a")
    assert list(svc["command"]) == ["run", "override"]
    assert sorted(p["published"] for p in svc["ports"]) == ["443", "80"]
    assert [v["source"].rsplit("/", 1)[-1] for v in svc["volumes"]] == ["b"]
    assert dict(svc["environment"]) == {"A": "1", "B": "2"}
    assert svc["depends_on"]["b"]["condition"] == "service_healthy"
    assert svc["volumes"].item_span(0).path.endswith("compose.override.yaml")


def test_logging_is_replaced_when_the_driver_changes(tmp_path: Path) -> None:
    write(
        tmp_path,
        "compose.yaml",
        "services:\n  a:\n    image: alpine\n    logging:\n      driver: json-file\n"
        "      options: {max-size: 10m}\n",
    )
    write(tmp_path, "compose.override.yaml", "services:\n  a:\n    logging:\n      driver: syslog\n")
    svc = service(load(tmp_path, "compose.yaml", "compose.override.yaml"), "a")
    assert dict(svc["logging"]) == {"driver": "syslog"}


# --- extends and include ----------------------------------------------------------------------


def test_extends_from_another_file_keeps_its_positions_and_relative_paths(tmp_path: Path) -> None:
    write(
        tmp_path,
        "base/common.yaml",
        "services:\n  web:\n    image: nginx\n    privileged: true\n"
        "    volumes: ['./html:/usr/share/nginx/html']\n",
    )
    write(
        tmp_path,
        "compose.yaml",
        "services:\n  site:\n    extends:\n      file: base/common.yaml\n      service: web\n",
    )
    svc = service(load(tmp_path), "site")
    assert svc["privileged"] is True
    assert svc.value_span("privileged").path.endswith("common.yaml")
    assert svc["volumes"][0]["source"] == str(tmp_path / "base" / "html")


def test_extends_in_the_same_file_and_cycles(tmp_path: Path) -> None:
    write(
        tmp_path,
        "compose.yaml",
        "services:\n  a:\n    image: alpine\n    user: app\n  b:\n    extends: a\n"
        "  c:\n    extends: d\n  d:\n    extends: c\n",
    )
    loaded = load(tmp_path)
    assert service(loaded, "b")["user"] == "app"
    assert errors(loaded, "dependency-cycle")


def test_include_imports_services_with_positions_in_the_included_file(tmp_path: Path) -> None:
    write(tmp_path, "db/compose.yaml", "services:\n  db:\n    image: postgres\n    ports: ['5432:5432']\n")
    write(tmp_path, "compose.yaml", "include:\n  - db/compose.yaml\nservices:\n  app:\n    image: app\n")
    loaded = load(tmp_path)
    assert service(loaded, "db")["ports"].item_span(0).path.endswith("db/compose.yaml")


def test_include_cycle_is_reported(tmp_path: Path) -> None:
    write(tmp_path, "compose.yaml", "include:\n  - compose.yaml\nservices:\n  a:\n    image: alpine\n")
    assert errors(load(tmp_path), "include-cycle")


# --- profiles, names, normalization -----------------------------------------------------------


def test_every_service_is_analysed_unless_profiles_are_chosen(tmp_path: Path) -> None:
    write(
        tmp_path,
        "compose.yaml",
        "services:\n  a:\n    image: alpine\n  dbg:\n    image: alpine\n    profiles: [debug]\n",
    )
    assert set(load(tmp_path).model["services"]) == {"a", "dbg"}  # type: ignore[index]
    chosen = load(tmp_path, profiles=("prod",))
    assert set(chosen.model["services"]) == {"a"} and chosen.disabled_services == ("dbg",)  # type: ignore[index]
    from_env = load(tmp_path, environ={"COMPOSE_PROFILES": "debug"})
    assert set(from_env.model["services"]) == {"a", "dbg"}  # type: ignore[index]


@pytest.mark.parametrize(
    ("yaml_name", "environ", "option", "expected"),
    [
        ("", {}, None, "myproj"),
        ("name: Demo.App\n", {}, None, "demoapp"),
        ("name: x\n", {"COMPOSE_PROJECT_NAME": "fromenv"}, None, "fromenv"),
        ("name: x\n", {"COMPOSE_PROJECT_NAME": "fromenv"}, "explicit", "explicit"),
    ],
)
def test_project_name_precedence(
    tmp_path: Path, yaml_name: str, environ: dict[str, str], option: str | None, expected: str
) -> None:
    directory = tmp_path / "MyProj"
    write(directory, "compose.yaml", yaml_name + "services:\n  a:\n    image: alpine\n")
    assert load(directory, environ=environ, project_name=option).name == expected


def test_default_network_and_implicit_dependencies(tmp_path: Path) -> None:
    write(
        tmp_path,
        "compose.yaml",
        "services:\n  db:\n    image: postgres\n  app:\n    image: app\n    links: [db]\n"
        "  sidecar:\n    image: s\n    network_mode: service:app\n  backup:\n    image: b\n    volumes_from: [db]\n",
    )
    loaded = load(tmp_path)
    assert list(service(loaded, "db")["networks"]) == ["default"]
    assert "default" in loaded.model["networks"]  # type: ignore[index]
    assert list(service(loaded, "app")["depends_on"]) == ["db"]
    assert list(service(loaded, "sidecar")["depends_on"]) == ["app"]
    assert "networks" not in service(loaded, "sidecar")
    assert service(loaded, "backup")["depends_on"]["db"]["restart"] is False
