"""Vietnamese text helpers: NFC normalisation and diacritic-insensitive folding."""
from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def nfc(value: str | None) -> str:
    """NFC-normalised, stripped text (some keyboards produce decomposed tone marks)."""
    if value is None:
        return ""
    return unicodedata.normalize("NFC", value).strip()


def fold(value: str | None) -> str:
    """Lower-case, diacritic-free, single-spaced text for search and comparison.

    ``đ``/``Đ`` has no combining mark, so NFD alone would keep it: map it to ``d``.
    """
    if not value:
        return ""
    text = unicodedata.normalize("NFD", value.replace("đ", "d").replace("Đ", "D"))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return _SPACES.sub(" ", text.lower()).strip()


def similarity(a: str, b: str) -> float:
    """Similarity of two folded texts in [0, 1] (difflib ratio on words)."""
    from difflib import SequenceMatcher

    return SequenceMatcher(None, fold(a).split(), fold(b).split()).ratio()


def duration_vi(seconds: float) -> str:
    """A duration in Vietnamese words, e.g. '2 ngày 3 giờ', '45 phút'."""
    seconds = max(int(seconds), 0)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    if days:
        return f"{days} ngày {hours} giờ"
    if hours:
        return f"{hours} giờ {rest // 60} phút"
    return f"{rest // 60} phút"
