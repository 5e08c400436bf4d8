"""Problems found in a site's content, and the one error type that carries them.

Every stage collects ``Problem`` values instead of raising on the first mistake, so that
a clerk sees every problem of the site in one run.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from .identifiers import redact

# Characters that would steer a terminal or reorder a line instead of being seen: C0 and C1
# controls (ESC among them), line breaks, bidirectional overrides and isolates, zero-width marks.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")


def printable(text: str) -> str:
    """``text`` with every control, line-break or direction character shown as ``[U+XXXX]``, so
    that a value echoed in a message can neither steer a terminal nor break a ``file:line`` line."""
    return _UNPRINTABLE.sub(lambda m: f"[U+{ord(m.group()):04X}]", text)


class Level(enum.Enum):
    """How serious a problem is: errors stop a build, warnings do not."""

    ERROR = "错误"
    WARNING = "警告"


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in one file, at one line (1-based; 0 when the file as a whole is meant, printed as 1)."""

    path: str
    line: int
    level: Level
    field: str
    message: str
    rule: str = ""
    # The site file whose own error causes this one (an interpretation whose document did not
    # load): the problem is listed after its cause and says so.
    cause: str = ""

    def __post_init__(self) -> None:
        # The one place every message passes: the terminal, JSON and the preview all print these.
        # No message may carry a full ID, card or mobile number, whatever produced it.
        object.__setattr__(self, "message", printable(redact(self.message)))
        object.__setattr__(self, "field", printable(self.field))
        object.__setattr__(self, "path", printable(self.path))

    @property
    def family(self) -> str:
        """The rule family (``privacy``, ``links`` …); ``format`` for problems of the content format."""
        return self.rule.split("/", 1)[0] if self.rule else "format"

    @property
    def file(self) -> str:
        """The file as every output shows it: relative to the site folder (``content/政策文件/a.md``)."""
        return site_path(self.path)

    def format(self) -> str:
        """``file:line: 错误 [field] message`` — the form every command prints."""
        where = f"{self.file}:{max(self.line, 1)}"
        field = f" [{self.field}]" if self.field else ""
        return f"{where}: {self.level.value}{field} {self.message}"


# Top-level folders of a site: a problem's path that starts with one is already site-relative;
# any other path is an item's or attachment's, relative to content/.
_SITE_FOLDERS = ("content/", "themes/")


def site_path(path: str) -> str:
    """``path`` relative to the site folder: item paths are kept relative to ``content/`` inside
    the pipeline (references and URLs are resolved from them) and completed here, for display."""
    if not path or path == "content" or path.startswith(_SITE_FOLDERS):
        return path
    return f"content/{path}"


def error(path: str, line: int, field: str, message: str, rule: str = "", cause: str = "") -> Problem:
    """Shorthand for an error problem."""
    return Problem(path, line, Level.ERROR, field, message, rule, cause)


def warning(path: str, line: int, field: str, message: str, rule: str = "") -> Problem:
    """Shorthand for a warning problem."""
    return Problem(path, line, Level.WARNING, field, message, rule)


def has_errors(problems: tuple[Problem, ...] | list[Problem]) -> bool:
    """True when any problem is an error."""
    return any(p.level is Level.ERROR for p in problems)


def sort_problems(problems: list[Problem] | tuple[Problem, ...]) -> tuple[Problem, ...]:
    """Problems in the order a clerk should fix them: errors before warnings, an error caused by
    another file's error after the causes, then by file and line."""
    return tuple(
        sorted(
            set(problems),
            key=lambda p: (p.level is Level.WARNING, bool(p.cause), site_path(p.path), p.line, p.field, p.message, p.rule),
        )
    )


class ContentError(Exception):
    """The content has errors; nothing was written. Carries every problem found."""

    def __init__(self, problems: tuple[Problem, ...]) -> None:
        super().__init__(f"{sum(p.level is Level.ERROR for p in problems)} 个错误")
        self.problems = problems


class UsageError(Exception):
    """The command was called wrongly (exit status 2), e.g. an output folder that is not ours."""
