"""SpiffWorkflow serializer configurations, with the types our task data uses.

``SERIALIZER`` is SpiffWorkflow's own: a whole workflow, its process definition (spec) included.
``STATE`` writes and reads a running instance *without* its spec: the spec belongs to the process
version, parsed once per process (engine/workflow/specs.py), so turning it into dictionaries and
back on every save and load (most of their cost) would be work thrown away.
"""
from __future__ import annotations

from datetime import date

from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, WorkflowConverter
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG


def _registry(config: dict):
    registry = BpmnWorkflowSerializer.configure(config)
    registry.register(date, lambda v: {"value": v.isoformat()}, lambda d: date.fromisoformat(d["value"]))
    return registry


class _StateConverter(BpmnWorkflowConverter):
    """A top-level workflow as its tasks, data, subprocesses and events; its specs are given on restore."""

    def to_dict(self, workflow):
        dct = WorkflowConverter.to_dict(self, workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct, spec=None, subprocess_specs=None):
        # The registry hands objects it does not know back unchanged, so the parent rebuilds the
        # workflow around the ready specs. Running workflows never change their specs: instances
        # share them (engine.workflow.runtime.start does the same for new instances).
        return super().from_dict({**dct, "spec": spec, "subprocess_specs": dict(subprocess_specs or {})})


SERIALIZER = BpmnWorkflowSerializer(_registry(SPIFF_CONFIG))
STATE = BpmnWorkflowSerializer(_registry({**SPIFF_CONFIG, BpmnWorkflow: _StateConverter}))
