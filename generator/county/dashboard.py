"""The county's inspection dashboard: a static page of the county report, for the county office.

``gongkai county check --out DIR`` writes ``DIR/index.html`` (charts drawn here as SVG, nothing
loaded from elsewhere; a table a person can sort, which is complete without JavaScript), and the
same numbers as ``county-check.json`` and ``county-check.csv``.  It is made of the county report
alone (``inspect``): counts, days and the columns rule's own veto findings, never an item's title
or a person's data.  It goes to a folder of its own: the command refuses a folder inside a public
build.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
from pathlib import Path
from typing import Any

from ..checks import FAMILIES
from ..output import write_atomic

_BAR = 18  # the height of one bar, in SVG units
_LABEL = 190  # the width left for a member's name
_WIDTH = 640
_ERROR, _WARNING, _DAYS = "#b3261e", "#8a5a00", "#1d4f91"


def rows(report: dict[str, Any]) -> list[dict[str, Any]]:
    """One flat row per member: what the table, the CSV and the charts show."""
    last_year = dt.date.fromisoformat(report["today"]).year - 1
    found = []
    for member in report["members"]:
        row: dict[str, Any] = {
            "id": member["id"],
            "name": member["name"],
            "ok": member["ok"],
            "errors": member["errors"],
            "warnings": member["warnings"],
            "veto": len(member["veto"]),
            "public_items": member["public_items"],
            "latest_published": member["latest_published"],
        }
        facts = member.get("inspection") or {}
        annual = facts.get("annual_report") or {}
        normative = facts.get("normative_documents") or {}
        row.update({
            # The member's own check counted them (home_days: since its newest item, which its home page lists).
            "days_since_latest": facts.get("home_days"),
            "empty_columns": (facts.get("columns") or {}).get("empty"),
            "stale_columns": (facts.get("columns") or {}).get("stale"),
            "annual_year": annual.get("year", last_year),
            "annual_published": annual.get("published", ""),
            "annual_on_time": annual.get("on_time", False),
            "normative": normative.get("published"),
            "interpreted": normative.get("interpreted"),
            "privacy_findings": facts.get("privacy_findings"),
        })
        for family in FAMILIES:
            counts = member["families"].get(family, {})
            row[f"{family}_errors"] = counts.get("errors", 0)
            row[f"{family}_warnings"] = counts.get("warnings", 0)
        found.append(row)
    return found


def _blank(value: Any) -> Any:
    return "" if value is None else value


def _annual(row: dict[str, Any]) -> str:
    if not row["annual_published"]:
        return f"{row['annual_year']}年：未发布"
    return f"{row['annual_year']}年：{row['annual_published']}（{'按时' if row['annual_on_time'] else '晚于1月31日'}）"


def _coverage(row: dict[str, Any]) -> str:
    if not row["normative"]:
        return "无"
    return f"{row['interpreted']}/{row['normative']}"


def _csv(found: list[dict[str, Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    headings = ["单位标识", "单位名称", "通过", "错误", "警告", "单项否决", "主动公开条数", "最近发布日期", "距最近发布天数", "空白栏目", "超期未更新栏目", "年度报告发布日期", "年度报告按时", "行政规范性文件", "其中已解读", "个人信息问题"]
    headings += [f"{label}{kind}" for label in FAMILIES.values() for kind in ("错误", "警告")]
    writer.writerow(headings)
    for row in found:
        cells = [row["id"], row["name"], "是" if row["ok"] else "否", row["errors"], row["warnings"], row["veto"], row["public_items"], row["latest_published"], "" if row["days_since_latest"] is None else row["days_since_latest"]]
        cells += [_blank(row["empty_columns"]), _blank(row["stale_columns"]), row["annual_published"], "是" if row["annual_on_time"] else "否", _blank(row["normative"]), _blank(row["interpreted"]), _blank(row["privacy_findings"])]
        cells += [row[f"{family}_{kind}"] for family in FAMILIES for kind in ("errors", "warnings")]
        writer.writerow(cells)
    return b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")


def _bars(ident: str, title: str, desc: str, found: list[dict[str, Any]], parts: list[tuple[str, str, str]], unit: str) -> str:
    """A horizontal bar chart, one bar per member, each of ``parts`` (key, label, colour) stacked."""
    top = max((sum(row[key] or 0 for key, _, _ in parts) for row in found), default=0) or 1
    scale = (_WIDTH - _LABEL - 60) / top
    height = len(found) * (_BAR + 8) + 36
    esc = html.escape
    out = [f'<svg class="chart" viewBox="0 0 {_WIDTH} {height}" width="100%" role="img" aria-labelledby="{ident}-t {ident}-d">']
    out.append(f'<title id="{ident}-t">{esc(title)}</title><desc id="{ident}-d">{esc(desc)}</desc>')
    for n, row in enumerate(found):
        y = 8 + n * (_BAR + 8)
        out.append(f'<text x="{_LABEL - 8}" y="{y + _BAR - 5}" text-anchor="end">{esc(row["name"])}</text>')
        x = float(_LABEL)
        for key, _label, colour in parts:
            value = row[key] or 0
            if value:
                out.append(f'<rect x="{x:.1f}" y="{y}" width="{value * scale:.1f}" height="{_BAR}" fill="{colour}"></rect>')
                x += value * scale
        total = sum(row[key] or 0 for key, _, _ in parts)
        shown = "无数据" if all(row[key] is None for key, _, _ in parts) else f"{total} {unit}"
        out.append(f'<text x="{x + 6:.1f}" y="{y + _BAR - 5}">{esc(shown)}</text>')
    legend_y = height - 12
    x = _LABEL
    for _key, label, colour in parts:
        out.append(f'<rect x="{x}" y="{legend_y - 10}" width="12" height="12" fill="{colour}"></rect><text x="{x + 16}" y="{legend_y}">{esc(label)}</text>')
        x += 16 + 14 * len(label) + 24
    out.append("</svg>")
    return "\n".join(out)


_SORT_SCRIPT = """
// Each column heading sorts the table by that column (again: the other way round).
for (const button of document.querySelectorAll("th button[data-column]")) {
  button.addEventListener("click", () => {
    const th = button.closest("th"), table = th.closest("table"), body = table.tBodies[0];
    const column = Number(button.dataset.column), numeric = button.dataset.numeric === "1";
    const ascending = th.getAttribute("aria-sort") !== "ascending";
    for (const other of table.querySelectorAll("th[aria-sort]")) other.removeAttribute("aria-sort");
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    const key = (tr) => { const text = tr.cells[column].dataset.value ?? tr.cells[column].textContent; return numeric ? Number(text === "" ? Infinity : text) : text; };
    const sorted = [...body.rows].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0) * (ascending ? 1 : -1));
    body.append(...sorted);
  });
}
"""

_STYLE = """
body { font-family: "Noto Sans CJK SC", "WenQuanYi Micro Hei", sans-serif; margin: 0; color: #1a1a1a; background: #fff; line-height: 1.6; }
main { max-width: 1100px; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.2rem; margin-top: 2rem; }
.chart text { font-size: 13px; fill: #1a1a1a; }
table { border-collapse: collapse; width: 100%; font-size: 0.95rem; }
th, td { border: 1px solid #767676; padding: 0.3rem 0.5rem; text-align: left; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
th button { font: inherit; font-weight: bold; background: none; border: 0; padding: 0.2rem; cursor: pointer; color: #003a8c; text-decoration: underline; min-height: 36px; }
th button:focus-visible { outline: 3px solid #003a8c; }
.bad { color: #b3261e; font-weight: bold; } .good { color: #1e6b2e; }
.downloads a { margin-right: 1.5rem; color: #003a8c; }
"""


def page(report: dict[str, Any]) -> str:
    """The dashboard's HTML."""
    found = rows(report)
    esc = html.escape
    total_errors = sum(r["errors"] for r in found)
    failing = [r["name"] for r in found if not r["ok"]]
    vetoed = [r["name"] for r in found if r["veto"]]
    columns = [
        ("单位", False), ("通过", False), ("错误", True), ("警告", True), ("单项否决", True), ("空白栏目", True), ("超期未更新栏目", True),
        ("首页未更新天数", True), ("主动公开", True), ("最近发布", False), ("年度报告", False), ("规范性文件解读", False), ("个人信息问题", True),
    ]
    head = "".join(f'<th scope="col"><button type="button" data-column="{n}" data-numeric="{1 if numeric else 0}">{esc(label)}</button></th>' for n, (label, numeric) in enumerate(columns))
    body = []
    for r in found:
        days = "" if r["days_since_latest"] is None else str(r["days_since_latest"])
        body.append(
            "<tr>"
            f'<th scope="row">{esc(r["name"])}（{esc(r["id"])}）</th>'
            f'<td class="{"good" if r["ok"] else "bad"}">{"是" if r["ok"] else "否"}</td>'
            f'<td class="n">{r["errors"]}</td><td class="n">{r["warnings"]}</td><td class="n">{r["veto"]}</td>'
            f'<td class="n">{_blank(r["empty_columns"])}</td><td class="n">{_blank(r["stale_columns"])}</td><td class="n" data-value="{days}">{days or "无"}</td>'
            f'<td class="n">{r["public_items"]}</td><td>{esc(r["latest_published"] or "无")}</td>'
            f'<td class="{"good" if r["annual_on_time"] else "bad"}">{esc(_annual(r))}</td><td>{esc(_coverage(r))}</td><td class="n">{_blank(r["privacy_findings"])}</td>'
            "</tr>"
        )
    families = "".join(
        f"<tr><th scope=\"row\">{esc(label)}</th>" + "".join(f'<td class="n">{r[f"{family}_errors"]} / {r[f"{family}_warnings"]}</td>' for r in found) + "</tr>" for family, label in FAMILIES.items()
    )
    vetoes = "".join(f"<li><strong>{esc(m['name'])}</strong>：{esc(v)}</li>" for m in report["members"] for v in m["veto"]) or "<li>没有单位达到单项否决标准。</li>"
    problems_chart = _bars("problems", "各单位问题数", "每个单位的错误数和警告数：" + "；".join(f"{r['name']} {r['errors']} 个错误、{r['warnings']} 个警告" for r in found), found, [("errors", "错误", _ERROR), ("warnings", "警告", _WARNING)], "个")
    days_chart = _bars("days", "距最近发布天数", "每个单位最近一次发布距今的天数：" + "；".join(f"{r['name']} {r['days_since_latest'] if r['days_since_latest'] is not None else '无发布'}" for r in found), found, [("days_since_latest", "距今天数", _DAYS)], "天")
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>政务公开检查 - {esc(report["county"])}</title>
<style>{_STYLE}</style>
</head>
<body>
<main>
<h1>{esc(report["county"])}政务公开检查</h1>
<p>检查日期 {esc(report["today"])}，共 {len(found)} 个单位；{len(failing)} 个单位有错误（共 {total_errors} 个）{("：" + esc("、".join(failing))) if failing else ""}；{len(vetoed)} 个单位达到单项否决标准。本页只含计数，不含任何非公开信息，供县政务公开办内部使用，请勿发布到公开网站。</p>
<p class="downloads"><a href="county-check.csv" download>下载表格（CSV）</a><a href="county-check.json" download>下载数据（JSON）</a></p>
<h2 id="summary-heading">各单位情况</h2>
<table aria-labelledby="summary-heading">
<thead><tr>{head}</tr></thead>
<tbody>
{chr(10).join(body)}
</tbody>
</table>
<h2>问题数</h2>
{problems_chart}
<h2>更新情况</h2>
{days_chart}
<h2 id="families-heading">按规则类别（错误 / 警告）</h2>
<table aria-labelledby="families-heading">
<thead><tr><th scope="col">规则类别</th>{"".join(f'<th scope="col">{esc(r["name"])}</th>' for r in found)}</tr></thead>
<tbody>{families}</tbody>
</table>
<h2>单项否决</h2>
<ul>{vetoes}</ul>
</main>
<script>{_SORT_SCRIPT}</script>
</body>
</html>
"""


def refusal(target: Path) -> str:
    """Why the dashboard may not go to ``target`` (empty when it may): inside a gongkai build (a
    folder with ``catalogue.json``) it would be published."""
    resolved = target.resolve()
    inside = next((folder for folder in (resolved, *resolved.parents) if (folder / "catalogue.json").is_file()), None)
    if inside is None:
        return ""
    return f"检查仪表板不能写进公开网站的目录（{target} 在已生成的网站 {inside} 中）：它供县政务公开办内部使用。请换一个目录，如 --out 检查结果。"


def write_dashboard(report: dict[str, Any], target: Path) -> None:
    """Write the dashboard and its downloads into ``target``, which may not be inside a public
    build (``ValueError``)."""
    if why := refusal(target):
        raise ValueError(why)
    target.mkdir(parents=True, exist_ok=True)
    write_atomic(target / "county-check.json", json.dumps(report, ensure_ascii=False, indent=1).encode("utf-8"))
    write_atomic(target / "county-check.csv", _csv(rows(report)))
    write_atomic(target / "index.html", page(report).encode("utf-8"))
