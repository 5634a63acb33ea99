"""Runs a script of ``examples/`` as a user would: a fresh Python process with warnings as
errors; it must exit 0 with nothing on stderr. Its output is returned."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def run_example(script: str | Path, *args: object, timeout: float = 600) -> str:
    """The stdout of ``python -W error EXAMPLES/script args...`` (``script`` relative to
    ``examples/``, or a path)."""
    proc = subprocess.run(
        [sys.executable, "-W", "error", str(EXAMPLES / script), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    return proc.stdout
