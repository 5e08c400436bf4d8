"""A deterministic corpus of N items in the content format, for benchmarks."""

from __future__ import annotations

import random
import sys
from pathlib import Path

SITE_YML = """name: 宜城市基准镇人民政府
kind: township
org_code: 11341200003219540W
identity: {site_code: "3412000001", sponsor: 宜城市基准镇人民政府, icp: 皖ICP备05000001号, police: 皖公网安备 34120000000001号}
"""
COLUMNS = (
    "statutory/policy-docs", "statutory/plans", "statutory/statistics", "statutory/budget-accounts", "statutory/procurement",
    "statutory/major-projects", "statutory/livelihood", "statutory/emergency", "statutory/social-assistance", "statutory/agri-rural-policy",
    "statutory/farmland-water", "statutory/land-contract-transfer", "statutory/homestead-review", "other/notices", "news",
)
PHRASES = (
    "为深入贯彻落实政府信息公开条例", "进一步做好基层政务公开标准化规范化工作", "各村（社区）要高度重视", "切实加强组织领导",
    "确保各项工作任务落到实处", "镇政府研究决定", "现将有关事项通知如下", "严格按照规定时限办理", "主动接受群众监督",
    "农村集体资产清查登记", "高标准农田建设", "城乡居民最低生活保障", "防汛抗旱应急准备", "乡村振兴重点任务",
)


def body(rng: random.Random) -> str:
    paragraphs = []
    target = rng.randint(300, 3000)
    size = 0
    while size < target:
        # Paragraphs of 150–400 characters, like the seed reports (not one-line snippets).
        text = "，".join(rng.choice(PHRASES) for _ in range(rng.randint(12, 30))) + "。"
        paragraphs.append(text)
        size += len(text)
    return "\n\n".join(paragraphs)


def generate(root: Path, count: int, seed: int = 7) -> Path:
    """Write ``count`` items (1 in 10 an interpretation, 1 in 50 withheld) under ``root/content``."""
    rng = random.Random(seed)
    content = root / "content"
    content.mkdir(parents=True, exist_ok=True)
    (content / "_site.yml").write_text(SITE_YML, encoding="utf-8")
    for n in range(count):
        year = 2020 + n % 6
        date = f"{year}-{1 + n % 12:02d}-{1 + n % 28:02d}"
        column = COLUMNS[n % len(COLUMNS)]
        lines = [
            f"title: 基准镇关于第{n}项工作的通知",
            f"catalogue: {column}",
            f"disclosure: {'不予公开' if n % 50 == 49 else '主动公开'}",
            f"published: {date}",
            f'index_no: "11341200003219540W/{year}-{n:05d}"',
            "topic: 综合政务\\政务公开",
            f"keywords: [工作{n % 97}, 通知]",
        ]
        if n % 50 == 49:
            lines.append("exempt_reason: internal-affairs")
        if column == "statutory/policy-docs":
            lines.append(f"doc_no: 基政发〔{year}〕{n + 1}号")
        if n % 10 == 9 and n >= 15:
            target = n - 15
            while (target % 50 == 49) or COLUMNS[target % len(COLUMNS)] != "statutory/policy-docs":
                target -= 1
            lines[1] = "catalogue: statutory/interpretations"
            lines.append(f"interprets: [item-{target:05d}]")
            lines.append("interpretation_form: 文字")
        folder = content / f"y{year}" / f"m{n % 12:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"item-{n:05d}.md").write_text("---\n" + "\n".join(lines) + "\n---\n" + body(rng) + "\n", encoding="utf-8")
    return root


if __name__ == "__main__":
    generate(Path(sys.argv[1]), int(sys.argv[2]))
