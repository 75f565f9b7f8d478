// Read-only diagrams: a process version for leaders, and on the document page each workflow instance of
// the document with its completed elements shaded and its open steps highlighted (who holds them, since
// when, until when).
import { NavigatedViewer } from '/static/vendor/bpmn-js/bpmn-viewer.js';
import { messages } from './messages.js';

function when(iso) {
  // the server sends Vietnam time (+07:00): show it as written
  return iso ? `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)} ${iso.slice(11, 16)}` : '';
}

async function showVersion(container) {
  const viewer = new NavigatedViewer({ container });
  await viewer.importXML(await fetch(container.dataset.xmlUrl).then(r => r.text()));
  viewer.get('canvas').zoom('fit-viewport');
  container.dataset.ready = 'true';
}

function mark(viewer, item, text) {
  const canvas = viewer.get('canvas');
  const registry = viewer.get('elementRegistry');
  const known = id => registry.get(id);
  item.completed.filter(known).forEach(id => canvas.addMarker(id, 'qo-completed'));
  item.waiting.filter(known).forEach(id => canvas.addMarker(id, 'qo-waiting'));
  item.current.filter(known).forEach(id => canvas.addMarker(id, 'qo-current'));
  for (const task of item.tasks) {
    if (!known(task.element_id)) continue;
    const note = document.createElement('div');
    note.className = 'qo-holder';
    note.dataset.testid = 'task-holder';
    note.textContent = `${text.holder}: ${task.holder} · ${text.since} ${when(task.since)}` +
      (task.due_at ? ` · ${text.due} ${when(task.due_at)}` : '');
    viewer.get('overlays').add(task.element_id, 'qo-holder', { position: { bottom: -6, left: -20 }, html: note });
  }
}

async function showDocument(section) {
  const text = messages(section.dataset.lang);
  const tabs = section.querySelector('.tabs');
  const canvas = section.querySelector('.diagram-canvas');
  const { items } = await fetch(section.dataset.url).then(r => r.json());
  if (!items.length) {
    canvas.textContent = text.noDiagram;
    return;
  }
  let viewer = null;
  const open = async (item, button) => {
    tabs.querySelectorAll('a').forEach(a => a.classList.toggle('active', a === button));
    if (viewer) viewer.destroy();
    viewer = new NavigatedViewer({ container: canvas });
    await viewer.importXML(await fetch(item.xml_url).then(r => r.text()));
    viewer.get('canvas').zoom('fit-viewport');
    mark(viewer, item, text);
    canvas.dataset.instance = item.instance_id;
    canvas.dataset.ready = 'true';
  };
  items.forEach(item => {
    const button = document.createElement('a');
    button.href = '#';
    button.dataset.instance = item.instance_id;
    button.textContent = `${item.name} (${text.version} ${item.version}, ${text.statuses[item.status] || item.status})`;
    button.addEventListener('click', event => {
      event.preventDefault();
      canvas.dataset.ready = 'false';
      open(item, button);
    });
    tabs.append(button);
  });
  const first = items.find(i => i.status === 'running') || items[0];
  await open(first, tabs.querySelector(`[data-instance="${first.instance_id}"]`));
}

document.querySelectorAll('.modeler .canvas[data-xml-url]').forEach(showVersion);
document.querySelectorAll('[data-document-diagrams]').forEach(showDocument);
