// Reading and writing what Q-Office keeps in a diagram's spiffworkflow extensions, as undoable
// commands of the modeler (one command stack entry per edit, so Ctrl+Z undoes a whole edit).
import { getBusinessObject, is } from '/static/vendor/bpmn-js/bpmn-modeler.js';

const MULTI = 'properties-panel.multi-command-executor';

function update(element, moddleElement, properties) {
  return { cmd: 'element.updateModdleProperties', context: { element, moddleElement, properties } };
}

function extensionValues(bo, type) {
  const ext = bo.get('extensionElements');
  return ext ? ext.get('values').filter(value => is(value, type)) : [];
}

// The extension element of ``type`` of an element, created (with commands pushed) when missing.
function ensureExtension(element, type, attrs, services, commands) {
  const { bpmnFactory } = services;
  const bo = getBusinessObject(element);
  let ext = bo.get('extensionElements');
  if (!ext) {
    ext = bpmnFactory.create('bpmn:ExtensionElements', { values: [] });
    ext.$parent = bo;
    commands.push(update(element, bo, { extensionElements: ext }));
  }
  let found = ext.get('values').find(value => is(value, type));
  if (!found) {
    found = bpmnFactory.create(type, attrs);
    found.$parent = ext;
    commands.push(update(element, ext, { values: [ ...ext.get('values'), found ] }));
  }
  return found;
}

// Pushes the commands that set the ``value`` of the item of ``container[listName]`` whose ``keyAttr`` is
// ``key``: created when missing, removed for an empty value.
function upsert(element, container, listName, type, keyAttr, key, text, bpmnFactory, commands) {
  const items = container.get(listName);
  const item = items.find(i => i[keyAttr] === key);
  if (!text) {
    if (item) commands.push(update(element, container, { [listName]: items.filter(i => i !== item) }));
  } else if (item) {
    commands.push(update(element, item, { value: text }));
  } else {
    const created = bpmnFactory.create(type, { [keyAttr]: key, value: text });
    created.$parent = container;
    commands.push(update(element, container, { [listName]: [ ...items, created ] }));
  }
}

export function getProperty(element, name) {
  const [ props ] = extensionValues(getBusinessObject(element), 'spiffworkflow:Properties');
  const prop = props && props.get('properties').find(p => p.name === name);
  return prop ? (prop.value || '') : '';
}

// Sets (or, for an empty value, removes) one spiffworkflow:property of an element.
export function setProperty(element, name, value, services) {
  const { bpmnFactory, commandStack } = services;
  const commands = [];
  const text = (value || '').trim();
  const existing = extensionValues(getBusinessObject(element), 'spiffworkflow:Properties')[0];
  if (!text && !existing) return;
  const props = existing || ensureExtension(element, 'spiffworkflow:Properties', { properties: [] }, services, commands);
  upsert(element, props, 'properties', 'spiffworkflow:Property', 'name', name, text, bpmnFactory, commands);
  if (commands.length) commandStack.execute(MULTI, commands);
}

export function getOperator(element) {
  return extensionValues(getBusinessObject(element), 'spiffworkflow:ServiceTaskOperator')[0];
}

function parameters(operator) {
  const list = operator && operator.get('parameterList');
  return list ? list.get('parameters') : [];
}

export function getParameter(element, name) {
  const param = parameters(getOperator(element)).find(p => p.id === name);
  return param ? (param.value || '') : '';
}

export function parameterNames(element) {
  return parameters(getOperator(element)).map(p => p.id);
}

// Chooses the operator of a service task; parameters the new operator does not take are dropped.
export function setOperator(element, name, keep, services) {
  const { commandStack } = services;
  const commands = [];
  const operator = getOperator(element) ||
    ensureExtension(element, 'spiffworkflow:ServiceTaskOperator', {}, services, commands);
  commands.push(update(element, operator, { id: name || undefined }));
  const list = operator.get('parameterList');
  if (list) {
    commands.push(update(element, list, { parameters: list.get('parameters').filter(p => keep.includes(p.id)) }));
  }
  commandStack.execute(MULTI, commands);
}

export function setOperatorAttribute(element, attribute, value, services) {
  const commands = [];
  const operator = getOperator(element) ||
    ensureExtension(element, 'spiffworkflow:ServiceTaskOperator', {}, services, commands);
  commands.push(update(element, operator, { [attribute]: (value || '').trim() || undefined }));
  services.commandStack.execute(MULTI, commands);
}

// Sets (or, for an empty value, removes) one parameter expression of the service task's operator.
export function setParameter(element, name, value, services) {
  const { bpmnFactory, commandStack } = services;
  const commands = [];
  const text = (value || '').trim();
  const operator = getOperator(element) ||
    ensureExtension(element, 'spiffworkflow:ServiceTaskOperator', {}, services, commands);
  let list = operator.get('parameterList');
  if (!list) {
    if (!text) return;
    list = bpmnFactory.create('spiffworkflow:Parameters', { parameters: [] });
    list.$parent = operator;
    commands.push(update(element, operator, { parameterList: list }));
  }
  upsert(element, list, 'parameters', 'spiffworkflow:Parameter', 'id', name, text, bpmnFactory, commands);
  if (commands.length) commandStack.execute(MULTI, commands);
}

// A bpmn:FormalExpression-valued property (a condition, a timer's date/duration/cycle).
export function setExpression(element, moddleElement, property, value, services) {
  const { bpmnFactory, commandStack } = services;
  const text = (value || '').trim();
  let expression;
  if (text) {
    expression = bpmnFactory.create('bpmn:FormalExpression', { body: text });
    expression.$parent = moddleElement;
  }
  commandStack.execute('element.updateModdleProperties',
    { element, moddleElement, properties: { [property]: expression } });
}
