#!/usr/bin/env bash
# `make soak`: the long reliability runs, each bounded, ending by themselves (about an hour and a half on 2 cores).
#  1. kill -9 of the web app and the scheduler during SOAK_LIFECYCLES lifecycles, on SQLite then PostgreSQL
#     (with SOAK_SCHEMATHESIS_EXAMPLES set, schemathesis for every role with that many examples too);
#  2. the production topology (scripts/prod_demo.sh) under SOAK_USERS simulated users for SOAK_SECONDS.
# The figures are printed and kept in SOAK_REPORT_DIR (default: a temporary folder, printed at the end).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
export QOFFICE_SOAK_LIFECYCLES=${SOAK_LIFECYCLES:-1000}
REPORTS=${SOAK_REPORT_DIR:-$(mktemp -d -t qoffice-soak.XXXXXX)}
mkdir -p "$REPORTS"
failed=0

run() {  # name, command…: run one part, keep its output, remember a failure and go on with the others
    local name=$1
    shift
    echo "== $name"
    if "$@" 2>&1 | tee "$REPORTS/$name.log"; then echo "== $name: passed"; else echo "== $name: FAILED"; failed=1; fi
}

PYTEST="$BIN/pytest -q -s -p no:cacheprovider tests/reliability/test_crash_restart.py"
if [ -n "${SOAK_SCHEMATHESIS_EXAMPLES:-}" ]; then
    export QOFFICE_SCHEMATHESIS_EXAMPLES=$SOAK_SCHEMATHESIS_EXAMPLES
    PYTEST="$PYTEST tests/reliability/test_api_schema.py"
fi
run sqlite $PYTEST
run postgresql pg_virtualenv -t sh -c 'QOFFICE_TEST_DATABASE_URL="postgresql+psycopg2://$PGUSER:$PGPASSWORD@$PGHOST:${PGPORT:-5432}/postgres" '"$PYTEST"

PORT=$($BIN/python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export QOFFICE_DEMO_PASSWORD=${QOFFICE_DEMO_PASSWORD:-Mat-khau-demo-2026}
PORT=$PORT bash scripts/prod_demo.sh > "$REPORTS/prod-demo.log" 2>&1 &
demo=$!
trap 'kill -TERM "$demo" 2>/dev/null || true; wait "$demo" 2>/dev/null || true' EXIT
for _ in $(seq 180); do
    curl -fs -o /dev/null "http://127.0.0.1:$PORT/api/v1/openapi.json" && break
    sleep 1
done
run load $BIN/python -m tests.reliability.load --base-url "http://127.0.0.1:$PORT" --users "${SOAK_USERS:-50}" \
    --seconds "${SOAK_SECONDS:-300}" --report "$REPORTS/load.json"

echo "reports: $REPORTS"
grep -h "reliability figures" -A1 "$REPORTS"/sqlite.log "$REPORTS"/postgresql.log || true
exit $failed
