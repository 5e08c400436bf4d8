"""A deterministic corpus of N items in the content format, for benchmarks.

Bodies are runs of consecutive sentences from the real year-end reports in tests/data/seeds
(placeholders replaced, and any sentence a check rule would flag left out), so that words are
spread over documents the way they are on a real site: a few everywhere, most in a few.
"""

from __future__ import annotations

import random
import re
import sys
from pathlib import Path

SEEDS = Path(__file__).resolve().parent.parent / "tests" / "data" / "seeds"
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
TOPICS = (
    "防汛抗旱", "宅基地审批", "最低生活保障", "高标准农田", "农村集体资产", "耕地保护", "森林防火", "安全生产", "村级财务", "一事一议",
    "土地流转", "危房改造", "饮水安全", "垃圾分类", "厕所革命", "医疗保险", "养老服务", "就业招聘", "茶叶产业", "蓝莓种植",
    "道路硬化", "污水治理", "河长制", "林长制", "疫苗接种", "征兵工作", "人口普查", "秸秆禁烧", "消防检查", "食品安全",
)
KINDS = ("实施方案", "工作通知", "情况公示", "结果公告", "工作要点", "管理办法", "进展情况", "专项检查通报")


def sentences() -> list[str]:
    """Clean sentences of the simplified seed reports."""
    from generator.checks.hygiene import BROKEN_CITATION, DEBRIS, PLACEHOLDER

    found: list[str] = []
    for seed in ("000", "003", "004"):
        text = next(SEEDS.glob(f"{seed}_*.txt")).read_text(encoding="utf-8")
        text = re.sub(r"20[xX]{2}", "2025", text).replace("〔202222", "〔2022〕22号").replace("××", "某某")
        for sentence in re.split(r"(?<=[。；！？])", text):
            sentence = sentence.strip()
            bad = PLACEHOLDER.search(sentence) or BROKEN_CITATION.search(sentence) or DEBRIS.search(sentence) or re.search(r"\d{7,}|@", sentence)
            if 8 <= len(sentence) <= 300 and not bad:
                found.append(sentence)
    return found


def body(rng: random.Random, pool: list[str]) -> str:
    target = rng.randint(300, 3000)
    start = rng.randrange(len(pool))
    paragraphs: list[str] = []
    paragraph = ""
    size = 0
    index = start
    while size < target:
        sentence = pool[index % len(pool)]
        paragraph += sentence
        size += len(sentence)
        index += 1
        if len(paragraph) >= rng.randint(150, 400):
            paragraphs.append(paragraph)
            paragraph = ""
    return "\n\n".join([*paragraphs, paragraph] if paragraph else paragraphs)


def generate(root: Path, count: int, seed: int = 7) -> Path:
    """Write ``count`` items (1 in 10 an interpretation, 1 in 50 withheld) under ``root/content``."""
    rng = random.Random(seed)
    pool = sentences()
    content = root / "content"
    content.mkdir(parents=True, exist_ok=True)
    (content / "_site.yml").write_text(SITE_YML, encoding="utf-8")
    for n in range(count):
        year = 2020 + n % 6
        date = f"{year}-{1 + n % 12:02d}-{1 + n % 28:02d}"
        column = COLUMNS[n % len(COLUMNS)]
        topic = TOPICS[rng.randrange(len(TOPICS))]
        lines = [
            f"title: 基准镇{year}年{topic}{KINDS[rng.randrange(len(KINDS))]}（第{n}号）",
            f"catalogue: {column}",
            f"disclosure: {'不予公开' if n % 50 == 49 else '主动公开'}",
            f"published: {date}",
            f'index_no: "11341200003219540W/{year}-{n:05d}"',
            "topic: 综合政务\\政务公开",
            f"keywords: [{topic}]",
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
        (folder / f"item-{n:05d}.md").write_text("---\n" + "\n".join(lines) + "\n---\n" + body(rng, pool) + "\n", encoding="utf-8")
    return root


if __name__ == "__main__":
    generate(Path(sys.argv[1]), int(sys.argv[2]))
