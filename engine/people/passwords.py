"""Passwords: argon2id hashing tuned to OWASP's guidance, the password rules, one-time passwords.

OWASP's Password Storage Cheat Sheet (2025) recommends argon2id with at least 19 MiB of memory,
2 iterations and 1 degree of parallelism. argon2-cffi's defaults (64 MiB, 3 iterations, 4 lanes:
RFC 9106's "low memory" profile) made each sign-in cost 0.5–1 s on the office's 2-core server;
``bench/passwords.py`` measures both. Hashes made with other parameters still verify and are
re-hashed with these at the next successful sign-in.
"""
from __future__ import annotations

import re
import secrets
import string

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn
from zxcvbn.frequency_lists import FREQUENCY_LISTS

from engine.errors import N_, InvalidInput
from engine.text import fold

TIME_COST = 2
MEMORY_COST_KIB = 19 * 1024
PARALLELISM = 1
MIN_LENGTH = 10
MAX_LENGTH = 128  # argon2 takes any length; a bound keeps a hostile "password" from costing memory
MIN_SCORE = 2  # zxcvbn: 0 too guessable … 4 very unguessable

hasher = PasswordHasher(time_cost=TIME_COST, memory_cost=MEMORY_COST_KIB, parallelism=PARALLELISM,
                        hash_len=32, salt_len=16, type=Type.ID)

_COMMON = frozenset(FREQUENCY_LISTS["passwords"])
# Words that, with a few digits or symbols around them, make the passwords people here reach for first.
_LOCAL_WORDS = frozenset({"matkhau", "password", "passw", "qoffice", "admin", "quantri", "ldtbxh", "soldtbxh",
                          "laodong", "quangnam", "vanthu", "giamdoc", "abc", "qwerty", "asdf"})
_OTP_ALPHABET = "".join(c for c in string.ascii_letters + string.digits if c not in "0O1lI")


def hash_password(password: str) -> str:
    return hasher.hash(password)


def verify(password_hash: str, password: str) -> bool:
    try:
        return hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return hasher.check_needs_rehash(password_hash)


def one_time_password() -> str:
    """A random 14-character password without look-alike characters, for a new account or a reset."""
    return "".join(secrets.choice(_OTP_ALPHABET) for _ in range(14))


def problems(password: str, *, username: str, full_name: str = "") -> str | None:
    """Why ``password`` may not be used (Vietnamese), or None when it is acceptable."""
    if not isinstance(password, str) or len(password) < MIN_LENGTH:
        return N_("Mật khẩu phải có ít nhất 10 ký tự.")
    if len(password) > MAX_LENGTH:
        return N_("Mật khẩu dài tối đa 128 ký tự.")
    folded = fold(password).replace(" ", "")
    name = fold(username or "")
    if name and (folded == name or (len(name) >= 4 and name in folded)):
        return N_("Mật khẩu không được là hoặc chứa tên đăng nhập.")
    letters = re.sub(r"[^a-z]", "", folded)
    if folded in _COMMON or password.lower() in _COMMON or letters in _LOCAL_WORDS or len(set(folded)) < 4:
        return N_("Mật khẩu này quá phổ biến, dễ bị đoán. Hãy chọn mật khẩu khác.")
    hints = [username or "", *fold(full_name or "").split(), "qoffice", "ldtbxh", "quangnam"]
    if zxcvbn(password[:64], user_inputs=[h for h in hints if h])["score"] < MIN_SCORE:
        return N_("Mật khẩu dễ đoán (tên, ngày sinh, dãy phím liền nhau…). Hãy chọn mật khẩu khác.")
    return None


def check_new(password: str, *, username: str, full_name: str = "", field: str = "new") -> None:
    """Raise InvalidInput (422, ``details[field]``) when ``password`` breaks the rules."""
    problem = problems(password, username=username, full_name=full_name)
    if problem:
        raise InvalidInput(problem, code="weak_password", details={field: problem})
