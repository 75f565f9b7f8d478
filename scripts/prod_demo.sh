#!/usr/bin/env bash
# The production topology on this machine, with throwaway data: a PostgreSQL cluster of its own
# (Debian's pg_virtualenv, destroyed on exit), gunicorn with 3 workers and exactly one scheduler.
# Ctrl+C or SIGTERM stops everything. PORT (default 8000), QOFFICE_DEMO_PASSWORD as for `make run`.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin

if [ -z "${QOFFICE_PROD_DEMO_PIDFILE:-}" ]; then
    # Outside the cluster: start it (in a temporary folder, even as root: -t) with this script inside,
    # and on a signal stop the servers inside first, so that pg_virtualenv can drop its cluster.
    export QOFFICE_PROD_DEMO_PIDFILE
    QOFFICE_PROD_DEMO_PIDFILE=$(mktemp -t qoffice-prod-demo-pid.XXXXXX)
    pg_virtualenv -t bash "$0" "$@" &
    cluster=$!
    stop() {
        inside=$(cat "$QOFFICE_PROD_DEMO_PIDFILE" 2>/dev/null || true)
        [ -n "$inside" ] && kill -TERM "$inside" 2>/dev/null || true
    }
    trap stop INT TERM
    status=0
    wait "$cluster" || status=$?
    if kill -0 "$cluster" 2>/dev/null; then wait "$cluster" || status=$?; fi  # a signal interrupted the first wait
    rm -f "$QOFFICE_PROD_DEMO_PIDFILE"
    exit "$status"
fi

echo $$ > "$QOFFICE_PROD_DEMO_PIDFILE"
PORT=${PORT:-8000}
export QOFFICE_DATA=${QOFFICE_DATA:-$(mktemp -d -t qoffice-prod-demo.XXXXXX)}
export DATABASE_URL="postgresql+psycopg2://$PGUSER:$PGPASSWORD@$PGHOST:${PGPORT:-5432}/qoffice"
export QOFFICE_BASE_URL="http://127.0.0.1:$PORT"
createdb qoffice
$BIN/flask --app wsgi init

pids=()
shutdown() {
    trap - INT TERM EXIT
    kill -TERM "${pids[@]}" 2>/dev/null || true
    wait "${pids[@]}" 2>/dev/null || true
}
trap 'shutdown; exit 0' INT TERM
trap shutdown EXIT

$BIN/flask --app wsgi scheduler &
pids+=($!)
$BIN/gunicorn --workers 3 --bind "127.0.0.1:$PORT" --timeout 120 --no-control-socket \
    --access-logfile - --access-logformat '%(h)s "%(r)s" %(s)s %(M)sms' wsgi:app &
pids+=($!)
echo "Q-Office (production topology: PostgreSQL, gunicorn -w 3, one scheduler) on $QOFFICE_BASE_URL"
echo "data folder: $QOFFICE_DATA"
wait -n "${pids[@]}"  # either server ending ends the demo
