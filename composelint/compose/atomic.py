"""Writing a file without ever leaving half of it behind: reports, baselines, the schema cache.

The text goes to a temporary file beside the target, is flushed to disk, and replaces the target in
one rename: killed at any moment, or out of disk space, the previous file is still whole, and the
temporary file is removed whenever the process can still do so.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile


def write_atomically(path: str, data: str | bytes) -> None:
    """Replace ``path`` with ``data`` (text as UTF-8); raises ``OSError`` with the target intact."""
    directory = os.path.dirname(os.path.abspath(path))
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    fd, temporary = tempfile.mkstemp(dir=directory, prefix=f".{os.path.basename(path)}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data.encode("utf-8") if isinstance(data, str) else data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, mode)  # mkstemp makes it private; the report keeps the usual mode
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
