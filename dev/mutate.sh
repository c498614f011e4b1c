#!/usr/bin/env bash
# Mutation check (see dev/mutate.py): every targeted one-character change to a rule must make a test fail.
#   bash dev/mutate.sh                 all mutations
#   bash dev/mutate.sh --only ageing   those whose name contains "ageing"
#   bash dev/mutate.sh --list
# Uses the test database of `make test` (TEST_DB, kundekartotek_test by default), which must exist; the mutations
# change Python only, so the module is not upgraded between them. The working tree must be clean where it mutates:
# every file is restored after its mutation, also when the run is interrupted.
ASKED_PORT=${HTTP_PORT:-}
ODOO_RC_NAME=odoo-test.cfg   # as dev/test.sh: a port of its own, beside `make run`
source "$(dirname "$0")/common.sh"
HTTP_PORT=${ASKED_PORT:-$(free_port)}
setup_all
DB=${TEST_DB:-kundekartotek_test}
db_exists "$DB" || die "database $DB not found; run make test first"
serve_reports_from_test_port "$DB"
export PYTHONPATH="$ODOO_SRC${PYTHONPATH:+:$PYTHONPATH}"
MODULE_DIR="$ADDONS_LINK_DIR/$MODULE"
exec "$PY" "$PROJECT_DIR/dev/mutate.py" --module-dir "$MODULE_DIR" "$@" -- \
    "$PY" -m pytest -x -q --rootdir="$MODULE_DIR" -p no:cacheprovider \
    --odoo-config="$ODOO_RC" --odoo-database="$DB" --odoo-http
