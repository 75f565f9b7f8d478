#!/usr/bin/env bash
# Rebuilds the vendored JavaScript libraries from the npm registry (maintainers only; needs node + npm).
set -euo pipefail
cd "$(dirname "$0")/.."
for build in vendor/*/build.sh; do (cd "$(dirname "$build")" && bash build.sh); done
