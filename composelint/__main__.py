from __future__ import annotations

from composelint.cli import main

raise SystemExit(main())
