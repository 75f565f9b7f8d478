"""A short excerpt of a document's file text around the searched words, with the words marked.

The excerpt is cut from the original text (diacritics intact) at the place where the folded text
matches: ``FOLD_TABLE`` folds character by character, so positions in the folded text are
positions in the original.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

WINDOW = 90


def _fold_char(ch: str) -> str:
    if ch in "đĐ":
        return "d"
    base = unicodedata.normalize("NFD", ch)[0].lower()
    return base if len(base) == 1 else ch


# Latin letters with diacritics (Latin-1, Extended-A/B, the Vietnamese block) and A–Z.
FOLD_TABLE = {code: _fold_char(chr(code)) for code in (*range(0x41, 0x5B), *range(0xC0, 0x250),
                                                        *range(0x1E00, 0x1F00))}


@dataclass
class Snippet:
    text: str
    marks: list[tuple[int, int]] = field(default_factory=list)  # [start, end) of each matched word
    source: str | None = None  # the file name

    def parts(self) -> list[tuple[str, bool]]:
        """(text, marked) pieces, for rendering with highlights."""
        out, at = [], 0
        for start, end in self.marks:
            out += [(self.text[at:start], False), (self.text[start:end], True)]
            at = end
        out.append((self.text[at:], False))
        return [p for p in out if p[0]]


def _pattern(words: list[str]):
    alternatives = "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))
    return re.compile(rf"(?<![a-z0-9])(?:{alternatives})(?![a-z0-9])")


def find(texts: list[tuple[str, str]], words: list[str]) -> Snippet | None:
    """The excerpt around the first match of ``words`` in ``texts`` [(file name, text)], or None."""
    if not words:
        return None
    pattern = _pattern(words)
    for name, text in texts:
        folded = text.translate(FOLD_TABLE)
        first = pattern.search(folded)
        if first is None:
            continue
        start = max(0, first.start() - WINDOW)
        end = min(len(text), first.end() + WINDOW)
        while start > 0 and not text[start - 1].isspace():
            start -= 1
        while end < len(text) and not text[end].isspace():
            end += 1
        piece, piece_folded = text[start:end], folded[start:end]
        # Collapse whitespace (page breaks, layout) while keeping the two strings aligned.
        kept = [i for i, ch in enumerate(piece) if not (ch.isspace() and i > 0 and piece[i - 1].isspace())]
        piece = "".join(" " if piece[i].isspace() else piece[i] for i in kept)
        piece_folded = "".join(" " if piece_folded[i].isspace() else piece_folded[i] for i in kept)
        marks = [(m.start(), m.end()) for m in pattern.finditer(piece_folded)]
        prefix = "…" if start > 0 else ""
        suffix = "…" if end < len(text) else ""
        return _build(prefix, piece, suffix, marks, name)
    return None


def _build(prefix: str, piece: str, suffix: str, marks, name) -> Snippet:
    lead = len(piece) - len(piece.lstrip())
    body = piece.strip()
    shift = len(prefix) - lead
    return Snippet(prefix + body + suffix, [(s + shift, e + shift) for s, e in marks if s >= lead], name)
