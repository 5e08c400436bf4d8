"""Mutation fuzzing of the sample site: every front-matter field and file-level breakage.

``run(seed, count)`` copies the sample site, applies one mutation at a time and builds it.  A
mutation is *mishandled* when the build raises anything but ``ContentError``/``UsageError``, takes
longer than ``LIMIT_S``, prints a message without a Chinese word or with a raw control
character, changes the previous output although it failed, or publishes a withheld item's text.

The suite runs a fixed seed with a small budget; ``python -m tests.fuzz [SEED] [COUNT]`` runs a
longer one by hand and prints the figures.
"""

from __future__ import annotations

import contextlib
import os
import random
import re
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

from generator import ContentError, UsageError, build_site
from generator.load import FIELDS

REPO = Path(__file__).resolve().parent.parent
LIMIT_S = 20
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
CJK = re.compile("[\u4e00-\u9fff]")

# Values a clerk, a copy-paste from Word or an attacker might put into any field.
NASTY = (
    "", "~", "null", "[]", "{}", "[a, b]", "{a: 1}", "{file: x}", "- a", "2024-13-45", "2024-02-30", "2024/03/01",
    "2024-03-01 10:30", "0000-00-00", "9999-12-31", "1899-01-01", "yes", "no", "0123", "10:30", "1e309", "-1",
    "&a 甲", "*a", "!!python/object/apply:os.system [ls]", "!!binary aGVsbG8=", '"\\x1b[31m红\\x1b[0m"', '"甲\\u202e乙"',
    '"甲\\x00乙"', '"甲\\n乙"', "'", '"', ":", "：", "=HYPERLINK(\"http://x\")", "+1", "@SUM(A1)", "甲" * 5000,
    "../../etc/passwd", "/etc/passwd", "_archive/x.md", "files", "files/", "a.md", ".", "主动公开", "依申请公开",
    "不予公开", "active", "exempt", "internal-affairs", "statutory/policy-docs", "news", "annual-report",
    "statutory/no-such", "2025", "[rules-2024, rules-2024]", "[{url: 'https://x.gov.cn/a', title: 甲}]",
    "{start: 2024-01-01, end: 2023-01-01}", "341202195209300047", "341202 19520930 0047", "13800138000",
    "6222 0212 3456 7890 128", "<script>alert(1)</script>", "]]>", "&amp;", "%2e%2e/x", "a\\b", "{seq}", "{year[0]}",
)


@dataclass(frozen=True)
class Outcome:
    """One mutation and what went wrong with it ("" when it was handled)."""

    mutation: str
    failure: str


def _items(content: Path) -> list[Path]:
    return sorted(p for p in content.rglob("*.md") if not any(part.startswith("_") for part in p.relative_to(content).parts))


def _split(text: str) -> tuple[list[str], str] | None:
    if not text.startswith("---\n"):
        return None
    end = text.find("\n---\n", 4)
    if end < 0:
        return None
    return text[4:end].split("\n"), text[end + 5 :]


def _join(lines: list[str], body: str) -> str:
    return "---\n" + "\n".join(lines) + "\n---\n" + body


def _field_lines(lines: list[str]) -> list[int]:
    return [n for n, line in enumerate(lines) if re.match(r"^[^\s#-][^:：]*[:：]", line)]


Mutation = Callable[[random.Random, Path], str]


def _pick(rng: random.Random, content: Path) -> tuple[Path, list[str], str] | None:
    """A random item file with its front-matter lines and body (None when it has no front matter)."""
    path = rng.choice(_items(content))
    parts = _split(path.read_text(encoding="utf-8"))
    return None if parts is None else (path, *parts)


def _catalogue_of(lines: list[str]) -> str:
    return next((line.split(":", 1)[1].strip() for line in lines if line.startswith(("catalogue:", "目录分类:"))), "")


def set_field(rng: random.Random, content: Path) -> str:
    """Any field of any item set to a nasty value (added when absent)."""
    picked = _pick(rng, content)
    if picked is None:
        return "noop"
    path, lines, body = picked
    names = list(FIELDS) + list(FIELDS.values())
    name = rng.choice(names)
    value = rng.choice(NASTY)
    lines = [line for line in lines if not line.startswith((name + ":", FIELDS.get(name, "\0") + ":"))]
    lines.insert(rng.randrange(len(lines) + 1), f"{name}: {value}")
    path.write_text(_join(lines, body), encoding="utf-8")
    return f"{path.name}: {name} = {value[:40]!r}"


def drop_or_repeat_field(rng: random.Random, content: Path) -> str:
    """A field line deleted, repeated, or its value emptied."""
    picked = _pick(rng, content)
    if picked is None or not _field_lines(picked[1]):
        return "noop"
    path, lines, body = picked
    n = rng.choice(_field_lines(lines))
    how = rng.choice(("drop", "repeat", "empty", "indent"))
    if how == "drop":
        del lines[n]
    elif how == "repeat":
        lines.insert(n, lines[n])
    elif how == "empty":
        lines[n] = lines[n].split(":", 1)[0] + ":"
    else:
        lines[n] = "  " + lines[n]
    path.write_text(_join(lines, body), encoding="utf-8")
    return f"{path.name}: {how} line {n + 2}"


