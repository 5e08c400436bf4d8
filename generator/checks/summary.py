"""What an inspection counts of a site, beyond its problems: the figures a county's 政务公开办
reads first (empty and stale columns, days since the home page changed, the annual report and
whether it came by 31 January, the interpretation coverage of 行政规范性文件, privacy findings).
Counts and dates only: nothing of an item's text."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from ..assemble import Site
from ..problems import Problem
from ..report_data import NORMATIVE_CLASS, report_year


def inspection_summary(site: Site, problems: Iterable[Problem], today: dt.date) -> dict[str, Any]:
    """The site's inspection figures as of ``today`` (its problems are the check's)."""
    found = list(problems)
    published = [e.item.published for e in site.items if e.item.published is not None]
    latest = max(published, default=None)
    year = today.year - 1
    reports = sorted(e.item.published for e in site.items if report_year(e.item) == year and e.item.published is not None)
    due = dt.date(year + 1, 1, 31)
    normative = [e for e in site.items if e.item.doc_class == NORMATIVE_CLASS]
    return {
        "columns": {
            "empty": sum(p.rule == "columns/empty" for p in found),
            "stale": sum(p.rule == "columns/stale" for p in found),
        },
        # The home page lists the newest items: it changed when the latest one was published.
        "home_days": (today - latest).days if latest is not None else None,
        "annual_report": {"year": year, "published": reports[0].isoformat() if reports else "", "on_time": bool(reports) and reports[0] <= due},
        "normative_documents": {"published": len(normative), "interpreted": sum(1 for e in normative if e.interpretations)},
        "privacy_findings": sum(p.family == "privacy" for p in found),
    }
