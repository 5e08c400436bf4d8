"""``gongkai county check``: the inspection as the county runs it, member by member.

Each member is checked by ``gongkai check --format json`` in a process of its own, so that its
numbers are exactly the ones the member sees; the county's report is made of those reports alone
(counts per rule family, the single-veto findings, the inspection figures of ``checks.summary``,
public items and the latest publication day),
never of a member's items, so no withheld title or personal data can reach it.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from ..workers import cpu_count
from .config import Member, load_county

SCHEMA = "gongkai-county/1"
VETO_RULE = "columns/veto"


def check_member(member: Member, today: dt.date | None) -> dict[str, Any]:
    """One member's line of the county report, from its own ``gongkai check --format json``."""
    if not (member.path / "content").is_dir():
        return _failed(member, f"站点文件夹 {member.path} 不存在或其中没有 content 文件夹")
    command = [sys.executable, "-m", "generator", "check", str(member.path), "--format", "json"]
    if today is not None:
        command += ["--today", today.isoformat()]
    done = subprocess.run(command, capture_output=True, text=True, check=False, stdin=subprocess.DEVNULL)
    try:
        report = json.loads(done.stdout)
        if not isinstance(report, dict) or report.get("schema") != "gongkai-check/1":
            raise ValueError(report)
    except ValueError:
        last = (done.stderr or done.stdout).strip().splitlines()
        return _failed(member, last[-1] if last else "检查未能完成")
    problems = report.get("problems", [])
    return {
        "id": member.id,
        "name": member.name,
        "ok": bool(report.get("ok")),
        "errors": int(report.get("errors", 0)),
        "warnings": int(report.get("warnings", 0)),
        "families": report.get("families", {}),
        # The veto findings are the site's own columns rule messages: counts and column names only.
        "veto": [p["message"] for p in problems if p.get("rule") == VETO_RULE],
        "public_items": int(report.get("public_items", 0)),
        "latest_published": str(report.get("latest_published", "")),
        "inspection": report.get("inspection"),
    }


def _failed(member: Member, why: str) -> dict[str, Any]:
    """The line of a member whose check could not run: one error, and why."""
    return {"id": member.id, "name": member.name, "ok": False, "errors": 1, "warnings": 0, "families": {}, "veto": [], "public_items": 0, "latest_published": "", "inspection": None, "failure": why}


def inspect_county(folder: Path, jobs: int | None = None, today: dt.date | None = None) -> dict[str, Any]:
    """The county report (``SCHEMA``) of every member of the county in ``folder``."""
    county = load_county(folder)
    with ThreadPoolExecutor(max_workers=max(1, jobs or cpu_count())) as pool:
        members = list(pool.map(lambda m: check_member(m, today), county.members))
    return {"schema": SCHEMA, "county": county.name, "today": (today or dt.date.today()).isoformat(), "members": members}
