"""``gongkai report YEAR``: draft the annual report item from the catalogue and the data file.

The draft is a Markdown item the clerk then edits: the six sections of the national format, the
tables filled in, and 【待填写】 marks where only the office can write.  The draft carries
``draft: true``: it stays out of the site (and never blocks the rest of it) until the clerk deletes
that line; a report that still has a 【待填写】 mark then refuses to publish.  A draft carries a check code of its own text: a file whose
text still matches it was not edited and may be replaced; an edited report never is, unless asked.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from ..assemble import publish_gate
from ..build import check_site
from ..checks.hygiene import DRAFT_MARK
from ..model import Item, SiteConfig
from ..output import write_atomic
from ..problems import Problem, UsageError, error, has_errors
from ..report_data import AnnualData, column_counts, data_path, expected_values, read_all_data, read_data, report_year
from ..report_tables import APPEALS, APPLICATIONS, DECISIONS, NORMATIVE
from .layout import section_table, to_markdown

_CODE_LINE = re.compile(r"^# gongkai report 草稿校验码：([0-9a-f]{16})[^\n]*\n", re.MULTILINE)
_CODE_NOTE = "（未修改的草稿可由 gongkai report 重新生成；修改后不会被覆盖）"
TODO = DRAFT_MARK + "：{}】"  # the mark the hygiene rule refuses to publish

DATA_TEMPLATE = """\
# {year} 年政府信息公开工作年度报告数据（gongkai report 使用；不会发布到网站）
# 只填数字；没有的可以不写或写 0。总计由 gongkai 计算。
# 行政规范性文件的件数默认按目录统计；目录不全时在这里写实际数字：
# 行政规范性文件: {{本年制发: 0, 本年废止: 0, 现行有效: 0}}
行政许可: 0          # 本年处理决定数量（件）
行政处罚: 0
行政强制: 0
行政事业性收费: 0    # 本年收费金额（万元）
申请:                # 表三：按申请人类别填写，可用 自然人、商业企业、科研机构、社会公益组织、法律服务机构、其他
  本年新收: {{自然人: 0}}
  上年结转: {{自然人: 0}}
  予以公开: {{自然人: 0}}
  部分公开: {{自然人: 0}}
  # 不予公开：属于国家秘密、其他法律行政法规禁止公开、危及“三安全一稳定”、保护第三方合法权益、
  #   属于三类内部事务信息、属于四类过程性信息、属于行政执法案卷、属于行政查询事项
  # 无法提供：本机关不掌握相关政府信息、没有现成信息需要另行制作、补正后申请内容仍不明确
  # 不予处理：信访举报投诉类申请、重复申请、要求提供公开出版物、无正当理由大量反复申请、要求行政机关确认或重新出具已获取信息
  # 其他处理：逾期不补正、逾期未缴纳费用、其他处理
  结转下年度: {{自然人: 0}}
