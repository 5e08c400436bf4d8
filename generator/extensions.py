"""What the features add to the pipeline, which imports none of them.

The pipeline stages take an ``Extensions`` value and call it at fixed points: ``generator/features.py``
(the one module that knows the features) builds the value that ``build``, ``check`` and the
preview all use. A missing extension fails closed: without ``index`` the build stamp says the
site has no search, and ``deploy`` refuses it.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from .assemble import Site
    from .model import Item


class IndexReport(Protocol):
    """What a search index reports: the pages and words it holds, in how many shards, how many
    of those were indexed afresh (the others were kept from an earlier run), and how many pages
    were read for it (a rebuilt shard's unchanged pages are not)."""

    @property
    def pages(self) -> int: ...

    @property
    def words(self) -> int: ...

    @property
    def shards(self) -> int: ...

    @property
    def rebuilt(self) -> int: ...

    @property
    def indexed(self) -> int: ...


class Indexer(Protocol):
    """Writes the search bundle of a finished output folder (into ``output`` when given: the
    preview's background re-index); must hold exactly the public item pages ``pages`` (output
    path → publication day); may keep and reuse its work in ``cache``; stops, raising, soon
    after ``cancel`` is set."""

    def __call__(self, site_root: Path, pages: Mapping[str, dt.date | None], output: Path | None = None, cache: Path | None = None, cancel: threading.Event | None = None) -> IndexReport: ...


@dataclass(frozen=True)
class Extensions:
    """``body``: an item's finished body HTML, given the item, the rendered Markdown and whether the
    site files its items in folders (``urls.item_dir``): the annual report's tables in the national
    layout; ``outputs``: files added to the exports, each a
    function of the public site; ``index``: the search bundle written into a finished output
    folder (the folder, the public item pages it must hold, the cache folder it may use)."""

    body: Callable[[Item, str, bool], str] | None = None
    outputs: tuple[Callable[[Site], list[tuple[str, bytes]]], ...] = ()
    index: Indexer | None = None


NO_EXTENSIONS = Extensions()
