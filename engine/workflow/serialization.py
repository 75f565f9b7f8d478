"""The one SpiffWorkflow serializer configuration, with the types our task data uses."""
from __future__ import annotations

from datetime import date

from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG

_registry = BpmnWorkflowSerializer.configure(SPIFF_CONFIG)
_registry.register(date, lambda v: {"value": v.isoformat()}, lambda d: date.fromisoformat(d["value"]))

SERIALIZER = BpmnWorkflowSerializer(_registry)
