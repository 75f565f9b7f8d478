"""Vietnamese text helpers: NFC normalisation and diacritic-insensitive folding."""
from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
# Letters that look like Latin ones (Icelandic eth for Đ, Cyrillic and Greek capitals …): a notation
# typed with them must still match. ``đ``/``Đ`` have no combining mark, so NFKD alone keeps them.
_LOOK_ALIKES = str.maketrans({
    "Đ": "D", "đ": "d", "Ð": "D", "ð": "d", "Ɖ": "D", "ɖ": "d",
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C", "Т": "T",
    "Х": "X", "У": "Y", "І": "I", "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x",
    "і": "i", "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N",
    "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X", "ο": "o",
})


def nfc(value: str | None) -> str:
    """NFC-normalised, stripped text (some keyboards produce decomposed tone marks)."""
    if value is None:
        return ""
    return unicodedata.normalize("NFC", value).strip()


def visible(value: str) -> str:
    """``value`` without invisible characters: bidirectional overrides, zero-width characters and other
    format characters (they disguise names, e.g. ``hop-dong<RLO>gnp.pdf``), and control characters
    other than newline and tab."""
    return "".join(ch for ch in value if ch in "\n\t" or unicodedata.category(ch) not in ("Cf", "Cc"))


def one_line(value: str) -> str:
    """Visible text on one line: line breaks and runs of spaces become one space (mail subjects,
    registers and file names cannot carry a line break)."""
    return _SPACES.sub(" ", visible(value)).strip()


# A cell starting with one of these is a formula to a spreadsheet (=HYPERLINK(…) in a sender's name
# from another agency's package would run when the register is opened).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_text(value):
    """``value`` for a CSV cell: text a spreadsheet would take for a formula gets a leading apostrophe
    (the OWASP advice against CSV injection); other values are left as they are."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_START) else value


def fold(value: str | None) -> str:
    """Lower-case, diacritic-free, single-spaced text for search and comparison; look-alike letters
    and compatibility forms (full-width digits …) fold to plain Latin."""
    if not value:
        return ""
    text = unicodedata.normalize("NFKD", visible(value).translate(_LOOK_ALIKES))
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
