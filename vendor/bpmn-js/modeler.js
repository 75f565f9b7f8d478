// What Q-Office's process modeler (web/static/js/processes/modeler.js) uses from bpmn-js and its
// properties panel, bundled into one ES module so that the modeler and the panel share one preact.
export { default as Modeler } from 'bpmn-js/lib/Modeler';
export { getBusinessObject, is } from 'bpmn-js/lib/util/ModelUtil';
export {
  BpmnPropertiesPanelModule,
  BpmnPropertiesProviderModule,
  useService
} from 'bpmn-js-properties-panel';
export {
  Group,
  ListGroup,
  SelectEntry,
  TextAreaEntry,
  TextFieldEntry,
  isSelectEntryEdited,
  isTextAreaEntryEdited,
  isTextFieldEntryEdited
} from '@bpmn-io/properties-panel';
export { h } from '@bpmn-io/properties-panel/preact';
