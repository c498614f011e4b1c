#!/usr/bin/env bash
# Receivables ageing at 20 000 customers and 500 000 receivable lines: ours against OCA's Aged Partner Balance.
#   bash bench/bench_ageing.sh [--customers N] [--lines N] [--as-of YYYY-MM-DD]... [--regenerate] [--repeat N] [--plan]
#                              [--index-cost [--invoices N] [--payments N]]
# Builds database kk_bench (no demo data) with kundekartotek and OCA's account_financial_report 18.0, which is
# installed from PyPI into .odoo/bench-oca (pip --target, not the project's virtualenv), on an addons path used only
# here. Generates the data once (bench/generate_receivables.py; --regenerate rebuilds the database; otherwise the
# module is upgraded in it), then measures each report in fresh Odoo processes at each date (2026-10-31, 2025-10-31
# and 2024-10-31 unless --as-of is given, once per date) and compares the totals (bench/ageing_measure.py).
# --index-cost then measures what the ageing's indexes cost on posting 10 000 invoices and paying 2 000 of them
# (bench/ageing_index_cost.py). KK_BENCH_DB names another database (kk_bench by default).
source "$(dirname "$0")/../dev/common.sh"
CUSTOMERS=20000
LINES=500000
REGENERATE=0
INDEX_COST=0
MEASURE_ARGS=()
COST_ARGS=()
while [ $# -gt 0 ]; do
    case $1 in
        --customers) CUSTOMERS=$2; shift 2 ;;
        --lines) LINES=$2; shift 2 ;;
        --as-of) MEASURE_ARGS+=(--as-of "$2"); shift 2 ;;
        --regenerate) REGENERATE=1; shift ;;
        --plan) MEASURE_ARGS+=(--plan); shift ;;
        --repeat) MEASURE_ARGS+=(--repeat "$2"); shift 2 ;;
        --index-cost) INDEX_COST=1; shift ;;
        --invoices | --payments) COST_ARGS+=("$1" "$2"); shift 2 ;;
        *) die "unknown option $1" ;;
    esac
done
DB=${KK_BENCH_DB:-kk_bench}
setup_all
LOG="$WORK_DIR/bench-ageing.log"
OCA_DIR="$WORK_DIR/bench-oca"
OCA_SPECS=("odoo-addon-account-financial-report>=18.0,<18.1" "odoo-addon-date-range>=18.0,<18.1"
    "odoo-addon-report-xlsx>=18.0,<18.1")

# OCA's addons, their Odoo dependencies given by hand (--no-deps: pip must not pull Odoo itself from PyPI);
# xlsxwriter, their only Python dependency, is already in Odoo's requirements.
if [ ! -f "$OCA_DIR/odoo/addons/account_financial_report/__manifest__.py" ]; then
    say "Installing OCA account_financial_report 18.0 into $OCA_DIR"
    "$PY" -m pip install --quiet --disable-pip-version-check --no-deps --target "$OCA_DIR" "${OCA_SPECS[@]}"
fi
BENCH_RC="$WORK_DIR/odoo-bench-ageing.cfg"
sed -e "s|^addons_path = .*|&,$OCA_DIR/odoo/addons|" "$ODOO_RC" >"$BENCH_RC"
bench_odoo() { "$PY" "$ODOO_SRC/odoo-bin" -c "$BENCH_RC" "$@"; }

if [ "$REGENERATE" = 1 ] && db_exists "$DB"; then dropdb "$DB"; fi
if ! db_exists "$DB"; then
    create_database "$DB" nodemo "$LOG"
    say "Installing kundekartotek and account_financial_report in $DB"
    bench_odoo -d "$DB" -i "$MODULE,account_financial_report" --without-demo=all --stop-after-init \
        --log-level=warn >>"$LOG" 2>&1 || { dropdb "$DB"; die "install failed; see $LOG"; }
    say "Generating $CUSTOMERS customers and at least $LINES receivable lines"
    "$PY" "$PROJECT_DIR/bench/generate_receivables.py" -c "$BENCH_RC" -d "$DB" --customers "$CUSTOMERS" \
        --lines "$LINES" || { dropdb "$DB"; die "generation failed"; }
    # As autovacuum would have done on a live database: the visibility map lets the ageing read its covering
    # indexes without visiting the tables (index-only scans), and the statistics follow the data.
    psql -d "$DB" -qc "VACUUM (ANALYZE) account_move_line, account_move, account_partial_reconcile"
else
    bench_odoo -d "$DB" -u "$MODULE" --stop-after-init --log-level=warn >>"$LOG" 2>&1 || die "upgrade failed; see $LOG"
fi
say "Measuring the ageing"
status=0
"$PY" "$PROJECT_DIR/bench/ageing_measure.py" -c "$BENCH_RC" -d "$DB" "${MEASURE_ARGS[@]}" || status=$?
if [ "$INDEX_COST" = 1 ]; then
    say "Measuring the indexes' cost on posting and payments"
    "$PY" "$PROJECT_DIR/bench/ageing_index_cost.py" -c "$BENCH_RC" -d "$DB" "${COST_ARGS[@]}" || status=$?
fi
exit "$status"
