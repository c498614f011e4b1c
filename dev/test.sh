#!/usr/bin/env bash
# `make test`: a throwaway database with the module installed (its log must hold no WARNING or ERROR line, as in
# OCA's CI), then every test through pytest-odoo. Extra arguments go to pytest, e.g.
#   make test ARGS="-k orgnr"   or   bash dev/test.sh tests/test_orgnr.py
# The tests serve HTTP themselves (tours, XML-RPC, and wkhtmltopdf fetching the report assets): on a port of their
# own and with a configuration file of their own, so that they run beside `make run` on 8069. HTTP_PORT chooses one.
ASKED_PORT=${HTTP_PORT:-}
ODOO_RC_NAME=odoo-test.cfg
source "$(dirname "$0")/common.sh"
HTTP_PORT=${ASKED_PORT:-$(free_port)}
setup_all

DB=${TEST_DB:-kundekartotek_test}
LOG="$WORK_DIR/test-install.log"
: >"$LOG"

# TEST_REUSE=1 (for quick turns while developing, never in CI): keep an existing database and upgrade the module in
# it instead of building a new one.
if [ "${TEST_REUSE:-0}" = 1 ] && db_exists "$DB"; then
    say "Upgrading $MODULE in the existing $DB (TEST_REUSE=1)"
    mode=-u
else
    if db_exists "$DB"; then
        dropdb "$DB"
    fi
    rm -rf "$WORK_DIR/data/filestore/$DB"
    create_database "$DB" demo "$LOG"
    say "Installing $MODULE in $DB"
    mode=-i
fi
odoo_bin -d "$DB" "$mode" "$MODULE" --stop-after-init --log-level=info >>"$LOG" 2>&1 || {
    tail -n 40 "$LOG" >&2
    die "install failed; see $LOG"
}
# Odoo's log lines read "<date> <time> <pid> <LEVEL> <db> <logger>: <message>".
if grep -En '^[0-9-]+ [0-9:,]+ [0-9]+ (WARNING|ERROR|CRITICAL) ' "$LOG" >&2; then
    die "the install log of $DB has WARNING or ERROR lines (above); see $LOG"
fi
say "Install log clean"
serve_reports_from_test_port "$DB"

cd "$ADDONS_LINK_DIR/$MODULE"   # the module's own name, whatever the clone is called (pytest-odoo needs it)
# Arguments that name a path of the project are run through the symlinked path, so that pytest-odoo imports the
# tests as odoo.addons.kundekartotek.tests.*; other arguments (-k, -x, ...) go to pytest as they are.
args=() paths=0
for arg in "$@"; do
    if [ -e "$PROJECT_DIR/$arg" ]; then
        args+=("$ADDONS_LINK_DIR/$MODULE/$arg"); paths=$((paths + 1))
    else
        args+=("$arg")
    fi
done
[ "$paths" -gt 0 ] || args+=("$ADDONS_LINK_DIR/$MODULE/tests")
export PYTHONPATH="$ODOO_SRC${PYTHONPATH:+:$PYTHONPATH}"
exec "$PY" -m pytest --rootdir="$ADDONS_LINK_DIR/$MODULE" -p no:cacheprovider \
    --odoo-config="$ODOO_RC" --odoo-database="$DB" --odoo-http "${args[@]}"
