"""Precision and recall of the privacy rules over the labelled corpus in tests/privacy_corpus.py.

    python bench/bench_privacy.py

Targets: 100 % recall on ID numbers and bank cards, no false positive on the look-alikes.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.privacy_corpus import CASES, found_rules, score, write_corpus


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="gongkai-privacy-") as tmp:
        by_case, _ = found_rules(write_corpus(Path(tmp)))
    hits = sum(bool(c.expected) for c in CASES)
    print(f"{len(CASES)} cases: {hits} with a true hit, {len(CASES) - hits} look-alikes")
    print(f"{'rule':<24}{'TP':>4}{'FP':>4}{'FN':>4}{'precision':>11}{'recall':>8}")
    failed = False
    for rule, (tp, fp, fn) in score(by_case).items():
        precision = tp / (tp + fp) if tp + fp else 1.0
        recall = tp / (tp + fn) if tp + fn else 1.0
        print(f"{rule:<24}{tp:>4}{fp:>4}{fn:>4}{precision:>10.0%}{recall:>8.0%}")
        failed |= fp > 0 or (rule in ("privacy/id-number", "privacy/bank-card") and fn > 0)
    false_alarms = [c.name for c in CASES if not c.expected and by_case[c.name]]
    print(f"look-alikes that fired: {false_alarms or 'none'}")
    return 1 if failed or false_alarms else 0


if __name__ == "__main__":
    raise SystemExit(main())
