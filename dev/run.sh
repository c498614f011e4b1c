#!/usr/bin/env bash
# `make run`: Odoo with kundekartotek and demo data in database "kundekartotek", served on http://localhost:8069.
source "$(dirname "$0")/common.sh"
setup_all

DB=${DB:-kundekartotek}
LOG="$WORK_DIR/run-install.log"
stamp="$WORK_DIR/$DB.module-hash"
# What Odoo loads from the module: when none of it changed since the last run, the database is left as it is.
hash=$(module_hash)
: >"$LOG"
if ! db_exists "$DB"; then
    create_database "$DB" demo "$LOG"
    say "Installing $MODULE with demo data (a few minutes the first time)"
    odoo_bin -d "$DB" -i "$MODULE" --load-language=nb_NO --stop-after-init >>"$LOG" 2>&1 ||
        die "install failed; see $LOG"
    # The demo's near-duplicates are found by the weekly scan; run it once so that *Possible duplicates* shows them
    # at once (test databases are left without pairs: their tests count the pairs they make).
    say "Scanning the demo customers for possible duplicates"
    echo 'env["kundekartotek.duplicate.pair"]._cron_kk_scan(); env.cr.commit()' |
        "$PY" "$ODOO_SRC/odoo-bin" shell -c "$ODOO_RC" -d "$DB" --no-http >>"$LOG" 2>&1 || die "scan failed; see $LOG"
    echo "$hash" >"$stamp"
elif [ "$(cat "$stamp" 2>/dev/null)" != "$hash" ]; then
    say "The module changed since the last run: upgrading $MODULE in $DB"
    odoo_bin -d "$DB" -u "$MODULE" --stop-after-init >>"$LOG" 2>&1 || die "upgrade failed; see $LOG"
    echo "$hash" >"$stamp"
else
    say "Database $DB is up to date"
fi

say "Odoo serves kundekartotek on http://localhost:$HTTP_PORT (user admin, password admin; stop with Ctrl+C)"
# Scheduled jobs reach Brønnøysund and Posten over the internet; a demo server leaves them off unless asked for
# (CRON_THREADS=2 make run).
exec "$PY" "$ODOO_SRC/odoo-bin" -c "$ODOO_RC" -d "$DB" --db-filter="^$DB\$" --max-cron-threads="${CRON_THREADS:-0}"
