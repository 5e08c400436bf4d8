"""What the pipeline's runs return: each stage's timing, a check's problems, a build's output."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .model import Item
from .problems import Problem, has_errors

if TYPE_CHECKING:
    from .assemble import Site
    from .extract import Extracted


@dataclass(frozen=True)
class Stage:
    """What one stage did: a name, a count and the seconds it took."""

    name: str
    count: int
    unit: str
    seconds: float


Progress = Callable[[Stage], None]


@dataclass(frozen=True)
class CheckResult:
    """Every problem of a site, and the public site when there were no errors."""

    problems: tuple[Problem, ...]
    site: Site | None
    items: tuple[Item, ...]
    stages: tuple[Stage, ...]
    digests: tuple[tuple[str, str], ...] = ()
    texts: tuple[Extracted, ...] = ()

    @property
    def ok(self) -> bool:
        """True when nothing blocks a build."""
        return not has_errors(self.problems)


@dataclass(frozen=True)
class BuildResult:
    """What a successful build wrote (``up_to_date``: nothing changed, the output was kept)."""

    check: CheckResult
    out_dir: Path
    pages: int
    files: int
    bytes_written: int
    stages: tuple[Stage, ...]
    public_items: int
    withheld_items: int
    up_to_date: bool = False


class Timer:
    """Times consecutive stages and reports each to ``progress`` as it ends."""

    def __init__(self, progress: Progress | None) -> None:
        self.progress = progress
        self.stages: list[Stage] = []
        self.start = time.perf_counter()

    def done(self, name: str, count: int, unit: str) -> None:
        now = time.perf_counter()
        stage = Stage(name, count, unit, now - self.start)
        self.start = now
        self.stages.append(stage)
        if self.progress is not None:
            self.progress(stage)
