"""Strict YAML, typed fields and the catalogue, tested as small units."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from generator import build_site, check_site
from generator.catalogue import build_catalogue
from generator.fields import Reader
from generator.yamltree import Map, Scalar, Seq, parse

from .conftest import item


def test_scalars_stay_text_as_written() -> None:
    root, issues = parse('doc_no: 0123\ntime: 10:30\nquoted: "yes"\nlist: [a, "b"]\n', first_line=2)
    assert not issues and isinstance(root, Map)
    values = dict(root.entries)
    keys = {k.text: k for k, _ in root.entries}
    assert values[keys["doc_no"]] == Scalar("0123", plain=True, line=2)
    assert values[keys["time"]] == Scalar("10:30", plain=True, line=3)
    assert values[keys["quoted"]] == Scalar("yes", plain=False, line=4)
    assert isinstance(values[keys["list"]], Seq)


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("a: !!python/object:os.system x\n", "标签"),
        ("a: 1\n---\nb: 2\n", "一个 YAML 文档"),
        ("a: &x 1\nb: *x\n", "锚点"),
        ("a: 1\na: 2\n", "重复"),
        ("标题：通知\n", "全角冒号"),
        ("a: [" * 20 + "]" * 20 + "\n", "嵌套过深"),
    ],
)
def test_yaml_traps_are_refused_with_a_line(text: str, word: str) -> None:
    root, issues = parse(text, first_line=2)
    assert root is None and issues
    assert word in issues[0].message and issues[0].line >= 2


def test_dates_are_strict() -> None:
    reader = Reader("a.md")
    ok, _ = parse("d: 2024-02-29\n")
    assert isinstance(ok, Map)
    assert reader.date(ok.entries[0][1], "d") == dt.date(2024, 2, 29)
    for bad in ("2023-02-29", "2024-1-5", "2024-03-01 10:00", "20240301"):
        node, _ = parse(f"d: {bad}\n")
        assert isinstance(node, Map)
        assert reader.date(node.entries[0][1], "d") is None
    assert len(reader.problems) == 4


def test_catalogue_is_filtered_by_kind() -> None:
    township = build_catalogue("township")
    county = build_catalogue("county_dept")
    assert "statutory/homestead-review" in township.leaves and "statutory/homestead-review" not in county.leaves
    assert "statutory/public-security" in county.leaves and "statutory/public-security" not in township.leaves
    assert {"guide", "rules", "annual-report", "news", "intro"} <= set(township.leaves)


def test_site_catalogue_extensions_render(make_site: Callable[..., Path]) -> None:
    site = make_site(
        {
            "content/_catalogue.yml": "not_applicable:\n  statutory/fees: 本镇无收费项目。\ncolumns:\n  - {section: other, id: village-affairs, label: 村务公开, max_age_days: 90}\n  - {section: decision, id: hearings, label: 听证会, max_age_days: 90}\nmax_age_days:\n  statutory/plans: 30\n",
            "content/v.md": item("title: 村务\ncatalogue: other/village-affairs\ndisclosure: active\npublished: 2024-02-02"),
        }
    )
    result = check_site(site)
    assert result.ok, [p.format() for p in result.problems]
    assert result.site is not None
    leaves = result.site.catalogue.leaves
    assert leaves["other/village-affairs"].label == "村务公开" and leaves["statutory/plans"].max_age_days == 30
    out = build_site(site).out_dir
    assert "本镇无收费项目。" in (out / "statutory/fees/index.html").read_text(encoding="utf-8")
    assert "村务公开" in (out / "other/index.html").read_text(encoding="utf-8")
    assert "本栏目暂无公开信息" in (out / "statutory/plans/index.html").read_text(encoding="utf-8")
    # An optional section nobody uses is not shown; one with a column of the site's own is, even empty.
    assert not (out / "standard-catalogue").exists()
    assert "本栏目暂无公开信息" in (out / "decision/hearings/index.html").read_text(encoding="utf-8")
    assert (out / "other/village-affairs/index.html").is_file()


def test_english_and_chinese_keys_and_values_are_equal(make_site: Callable[..., Path]) -> None:
    english = item("title: 通知\ncatalogue: other/notices\ndisclosure: active\npublished: 2024-02-02\nvalidity: valid")
    chinese = item("标题: 通知\n目录分类: other/notices\n公开属性: 主动公开\n发布日期: 2024-02-02\n有效性: 有效")
    one = check_site(make_site({"content/x.md": english})).items[0]
    two = check_site(make_site({"content/x.md": chinese})).items[0]
    assert one.disclosure == two.disclosure and one.validity == two.validity and one.title == two.title


def test_a_column_named_in_chinese_is_understood_when_it_names_one_column(make_site: Callable[..., Path]) -> None:
    site = make_site({
        "content/a.md": item("title: 镇领导调研茶产业\n目录分类: 工作动态\n公开属性: 主动公开\n发布日期: 2026-03-01"),
        "content/b.md": item("title: 项目公示\ncatalogue: 重大建设项目\ndisclosure: 主动公开\npublished: 2026-03-01"),
    })
    result = check_site(site, today=dt.date(2026, 3, 2))
    found = [p.format() for p in result.problems if p.field == "catalogue/目录分类"]
    assert "content/a.md:3: 警告 [catalogue/目录分类] “工作动态”是栏目名称，已按栏目“news”处理。建议改写为栏目代码：news。" in found
    assert [i.catalogue for i in result.items if i.path == "a.md"] == ["news"]
    # A name two columns share is not guessed.
    assert any(f.startswith("content/b.md:3: 错误") and "statutory/major-projects" in f and "standard-catalogue/major-construction" in f for f in found), found