def break_file(rng: random.Random, content: Path) -> str:
    """File-level breakage: truncation, stray bytes, encodings, lost delimiters, floods."""
    path = rng.choice(_items(content))
    data = path.read_bytes()
    how = rng.choice(("truncate", "bytes", "gbk", "utf16", "bom-crlf", "no-close", "empty", "flood", "binary", "dir", "fifo", "symlink", "gbk-name"))
    if how == "truncate":
        path.write_bytes(data[: rng.randrange(len(data) + 1)])
    elif how == "bytes":
        at = rng.randrange(len(data) + 1)
        path.write_bytes(data[:at] + bytes(rng.randrange(256) for _ in range(rng.randint(1, 8))) + data[at:])
    elif how == "gbk":
        path.write_bytes(data.decode("utf-8").encode("gb18030"))
    elif how == "utf16":
        path.write_bytes(data.decode("utf-8").encode("utf-16"))
    elif how == "bom-crlf":
        path.write_bytes(b"\xef\xbb\xbf" + data.replace(b"\n", b"\r\n"))
    elif how == "no-close":
        path.write_bytes(data.replace(b"\n---\n", b"\n", 1) if data.count(b"\n---\n") else data + b"\n---")
    elif how == "empty":
        path.write_bytes(b"")
    elif how == "flood":
        char = rng.choice(("*", "_", "[", "![", "`", "<", "\\", "|", "> ", "- ", "#", "&#"))
        path.write_bytes(data + (char * rng.choice((10_000, 200_000))).encode())
    elif how == "binary":
        path.write_bytes(bytes(rng.randrange(256) for _ in range(512)))
    elif how == "dir":
        path.unlink()
        path.mkdir()
    elif how == "fifo":
        path.unlink()
        os.mkfifo(path)
    elif how == "symlink":
        path.unlink()
        os.symlink("/etc/passwd", path)
    else:
        path.rename(path.with_name(os.fsdecode("文件".encode("gbk")) + ".md"))
    return f"{path.name}: {how}"


def alone_in_column(rng: random.Random, content: Path) -> str:
    """An item alone in a column (its own, its others moved away, or one nobody uses), with a
    broken or missing date."""
    picked = _pick(rng, content)
    if picked is None:
        return "noop"
    path, lines, body = picked
    column = rng.choice((_catalogue_of(lines), _catalogue_of(lines), "statutory/fees", "other/village-affairs", "news", "intro"))
    for other in _items(content):
        parts = _split(other.read_text(encoding="utf-8")) if other != path else None
        if parts is not None and _catalogue_of(parts[0]) == column:
            moved = [line for line in parts[0] if not line.startswith(("catalogue:", "目录分类:"))] + ["catalogue: other/notices"]
            other.write_text(_join(moved, parts[1]), encoding="utf-8")
    date = rng.choice(("published: 2024-13-01", "published:", "", "published: 2026-02-30", "发布日期: 昨天"))
    lines = [line for line in lines if not line.startswith(("catalogue:", "目录分类:", "published:", "发布日期:"))]
    lines += [f"catalogue: {column}"] + ([date] if date else [])
    path.write_text(_join(lines, body), encoding="utf-8")
    return f"{path.name}: alone in {column} with {date!r}"


def break_settings(rng: random.Random, content: Path) -> str:
    """The site's settings, catalogue settings, ledger and annual data broken."""
    target = rng.choice(("_site.yml", "_catalogue.yml", "_index_numbers.txt", "_annual"))
    path = content / target
    how = rng.choice(("value", "gbk", "file-dir", "delete", "truncate"))
    if how == "delete":
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)
    elif how == "file-dir":
        if path.is_dir():
            shutil.rmtree(path)
            path.write_text("x", encoding="utf-8")
        else:
            path.unlink(missing_ok=True)
            path.mkdir()
    elif path.is_dir():
        files = sorted(path.glob("*.yml"))
        if not files:
            return "noop"
        victim = rng.choice(files)
        data = victim.read_bytes()
        victim.write_bytes(data[: rng.randrange(len(data) + 1)] if how == "truncate" else data + "\n中文: 值\n".encode("gbk"))
    elif how == "gbk":
        path.write_bytes(path.read_bytes() + "\n# 注释\n".encode("gbk"))
    elif how == "truncate":
        data = path.read_bytes()
        path.write_bytes(data[: rng.randrange(len(data) + 1)])
    else:
        key = rng.choice(("name", "kind", "org_code", "index_no_format", "base_url", "theme", "identity", "contact", "not_applicable", "columns", "max_age_days"))
        with path.open("a", encoding="utf-8") as handle:
            handle.write(f"\n{key}: {rng.choice(NASTY)}\n")
    return f"{target}: {how}"


