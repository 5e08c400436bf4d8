"""The features, wired into the pipeline: the one module that knows both.

``build_site`` and ``check_site`` here are the pipeline's with every feature's part: the annual
report's national tables and CSVs (``annual/``), the search bundle, its 文号/索引号 lookups and
synonym table (``search/``). The command line, the preview and the public API use these.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from . import build as pipeline
from .annual.page import national_body, report_outputs
from .discover import SiteFiles
from .extensions import Extensions
from .search.ids import search_ids
from .search.index import build_index
from .search.synonyms import synonyms_output

EXTENSIONS = Extensions(body=national_body, outputs=(search_ids, synonyms_output, report_outputs), index=build_index)


def check_site(
    site_dir: Path,
    base_url: str | None = None,
    progress: pipeline.Progress | None = None,
    files: SiteFiles | None = None,
    today: dt.date | None = None,
) -> pipeline.CheckResult:
    """``build.check_site`` with every feature."""
    return pipeline.check_site(site_dir, base_url, progress, files, today, EXTENSIONS)


def build_site(
    site_dir: Path,
    out_dir: Path | None = None,
    base_url: str | None = None,
    progress: pipeline.Progress | None = None,
    strict: bool = False,
    search: bool = True,
    today: dt.date | None = None,
) -> pipeline.BuildResult:
    """``build.build_site`` with every feature."""
    return pipeline.build_site(site_dir, out_dir, base_url, progress, strict, search, today, EXTENSIONS)
