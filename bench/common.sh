#!/usr/bin/env bash
# Shared by the benches that measure on generated receivables (bench_kpi.sh, bench_reminders.sh). Source it after
# dev/common.sh and setup_all.

# receivables_database DB REGENERATE LOG CUSTOMERS LINES [generate_receivables.py options...]: build DB once (no
# demo data, kundekartotek installed, CUSTOMERS customers and at least LINES receivable lines generated, statistics
# fresh); REGENERATE=1 rebuilds it; an existing DB gets the module upgraded instead.
receivables_database() {
    local db=$1 regenerate=$2 log=$3 customers=$4 lines=$5
    shift 5
    if [ "$regenerate" = 1 ] && db_exists "$db"; then dropdb "$db"; fi
    if ! db_exists "$db"; then
        create_database "$db" nodemo "$log"
        say "Installing kundekartotek in $db"
        odoo_bin -d "$db" -i "$MODULE" --without-demo=all --stop-after-init --log-level=warn >>"$log" 2>&1 ||
            { dropdb "$db"; die "install failed; see $log"; }
        say "Generating $customers customers and at least $lines receivable lines"
        "$PY" "$PROJECT_DIR/bench/generate_receivables.py" -c "$ODOO_RC" -d "$db" --customers "$customers" \
            --lines "$lines" "$@" || { dropdb "$db"; die "generation failed"; }
        psql -d "$db" -qc "VACUUM (ANALYZE) account_move_line, account_move, account_partial_reconcile"
    else
        odoo_bin -d "$db" -u "$MODULE" --stop-after-init --log-level=warn >>"$log" 2>&1 ||
            die "upgrade failed; see $log"
    fi
}
