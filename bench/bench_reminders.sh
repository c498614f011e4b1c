#!/usr/bin/env bash
# A payment-reminder run for 5 000 overdue customers: seconds and queries per customer.
#   bash bench/bench_reminders.sh [--customers N] [--overdue N] [--pdf-sample N] [--regenerate]
# About half of the generated customers have overdue items on 2026-11-30: 11 000 give the 5 000 to remind.
# Builds database kk_bench_reminders (no demo data) with kundekartotek, fills it once with bench/generate_receivables.py
# (--customers customers, 12 receivable lines each, three years up to 2026-11-27; --regenerate rebuilds it), then
# runs bench/reminders_measure.py: the reminder run of the list action on --overdue customers that have overdue
# items, by e-mail, rolled back at the end; first without wkhtmltopdf, then with it on --pdf-sample customers
# (20 by default; --pdf-sample 0: all of them, the full run with its PDFs rendered in batches).
source "$(dirname "$0")/../dev/common.sh"
source "$(dirname "$0")/common.sh"
CUSTOMERS=11000
REGENERATE=0
MEASURE_ARGS=()
while [ $# -gt 0 ]; do
    case $1 in
        --customers) CUSTOMERS=$2; shift 2 ;;
        --overdue | --pdf-sample) MEASURE_ARGS+=("$1" "$2"); shift 2 ;;
        --regenerate) REGENERATE=1; shift ;;
        *) die "unknown option $1" ;;
    esac
done
DB=${KK_BENCH_DB:-kk_bench_reminders}
setup_all
LOG="$WORK_DIR/bench-reminders.log"
receivables_database "$DB" "$REGENERATE" "$LOG" "$CUSTOMERS" $((CUSTOMERS * 12)) --check 0
# wkhtmltopdf fetches the report's styles from the server at web.base.url: serve the database on a port of its own.
PORT=$(free_port)
# Started directly, not through the odoo_bin function: $! must be the server itself, or the trap below leaves it running.
"$PY" "$ODOO_SRC/odoo-bin" -c "$ODOO_RC" -d "$DB" --db-filter="^$DB\$" --http-interface=127.0.0.1 --http-port="$PORT" \
    --gevent-port="$(free_port)" --workers=0 --max-cron-threads=0 --log-level=warn >>"$LOG" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null' EXIT
for _ in $(seq 120); do curl -sf "http://127.0.0.1:$PORT/web/webclient/version_info" -H 'Content-Type: application/json' \
    -d '{}' >/dev/null && break; sleep 1; done
psql -d "$DB" -qc "UPDATE ir_config_parameter SET value = 'http://127.0.0.1:$PORT' WHERE key = 'web.base.url'"
say "Measuring the reminder run"
"$PY" "$PROJECT_DIR/bench/reminders_measure.py" -c "$ODOO_RC" -d "$DB" "${MEASURE_ARGS[@]}"
