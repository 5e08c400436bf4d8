"""gongkai: a static-site generator for township 政府信息公开目录 websites.

Use it from Python::

    from pathlib import Path
    from generator import build_site, check_site

    result = check_site(Path("my-site"))
    build_site(Path("my-site"))
"""

__version__ = "0.1.0"

from .build import BuildResult, CheckResult
from .features import build_site, check_site
from .problems import ContentError, Problem, UsageError

__all__ = ["BuildResult", "CheckResult", "ContentError", "Problem", "UsageError", "__version__", "build_site", "check_site"]
