"""Seed inputs for fuzz/fuzz_loader.py: each corpus compose file with its `.env`, and small
multi-file projects that use `include`, `extends`, `env_file` and interpolation.

    python fuzz/make_seeds.py fuzz/corpus
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

FILE_SEPARATOR = b"\n#%%FILE%%\n"
# The files one input stands for, in order: cut at each separator.
FILES = ("compose.yaml", ".env", "base.yaml", "included.yaml", "app.env")
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"

PROJECTS = (
    (
        b"include: [included.yaml]\nservices:\n  web:\n    extends: {file: base.yaml, service: app}\n"
        b"    env_file: [app.env]\n    image: ${IMAGE:-nginx}:${TAG:?set TAG}\n"
        b"    ports: ['${PORT:-8080}:80']\n",
        b'IMAGE=nginx\nTAG=1.27\nPORT=${BASE_PORT:-80}80\nexport QUOTED="a\\nb" # comment\n',
        b"services:\n  app:\n    image: example/app:1\n    environment: [A=${A-x}]\n"
        b"    volumes: [./data:/data, db:/var/lib/postgresql/data]\nvolumes:\n  db: {}\n",
        b"services:\n  db:\n    image: postgres:16\n    ports: ['5432:5432']\n    networks: [back]\n"
        b"networks:\n  back: {internal: true}\n",
        b"POSTGRES_PASSWORD=hunter2\nEMPTY=\nSINGLE='x$y'\n",
    ),
    (
        b"services:\n  a:\n    extends: b\n  b:\n    image: x:${V1}\n    command: ['${V2:+on}', '$$HOME']\n",
        b"V0=ab\nV1=${V0}${V0}\nV2=${V1}${V1}\n",
    ),
    (
        b"include:\n  - path: included.yaml\n    env_file: app.env\n    project_directory: .\n"
        b"services:\n  proxy:\n    image: traefik:3\n    ports: ['80:80', '1-3:1-3/udp']\n",
        b"",
        b"",
        b"services:\n  api:\n    image: ${REG}/api\n    depends_on: {proxy: {condition: service_started}}\n",
        b"REG=ghcr.io/acme\n",
    ),
)


def main(out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    seeds = [FILE_SEPARATOR.join(parts) for parts in PROJECTS]
    for compose in sorted(CORPUS.rglob("*compose*.y*ml")) if CORPUS.is_dir() else ():
        env = compose.parent / ".env"
        parts = [compose.read_bytes()] + ([env.read_bytes()] if env.is_file() else [])
        seeds.append(FILE_SEPARATOR.join(parts))
    for seed in seeds:
        (out / hashlib.sha1(seed).hexdigest()).write_bytes(seed)
    print(f"{len(seeds)} seeds in {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "fuzz/corpus")))
