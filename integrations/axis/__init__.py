"""Transports to the interconnection axis behind one :class:`Axis` interface: HTTP (an LGSP-style
REST axis) and a folder drop; the stand-in axis for tests and demos is :mod:`integrations.axis.standin`."""
from integrations.axis.base import Axis, AxisError, Message
from integrations.axis.folder import FolderAxis
from integrations.axis.http import HttpAxis

__all__ = ["Axis", "AxisError", "Message", "FolderAxis", "HttpAxis"]
