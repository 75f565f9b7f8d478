"""The serif font files Q-Office prints and stamps with: Times-like, with every Vietnamese letter.

Standalone: no Flask, no app models, no PDF library.
"""
from __future__ import annotations

import os

_FONT_DIRS = ("/usr/share/fonts/truetype/liberation2", "/usr/share/fonts/truetype/freefont",
              "/usr/share/fonts/truetype/noto", "/usr/share/fonts/opentype/noto")
_FONT_CANDIDATES = {
    "regular": ("LiberationSerif-Regular.ttf", "FreeSerif.ttf", "NotoSerif-Regular.ttf"),
    "italic": ("LiberationSerif-Italic.ttf", "FreeSerifItalic.ttf", "NotoSerif-Italic.ttf"),
    "bold": ("LiberationSerif-Bold.ttf", "FreeSerifBold.ttf", "NotoSerif-Bold.ttf"),
}


def find_font(face: str) -> str:
    """Path of the first installed TrueType file of ``face`` (regular, italic or bold): Liberation Serif
    (Debian's fonts-liberation2), else FreeSerif, else Noto Serif."""
    for name in _FONT_CANDIDATES[face]:
        for d in _FONT_DIRS:
            p = os.path.join(d, name)
            if os.path.isfile(p):
                return p
    raise FileNotFoundError(
        f"no Times-like font with Vietnamese for face {face!r}; install the Debian package fonts-liberation2")
