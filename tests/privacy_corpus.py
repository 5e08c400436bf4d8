"""A labelled corpus for the privacy rules: true hits and look-alikes that must not fire.

Each case becomes one public item of one test site; ``expected`` is the set of rule ids the case
must produce (empty for a look-alike).  Used by the tests and by ``bench/bench_privacy.py``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from .documents import docx, pdf, xlsx

_W = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id18(first17: str) -> str:
    """A resident ID number with its correct GB 11643 check digit."""
    return first17 + "10X98765432"[sum(int(d) * w for d, w in zip(first17, _W, strict=True)) % 11]


def wide(number: str) -> str:
    """The same digits in full width (０１２…), as typed with a Chinese input method."""
    return "".join(chr(0xFF10 + int(c)) if c.isdigit() else c for c in number)


def bad_check(number: str) -> str:
    """The same number with a wrong check digit."""
    return number[:17] + ("0" if number[17] != "0" else "1")


def luhn_card(first: str) -> str:
    """A card number with its correct Luhn digit."""
    for digit in "0123456789":
        candidate = first + digit
        total = sum(int(c) * 2 - 9 if i % 2 and int(c) > 4 else int(c) * (2 if i % 2 else 1) for i, c in enumerate(reversed(candidate)))
        if total % 10 == 0:
            return candidate
    raise AssertionError


def uscc(first17: str) -> str:
    """A 统一社会信用代码 with its correct GB 32100 check character."""
    chars = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    weights = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
    return first17 + chars[(31 - sum(chars.index(c) * w for c, w in zip(first17, weights, strict=True)) % 31) % 31]


ID_A = id18("34120219800101123")
ID_B = id18("34120220120229004")  # born on a leap day
ID_C = id18("11010519491231002")
ID_D = id18("44052418800101001")
CARD_A = luhn_card("622202020011223344")  # 19 digits
CARD_B = luhn_card("621700000000123456")
CARD_C = luhn_card("411111111111111")  # 16 digits
OFFICE_MOBILE = "13955610000"  # in the test site's _site.yml: the office's own number
ALLOWED_MOBILE = "13905561234"


@dataclass(frozen=True)
class Case:
    """One corpus case: an item body (and maybe an attachment) and the rule ids it must produce."""

    name: str
    body: str
    expected: frozenset[str]
    attachment: tuple[str, bytes] | None = None
    front: str = ""
    kind: str = field(default="body")


def _hit(name: str, body: str, *rules: str, **kw: object) -> Case:
    return Case(name, body, frozenset(rules), **kw)  # type: ignore[arg-type]


def _miss(name: str, body: str, **kw: object) -> Case:
    return Case(name, body, frozenset(), **kw)  # type: ignore[arg-type]


ID = "privacy/id-number"
CARD = "privacy/bank-card"
MOBILE = "privacy/mobile"
EMAIL = "privacy/email"
HOUSE = "privacy/house-number"
BIRTH = "privacy/birth-date"

CASES: tuple[Case, ...] = (
    # --- ID numbers (18 digits, valid date and check digit) ---
    _hit("id-plain", f"低保对象张三，身份证号{ID_A}，经审核符合条件。", ID),
    _hit("id-leap-day", f"申请人身份证：{ID_B}", ID),
    _hit("id-x-check", f"公民身份号码 {ID_C} 已登记。", ID),
    _hit("id-lowercase-x", f"证件号 {ID_C.lower()}", ID),
    _hit("id-in-table", f"| 姓名 | 身份证号 |\n|---|---|\n| 李四 | {ID_D} |", ID),
    _hit("id-in-title", "正文。", ID, front=f"summary: 申请人{ID_A}的补助"),
    _hit("id-15", "老证件号码 341202800101123 仍在使用。", ID),
    _hit("id-in-link-text", f"[{ID_A}](https://example.com)", ID),
    _hit("id-grouped-spaces", f"身份证号 {ID_A[:6]} {ID_A[6:14]} {ID_A[14:]}", ID),
    _hit("id-grouped-hyphens", f"证件号码：{ID_B[:6]}-{ID_B[6:14]}-{ID_B[14:]}。", ID),
    _hit("id-grouped-fullwidth-space", f"身份证 {ID_D[:6]}\u3000{ID_D[6:10]}\u3000{ID_D[10:14]}\u3000{ID_D[14:]}", ID),
    _hit("id-fullwidth-digits", f"身份证号{wide(ID_A)}", ID),
    _hit("id-grouped-in-table", f"| 姓名 | 身份证号 |\n|---|---|\n| 李四 | {ID_C[:6]} {ID_C[6:14]} {ID_C[14:]} |", ID),
    _hit("id-grouped-docx", "见附件。", ID, attachment=("q.docx", docx(["花名册", f"张三 {ID_A[:6]} {ID_A[6:14]} {ID_A[14:]}"]))),
    # --- bank cards (Luhn) ---
    _hit("card-19", f"补贴发放至社保卡 {CARD_A}。", CARD),
    _hit("card-grouped", f"开户账号：{CARD_B[:4]} {CARD_B[4:8]} {CARD_B[8:12]} {CARD_B[12:16]} {CARD_B[16:]}", CARD),
    _hit("card-16", f"卡号{CARD_C}", CARD),
    _hit("card-dashes", f"卡号 {CARD_C[:4]}-{CARD_C[4:8]}-{CARD_C[8:12]}-{CARD_C[12:]}", CARD),
    _hit("card-fullwidth", f"卡号{wide(CARD_C)}", CARD),
    _hit("card-uneven-groups", f"账号 {CARD_A[:6]} {CARD_A[6:12]} {CARD_A[12:]}", CARD),
    # --- mobile numbers ---
    _hit("mobile-plain", "联系人王五，电话13812345678。", MOBILE),
    _hit("mobile-plus86", "联系电话 +86 139 0556 7788", MOBILE),
    _hit("mobile-dashes", "手机：139-0556-7788", MOBILE),
    _hit("mobile-in-table", "| 姓名 | 电话 |\n|---|---|\n| 赵六 | 15055667788 |", MOBILE),
    _hit("mobile-fullwidth", f"联系电话{wide('13812345678')}", MOBILE),
    _hit("mobile-4-3-4", "电话 1381 234 5678", MOBILE),
    # --- e-mail ---
    _hit("email-personal", "来信请寄 zhangsan1980@qq.com。", EMAIL),
    _hit("email-163", "报名邮箱：wangwu@163.com", EMAIL),
    # --- name lists ---
    _hit("house-number", "| 户主 | 家庭住址 |\n|---|---|\n| 张*明 | 桃源村三组12号 |", HOUSE),
    _hit("house-room", "| 姓名 | 住址 |\n|---|---|\n| 李*英 | 青山社区5栋302室 |", HOUSE),
    _hit("birth-date", "| 姓名 | 出生年月 |\n|---|---|\n| 王*华 | 1952年3月4日 |", BIRTH),
    _hit("birth-dotted", "| 救助对象 | 出生日期 |\n|---|---|\n| 陈*国 | 1948.10.01 |", BIRTH),
    # --- attachments ---
    _hit("docx-body", "见附件。", ID, attachment=("a.docx", docx(["花名册", f"张三 {ID_A}"]))),
    _hit("docx-tracked-deletion", "见附件。", ID, attachment=("b.docx", docx(["花名册（已删改）"], deleted=f"李四 {ID_D}"))),
    _hit("docx-comment", "见附件。", MOBILE, attachment=("c.docx", docx(["正文"], comment="请联系 13812345678 核实"))),
    _hit("docx-table", "见附件。", ID, attachment=("d.docx", docx(["名单"], table=[["姓名", "身份证号"], ["王五", ID_B]]))),
    _hit("xlsx-visible", "见附件。", ID, attachment=("e.xlsx", xlsx({"名单": [["姓名", "身份证号"], ["赵六", ID_C]]}))),
    _hit("xlsx-hidden-sheet", "见附件。", ID, attachment=("f.xlsx", xlsx({"公示": [["姓名", "金额"], ["赵*", 500]], "原始": [["姓名", "身份证号"], ["赵六", ID_A]]}, hidden=("原始",)))),
    _hit("xlsx-card", "见附件。", CARD, attachment=("g.xlsx", xlsx({"发放": [["户名", "卡号"], ["钱七", CARD_A]]}))),
    _hit("xlsx-house", "见附件。", HOUSE, attachment=("h.xlsx", xlsx({"名单": [["户主", "住址"], ["孙*", "石门村二组8号"]]}))),
    _hit("csv-id", "见附件。", ID, attachment=("i.csv", f"姓名,身份证号\n周八,{ID_D}\n".encode())),
    _hit("csv-gbk", "见附件。", MOBILE, attachment=("j.csv", "姓名,电话\n吴九,13698765432\n".encode("gb18030"))),
    _hit("pdf-id", "见附件。", ID, attachment=("k.pdf", pdf(["低保对象名单", f"郑十 {ID_B}"]))),
    _hit("pdf-mobile", "见附件。", MOBILE, attachment=("l.pdf", pdf(["联系人 冯一 13712345678"]))),
    _hit("txt-card", "见附件。", CARD, attachment=("m.txt", f"账户 {CARD_B}\n".encode())),
    # --- look-alikes that must not fire ---
    _miss("id-bad-check", f"编号 {bad_check(ID_A)} 不是身份证号。"),
    _miss("id-bad-date", "编号 341202198013011234 的日期不存在。"),
    _miss("id-masked", "身份证号 341202********1234 已去标识化。"),
    _miss("id-masked-middle", f"证件 {ID_A[:6]}********{ID_A[14:]}"),
    _miss("uscc-digits", f"统一社会信用代码 {uscc('12341202003216789')}。"),
    _miss("uscc-letters", "统一社会信用代码 11341202003216789K。"),
    _miss("index-no", "索引号 11341202003216789K/2026-00023。"),
    _miss("doc-no", "依据青政发〔2026〕3号文件执行。"),
    _miss("card-bad-luhn", f"订单号 {CARD_A[:-1]}{(int(CARD_A[-1]) + 1) % 10}"),
    _miss("long-serial", "合同编号 20261122103045123456789 已归档。"),
    _miss("timestamp", "生成时间 202611221030 。"),
    _miss("mobile-masked", "联系电话 138****1234。"),
    _miss("mobile-office", f"镇政务服务中心值班手机 {OFFICE_MOBILE}。"),
    _miss("mobile-allowed", f"村党支部书记电话 {ALLOWED_MOBILE}。", front=f'privacy_allow:\n  - {{value: "{ALLOWED_MOBILE}", reason: 公开的工作电话}}'),
    _miss("landline", "咨询电话 0556-5281001，传真 0556-5281002。"),
    _miss("mobile-like-in-long-number", "流水号 1381234567890 已入账。"),
    _miss("postcode", "邮编 246100。"),
    _miss("money", "预算 12650 万元，增长 5%。"),
    _miss("dates", "2026年11月22日至2026年12月31日。"),
    _miss("email-gov", "电子邮箱 qsz@example.gov.cn。"),
    _miss("address-village-only", "| 户主 | 住址 |\n|---|---|\n| 张*明 | 桃源村 |"),
    _miss("house-number-not-a-list", "| 项目 | 地点 |\n|---|---|\n| 文化广场 | 青山大道88号 |"),
    _miss("birth-year-not-a-list", "| 项目 | 出生年月 |\n|---|---|\n| 统计口径 | 1950年以前 |"),
    _miss("xlsx-masked", "见附件。", attachment=("n.xlsx", xlsx({"名单": [["姓名", "身份证号"], ["张*明", "341202********1234"]]}))),
    _miss("docx-clean", "见附件。", attachment=("o.docx", docx(["申请表", "联系电话：", "身份证件号码："]))),
    _miss("pdf-clean", "见附件。", attachment=("p.pdf", pdf(["青山镇农村集体资产管理办法", "第一条 为加强管理，制定本办法。"]))),
    _miss("grouped-landlines", "电话 0556-5281001 0556-5281002 0556 5281003"),
    _miss("grouped-bad-check", f"编号 {bad_check(ID_A)[:6]} {bad_check(ID_A)[6:14]} {bad_check(ID_A)[14:]}"),
    _miss("ip-and-version", "服务器 192.168.100.200，版本 1.14.2.1234567890。"),
)


SITE_YML = f"""name: 测试镇人民政府
kind: township
org_code: 11341200003219540W
identity: {{site_code: "3412000001", icp: 皖ICP备05000001号, police: 皖公网安备 34120000000001号}}
contact: {{phone: "{OFFICE_MOBILE}", email: qsz@example.gov.cn}}
"""
TODAY = "2026-11-22"


def write_corpus(root: Path) -> Path:
    """One site holding every case as its own public item."""
    content = root / "content"
    (content / "c" / "files").mkdir(parents=True)
    (content / "_site.yml").write_text(SITE_YML, encoding="utf-8")
    for case in CASES:
        front = f"title: 案例 {case.name}\ncatalogue: other/notices\ndisclosure: 主动公开\npublished: {TODAY}\n" + (case.front + "\n" if case.front else "")
        if case.attachment:
            name, data = case.attachment
            (content / "c" / "files" / f"{case.name}-{name}").write_bytes(data)
            front += f"attachments: [files/{case.name}-{name}]\n"
        (content / "c" / f"{case.name}.md").write_text(f"---\n{front}---\n{case.body}\n", encoding="utf-8")
    return root


def found_rules(root: Path) -> tuple[dict[str, set[str]], list[str]]:
    """The privacy rule ids ``gongkai check`` reports for each case, and every message it printed."""
    from generator import check_site

    result = check_site(root, today=dt.date.fromisoformat(TODAY))
    by_case: dict[str, set[str]] = {case.name: set() for case in CASES}
    for problem in result.problems:
        if problem.family != "privacy":
            continue
        stem = problem.path.rsplit("/", 1)[-1]
        name = next(c.name for c in CASES if stem in (f"{c.name}.md", f"{c.name}-{c.attachment[0] if c.attachment else ''}"))
        by_case[name].add(problem.rule)
    return by_case, [p.format() for p in result.problems]


def score(by_case: dict[str, set[str]]) -> dict[str, tuple[int, int, int]]:
    """Per rule: (true positives, false positives, false negatives), counted per case."""
    rules = sorted({r for c in CASES for r in c.expected} | {r for found in by_case.values() for r in found})
    table: dict[str, tuple[int, int, int]] = {}
    for rule in rules:
        tp = sum(rule in c.expected and rule in by_case[c.name] for c in CASES)
        fp = sum(rule not in c.expected and rule in by_case[c.name] for c in CASES)
        fn = sum(rule in c.expected and rule not in by_case[c.name] for c in CASES)
        table[rule] = (tp, fp, fn)
    return table
