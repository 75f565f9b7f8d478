#!/usr/bin/env bash
# Builds bpmn-js (modeler and viewer) with its properties panel, from the npm registry, into
# web/static/vendor/bpmn-js/: two ES modules, the stylesheets, LICENSE and VERSION. Maintainers only
# (make vendor); the built files are committed, so make run and make test never need npm.
set -euo pipefail
cd "$(dirname "$0")"
OUT=../../web/static/vendor/bpmn-js
npm ci --no-audit --no-fund --loglevel=error
rm -rf "$OUT"
mkdir -p "$OUT"
# Two bundles: the modeler with its properties panel for process owners, a small viewer for the document page.
node_modules/.bin/esbuild modeler.js viewer.js --bundle --format=esm --minify --target=es2020 \
  --legal-comments=none --metafile=meta.json --log-level=warning --entry-names=bpmn-[name] --outdir="$OUT"
cp node_modules/bpmn-js/dist/assets/diagram-js.css node_modules/bpmn-js/dist/assets/bpmn-js.css "$OUT/"
cp node_modules/bpmn-js/dist/assets/bpmn-font/css/bpmn-embedded.css "$OUT/bpmn-font.css"
cp node_modules/@bpmn-io/properties-panel/dist/assets/properties-panel.css "$OUT/"
node licenses.mjs meta.json "$OUT/LICENSE"
rm meta.json
node -e '
  const lock = require("./package-lock.json").packages;
  const names = ["bpmn-js", "bpmn-js-properties-panel", "@bpmn-io/properties-panel", "diagram-js", "preact"];
  console.log(names.map(n => `${n} ${lock["node_modules/" + n].version}`).join("\n"));
' > "$OUT/VERSION"
