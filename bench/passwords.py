"""Password hashing benchmark: argon2id with argon2-cffi's defaults (RFC 9106 low-memory: 64 MiB,
3 passes, 4 lanes — what Q-Office used before) against the parameters Q-Office now uses (OWASP:
19 MiB, 2 passes, 1 lane), and the whole sign-in check (verify + password rules for a change).

Prints the median and best time of one hash and one verify, and the peak memory argon2 asks for.
"""
from __future__ import annotations

from pathlib import Path

from argon2 import PasswordHasher

from bench.timing import measure
from engine.people import passwords

PASSWORD = "Hai con mèo ngồi trên mái nhà"


def _report(label: str, hasher: PasswordHasher) -> None:
    stored = hasher.hash(PASSWORD)
    hash_ms = measure(lambda: hasher.hash(PASSWORD))
    verify_ms = measure(lambda: hasher.verify(stored, PASSWORD))
    print(f"   {label:<44} m={hasher.memory_cost // 1024:>3} MiB t={hasher.time_cost} p={hasher.parallelism}: "
          f"hash {hash_ms[0]:6.1f} ms (best {hash_ms[1]:6.1f}), verify {verify_ms[0]:6.1f} ms "
          f"(best {verify_ms[1]:6.1f})")


def run(workdir: Path) -> None:
    _report("argon2-cffi defaults (before)", PasswordHasher())
    _report("Q-Office now (OWASP argon2id)", passwords.hasher)
    rules = measure(lambda: passwords.problems(PASSWORD, username="cv.ldvl", full_name="Hoàng Thị Lan"))
    print(f"   password rules (length, username, common list, zxcvbn): {rules[0]:.1f} ms (best {rules[1]:.1f})")
