"""What every check rule receives, and the shape of a rule."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ..assemble import PublicItem, Site
from ..extract import Extracted
from ..model import Item, SiteConfig
from ..problems import Problem
from ..report_data import AnnualData

SITE_FILE = "content/_site.yml"
CATALOGUE_FILE = "content/_catalogue.yml"


@dataclass(frozen=True)
class CheckInput:
    """The public site as assembled, the text of its published attachments, and the day of the check.

    ``previous_index`` maps item keys to the 索引号 they had in the last successful build;
    ``annual`` holds the office's annual report data files (never published).
    """

    site: Site
    attachments: tuple[Extracted, ...]
    today: dt.date
    previous_index: dict[str, str]
    annual: tuple[AnnualData, ...] = ()

    def users_of(self, path: str) -> list[PublicItem]:
        """The public items that publish a file (as attachment or body link)."""
        keys = sorted({copy.owner for copy in self.site.files if copy.source == path})
        return [self.site.by_key[key] for key in keys if key in self.site.by_key]


Rule = Callable[[CheckInput], Iterable[Problem]]
ItemRule = Callable[[Item, SiteConfig], Iterable[Problem]]
