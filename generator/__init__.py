"""gongkai: a static-site generator for township 政府信息公开目录 websites.

Use it from Python::

    from pathlib import Path
    from generator import build_site, check_site

    result = check_site(Path("my-site"))
    build_site(Path("my-site"))
"""

__version__ = "0.1.0"

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .build import BuildResult, CheckResult
    from .features import build_site, check_site
    from .problems import ContentError, Problem, UsageError

__all__ = ["BuildResult", "CheckResult", "ContentError", "Problem", "UsageError", "__version__", "build_site", "check_site"]

# Where each public name lives. They are imported on first use (PEP 562), so that a command
# that needs little, such as a build that finds its output already current, does not pay for
# importing the whole pipeline, jinja2 and markdown-it first.
_HOMES = {"BuildResult": "build", "CheckResult": "build", "build_site": "features", "check_site": "features", "ContentError": "problems", "Problem": "problems", "UsageError": "problems"}


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f".{_HOMES[name]}", __name__), name)
    globals()[name] = value
    return value
