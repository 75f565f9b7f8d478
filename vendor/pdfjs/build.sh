#!/usr/bin/env bash
# Builds web/static/vendor/pdfjs/ from the npm registry: pdf.js's display layer and its worker (the
# minified ES modules pdfjs-dist ships), its licence and the version. Maintainers only (node + npm).
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund --ignore-scripts
out=../../web/static/vendor/pdfjs
rm -rf "$out"
mkdir -p "$out"
# Served as .js so that any static server sends a JavaScript MIME type for the module scripts.
cp node_modules/pdfjs-dist/build/pdf.min.mjs "$out/pdf.min.js"
cp node_modules/pdfjs-dist/build/pdf.worker.min.mjs "$out/pdf.worker.min.js"
cp node_modules/pdfjs-dist/LICENSE "$out/LICENSE"
node -p "require('pdfjs-dist/package.json').version" > "$out/VERSION"
