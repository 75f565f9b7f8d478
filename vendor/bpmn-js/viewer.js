// The read-only viewer of the document page (web/static/js/processes/viewer.js): small, no editing.
export { default as NavigatedViewer } from 'bpmn-js/lib/NavigatedViewer';
