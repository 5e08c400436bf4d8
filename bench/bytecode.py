"""Bytecode for gongkai's modules before a benchmark times its commands.

An installed gongkai has its modules compiled (pip compiles a wheel's modules when it installs
them; an editable install writes ``__pycache__`` on its first run). This machine sets
``PYTHONDONTWRITEBYTECODE``, so without this every timed ``python -m generator`` would compile
gongkai's source again first, which no user's command does. Python still reads the files written
here; the variable stops it only from writing them.
"""

from __future__ import annotations

import compileall
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "generator"


def precompile() -> None:
    """Write the bytecode of every module of the ``generator`` package (a no-op when it is current)."""
    if not compileall.compile_dir(str(PACKAGE), quiet=1):
        raise SystemExit("compileall failed on generator/")
