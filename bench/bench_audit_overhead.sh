#!/usr/bin/env bash
# Overhead of the audit trail on 10 000 partner writes, as a ratio to the same writes with the trail off.
#   bash bench/bench_audit_overhead.sh [WRITES]
# Builds database kk_bench_audit (no demo data) the first time; the writes are rolled back, so it can be rerun.
source "$(dirname "$0")/../dev/common.sh"
setup_all
DB=kk_bench_audit
LOG="$WORK_DIR/bench-audit.log"
if ! db_exists "$DB"; then
    create_database "$DB" nodemo "$LOG"
    odoo_bin -d "$DB" -i "$MODULE" --without-demo=all --stop-after-init --log-level=warn >>"$LOG" 2>&1 || {
        dropdb "$DB"
        die "install failed; see $LOG"
    }
else
    odoo_bin -d "$DB" -u "$MODULE" --stop-after-init --log-level=warn >>"$LOG" 2>&1 || die "upgrade failed; see $LOG"
fi
# `shell` is a sub-command: it comes before the options.
KK_BENCH_WRITES=${1:-10000} "$PY" "$ODOO_SRC/odoo-bin" shell -c "$ODOO_RC" -d "$DB" --no-http --log-level=warn \
    <"$PROJECT_DIR/bench/audit_overhead.py"
