"""Loading whole projects: YAML pitfalls, interpolation, merging, extends, include, profiles, names."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from composelint.compose.errors import ComposeError
from composelint.compose.loader import LoadedProject, LoadOptions, load_project
from composelint.compose.tree import IStr, YMap


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


# --- more YAML pitfalls: timestamps and keys --------------------------------------------------


def test_unquoted_date_is_refused_outside_extensions_at_its_position(tmp_path: Path) -> None:
    # Compose: go-yaml makes 2024-01-31 a time.Time, which the schema refuses ("invalid jsonType").
    write(
        tmp_path,
        "compose.yaml",
        "x-released: 2024-01-31\nservices:\n  a:\n    image: alpine\n    x-note: 2024-01-31\n"
        "    environment:\n      QUOTED: '2024-01-31'\n      NOT_A_DATE: 2024-02-30\n      RELEASED: 2024-01-31\n",
    )
    found = errors(load(tmp_path), "schema-violation")
    assert [(e.span.line, e.span.column) for e in found if e.span] == [(9, 17)]
    assert "services.a.environment.RELEASED" in found[0].message and "quote it" in found[0].message


def test_a_date_reaching_a_service_through_an_anchor_is_refused(tmp_path: Path) -> None:
    write(
        tmp_path,
        "compose.yaml",
        "x-env: &env\n  SINCE: 2001-12-14 21:59:43.10\nservices:\n  a:\n    image: alpine\n    environment: *env\n",
    )
    found = errors(load(tmp_path), "schema-violation")
    assert len(found) == 1 and found[0].span is not None and found[0].span.line == 2


def test_non_string_keys_are_refused(tmp_path: Path) -> None:
    write(tmp_path, "compose.yaml", "services:\n  a:\n    image: alpine\n    environment:\n      1: one\n")
    found = errors(load(tmp_path), "yaml-syntax")
    assert found and found[0].message == "non-string key in services.a.environment: 1"


# --- environment files and variables ----------------------------------------------------------


def test_later_env_files_win_and_dot_env_values_feed_interpolation(tmp_path: Path) -> None:
    write(tmp_path, "one.env", "TAG=one\nPORT=8000\n")
    write(tmp_path, "two.env", "TAG=two\n")
    write(tmp_path, "compose.yaml", "services:\n  a:\n    image: app:${TAG}\n    ports: ['${PORT}:80']\n")
    svc = service(load(tmp_path, env_files=("one.env", "two.env")), "a")
    assert (svc["image"], svc["ports"][0]["published"]) == ("app:two", "8000")


def test_a_missing_env_file_option_is_an_error(tmp_path: Path) -> None:
    write(tmp_path, "compose.yaml", "services:\n  a:\n    image: alpine\n")
    assert errors(load(tmp_path, env_files=("nope.env",)), "missing-file")


def test_escaped_dollars_and_defaults(tmp_path: Path) -> None:
    write(
        tmp_path,
        "compose.yaml",
        "services:\n  a:\n    image: alpine\n    command: echo $$HOME\n"
        "    environment:\n      A: ${UNSET:-fallback}\n      B: ${EMPTY-kept}\n      C: ${EMPTY:-replaced}\n",
    )
    svc = service(load(tmp_path, environ={"EMPTY": ""}), "a")
    assert list(svc["command"]) == ["echo", "$HOME"]
    assert dict(svc["environment"]) == {"A": "fallback", "B": "", "C": "replaced"}


def test_env_file_entries_required_or_not(tmp_path: Path) -> None:
    write(
        tmp_path,
        "compose.yaml",
        "services:\n  a:\n    image: alpine\n    env_file:\n      - path: optional.env\n        required: false\n"
        "      - required.env\n",
    )
    found = errors(load(tmp_path), "missing-file")
    assert len(found) == 1 and "required.env" in found[0].message
    assert found[0].span is not None and found[0].span.line == 7


def test_an_empty_env_file_path_is_a_missing_file(tmp_path: Path) -> None:
    # Found by fuzzing: Compose says "env file  not found: stat : no such file or directory".
    write(tmp_path, "compose.yaml", 'services:\n  a:\n    image: alpine\n    env_file: [""]\n')
    found = errors(load(tmp_path), "missing-file")
    assert [(e.message, e.span and e.span.line) for e in found] == [('file not found: ""', 4)]


def test_env_file_values_are_interpolated_from_the_project_environment(tmp_path: Path) -> None:
    write(tmp_path, ".env", "DOMAIN=example.org\n")
    write(tmp_path, "app.env", "URL=https://${DOMAIN}/\nRAW='${DOMAIN}'\n")
    write(tmp_path, "compose.yaml", "services:\n  a:\n    image: alpine\n    env_file: [app.env]\n")
    env = service(load(tmp_path), "a")["environment"]
    assert dict(env) == {"URL": "https://example.org/", "RAW": "${DOMAIN}"}


# --- merge rules of -f a -f b, field by field -------------------------------------------------


def test_merge_rules_per_field(tmp_path: Path) -> None:
    write(
        tmp_path,
        "a.yaml",
        "services:\n  a:\n    image: alpine\n    user: app\n    logging:\n      driver: json-file\n"
        "      options: {max-size: 10m}\n    healthcheck:\n      test: [CMD, first]\n      interval: 10s\n"
        "    extra_hosts: ['h=1.1.1.1']\n    labels: {a: '1', b: '1'}\n    networks: [front]\n"
        "    cap_add: [NET_ADMIN]\nnetworks:\n  front: {}\n  back: {}\n",
    )
    write(
        tmp_path,
        "b.yaml",
        "services:\n  a:\n    user:\n    logging:\n      driver: json-file\n      options: {max-file: '3'}\n"
        "    healthcheck:\n      test: [CMD, second]\n    extra_hosts: ['h=1.1.1.1', 'g=2.2.2.2']\n"
        "    labels: [b=2]\n    networks:\n      back: {aliases: [x]}\n    cap_add: [NET_ADMIN, SYS_TIME]\n",
    )
    svc = service(load(tmp_path, "a.yaml", "b.yaml"), "a")
    assert svc["user"] == "app"  # a null override keeps the base
    assert dict(svc["logging"]["options"]) == {"max-size": "10m", "max-file": "3"}  # same driver: merged
    assert list(svc["healthcheck"]["test"]) == ["CMD", "second"] and svc["healthcheck"]["interval"] == "10s"
    assert list(svc["extra_hosts"]) == ["h=1.1.1.1", "g=2.2.2.2"]  # appended, exact duplicates dropped
    assert dict(svc["labels"]) == {"a": "1", "b": "2"}
    assert set(svc["networks"]) == {"front", "back"} and list(svc["networks"]["back"]["aliases"]) == ["x"]
    assert list(svc["cap_add"]) == ["NET_ADMIN", "SYS_TIME"]
    assert svc["labels"].value_span("b").path.endswith("b.yaml")


def test_reset_of_one_environment_key_and_type_mismatch(tmp_path: Path) -> None:
    write(
        tmp_path,
        "a.yaml",
        "services:\n  a:\n    image: alpine\n    environment: {A: '1', B: '1'}\n    ports: ['80:80']\n",
    )
    write(tmp_path, "b.yaml", "services:\n  a:\n    environment: {A: !reset null}\n")
    write(tmp_path, "c.yaml", "services:\n  a:\n    ports: '81:81'\n")
    assert dict(service(load(tmp_path, "a.yaml", "b.yaml"), "a")["environment"]) == {"B": "1"}
    found = errors(load(tmp_path, "a.yaml", "c.yaml"), "invalid-config")
    assert [e.message for e in found] == ["cannot override services.a.ports"]
    assert found[0].span is not None and found[0].span.path.endswith("c.yaml")


def test_a_second_yaml_document_is_an_override(tmp_path: Path) -> None:
    write(
        tmp_path,
        "compose.yaml",
        "services:\n  a:\n    image: alpine\n    ports: ['80:80']\n---\nservices:\n  a:\n    ports: ['81:81']\n",
    )
    assert [p["published"] for p in service(load(tmp_path), "a")["ports"]] == ["80", "81"]


# --- extends and include ----------------------------------------------------------------------


def test_extends_local_reset_and_override_apply_to_the_base(tmp_path: Path) -> None:
    write(
        tmp_path,
        "compose.yaml",
        "services:\n  base:\n    image: busybox\n    ports: ['80:80']\n    command: run\n    volumes: ['/a:/a']\n"
        "  child:\n    extends: base\n    ports: !reset []\n    command: !reset\n    volumes: !override ['/b:/b']\n",
    )
    child = service(load(tmp_path), "child")
    assert "ports" not in child and "command" not in child
    assert [v["source"] for v in child["volumes"]] == ["/b"]


def test_extends_chain_across_directories_resolves_each_file_relative_to_itself(tmp_path: Path) -> None:
    write(tmp_path, "lib/base.yaml", "services:\n  root:\n    image: hello-world\n    env_file: base.env\n")
    write(tmp_path, "lib/base.env", "FROM=base\n")
    write(
        tmp_path,
        "lib/web/web.yaml",
        "services:\n  web:\n    extends: {file: ../base.yaml, service: root}\n    build: .\n",
    )
    write(
        tmp_path, "compose.yaml", "services:\n  site:\n    extends: {file: lib/web/web.yaml, service: web}\n"
    )
    site = service(load(tmp_path), "site")
    assert site["image"] == "hello-world"
    assert site["build"]["context"] == str(tmp_path / "lib" / "web")
    assert dict(site["environment"]) == {"FROM": "base"}
    assert site.value_span("image").path.endswith("base.yaml")


def test_extends_of_an_unknown_service_is_an_error_at_extends(tmp_path: Path) -> None:
    write(tmp_path, "compose.yaml", "services:\n  a:\n    image: alpine\n    extends: nope\n")
    found = errors(load(tmp_path), "undefined-reference")
    assert found and 'service "nope" not found' in found[0].message
    assert found[0].span is not None and found[0].span.line == 4


def test_include_reads_its_own_dot_env_and_resolves_paths_in_its_directory(tmp_path: Path) -> None:
    write(
        tmp_path,
        "db/compose.yaml",
        "services:\n  db:\n    image: postgres:${PG_TAG}\n    volumes: ['./data:/var/lib/postgresql/data']\n",
    )
    write(tmp_path, "db/.env", "PG_TAG=16\n")
    write(
        tmp_path,
        "compose.yaml",
        "include:\n  - db/compose.yaml\nservices:\n  app:\n    image: app\n    depends_on: [db]\n",
    )
    db = service(load(tmp_path), "db")
    assert db["image"] == "postgres:16"
    assert db["volumes"][0]["source"] == str(tmp_path / "db" / "data")
    assert db.value_span("image").path.endswith("db/compose.yaml")


def test_include_conflicting_with_a_local_service_is_an_error(tmp_path: Path) -> None:
    write(tmp_path, "db/compose.yaml", "services:\n  db:\n    image: postgres\n")
    write(tmp_path, "compose.yaml", "include:\n  - db/compose.yaml\nservices:\n  db:\n    image: mysql\n")
    found = errors(load(tmp_path), "invalid-config")
    assert [e.message for e in found] == ["services.db conflicts with imported resource"]
    assert found[0].span is not None and (found[0].span.line, found[0].span.column) == (2, 5)


# --- profiles and names -----------------------------------------------------------------------


def test_star_profile_enables_everything(tmp_path: Path) -> None:
    write(tmp_path, "compose.yaml", "services:\n  a:\n    image: a\n    profiles: [x]\n  b:\n    image: b\n")
    assert set(load(tmp_path, profiles=("*",)).model["services"]) == {"a", "b"}  # type: ignore[index]
    assert set(load(tmp_path, profiles=("y",)).model["services"]) == {"b"}  # type: ignore[index]


@pytest.mark.parametrize(
    ("yaml_name", "environ", "message", "position"),
    [
        # At the `name:` value that interpolates to nothing.
        ("name: ${UNSET}\n", {}, "project name must not be empty", (1, 7)),
        ("", {"COMPOSE_PROJECT_NAME": "My_Project"}, 'invalid project name "My_Project"', (1, 1)),
    ],
)
def test_bad_project_names(
    tmp_path: Path, yaml_name: str, environ: dict[str, str], message: str, position: tuple[int, int]
) -> None:
    write(tmp_path, "compose.yaml", yaml_name + "services:\n  a:\n    image: alpine\n")
    found = [e for e in errors(load(tmp_path, environ=environ), "invalid-config") if message in e.message]
    assert [(e.span.line, e.span.column) for e in found if e.span is not None] == [position]


def test_project_name_is_interpolated_and_usable_in_values(tmp_path: Path) -> None:
    write(
        tmp_path,
        "compose.yaml",
        "name: shop-${ENV}\nservices:\n  a:\n    image: alpine\n    container_name: ${COMPOSE_PROJECT_NAME}-a\n",
    )
    loaded = load(tmp_path, environ={"ENV": "Prod"})
    assert loaded.name == "shop-prod" and service(loaded, "a")["container_name"] == "shop-prod-a"


# --- normalization ----------------------------------------------------------------------------


def test_default_network_only_for_services_without_network_mode(tmp_path: Path) -> None:
    write(
        tmp_path,
        "compose.yaml",
        "services:\n  host:\n    image: a\n    network_mode: host\n  empty:\n    image: b\n    networks: []\n"
        "networks:\n  unused: {}\n",
    )
    loaded = load(tmp_path)
    assert "networks" not in service(loaded, "host")
    assert list(service(loaded, "empty")["networks"]) == ["default"]
    assert loaded.model["networks"]["default"]["name"] == f"{tmp_path.name.lower()}_default"  # type: ignore[index]


# --- values Compose decodes after loading -----------------------------------------------------


def test_command_strings_split_as_compose_does(tmp_path: Path) -> None:
    write(
        tmp_path,
        "compose.yaml",
        "services:\n  a:\n    image: alpine\n    command: sh -c \"echo 'a b'\" && echo lost\n"
        '    entrypoint: echo "unterminated\n',
    )
    loaded = load(tmp_path)
    # go-shellwords stops at the first unquoted &&, ;, |, < or >: Compose drops the rest silently.
    assert list(service(loaded, "a")["command"]) == ["sh", "-c", "echo 'a b'"]
    found = errors(loaded, "invalid-config")
    assert [e.message for e in found] == ["services.a.entrypoint: invalid command line string"]
    assert found[0].span is not None and found[0].span.line == 5


@pytest.mark.parametrize(
    ("line", "kind", "message"),
    [
        ("stop_grace_period: 1x", "invalid-config", 'services.a.stop_grace_period: time: unknown unit "x"'),
        ("mem_limit: 1q", "invalid-config", "services.a.mem_limit: invalid suffix: 'q'"),
        (
            "environment: ['A =1']",
            "invalid-config",
            "environment variable A  is declared with a trailing space",
        ),
        ("devices: ['/a:/b:rwm:x']", "invalid-config", "confusing device mapping"),
        ("extra_hosts: [nohost]", "invalid-config", "invalid additional host, missing IP: nohost"),
        ("ports: [80.5]", "invalid-port-spec", "invalid type float64 for port"),
        ("ports: [{published: '80'}]", "invalid-port-spec", "services.a.ports[0]: missing target"),
    ],
)
def test_values_compose_cannot_decode(tmp_path: Path, line: str, kind: str, message: str) -> None:
    write(tmp_path, "compose.yaml", f"services:\n  a:\n    image: alpine\n    {line}\n")
    found = errors(load(tmp_path), kind)
    assert len(found) == 1 and message in found[0].message, [str(e) for e in load(tmp_path).errors]
    assert found[0].span is not None and found[0].span.line == 4


def test_decoded_shapes_of_typed_fields(tmp_path: Path) -> None:
    write(
        tmp_path,
        "compose.yaml",
        "services:\n  a:\n    image: alpine\n    labels: {empty: }\n    sysctls: [net.core.somaxconn]\n"
        "    extra_hosts: ['db:10.0.0.2', 'v6=[::1]']\n    devices: ['/dev/sda:']\n    gpus: all\n"
        "    volumes: [{type: bind, source: '${UNSET}', target: /x}]\n"
        "    develop:\n      watch: [{path: ./src, action: sync, target: /app, ignore: node_modules}]\n",
    )
    svc = service(load(tmp_path), "a")
    assert dict(svc["labels"]) == {"empty": ""} and dict(svc["sysctls"]) == {"net.core.somaxconn": ""}
    assert list(svc["extra_hosts"]) == ["db=10.0.0.2", "v6=::1"]
    assert svc["devices"][0]["target"] == "/dev/sda"
    assert svc["gpus"][0]["count"] == "all"
    # An empty bind source is the project directory for Compose (not an error).
    assert svc["volumes"][0]["source"] == str(tmp_path)
    assert svc["develop"]["watch"][0]["path"] == str(tmp_path / "src")
    assert list(svc["develop"]["watch"][0]["ignore"]) == ["node_modules"]
