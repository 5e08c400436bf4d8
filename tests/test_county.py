"""The county platform (contract §7): three member sites, one with a content error and one with
withheld items and canaries, built and gathered into one platform with one search."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from generator.stamp import STAMP

from .browser import chromium, serve
from .conftest import REPO, item, write_site
from .test_search import DONE

TODAY = "2026-11-30"
MEMBERS = {
    "qingshan": "青山镇人民政府",
    "donghu": "东湖镇人民政府",
    "xihu": "西湖街道办事处",
}
CANARIES = ("WITHHELDCANARYQ1", "ONREQUESTCANARYQ2", "340102198001011234")


def site_yml(name: str, code: str) -> str:
    return f'name: {name}\nkind: township\norg_code: 11341200003219{code}W\nidentity:\n  site_code: "34120000{code[-2:]}"\n  sponsor: {name}\n'


def notice(title: str, day: str, body: str, disclosure: str = "主动公开") -> str:
    return item(f"title: {title}\ncatalogue: other/notices\ndisclosure: {disclosure}\npublished: {day}", body)


def members(root: Path) -> dict[str, Path]:
    sites = {
        "qingshan": write_site(root / "qingshan", {
            "content/a.md": notice("青山镇秋季防火通知", "2026-10-08", "青山镇全体村民注意秋季防火，山林巡护照常开展。"),
            "content/b.md": notice("青山镇茶叶采摘技术培训", "2026-11-02", "茶叶采摘技术培训在青山镇文化站举办，山林茶园农户参加。"),
        }, site_yml(MEMBERS["qingshan"], "540")),
        "donghu": write_site(root / "donghu", {
            "content/a.md": notice("东湖镇湖区禁渔公告", "2026-09-15", "东湖湖区禁渔期内禁止一切捕捞。"),
        }, site_yml(MEMBERS["donghu"], "541")),
        "xihu": write_site(root / "xihu", {
            "content/a.md": notice("西湖街道山林巡护安排", "2026-11-10", "西湖街道组织山林巡护，防火期间每日两次。"),
            "content/secret.md": item("title: 内部事项WITHHELDCANARYQ1\ncatalogue: statutory/plans\ndisclosure: 不予公开\nexempt_reason: internal-affairs", "WITHHELDCANARYQ1 涉密正文 340102198001011234"),
            "content/asked.md": item("title: 依申请事项ONREQUESTCANARYQ2\ncatalogue: statutory/plans\ndisclosure: 依申请公开", "ONREQUESTCANARYQ2 正文"),
        }, site_yml(MEMBERS["xihu"], "542")),
    }
    listed = "\n".join(f"  - {{id: {key}, name: {MEMBERS[key]}, path: ../{key}}}" for key in sites)
    county = root / "county"
    county.mkdir()
    (county / "county.yml").write_text(f'name: 宜城市人民政府\nbase_url: https://www.example.gov.cn/xxgk/\nidentity: {{site_code: "3412000000", sponsor: 宜城市人民政府办公室}}\nmembers:\n{listed}\n', encoding="utf-8")
    return sites


def gongkai(*args: str) -> tuple[int, str]:
    done = subprocess.run([sys.executable, "-m", "generator", *args], capture_output=True, text=True, cwd=REPO, check=False)
    return done.returncode, done.stdout + done.stderr


@pytest.fixture(scope="module")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, Path]]]:
    root = tmp_path_factory.mktemp("county")
    sites = members(root)
    code, said = gongkai("county", "build", str(root / "county"), "--today", TODAY, "--jobs", "2")
    assert code == 0, said
    # Then 东湖 gets a content error: it is reported, kept at its last build, and the others go on.
    (sites["donghu"] / "content/a.md").write_text(notice("东湖镇湖区禁渔公告", "2026-13-15", "东湖湖区禁渔期内禁止一切捕捞。"), encoding="utf-8")
    (sites["qingshan"] / "content/c.md").write_text(notice("青山镇冬季用电安全提示", "2026-11-20", "冬季用电注意安全，山林防火不松懈。"), encoding="utf-8")
    code, said = gongkai("county", "build", str(root / "county"), "--today", TODAY)
    assert code == 1 and "东湖镇人民政府（donghu）" in said and "content/a.md:5" in said, said
    yield root / "county" / "build", sites


def test_the_home_lists_every_member_with_its_latest_items(platform: tuple[Path, dict[str, Path]]) -> None:
    out, _ = platform
    home = (out / "index.html").read_text(encoding="utf-8")
    for key, name in MEMBERS.items():
        assert f'href="{key}/index.html"' in home and name in home
    assert "青山镇冬季用电安全提示" in home and 'href="qingshan/items/c.html"' in home  # built again: the new item
    assert "东湖镇湖区禁渔公告" in home and (out / "donghu/items/a.html").is_file()  # kept at its last good build
    assert "宜城市人民政府" in home and "3412000000" in home


def test_the_merged_catalogue_names_each_items_unit(platform: tuple[Path, dict[str, Path]]) -> None:
    out, _ = platform
    rows = json.loads((out / "catalogue.json").read_text(encoding="utf-8"))["items"]
    assert sorted({r["unit"] for r in rows}) == sorted(MEMBERS)
    assert all((out / r["url"]).is_file() and r["url"].startswith(f"{r['unit']}/") for r in rows)
    assert len(rows) == 5 and [r["published"] for r in rows] == sorted((r["published"] for r in rows), reverse=True)
    csv = (out / "catalogue.csv").read_bytes().decode("utf-8-sig").splitlines()
    assert csv[0].startswith("单位,单位名称,标识,网址") and any(line.startswith("xihu,西湖街道办事处,") for line in csv)


def test_no_byte_of_a_withheld_item_reaches_the_platform(platform: tuple[Path, dict[str, Path]]) -> None:
    out, _ = platform
    for path in out.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            data = gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data
            for canary in CANARIES:
                assert canary.encode() not in data and canary.lower().encode() not in data, (path, canary)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as opened:
        yield opened


def search(browser: Any, out: Path, query: str, unit: str = "") -> tuple[str, list[str]]:
    with serve(out) as url:
        page = browser.new_page()
        page.goto(f"{url}search/index.html?q={query}")
        page.wait_for_function(DONE, timeout=20000)
        if unit:
            folder = next(k for k, v in MEMBERS.items() if v == unit)
            page.click("#search-filters summary")
            page.wait_for_selector('select[data-filter="单位"]')
            options = page.eval_on_selector_all('select[data-filter="单位"] option', "os => os.map(o => o.value)")
            assert sorted(o for o in options if o) == sorted(MEMBERS.values()), options
            page.select_option('select[data-filter="单位"]', unit)
            page.wait_for_function(f"() => document.getElementById('search-status').textContent.startsWith('找到') && [...document.querySelectorAll('#search-results > li > a')].every(a => a.href.includes('/{folder}/'))", timeout=20000)
        links = sorted(a.get_attribute("href").split("/xxgk/", 1)[-1] for a in page.query_selector_all("#search-results > li > a"))
        status = page.inner_text("#search-status")
        page.close()
    return status, links


def test_one_search_finds_every_members_pages_under_their_folders(platform: tuple[Path, dict[str, Path]], browser: Any) -> None:
    out, _ = platform
    status, links = search(browser, out, "山林")
    assert status.startswith("找到 4 条"), status
    assert links == ["qingshan/items/a.html", "qingshan/items/b.html", "qingshan/items/c.html", "xihu/items/a.html"]
    _, only = search(browser, out, "山林", unit="西湖街道办事处")
    assert only == ["xihu/items/a.html"]
    # Each link opens the member's own page.
    with serve(out) as url:
        page = browser.new_page()
        page.goto(f"{url}{links[-1]}")
        assert "西湖街道山林巡护安排" in page.inner_text("h1")
        page.close()


def test_the_platforms_date_order_holds_every_members_pages(platform: tuple[Path, dict[str, Path]]) -> None:
    # The members' indexes keep their date order beside their metadata: the platform's merge must
    # read it there, or its visitors' 按发布日期 would leave every page unsorted.
    from generator.search.merge import read_meta
    from generator.search.words import read_fragment

    out, _ = platform
    bundle = out / "pagefind"
    _, meta = read_meta(bundle)
    pages, [(key, order)] = meta[1], meta[4]
    dates = [read_fragment(bundle / "fragment" / f"{pages[n][0]}.pf_fragment")["meta"]["date"] for n in order]
    assert key == "date" and sorted(order) == list(range(len(pages))) and dates == sorted(dates)
    # The order runs across the members (their pages are numbered member after member).
    members = [pages[n][0].split("/")[0] for n in order]
    assert len(set(members)) >= 2 and members != sorted(members), members


def test_the_county_check_is_each_members_own_check(platform: tuple[Path, dict[str, Path]]) -> None:
    out, sites = platform
    county = out.parent
    code, said = gongkai("county", "check", str(county), "--format", "json", "--today", TODAY)
    assert code == 1, said  # 东湖 has an error
    report = json.loads(said)
    assert report["schema"] == "gongkai-county/1" and [m["id"] for m in report["members"]] == list(MEMBERS)
    for member in report["members"]:
        _, own = gongkai("check", str(sites[member["id"]]), "--format", "json", "--today", TODAY)
        mine = json.loads(own)
        assert (member["ok"], member["errors"], member["warnings"], member["families"]) == (mine["ok"], mine["errors"], mine["warnings"], mine["families"])
        assert member["inspection"] == mine["inspection"]
        assert member["public_items"] == mine["public_items"]
    by_id = {m["id"]: m for m in report["members"]}
    assert not by_id["donghu"]["ok"] and by_id["qingshan"]["ok"] and by_id["qingshan"]["public_items"] == 3
    assert by_id["qingshan"]["latest_published"] == "2026-11-20"
    facts = by_id["xihu"]["inspection"]
    assert facts["home_days"] == 20 and facts["annual_report"] == {"year": 2025, "published": "", "on_time": False}
    assert facts["columns"]["empty"] > 10 and facts["privacy_findings"] == 0
    assert not any(canary in said for canary in CANARIES)


def test_assemble_gathers_builds_made_elsewhere_without_building(platform: tuple[Path, dict[str, Path]], tmp_path: Path) -> None:
    out, _sites = platform
    elsewhere = tmp_path / "artifacts"
    for key in ("qingshan", "xihu"):
        shutil.copytree(out / key, elsewhere / key)
    code, said = gongkai("county", "assemble", str(out.parent), "--out", str(elsewhere))
    assert code == 1 and "东湖镇人民政府（donghu）：未能生成，未列入平台" in said, said
    rows = json.loads((elsewhere / "catalogue.json").read_text(encoding="utf-8"))["items"]
    assert sorted({r["unit"] for r in rows}) == ["qingshan", "xihu"]
    assert (elsewhere / "pagefind/pagefind-entry.json").is_file() and not (elsewhere / "donghu").exists()


def test_a_bad_county_file_is_said_with_its_lines(tmp_path: Path) -> None:
    county = tmp_path / "county"
    county.mkdir()
    (county / "county.yml").write_text("name: 宜城市\nmembers:\n  - {id: Qing Shan, name: 青山镇, path: ../nowhere}\n  - {id: assets, name: 资产, path: ../x}\nfrob: 1\n", encoding="utf-8")
    code, said = gongkai("county", "build", str(county))
    assert code == 1 and "Traceback" not in said, said
    assert "county.yml:3" in said and "Qing Shan" in said and "county.yml:4" in said and "平台自己的文件夹名" in said and "county.yml:5" in said, said


def test_the_dashboard_shows_the_county_check_and_stays_out_of_the_public_build(platform: tuple[Path, dict[str, Path]], browser: Any, tmp_path: Path) -> None:
    from axe_playwright_python.sync_playwright import Axe

    from .test_accessibility import AXE_TAGS

    out, _ = platform
    county = out.parent
    code, said = gongkai("county", "check", str(county), "--out", str(out / "dashboard"))
    assert code == 2 and "检查仪表板不能写进公开网站的目录" in said and not (out / "dashboard").exists(), said
    dashboard = tmp_path / "dashboard"
    code, said = gongkai("county", "check", str(county), "--today", TODAY, "--out", str(dashboard), "--format", "json")
    report = json.loads(said)
    assert json.loads((dashboard / "county-check.json").read_text(encoding="utf-8")) == report
    table = (dashboard / "county-check.csv").read_bytes().decode("utf-8-sig").splitlines()
    assert table[0].startswith("单位标识,单位名称,通过,错误,警告,单项否决,主动公开条数,最近发布日期,距最近发布天数")
    by_id = {line.split(",")[0]: line.split(",") for line in table[1:]}
    for member in report["members"]:
        assert by_id[member["id"]][3:5] == [str(member["errors"]), str(member["warnings"])]
    assert by_id["qingshan"][8] == "10"  # 2026-11-20 to 2026-11-30
    assert by_id["xihu"][11:13] == ["", "否"]  # no 2025 annual report
    text = (dashboard / "index.html").read_text(encoding="utf-8")
    assert "http" not in text.replace("http-equiv", "")  # nothing loaded from elsewhere
    assert not any(canary in text for canary in CANARIES)
    with serve(dashboard) as url:
        page = browser.new_page()
        page.goto(f"{url}index.html")
        charts = page.query_selector_all("svg.chart[role=img]")
        assert len(charts) == 2 and all(c.query_selector("title") for c in charts)
        assert "东湖镇人民政府" in charts[0].inner_html() and charts[0].query_selector_all("rect")
        assert "2025年：未发布" in page.inner_text("table:first-of-type")
        result = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
        assert [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result.response["violations"]] == []
        # Sorting by errors, with the keyboard: fewest first, then most first.
        page.focus("th button[data-column='2']")
        page.keyboard.press("Enter")
        first = [r.inner_text() for r in page.query_selector_all("table:first-of-type tbody th")]
        assert first[-1].startswith("东湖镇人民政府") and page.get_attribute("th:has(button[data-column='2'])", "aria-sort") == "ascending"
        page.keyboard.press("Enter")
        assert page.query_selector("table:first-of-type tbody th").inner_text().startswith("东湖镇人民政府")
        page.close()


def test_member_pages_wear_the_platforms_name_and_identity(platform: tuple[Path, dict[str, Path]], browser: Any) -> None:
    out, sites = platform
    page_html = (out / "qingshan/items/a.html").read_text(encoding="utf-8")
    assert '<p class="platform-name"><a href="../../index.html">宜城市人民政府</a></p>' in page_html
    assert '<meta name="SiteIDCode" content="3412000000">' in page_html and "宜城市人民政府办公室" in page_html
    assert "<dt>信息发布单位</dt><dd>青山镇人民政府</dd>" in page_html
    # The member built on its own wears its own.
    alone = subprocess.run([sys.executable, "-m", "generator", "build", str(sites["xihu"]), "--out", str(out.parent / "alone"), "--quiet"], capture_output=True, text=True, cwd=REPO, check=False)
    assert alone.returncode == 0, alone.stdout + alone.stderr
    own = (out.parent / "alone/items/a.html").read_text(encoding="utf-8")
    assert "宜城市人民政府" not in own and '<meta name="SiteIDCode" content="3412000042">' in own
    with serve(out) as url:
        page = browser.new_page()
        page.goto(f"{url}xihu/items/a.html")
        page.click(".platform-name a")
        page.wait_for_url(f"{url}index.html")
        assert "各单位信息公开目录" in page.inner_text("main")
        page.close()


def test_the_platform_is_published_by_the_same_rules_as_a_site(platform: tuple[Path, dict[str, Path]], tmp_path: Path) -> None:
    out, _ = platform
    host = tmp_path / "host"
    host.mkdir()
    (host / "portal.html").write_text("the county portal's own page", encoding="utf-8")
    code, said = gongkai("deploy", "--build", str(out), "--to", str(host))
    assert code == 0, said
    assert (host / "qingshan/items/a.html").is_file() and (host / "pagefind/pagefind-entry.json").is_file() and (host / "index.html").is_file()
    assert (host / "portal.html").read_text(encoding="utf-8") == "the county portal's own page"
    assert not any(canary.encode() in p.read_bytes() for p in host.rglob("*") if p.is_file() for canary in CANARIES)


def test_new_county_writes_workflows_that_build_each_member_in_its_own_job_then_assemble(tmp_path: Path) -> None:
    import yaml

    county = tmp_path / "平台"
    code, said = gongkai("new", "--county", str(county))
    assert code == 0 and "county.yml" in said, said
    config = yaml.safe_load((county / "county.yml").read_text(encoding="utf-8"))
    ids = [m["id"] for m in config["members"]]
    github = yaml.safe_load((county / ".github/workflows/county.yml").read_text(encoding="utf-8"))
    member, platform_job = github["jobs"]["member"], github["jobs"]["platform"]
    assert [entry["id"] for entry in member["strategy"]["matrix"]["include"]] == ids and member["strategy"]["fail-fast"] is False
    runs = [s.get("run", "") for s in member["steps"]]
    assert "gongkai county build . --only ${{ matrix.id }}" in runs
    upload = next(s for s in member["steps"] if s.get("uses", "").startswith("actions/upload-artifact"))
    assert upload["with"]["include-hidden-files"] is True and upload["with"]["path"] == "build/${{ matrix.id }}"
    assert platform_job["needs"] == "member" and platform_job["if"] == "always()"
    runs = [s.get("run", "") for s in platform_job["steps"]]
    assert any(r.startswith("gongkai county assemble .") for r in runs) and not any("county build" in r for r in runs)
    deploy_step = next(s for s in platform_job["steps"] if s.get("run", "").startswith("gongkai deploy"))
    assert "refs/heads/main" in deploy_step["if"] and "--build build" in deploy_step["run"]
    gitlab = yaml.safe_load((county / ".gitlab-ci.yml").read_text(encoding="utf-8"))
    assert [m["MEMBER"] for m in gitlab["member"]["parallel"]["matrix"]] == ids
    assert 'gongkai county build . --only "$MEMBER"' in gitlab["member"]["script"] and gitlab["platform"]["needs"] == ["member"]
    assert any(line.startswith("gongkai county assemble .") for line in gitlab["platform"]["script"])
    # The same steps, run here: each member in a "job" of its own, then the assembly.
    for key in ids:
        assert gongkai("new", str(county / "members" / key))[0] == 0
    # Built on the day they were made: a new site's example is dated as of the real day (its
    # newest item two days old), so the fixed TODAY would put it in the future as the months pass.
    for key in ids:
        code, said = gongkai("county", "build", str(county), "--only", key, "--today", dt.date.today().isoformat())
        assert code == 0, said
        assert (county / "build" / key / "index.html").is_file() and not (county / "build/index.html").exists()
    code, said = gongkai("county", "assemble", str(county))
    assert code == 0, said
    home = (county / "build/index.html").read_text(encoding="utf-8")
    assert all(f'href="{key}/index.html"' in home for key in ids)
    code, said = gongkai("county", "build", str(county), "--only", "nobody")
    assert code == 2 and "county.yml 中没有成员“nobody”" in said, said


def test_kept_member_indexes_are_used_only_when_they_verify(platform: tuple[Path, dict[str, Path]], tmp_path: Path) -> None:
    from .pagefind_index import decode_index

    out, _ = platform
    county = out.parent
    cache = county / ".gongkai-cache/county-search"
    kept = sorted(p for p in cache.iterdir() if p.is_file())
    # One per member of the last assembly (an earlier test assembled two members elsewhere).
    assert 2 <= len(kept) <= 3
    expected = decode_index(out / "pagefind")
    elsewhere = tmp_path / "again"
    for key in MEMBERS:
        shutil.copytree(out / key, elsewhere / key)  # the members' builds only, not the platform's files
    # Two members' kept indexes swapped (each signed, but under the other's name), and a third
    # re-signed by another machine's key: none is used.
    first, second = kept[0].read_bytes(), kept[1].read_bytes()
    kept[0].write_bytes(second)
    kept[1].write_bytes(first)
    if len(kept) > 2:
        kept[2].write_bytes(b"\0" * 32 + kept[2].read_bytes()[32:])
    code, said = gongkai("county", "assemble", str(county), "--out", str(elsewhere))
    assert code == 0, said
    assert decode_index(elsewhere / "pagefind") == expected


def test_the_platform_goes_to_object_storage_by_the_same_rules(platform: tuple[Path, dict[str, Path]], s3_host: tuple[str, Any]) -> None:
    """The county's platform in a bucket (Aliyun OSS and Tencent COS speak S3): every member under
    its folder, the county's own objects left alone, no withheld byte, and nothing sent twice."""
    out, _ = platform
    to, client = s3_host
    to = to.replace("/xxgk/qingshan?", "/xxgk?")
    client.put_object(Bucket="county-site", Key="xxgk-portal/index.html", Body=b"<p>portal</p>")
    client.put_object(Bucket="county-site", Key="xxgk/notes.txt", Body=b"the county's own")
    code, said = gongkai("deploy", "--build", str(out), "--to", to)
    assert code == 0, said
    keys = {obj["Key"] for page in client.get_paginator("list_objects_v2").paginate(Bucket="county-site") for obj in page.get("Contents", [])}
    published = {f"xxgk/{p.relative_to(out).as_posix()}" for p in out.rglob("*") if p.is_file() and p.name != STAMP}
    assert published <= keys and "xxgk/qingshan/items/a.html" in keys and "xxgk/xihu/items/a.html" in keys and "xxgk/pagefind/pagefind-entry.json" in keys
    assert client.get_object(Bucket="county-site", Key="xxgk/notes.txt")["Body"].read() == b"the county's own"
    assert client.get_object(Bucket="county-site", Key="xxgk-portal/index.html")["Body"].read() == b"<p>portal</p>"
    assert client.head_object(Bucket="county-site", Key="xxgk/index.html")["ContentType"] == "text/html; charset=utf-8"
    for key in keys:
        data = client.get_object(Bucket="county-site", Key=key)["Body"].read()
        data = gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data
        assert not any(canary.encode() in data for canary in CANARIES), key
    code, said = gongkai("deploy", "--build", str(out), "--to", to)
    assert code == 0 and "已上传 0 个文件" in said, said
