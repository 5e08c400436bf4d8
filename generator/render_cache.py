"""Pages kept between builds: ``<site>/.gongkai-cache/pages.bin``.

After a build, each page that ``Renderer.inputs`` describes (item pages and list pages) is
recorded with the digest of everything it shows.  The next build into the same folder puts such a
page in place unrendered (a hard link to the file the last build wrote) when its digest is the
same and the file is still the one the last build recorded (size and modification time in the
build record); every other page is rendered.  The record is signed like the item store and bound
to the last build's fingerprint, so a record of another build, machine or output is ignored.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from pathlib import Path

from .cache import CACHE_DIR, LastBuild
from .load_cache import signed, verified
from .output import Staging, write_atomic

STORE = "pages.bin"


def save_pages(site_dir: Path, build: str, inputs: Mapping[str, str]) -> None:
    """Record the pages of the build with fingerprint ``build``; failing to is not an error."""
    data = signed(json.dumps({"build": build, "inputs": dict(inputs)}, sort_keys=True).encode("utf-8"))
    if data is None:
        return
    try:
        (site_dir / CACHE_DIR).mkdir(exist_ok=True)
        write_atomic(site_dir / CACHE_DIR / STORE, data)
    except OSError:
        pass


def _read(site_dir: Path, last: LastBuild) -> dict[str, str]:
    try:
        body = verified((site_dir / CACHE_DIR / STORE).read_bytes())
        record = json.loads(body) if body is not None else {}
        if record.get("build") != last.fingerprint:
            return {}
        return {str(path): str(digest) for path, digest in record["inputs"].items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def page_reuse(site_dir: Path, out: Path, last: LastBuild | None, staging: Staging) -> Callable[[str, str], bool] | None:
    """``reuse(path, digest)`` for ``render_site``: links the last build's page into ``staging``
    when it was rendered from inputs of that digest and is unchanged since; None when the last
    build wrote elsewhere or kept no record."""
    if last is None or last.out_dir != str(out.resolve()):
        return None
    kept = _read(site_dir, last)
    if not kept:
        return None

    def reuse(path: str, digest: str) -> bool:
        if kept.get(path) != digest or path not in last.manifest:
            return False
        try:
            st = os.stat(out / path)
        except OSError:
            return False
        if (st.st_size, st.st_mtime_ns) != last.manifest[path]:
            return False
        staging.link(out / path, path)
        return True

    return reuse
