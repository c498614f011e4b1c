#!/usr/bin/env bash
# A payment-reminder run for 5 000 overdue customers: seconds and queries per customer.
#   bash bench/bench_reminders.sh [--customers N] [--overdue N] [--pdf-sample N] [--regenerate]
# Builds database kk_bench_reminders (no demo data) with kundekartotek, fills it once with bench/generate_receivables.py
# (--customers customers, 12 receivable lines each, three years up to 2026-11-27; --regenerate rebuilds it), then
# runs bench/reminders_measure.py: the reminder run of the list action on --overdue customers that have overdue
# items, by e-mail, rolled back at the end.
source "$(dirname "$0")/../dev/common.sh"
CUSTOMERS=6000
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
if [ "$REGENERATE" = 1 ] && db_exists "$DB"; then dropdb "$DB"; fi
if ! db_exists "$DB"; then
    create_database "$DB" nodemo "$LOG"
    say "Installing kundekartotek in $DB"
    odoo_bin -d "$DB" -i "$MODULE" --without-demo=all --stop-after-init --log-level=warn >>"$LOG" 2>&1 ||
        { dropdb "$DB"; die "install failed; see $LOG"; }
    say "Generating $CUSTOMERS customers"
    "$PY" "$PROJECT_DIR/bench/generate_receivables.py" -c "$ODOO_RC" -d "$DB" --customers "$CUSTOMERS" \
        --lines $((CUSTOMERS * 12)) --check 0 || { dropdb "$DB"; die "generation failed"; }
    psql -d "$DB" -qc "VACUUM (ANALYZE) account_move_line, account_move, account_partial_reconcile"
else
    odoo_bin -d "$DB" -u "$MODULE" --stop-after-init --log-level=warn >>"$LOG" 2>&1 || die "upgrade failed; see $LOG"
fi
say "Measuring the reminder run"
"$PY" "$PROJECT_DIR/bench/reminders_measure.py" -c "$ODOO_RC" -d "$DB" "${MEASURE_ARGS[@]}"