MUTATIONS: tuple[Mutation, ...] = (set_field, set_field, set_field, drop_or_repeat_field, break_file, break_file, alone_in_column, break_settings)


def withheld_canaries(content: Path) -> dict[str, list[str]]:
    """Texts of the sample's withheld items that must never reach the output, by file name."""
    found: dict[str, list[str]] = {}
    for path in _items(content):
        text = path.read_text(encoding="utf-8")
        if re.search(r"^(disclosure|公开属性): *(不予公开|依申请公开)", text, re.M):
            title = re.search(r"^title: *(.+)$", text, re.M)
            parts = _split(text)
            body = [line.strip() for line in parts[1].split("\n") if len(line.strip()) >= 12][:2] if parts else []
            found[path.name] = ([title.group(1).strip()] if title else []) + body
    return found


@contextlib.contextmanager
def _deadline(seconds: int) -> Iterator[None]:
    def expire(_sig: int, _frame: FrameType | None) -> None:
        raise TimeoutError

    old = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _leaks(out: Path, canaries: list[str]) -> list[str]:
    found = []
    for path in out.rglob("*"):
        if path.is_file():
            text = path.read_bytes().decode("utf-8", errors="replace").replace("\u200b", "")
            found += [f"{path.name}: {c[:20]}" for c in canaries if c in text]
    return found


def attempt(mutation: Mutation, rng: random.Random, work: Path, good: Path) -> Outcome:
    """Apply one mutation to a fresh copy of the sample and build it."""
    site = work / "site"
    shutil.rmtree(site, ignore_errors=True)
    shutil.copytree(REPO / "content", site / "content", symlinks=True)
    shutil.copytree(REPO / "themes" / "qingshan", site / "themes" / "qingshan")  # the sample's own theme: its 党政机关网站标识
    withheld = withheld_canaries(site / "content")
    try:
        description = mutation(rng, site / "content")
    except (OSError, UnicodeError) as exc:
        return Outcome(f"{mutation.__name__}: not applicable ({exc})", "")
    # A withheld item the mutation did not touch must stay unpublished (a touched one may have
    # been made public on purpose).
    touched = description.split(":", 1)[0]
    untouched = [c for name, texts in withheld.items() if name != touched for c in texts]
    out = work / "out"
    shutil.rmtree(out, ignore_errors=True)
    shutil.copytree(good, out)
    before = _tree(out)
    label = f"{mutation.__name__} {description}"
    start = time.perf_counter()
    try:
        with _deadline(LIMIT_S):
            try:
                result = build_site(site, out, search=False)
                problems = result.check.problems
                built = True
            except ContentError as exc:
                problems = exc.problems
                built = False
            except UsageError as exc:
                if not CJK.search(str(exc)):
                    return Outcome(label, f"usage message without Chinese: {exc}")
                return Outcome(label, "")
    except TimeoutError:
        return Outcome(label, f"no answer within {LIMIT_S} s")
    except Exception as exc:
        return Outcome(label, f"{type(exc).__name__}: {exc}"[:300])
    seconds = time.perf_counter() - start
    for problem in problems:
        text = problem.format()
        if CONTROL.search(text) or "\n" in text:
            return Outcome(label, f"raw control character in: {text[:120]!r}")
        if not CJK.search(problem.message):
            return Outcome(label, f"message without Chinese: {text[:120]!r}")
    if not built and _tree(out) != before:
        return Outcome(label, "a failed build changed the previous output")
    if built:
        leaks = _leaks(out, untouched)
        if leaks:
            return Outcome(label, f"withheld text published: {leaks[:3]}")
    if seconds > LIMIT_S / 2:
        return Outcome(label, f"slow: {seconds:.1f} s")
    return Outcome(label, "")


def run(seed: int, count: int) -> list[Outcome]:
    """``count`` mutations drawn with ``seed``; every outcome, handled or not."""
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory(prefix="gongkai-fuzz-") as tmp:
        work = Path(tmp)
        good = work / "good"
        shutil.copytree(REPO / "content", work / "sample" / "content")
        shutil.copytree(REPO / "themes" / "qingshan", work / "sample" / "themes" / "qingshan")
        build_site(work / "sample", good, search=False)
        outcomes = [attempt(rng.choice(MUTATIONS), rng, work, good) for _ in range(count)]
    return outcomes


def main(argv: list[str]) -> int:
    seed = int(argv[1]) if len(argv) > 1 else 1
    count = int(argv[2]) if len(argv) > 2 else 1000
    start = time.perf_counter()
    outcomes = run(seed, count)
    bad = [o for o in outcomes if o.failure]
    for outcome in bad:
        print(f"MISHANDLED {outcome.mutation}: {outcome.failure}")
    print(f"seed {seed}: {len(outcomes)} mutations, {len(bad)} mishandled, {time.perf_counter() - start:.0f} s")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
