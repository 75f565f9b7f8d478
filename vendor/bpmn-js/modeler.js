// What Q-Office's process modeler (web/static/js/processes/) uses from bpmn-js and its properties
// panel, bundled into one ES module so that the modeler, the panel and Q-Office's entries share one preact.
export { default as Modeler } from 'bpmn-js/lib/Modeler';
export { getBusinessObject, is } from 'bpmn-js/lib/util/ModelUtil';
export {
  BpmnPropertiesPanelModule,
  BpmnPropertiesProviderModule,
  useService
} from 'bpmn-js-properties-panel';
export {
  Group,
  SelectEntry,
  TextAreaEntry,
  TextFieldEntry,
  isSelectEntryEdited,
  isTextAreaEntryEdited,
  isTextFieldEntryEdited
} from '@bpmn-io/properties-panel';
