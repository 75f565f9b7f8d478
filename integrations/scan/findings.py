"""What a scan finds: levels, findings, the result, and the collector that gathers them while the
scanners walk a file and the files nested in it."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable

BLOCK, WARN, INFO = "block", "warn", "info"
_LEVEL_RANK = {INFO: 0, WARN: 1, BLOCK: 2}

# The EICAR test string, assembled so that this source file itself is not an EICAR hit.
EICAR = (b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-" + b"ANTIVIRUS-TEST-FILE!$H+H*")

MAX_DEPTH = 3                       # nesting of embedded files / zip members
MAX_DECODED_TOTAL = 256 * 2**20     # bytes of decoded PDF streams / zip members inspected per file
MAX_OBJECTS = 100_000               # PDF objects walked per file (about 1.5 s; a 300-page scan has a few thousand)


@dataclass(frozen=True)
class Finding:
    level: str          # "block" | "warn" | "info"
    code: str           # stable machine code, e.g. "pdf_javascript"
    message_vi: str     # user-facing Vietnamese message
    detail: str = ""    # technical detail for logs (English / raw values)


@dataclass
class ScanResult:
    verdict: str                    # "ok" | "warn" | "block"
    mime: str
    findings: list[Finding] = field(default_factory=list)
    decoded_bytes: int = 0          # what the scan inflated, and the PDF objects it walked: the work it
    objects: int = 0                # cost, for a caller sharing one budget between several files

    @property
    def ok(self) -> bool:
        return self.verdict == "ok"

    @property
    def blocked(self) -> bool:
        return self.verdict == BLOCK

    @property
    def codes(self) -> set[str]:
        return {f.code for f in self.findings}

    def messages_vi(self) -> list[str]:
        return [f.message_vi for f in self.findings]


class Collector:
    """Findings of one file (one per code and message) and the decoded-bytes budget it may still use.

    ``nested`` scans a file found inside this one (an embedded file, an archive member): the
    container scanners call it without knowing every kind of file there is.
    """

    def __init__(self, prefix: str = "", nested: Callable | None = None, *, decoded_budget: int = MAX_DECODED_TOTAL,
                 objects_budget: int = MAX_OBJECTS):
        self.findings: list[Finding] = []
        self._seen: set[tuple[str, str]] = set()
        self.prefix = prefix
        self.decoded_budget = decoded_budget
        self.objects_budget = objects_budget
        self.nested = nested

    def add(self, level: str, code: str, message_vi: str, detail: str = "") -> None:
        key = (code, message_vi)
        if key in self._seen:           # one finding per (code, message); details of the first
            return
        self._seen.add(key)
        self.findings.append(Finding(level, code, self.prefix + message_vi, detail))

    def extend(self, findings: Iterable[Finding]) -> None:
        for f in findings:
            key = (f.code, f.message_vi)
            if key not in self._seen:
                self._seen.add(key)
                self.findings.append(f)

    def child(self, prefix: str) -> "Collector":
        """A collector for a nested file, sharing this file's decoded-bytes budget."""
        return Collector(prefix, self.nested, decoded_budget=self.decoded_budget, objects_budget=self.objects_budget)

    def absorb(self, sub: "Collector") -> None:
        self.decoded_budget, self.objects_budget = sub.decoded_budget, sub.objects_budget
        self.extend(sub.findings)


def verdict(findings: Iterable[Finding]) -> str:
    worst = max((_LEVEL_RANK.get(f.level, 0) for f in findings), default=0)
    return BLOCK if worst == 2 else WARN if worst == 1 else "ok"
