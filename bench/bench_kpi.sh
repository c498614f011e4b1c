#!/usr/bin/env bash
# Key figures and sales analysis at 20 000 customers and 500 000 receivable lines, SQL against the ORM.
#   bash bench/bench_kpi.sh [--customers N] [--lines N] [--regenerate] [-- bench_kpi.py options]
# Builds database kk_bench_kpi (no demo data) with kundekartotek, fills it with bench/generate_receivables.py (as
# bench_ageing.sh does; --regenerate rebuilds it, otherwise the module is upgraded in it), then runs
# bench/bench_kpi.py. KK_BENCH_DB names another database.
source "$(dirname "$0")/../dev/common.sh"
source "$(dirname "$0")/common.sh"
CUSTOMERS=20000
LINES=500000
REGENERATE=0
MEASURE_ARGS=()
while [ $# -gt 0 ]; do
    case $1 in
        --customers) CUSTOMERS=$2; shift 2 ;;
        --lines) LINES=$2; shift 2 ;;
        --regenerate) REGENERATE=1; shift ;;
        --) shift; MEASURE_ARGS+=("$@"); break ;;
        *) die "unknown option $1" ;;
    esac
done
DB=${KK_BENCH_DB:-kk_bench_kpi}
setup_all
LOG="$WORK_DIR/bench-kpi.log"

receivables_database "$DB" "$REGENERATE" "$LOG" "$CUSTOMERS" "$LINES"
say "Measuring the key figures and the sales analysis"
"$PY" "$PROJECT_DIR/bench/bench_kpi.py" -c "$ODOO_RC" -d "$DB" "${MEASURE_ARGS[@]}"
