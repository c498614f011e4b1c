#!/usr/bin/env bash
# `make test`: a throwaway database with the module installed (its log must hold no WARNING or ERROR line, as in
# OCA's CI), then every test through pytest-odoo; then a second database, "<db>_sale", with the module and the
# apps that create customers of their own installed (sale, crm, website_sale, point_of_sale; same log check), where
# the tests of tests_sale/ and tests_apps/ run: the module works without those apps, checks sale orders when sale is
# there, and numbers and validates the customers the apps create. Extra arguments go to pytest, e.g.
#   make test ARGS="-k orgnr"   or   bash dev/test.sh tests/test_orgnr.py   or   bash dev/test.sh tests_sale
# Paths choose the databases: only tests/... runs the main one, only tests_sale/... or tests_apps/... the sale one,
# none runs both.
# The tests serve HTTP themselves (tours, XML-RPC, and wkhtmltopdf fetching the report assets): on a port of their
# own and with a configuration file of their own, so that they run beside `make run` on 8069. HTTP_PORT chooses one.
ASKED_PORT=${HTTP_PORT:-}
ODOO_RC_NAME=odoo-test.cfg
source "$(dirname "$0")/common.sh"
HTTP_PORT=${ASKED_PORT:-$(free_port)}
setup_all

DB=${TEST_DB:-kundekartotek_test}
SALE_DB="${DB}_sale"

# prepare_db DB MODULES LOG: build DB (or, with TEST_REUSE=1, upgrade the module in it) and check the log.
# TEST_REUSE=1 (for quick turns while developing, never in CI): keep an existing database and upgrade the module in
# it instead of building a new one.
prepare_db() {
    local db=$1 modules=$2 log=$3 mode
    : >"$log"
    if [ "${TEST_REUSE:-0}" = 1 ] && db_exists "$db"; then
        say "Upgrading $MODULE in the existing $db (TEST_REUSE=1)"
        mode=(-u "$MODULE")
    else
        if db_exists "$db"; then
            dropdb "$db"
        fi
        rm -rf "$WORK_DIR/data/filestore/$db"
        create_database "$db" demo "$log"
        say "Installing $modules in $db"
        mode=(-i "$modules")
    fi
    odoo_bin -d "$db" "${mode[@]}" --stop-after-init --log-level=info >>"$log" 2>&1 || {
        tail -n 40 "$log" >&2
        die "install failed; see $log"
    }
    # Odoo's log lines read "<date> <time> <pid> <LEVEL> <db> <logger>: <message>".
    if grep -En '^[0-9-]+ [0-9:,]+ [0-9]+ (WARNING|ERROR|CRITICAL) ' "$log" >&2; then
        die "the install log of $db has WARNING or ERROR lines (above); see $log"
    fi
    say "Install log of $db clean"
    serve_reports_from_test_port "$db"
}

# run_pytest DB ARGS...: pytest-odoo on DB; returns pytest's exit code.
run_pytest() {
    local db=$1
    shift
    (
        cd "$ADDONS_LINK_DIR/$MODULE"   # the module's own name, whatever the clone is called (pytest-odoo needs it)
        PYTHONPATH="$ODOO_SRC${PYTHONPATH:+:$PYTHONPATH}" "$PY" -m pytest --rootdir="$ADDONS_LINK_DIR/$MODULE" \
            -p no:cacheprovider --odoo-config="$ODOO_RC" --odoo-database="$db" --odoo-http "$@"
    )
}

# Arguments that name a path of the project are run through the symlinked path, so that pytest-odoo imports the
# tests as odoo.addons.kundekartotek.tests.* (or .tests_sale.*); other arguments (-k, -x, ...) go to both runs.
main_paths=() sale_paths=() options=()
for arg in "$@"; do
    if [ -e "$PROJECT_DIR/$arg" ]; then
        case "${arg#./}" in
            tests_sale | tests_sale/* | tests_apps | tests_apps/*) sale_paths+=("$ADDONS_LINK_DIR/$MODULE/$arg") ;;
            *) main_paths+=("$ADDONS_LINK_DIR/$MODULE/$arg") ;;
        esac
    else
        options+=("$arg")
    fi
done
if [ ${#main_paths[@]} -eq 0 ] && [ ${#sale_paths[@]} -eq 0 ]; then
    main_paths=("$ADDONS_LINK_DIR/$MODULE/tests")
    sale_paths=("$ADDONS_LINK_DIR/$MODULE/tests_sale" "$ADDONS_LINK_DIR/$MODULE/tests_apps")
fi

status=0
if [ ${#main_paths[@]} -gt 0 ]; then
    prepare_db "$DB" "$MODULE" "$WORK_DIR/test-install.log"
    run_pytest "$DB" "${options[@]}" "${main_paths[@]}" || status=$?
fi

if [ ${#sale_paths[@]} -gt 0 ]; then
    prepare_db "$SALE_DB" "$MODULE,sale,crm,website_sale,point_of_sale" "$WORK_DIR/test-install-sale.log"
    report="$WORK_DIR/test-sale-report.xml"
    rm -f "$report"
    sale_status=0
    run_pytest "$SALE_DB" -rs --junitxml="$report" "${options[@]}" "${sale_paths[@]}" || sale_status=$?
    # These tests exist to run with sale: a skipped one proves nothing, so it fails the run. Exit code 5 (nothing
    # collected) fails too, unless -k/-m options deselected them on purpose.
    if [ "$sale_status" = 5 ] && [ ${#options[@]} -gt 0 ]; then
        sale_status=0
    elif [ -f "$report" ] && grep -q '<skipped' "$report"; then
        printf 'error: tests were skipped in %s (see the summary above); they must run there\n' "$SALE_DB" >&2
        sale_status=1
    fi
    [ "$sale_status" = 0 ] || status=$sale_status
fi
exit "$status"
