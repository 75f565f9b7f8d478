"""What every interconnection-axis transport offers: send a package, list what arrived for us,
fetch one, acknowledge it once it is safely stored."""
from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass

KINDS = ("edoc", "status")


@dataclass
class Message:
    """A package waiting for us on the axis."""

    id: str
    sender: str = ""
    kind: str = "edoc"
    created: str = ""


class AxisError(Exception):
    """The axis could not take or give a package. ``permanent`` means retrying cannot help
    (the axis refused this package); otherwise the axis is down or busy and a retry may work."""

    def __init__(self, message: str, *, permanent: bool = False):
        super().__init__(message)
        self.message = message
        self.permanent = permanent


class Axis(ABC):
    @abstractmethod
    def send(self, package: bytes, *, receivers: list[str], kind: str, key: str) -> str:
        """Hand ``package`` to the axis for ``receivers``; ``key`` lets the axis drop a resent copy.
        Returns the axis's id of the message."""

    @abstractmethod
    def received(self) -> list[Message]:
        """Packages waiting for us, oldest first."""

    @abstractmethod
    def fetch(self, message_id: str) -> bytes:
        """The bytes of one waiting package."""

    @abstractmethod
    def acknowledge(self, message_id: str) -> None:
        """Tell the axis the package is stored; it is not listed again."""
