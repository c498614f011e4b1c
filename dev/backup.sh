#!/usr/bin/env bash
# `make backup` and `make restore`: see dev/backup.py and docs/operations.md. Settings come from the environment:
#   make backup  [DB=kundekartotek] [BACKUP_DIR=backups]
#   make restore ARCHIVE=backups/<db>-<time>.tar [TARGET=<new database>]
source "$(dirname "$0")/common.sh"
setup_all
PYTHONPATH="$ODOO_SRC${PYTHONPATH:+:$PYTHONPATH}" exec "$PY" "$PROJECT_DIR/dev/backup.py" --config "$ODOO_RC" "$@"
