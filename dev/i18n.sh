#!/usr/bin/env bash
# `make i18n`: export the module's terms from the test database into i18n/kundekartotek.pot and merge them into
# i18n/nb_NO.po, keeping the translations already there. Run `make test` first (it builds the database).
source "$(dirname "$0")/common.sh"
setup_all
DB=${TEST_DB:-kundekartotek_test}
db_exists "$DB" || die "database $DB not found; run make test first"
odoo_bin -d "$DB" --i18n-export="$WORK_DIR/export.pot" --modules="$MODULE" --stop-after-init --log-level=warn
"$PY" "$PROJECT_DIR/dev/i18n_merge.py" "$WORK_DIR/export.pot" "$PROJECT_DIR/i18n"
