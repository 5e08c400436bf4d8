"""Recognising personal identifiers: ID numbers (GB 11643), bank cards (Luhn), mobile numbers.

Also the look-alikes that must not be mistaken for them (统一社会信用代码, GB 32100), and masking:
a finding is only ever printed masked.
"""

from __future__ import annotations

import datetime as dt
import re

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

# Candidates; the validators below decide.  Boundaries keep them out of longer numbers and codes.
ID18 = re.compile(r"(?<![0-9A-Za-z])[1-9]\d{16}[\dXx](?![0-9A-Za-z])")
ID15 = re.compile(r"(?<![0-9A-Za-z])[1-9]\d{14}(?![0-9A-Za-z])")
MOBILE = re.compile(r"(?<![\d*])(?:\+?86[-\s]?)?(1[3-9]\d)[-\s]?(\d{4})[-\s]?(\d{4})(?![\d*])")
CARD = re.compile(r"(?<![\d*])(?:\d{4}[ -]){3,4}\d{1,4}(?![\d*])|(?<![\d*A-Za-z])\d{16,19}(?![\d*A-Za-z])")
# Digits written in groups: 341202 19520930 0047, 6222-0212-3456-7890-128, 1380 013 8000.
GROUPED = re.compile(r"(?<![0-9A-Za-z])\d+(?:[ -]\d+)+(?:[ -]?[Xx])?(?![0-9A-Za-z])")
# Full-width digits and the separators people type between groups, as their ASCII forms (one
# character each, so that positions do not move).
_WIDE = str.maketrans(
    {**{chr(0xFF10 + n): str(n) for n in range(10)}, "Ｘ": "X", "ｘ": "x", "\u3000": " ", "\u00a0": " ", "－": "-", "‐": "-", "‑": "-", "–": "-", "—": "-", "＋": "+"}
)
# The shortest thing ``redact`` masks, a mobile number, is 11 digits, possibly grouped by the
# separators people type (any of ``_WIDE``'s, or whitespace): a message without such a run holds
# nothing to mask. ``\d`` also matches full-width digits.
_LONG_RUN = re.compile(r"\d[\d\s\-\u2010-\u2015\uff0d]{9,}\d")
EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")


def _valid_date(year: int, month: int, day: int) -> bool:
    try:
        dt.date(year, month, day)
    except ValueError:
        return False
    return True


def is_id18(value: str) -> bool:
    """A resident ID number: valid birth date and GB 11643-1999 check digit."""
    if len(value) != 18 or not value[:17].isdigit():
        return False
    year, month, day = int(value[6:10]), int(value[10:12]), int(value[12:14])
    if not 1850 <= year <= 2100 or not _valid_date(year, month, day):
        return False
    total = sum(int(d) * w for d, w in zip(value[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == value[17].upper()


def is_id15(value: str) -> bool:
    """A pre-1999 15-digit ID number: only its birth date (19YYMMDD) can be checked."""
    return len(value) == 15 and value.isdigit() and _valid_date(1900 + int(value[6:8]), int(value[8:10]), int(value[10:12]))


def luhn(digits: str) -> bool:
    """The Luhn check used by bank card numbers."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        n = int(char)
        if index % 2 == 1:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


def is_uscc(value: str) -> bool:
    """A 统一社会信用代码 with a valid GB 32100-2015 check character."""
    value = value.upper()
    if len(value) != 18 or any(c not in _USCC_CHARS for c in value):
        return False
    total = sum(_USCC_CHARS.index(c) * w for c, w in zip(value[:17], _USCC_WEIGHTS, strict=True))
    return _USCC_CHARS[(31 - total % 31) % 31] == value[17]


def is_card(value: str) -> bool:
    """A bank card number: 16–19 digits passing Luhn, and not an ID number or a credit code."""
    digits = re.sub(r"[ -]", "", value)
    return 16 <= len(digits) <= 19 and digits.isdigit() and luhn(digits) and not is_id18(digits) and not is_uscc(digits)


def normalise(text: str) -> str:
    """Full-width digits, X and separators as ASCII, so that every form is screened alike."""
    return text.translate(_WIDE)


def grouped(text: str) -> list[tuple[str, str]]:
    """Identifiers written in groups, as (kind, digits): ``id`` for an 18-digit ID number made of
    consecutive groups, ``card`` or ``mobile`` for a whole run that is one.  ``text`` is normalised."""
    found: list[tuple[str, str]] = []
    for m in GROUPED.finditer(text):
        groups = re.split(r"[ -]+", m.group(0))
        whole = "".join(groups)
        if len(whole) in (11, 13) and MOBILE.fullmatch(whole):
            found.append(("mobile", whole[-11:]))
        elif is_card(whole):
            found.append(("card", whole))
        for start in range(len(groups)):
            digits = ""
            for group in groups[start:]:
                digits += group
                if len(digits) >= 18:
                    break
            if len(digits) == 18 and is_id18(digits):
                found.append(("id", digits))
    return found


def digits_of(value: str) -> str:
    """The digits (and a final X) of a value, for comparing allow-listed values."""
    return re.sub(r"[^0-9Xx]", "", value).upper()


def mask(value: str, keep_start: int, keep_end: int) -> str:
    """``138****1234``-style masking: only the ends survive."""
    if len(value) <= keep_start + keep_end:
        return "*" * len(value)
    return value[:keep_start] + "*" * (len(value) - keep_start - keep_end) + value[len(value) - keep_end :]


def mask_email(value: str) -> str:
    """``z***@example.com``."""
    local, _, domain = value.partition("@")
    return f"{local[:1]}***@{domain}"


def _mask_grouped(run: str) -> str:
    hits = grouped(run)
    if not hits:
        return run
    return "、".join(f"{digits[:3]}****{digits[-4:]}" if kind == "mobile" else mask(digits, 4, 4 if kind == "card" else 2) for kind, digits in hits)


def redact(text: str) -> str:
    """Mask every valid ID number, bank card and mobile number in a message (a last safeguard)."""
    if not _LONG_RUN.search(text):
        return text  # every number it masks is a run of 11 or more digits and separators; most messages have none
    text = normalise(text)
    text = GROUPED.sub(lambda m: _mask_grouped(m.group(0)), text)
    text = ID18.sub(lambda m: mask(m.group(0), 4, 2) if is_id18(m.group(0)) else m.group(0), text)
    text = ID15.sub(lambda m: mask(m.group(0), 4, 2) if is_id15(m.group(0)) else m.group(0), text)
    text = CARD.sub(lambda m: mask(re.sub(r"[ -]", "", m.group(0)), 4, 4) if is_card(m.group(0)) else m.group(0), text)
    return MOBILE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text)
