#!/usr/bin/env bash
# Installs the Debian packages Q-Office needs that are missing (root or sudo).
#   runtime: weasyprint's pango/harfbuzz, a Times-compatible font with full Vietnamese, libmagic,
#            poppler (pdftotext: text of attached PDFs for search)
#   test:    the above plus Debian's chromium (browser tests), SoftHSM2 (PKCS#11),
#            NSS tools (pdfsig trusting the test root) and PostgreSQL (pg_virtualenv for the PG test run)
set -euo pipefail
runtime=(python3-venv libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-liberation2 libmagic1 poppler-utils)
test=(chromium softhsm2 libnss3-tools postgresql)
wanted=("${runtime[@]}")
if [[ "${1:-runtime}" == "test" ]]; then wanted+=("${test[@]}"); fi

missing=()
for pkg in "${wanted[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "Installing Debian packages: ${missing[*]}"
if [[ $(id -u) -eq 0 ]]; then sudo=(); elif command -v sudo >/dev/null; then sudo=(sudo); else
  echo "Please install as root: apt-get install -y ${missing[*]}" >&2; exit 1
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
