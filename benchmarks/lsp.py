"""How fast `composelint server` answers an edit: didChange -> publishDiagnostics, warm server.

    python benchmarks/lsp.py                  # 40-service project, 50 edits
    python benchmarks/lsp.py --services 100 --edits 200

A project of N services (a proxy, apps, databases, networks, an override file and a `.env`) is
opened; then one service's image tag is changed N times, unsaved, and the time from each
didChange to the diagnostics of that file is measured (debounce included, as an editor sees it).
Prints the median and the 95th percentile.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.lspclient import Client  # noqa: E402 - the test client is the benchmark's client


def project(directory: Path, services: int) -> str:
    lines = ["name: bench", "services:", "  proxy:", "    image: traefik:v3.1", '    ports: ["443:443"]']
    lines.append("    networks: [public, backend]")
    for index in range(services - 1):
        if index % 4 == 0:
            lines += [f"  db-{index}:", "    image: postgres:16.4", "    networks: [backend]"]
            lines += ["    volumes:", f"      - data-{index}:/var/lib/postgresql/data"]
        else:
            lines += [
                f"  app-{index}:",
                f"    image: example/app-{index}:1.0.{index}",
                "    networks: [backend]",
            ]
            lines += [
                "    environment:",
                f"      DATABASE_URL: postgres://app@db-{index - index % 4}:5432/app",
            ]
            lines += [f'    ports: ["127.0.0.1:{9000 + index}:8080"]']
    lines += ["networks:", "  public: {}", "  backend: {}", "volumes:"]
    lines += [f"  data-{i}: {{}}" for i in range(0, services - 1, 4)]
    text = "\n".join(lines) + "\n"
    (directory / "compose.yaml").write_text(text)
    (directory / "compose.override.yaml").write_text(
        "services:\n  proxy:\n    environment:\n      TZ: ${TZ}\n"
    )
    (directory / ".env").write_text("TZ=UTC\n")
    (directory / ".git").mkdir()
    return text


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--services", type=int, default=40)
    parser.add_argument("--edits", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        directory = Path(name)
        text = project(directory, args.services)
        client = Client(directory, env={"COMPOSELINT_CACHE_DIR": str(directory / ".cache")})
        client.initialize(directory)
        uri = client.open(directory / "compose.yaml")
        client.diagnostics(uri)
        client.settle()
        times = []
        for edit in range(args.edits):
            changed = text.replace("example/app-1:1.0.1", f"example/app-1:1.0.{edit + 100}")
            start = time.perf_counter()
            client.change(uri, changed, edit + 2)
            client.diagnostics(uri)
            times.append((time.perf_counter() - start) * 1000)
            client.settle(0.05)
        client.close()
    times.sort()
    p95 = times[min(len(times) - 1, int(0.95 * len(times)))]
    print(
        f"{args.services} services, {args.edits} edits: didChange -> publishDiagnostics "
        f"median {statistics.median(times):.0f} ms, p95 {p95:.0f} ms (debounce included)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
