"""The features, wired into the pipeline: the one module that knows both.

``build_site`` and ``check_site`` here are the pipeline's with every feature's part: the annual
report's national tables and CSVs (``annual/``), the search bundle, its 文号/索引号 lookups and
synonym table (``search/``). The command line, the preview and the public API use these.
"""

from __future__ import annotations

import functools

from . import build as pipeline
from .annual.page import national_body, report_outputs
from .extensions import Extensions
from .search.ids import search_ids
from .search.index import build_index
from .search.synonyms import synonyms_output

EXTENSIONS = Extensions(body=national_body, outputs=(search_ids, synonyms_output, report_outputs), index=build_index)


# The pipeline's own functions with every feature's part: one signature to keep, the pipeline's.
check_site = functools.partial(pipeline.check_site, extensions=EXTENSIONS)
build_site = functools.partial(pipeline.build_site, extensions=EXTENSIONS)
check_site.__doc__, build_site.__doc__ = pipeline.check_site.__doc__, pipeline.build_site.__doc__  # help() as for the originals
