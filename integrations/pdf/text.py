"""Text of a PDF, extracted by poppler's ``pdftotext`` in a separate, limited process.

Why pdftotext: it is fast (a 50-page document in well under a second), its output keeps
Vietnamese text intact (NFC), and running it as its own process means a hostile or broken PDF can
neither crash nor hang the web app or the scheduler: it gets a time limit, a CPU limit and a
memory limit, and its output is capped. Debian maintains it (``poppler-utils``) with security
updates. pypdfium2 or pdfminer.six would parse inside our process (pdfminer is also far slower).

Standalone adapter: no Flask, no app models.
"""
from __future__ import annotations

import resource
import subprocess
import unicodedata
from dataclasses import dataclass

PDFTOTEXT = "pdftotext"
MEMORY_LIMIT = 1024 * 1024 * 1024
MAX_CHARS = 500_000


class ExtractionError(Exception):
    """The PDF could not be read (broken, encrypted, too slow, too big)."""


@dataclass
class ExtractedText:
    text: str
    pages: int


def _limits(cpu_seconds: int):
    def apply():
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds))
    return apply


def extract_text(data: bytes, *, timeout: float = 60, max_chars: int = MAX_CHARS) -> ExtractedText:
    """The text of the PDF ``data`` (NFC, pages separated by form feeds, at most ``max_chars``).

    A PDF without a text layer (a scan) gives empty text; raises ExtractionError when unreadable.
    """
    try:
        done = subprocess.run([PDFTOTEXT, "-q", "-enc", "UTF-8", "-", "-"], input=data,
                              capture_output=True, timeout=timeout, preexec_fn=_limits(int(timeout) + 1),
                              check=False)
    except subprocess.TimeoutExpired:
        raise ExtractionError(f"pdftotext took longer than {timeout:g} s") from None
    except OSError as exc:
        raise ExtractionError(f"pdftotext could not run: {exc}") from None
    if done.returncode != 0:
        raise ExtractionError(f"pdftotext failed (exit {done.returncode})")
    text = done.stdout.decode("utf-8", "replace")
    pages = text.count("\f")
    text = unicodedata.normalize("NFC", text.replace("\x00", ""))
    return ExtractedText(text=text[:max_chars], pages=pages)