行政复议: {{结果维持: 0, 结果纠正: 0, 其他结果: 0, 尚未审结: 0}}
未经复议直接起诉: {{结果维持: 0, 结果纠正: 0, 其他结果: 0, 尚未审结: 0}}
复议后起诉: {{结果维持: 0, 结果纠正: 0, 其他结果: 0, 尚未审结: 0}}
"""


@dataclass(frozen=True)
class ReportOutcome:
    """What ``gongkai report`` did: the report file written and, if it had to create one, the
    data file template; or the problems that stopped it."""

    report: str
    data_created: str
    problems: tuple[Problem, ...]


def _code(text: str) -> str:
    return hashlib.sha256(_CODE_LINE.sub("", text).encode("utf-8")).hexdigest()[:16]


def is_untouched_draft(text: str) -> bool:
    """True for a report file that is still exactly the draft gongkai wrote."""
    m = _CODE_LINE.search(text)
    return m is not None and m.group(1) == _code(text)


def _column_lines(items: tuple[Item, ...], year: int, site: SiteConfig, labels: dict[str, str]) -> list[str]:
    counts = column_counts(items, year)
    total = sum(counts.values())
    lines = [f"{year}年，{site.name}在政府信息公开专栏主动公开政府信息 {total} 条。各栏目发布情况如下：", ""]
    for ref, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        lines.append(f"- {labels.get(ref, ref)}：{count} 条")
    return lines


def draft_markdown(
    config: SiteConfig,
    labels: dict[str, str],
    items: tuple[Item, ...],
    year: int,
    data: AnnualData | None,
    note: str,
    today: dt.date,
    replaces: Item | None = None,
) -> str:
    """The draft report for ``year`` as item text (front matter and body); ``items`` are the public
    items, ``note`` an extra paragraph for section 三.  A report it ``replaces`` keeps its
    identifiers (a published 索引号 never changes) and its publication date."""
    values = expected_values(items, year, data)
    contact = config.contact
    reach = "；".join(p for p in (f"地址：{contact.address}" if contact.address else "", f"电话：{contact.phone}" if contact.phone else "") if p)
    applications = values.applications
    received = int(applications[("new", "total")]) + int(applications[("carried_over", "total")])
    body = [
        f"本报告根据《中华人民共和国政府信息公开条例》和国务院办公厅政府信息与政务公开办公室《关于印发〈中华人民共和国政府信息公开工作年度报告格式〉的通知》（国办公开办函〔2021〕30号）编制。"
        f"报告所列数据的统计期限自 {year} 年 1 月 1 日起至 {year} 年 12 月 31 日止。"
        + (f"如对本报告有疑问，请与{contact.office}联系（{reach}）。" if contact.office else ""),
        "",
        "## 一、总体情况",
        "",
        *_column_lines(items, year, config, labels),
        "",
        TODO.format("主动公开、依申请公开、政府信息管理、平台建设、监督保障等工作情况"),
        "",
        "## 二、主动公开政府信息情况",
        "",
        to_markdown(section_table("二", {NORMATIVE.id: values.normative, DECISIONS.id: values.decisions})),
        "",
        "## 三、收到和处理政府信息公开申请情况",
        "",
        f"{year}年，本机关新收政府信息公开申请 {applications[('new', 'total')]} 件，上年结转 {applications[('carried_over', 'total')]} 件，"
        f"共 {received} 件；办结 {applications[('results_total', 'total')]} 件，结转下年度继续办理 {applications[('carry_forward', 'total')]} 件。",
        *([note] if note else []),
        "",
        to_markdown(section_table("三", {APPLICATIONS.id: applications})),
        "",
        "## 四、政府信息公开行政复议、行政诉讼情况",
        "",
        to_markdown(section_table("四", {APPEALS.id: values.appeals})),
        "",
        "## 五、存在的主要问题及改进情况",
        "",
        TODO.format("本年度存在的主要问题、上年度问题的整改情况和下一步改进措施"),
        "",
        "## 六、其他需要报告的事项",
        "",
        TODO.format("信息处理费收取情况，人大代表建议和政协提案办理结果公开情况，年度政务公开工作要点落实情况等"),
    ]
    front = [
        "---",
        f"title: {config.name}{year}年政府信息公开工作年度报告",
        "catalogue: annual-report",
        f"report_year: {year}",
        # Withheld until the clerk deletes this line: an unfinished draft never blocks the site.
        "draft: true  # 草稿：补完【待填写】、核对数字后删除本行，报告才会发布",
        # Fail closed: a report that was held back stays held back.
        f"disclosure: {replaces.disclosure.value if replaces else '主动公开'}",
        *([f"exempt_reason: {replaces.exempt_reason}"] if replaces and replaces.exempt_reason else []),
        f"published: {(replaces.published if replaces and replaces.published else today).isoformat()}",
        "topic: 综合政务\\政务公开",
        *([f'index_no: "{replaces.index_no}"'] if replaces and replaces.index_no else []),
        *([f"id: {replaces.explicit_id}"] if replaces and replaces.explicit_id else []),
        "# gongkai report 草稿校验码：0000000000000000" + _CODE_NOTE,
        "---",
    ]
    text = "\n".join(front + body) + "\n"
    return text.replace("0000000000000000" + _CODE_NOTE, _code(text) + _CODE_NOTE, 1)


def _target(content_dir: Path, items: tuple[Item, ...], year: int) -> tuple[Path, Item | None]:
    """The year's report file and item if there is one, else a new file beside the other reports."""
    reports = sorted(i.path for i in items if report_year(i) is not None)
    for item in items:
        if report_year(item) == year:
            return content_dir / item.path, item
    folder = reports[-1].rpartition("/")[0] if reports else "年度报告"
    return content_dir / folder / f"{year}-nianbao.md", None


def write_report(site_dir: Path, year: int, force: bool = False, today: dt.date | None = None) -> ReportOutcome:
    """Draft the report for ``year`` into the annual-report column (creating the data file from a
    template when it is missing); never replaces an edited report unless ``force``."""
    today = today or dt.date.today()
    if not 2008 <= year <= today.year:
        raise UsageError(f"年份 {year} 不对：年度报告只能为 2008 年（条例施行）至今年（{today.year}）之间的年份起草。")
    content_dir = site_dir / "content"
    result = check_site(site_dir, today=today)
    # Only problems that make the counts unreliable stop a draft; the report's own table errors
    # are what a new draft fixes.
    blocking = tuple(p for p in result.problems if p.family in ("format", "links") and has_errors([p]))
    if result.site is None or blocking:
        return ReportOutcome("", "", blocking or result.problems)
    created = ""
    data_file = content_dir / data_path(year)
    _annual, annual_problems = read_all_data(content_dir)
    if has_errors(annual_problems):
        return ReportOutcome("", "", tuple(annual_problems))
    if not data_file.exists():
        data_file.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(data_file, DATA_TEMPLATE.format(year=year).encode("utf-8"))
        created = f"content/{data_path(year)}"
    data, problems = read_data(content_dir, year)
    if has_errors(problems):
        return ReportOutcome("", created, tuple(problems))
    target, existing = _target(content_dir, result.items, year)
    rel = target.relative_to(content_dir).as_posix()
    if target.exists() and not force and not is_untouched_draft(target.read_text(encoding="utf-8", errors="replace")):
        message = f"已有 {year} 年度报告且已修改过，没有覆盖。如确要按最新数据重新起草，请加 --force（原文件会被替换，可从 git 历史找回）。"
        return ReportOutcome("", created, (error(rel, 1, "年度报告", message),))
    public = publish_gate(result.items)
    labels = {ref: leaf.label for ref, leaf in result.site.catalogue.leaves.items()}
    note = TODO.format(f"核对 content/{data_path(year)} 中的申请、复议、诉讼数字后删除本段") if created else ""
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(target, draft_markdown(result.site.config, labels, public, year, data, note, today, existing).encode("utf-8"))
    return ReportOutcome(rel, created, tuple(problems))
