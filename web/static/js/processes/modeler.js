// The process owner's modeler page: edit the diagram with the Q-Office properties panel, download and
// upload .bpmn files, validate (problems as markers on the diagram and as a list) and deploy.
import {
  BpmnPropertiesPanelModule, BpmnPropertiesProviderModule, Modeler
} from '/static/vendor/bpmn-js/bpmn-modeler.js';
import spiffworkflow from './spiffworkflow-moddle.js';
import { QofficePanelModule } from './panel.js';
import { translateModule } from './translations.js';
import { messages } from './messages.js';

const MAX_BYTES = 2 * 1024 * 1024;

const canvasEl = document.querySelector('.modeler .canvas');
const data = canvasEl.dataset;
const text = messages(data.lang);
const statusEl = document.querySelector('[data-testid=modeler-status]');
const problemsEl = document.querySelector('[data-testid=problems]');
const dirtyEl = document.querySelector('[data-testid=dirty]');
const dialog = document.querySelector('[data-testid=deploy-dialog]');
let dirty = false;
let markers = [];

function show(message, kind) {
  statusEl.textContent = message;
  statusEl.className = `flash ${kind}`;
  statusEl.hidden = !message;
}

async function main() {
  const [ catalog, xml ] = await Promise.all([
    fetch(data.catalogUrl).then(r => r.json()),
    fetch(data.xmlUrl).then(r => r.text())
  ]);
  const modeler = new Modeler({
    container: canvasEl,
    propertiesPanel: { parent: document.querySelector('.modeler .properties') },
    additionalModules: [
      BpmnPropertiesPanelModule, BpmnPropertiesProviderModule, QofficePanelModule, translateModule(data.lang)
    ],
    moddleExtensions: { spiffworkflow },
    qoffice: { catalog }
  });
  window.qofficeModeler = modeler;  // lets browser tests drive bpmn-js through its API
  await load(modeler, xml);
  modeler.on('commandStack.changed', () => setDirty(true));
  wireToolbar(modeler);
  window.addEventListener('beforeunload', event => {
    if (dirty) event.preventDefault();
  });
  canvasEl.dataset.ready = 'true';
}

async function load(modeler, xml) {
  const { warnings } = await modeler.importXML(xml);
  modeler.get('canvas').zoom('fit-viewport');
  clearProblems(modeler);
  if (warnings.length) show(text.importWarnings(warnings.length), 'info');
}

function setDirty(value) {
  dirty = value;
  dirtyEl.hidden = !value;
}

async function currentXml(modeler) {
  const { xml } = await modeler.saveXML({ format: true });
  return xml;
}

function post(url, body) {
  return fetch(url, {
    method: 'POST', body, credentials: 'same-origin',
    headers: { 'Content-Type': 'application/xml', 'X-CSRFToken': data.csrf, 'Accept': 'application/json' }
  });
}

// The JSON answer of a page endpoint; a login page instead means the session has expired.
async function answer(response) {
  if (!(response.headers.get('Content-Type') || '').includes('application/json')) {
    throw new Error(text.sessionExpired);
  }
  return response.json();
}

function clearProblems(modeler) {
  const canvas = modeler.get('canvas');
  markers.forEach(id => canvas.removeMarker(id, 'qo-problem'));
  modeler.get('overlays').remove({ type: 'qo-problem' });
  markers = [];
  problemsEl.hidden = true;
  problemsEl.querySelector('ol').replaceChildren();
}

function showProblems(modeler, problems) {
  clearProblems(modeler);
  const registry = modeler.get('elementRegistry');
  const counts = {};
  problems.forEach(p => { if (p.element_id) counts[p.element_id] = (counts[p.element_id] || 0) + 1; });
  for (const [ id, count ] of Object.entries(counts)) {
    if (!registry.get(id)) continue;
    modeler.get('canvas').addMarker(id, 'qo-problem');
    markers.push(id);
    const badge = document.createElement('span');
    badge.className = 'qo-problem-badge';
    badge.textContent = count;
    badge.title = problems.filter(p => p.element_id === id).map(p => p.message).join('\n');
    modeler.get('overlays').add(id, 'qo-problem', { position: { top: -10, right: 10 }, html: badge });
  }
  const list = problemsEl.querySelector('ol');
  for (const problem of problems) {
    const item = document.createElement('li');
    item.dataset.elementId = problem.element_id || '';
    const target = problem.element_id && registry.get(problem.element_id);
    const label = document.createElement(target ? 'button' : 'b');
    label.type = 'button';
    label.className = 'link';
    label.textContent = problem.element_id || text.wholeDiagram;
    if (target) {
      label.addEventListener('click', () => {
        modeler.get('selection').select(target);
        modeler.get('canvas').scrollToElement(target);
      });
    }
    item.append(label, document.createTextNode(`: ${problem.message}`));
    list.append(item);
  }
  problemsEl.hidden = problems.length === 0;
}

async function validate(modeler) {
  const response = await post(data.validateUrl, await currentXml(modeler));
  const body = await answer(response);
  if (!response.ok) {
    show(body.message, 'error');
    return;
  }
  showProblems(modeler, body.problems);
  show(body.valid ? text.valid : text.invalid(body.problems.length), body.valid ? 'success' : 'error');
}

async function deploy(modeler, note) {
  const url = `${data.deployUrl}?note=${encodeURIComponent(note)}`;
  const response = await post(url, await currentXml(modeler));
  const body = await answer(response);
  if (response.status === 201) {
    setDirty(false);
    window.location.assign(body.url);
    return;
  }
  showProblems(modeler, (body.details && body.details.problems) || []);
  show(body.message, 'error');
}

function download(modeler) {
  currentXml(modeler).then(xml => {
    const link = document.createElement('a');
    link.href = URL.createObjectURL(new Blob([ xml ], { type: 'application/xml' }));
    link.download = `${data.processId}.bpmn`;
    link.click();
    URL.revokeObjectURL(link.href);
  });
}

function upload(modeler, file) {
  if (file.size > MAX_BYTES) {
    show(text.tooLarge, 'error');
    return;
  }
  file.text().then(xml => load(modeler, xml)).then(() => {
    setDirty(true);
    show(text.uploaded(file.name), 'info');
  }).catch(error => show(text.unreadable(error.message), 'error'));
}

function wireToolbar(modeler) {
  const on = (action, event, handler) =>
    document.querySelector(`[data-action=${action}]`).addEventListener(event, handler);
  on('validate', 'click', () => validate(modeler).catch(error => show(error.message, 'error')));
  on('download', 'click', () => download(modeler));
  on('upload', 'change', event => {
    if (event.target.files[0]) upload(modeler, event.target.files[0]);
    event.target.value = '';
  });
  on('deploy', 'click', () => dialog.showModal());
  dialog.addEventListener('close', () => {
    const note = dialog.querySelector('textarea[name=note]');
    if (dialog.returnValue === 'deploy' && note.value.trim()) {
      deploy(modeler, note.value.trim()).catch(error => show(error.message, 'error'));
    }
  });
}

main().catch(error => show(text.failed(error.message), 'error'));
