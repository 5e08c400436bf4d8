"""The annual report's tables as the national format lays them out (国办公开办函〔2021〕30号),
transcribed from real reports in that layout (domain.md §4: lg.gov.cn 2024, xjnlk.gov.cn,
zhanjiang.gov.cn), and a reader that gives a rendered table the same shape: rows of
(text, rowspan, colspan), numbers replaced by ``#``."""

from __future__ import annotations

import re
from html.parser import HTMLParser

Shape = list[list[tuple[str, int, int]]]

ARTICLE_PARTS = [("第二十条第（五）项", "本年处理决定数量", ["行政许可"]), ("第二十条第（六）项", "本年处理决定数量", ["行政处罚", "行政强制"]), ("第二十条第（八）项", "本年收费金额（单位：万元）", ["行政事业性收费"])]

TABLE_TWO: Shape = [
    [("第二十条第（一）项", 1, 4)],
    [("信息内容", 1, 1), ("本年制发件数", 1, 1), ("本年废止件数", 1, 1), ("现行有效件数", 1, 1)],
    [("规章", 1, 1)] + [("#", 1, 1)] * 3,
    [("行政规范性文件", 1, 1)] + [("#", 1, 1)] * 3,
]
for _article, _heading, _rows in ARTICLE_PARTS:
    TABLE_TWO += [[(_article, 1, 4)], [("信息内容", 1, 1), (_heading, 1, 3)]] + [[(r, 1, 1), ("#", 1, 3)] for r in _rows]

OUTCOMES = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
TABLE_FOUR: Shape = [
    [("行政复议", 1, 5), ("行政诉讼", 1, 10)],
    [(o, 2, 1) for o in OUTCOMES] + [("未经复议直接起诉", 1, 5), ("复议后起诉", 1, 5)],
    [(o, 1, 1) for o in OUTCOMES] * 2,
    [("#", 1, 1)] * 15,
]

_N = [("#", 1, 1)] * 7
_REASONS = ["1.属于国家秘密", "2.其他法律行政法规禁止公开", "3.危及“三安全一稳定”", "4.保护第三方合法权益", "5.属于三类内部事务信息", "6.属于四类过程性信息", "7.属于行政执法案卷", "8.属于行政查询事项"]
_UNAVAILABLE = ["1.本机关不掌握相关政府信息", "2.没有现成信息需要另行制作", "3.补正后申请内容仍不明确"]
_NOT_HANDLED = ["1.信访举报投诉类申请", "2.重复申请", "3.要求提供公开出版物", "4.无正当理由大量反复申请", "5.要求行政机关确认或重新出具已获取信息"]
_OTHER = ["1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "3.其他"]


def _group(label: str, items: list[str]) -> Shape:
    return [[(label, len(items), 1), (items[0], 1, 1), *_N]] + [[(i, 1, 1), *_N] for i in items[1:]]


TABLE_THREE: Shape = [
    [("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", 3, 3), ("申请人情况", 1, 7)],
    [("自然人", 2, 1), ("法人或其他组织", 1, 5), ("总计", 2, 1)],
    [("商业企业", 1, 1), ("科研机构", 1, 1), ("社会公益组织", 1, 1), ("法律服务机构", 1, 1), ("其他", 1, 1)],
    [("一、本年新收政府信息公开申请数量", 1, 3), *_N],
    [("二、上年结转政府信息公开申请数量", 1, 3), *_N],
    [("三、本年度办理结果", 22, 1), ("（一）予以公开", 1, 2), *_N],
    [("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", 1, 2), *_N],
    *_group("（三）不予公开", _REASONS),
    *_group("（四）无法提供", _UNAVAILABLE),
    *_group("（五）不予处理", _NOT_HANDLED),
    *_group("（六）其他处理", _OTHER),
    [("（七）总计", 1, 2), *_N],
    [("四、结转下年度继续办理", 1, 3), *_N],
]


class _Shape(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tables: list[Shape] = []
        self.cell: tuple[str, int, int] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self.cell = ("", int(a.get("rowspan") or 1), int(a.get("colspan") or 1))

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell = (self.cell[0] + data, self.cell[1], self.cell[2])

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self.cell is not None:
            text = re.sub(r"^\d+(\.\d+)?$", "#", self.cell[0].strip())
            self.tables[-1][-1].append((text, self.cell[1], self.cell[2]))
            self.cell = None


def shapes(html: str) -> list[Shape]:
    """Every table of a page as its shape."""
    parser = _Shape()
    parser.feed(html)
    return parser.tables


def matrix(shape: Shape) -> list[list[str]]:
    """A shape as a sheet stores it: a merged cell's text in its top-left cell, blanks elsewhere."""
    taken: dict[tuple[int, int], str] = {}
    for r, cells in enumerate(shape):
        c = 0
        for text, rowspan, colspan in cells:
            while (r, c) in taken:
                c += 1
            for dr in range(rowspan):
                for dc in range(colspan):
                    taken[(r + dr, c + dc)] = text if (dr, dc) == (0, 0) else ""
            c += colspan
    width = max(c for _, c in taken) + 1
    return [[taken.get((r, c), "") for c in range(width)] for r in range(len(shape))]
