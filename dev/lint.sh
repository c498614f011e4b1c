#!/usr/bin/env bash
# `make lint`: ruff and pylint-odoo (OCA's mandatory checks) through pre-commit, on every tracked file.
source "$(dirname "$0")/common.sh"
find_odoo_source
ensure_venv
cd "$PROJECT_DIR"
export PATH="$VENV/bin:$PATH"
# pylint-odoo imports the module's Python files: Odoo must be importable.
export PYTHONPATH="$ODOO_SRC${PYTHONPATH:+:$PYTHONPATH}"
exec pre-commit run --all-files --show-diff-on-failure
