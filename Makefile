# The two commands of the README, plus lint. Each one sets up what it needs (see dev/common.sh).
.PHONY: run test lint i18n test-core backup restore

run:
	bash dev/run.sh

test:
	bash dev/test.sh $(ARGS)

lint:
	bash dev/lint.sh

i18n:
	bash dev/i18n.sh

# Odoo's own partner and invoicing tests with the module installed (docs/architecture.md).
test-core:
	bash dev/test_core.sh $(ARGS)

# One archive of database DB (default: kundekartotek) into BACKUP_DIR (default: backups/); see docs/operations.md.
backup:
	bash dev/backup.sh backup $(ARGS)

# Restore ARCHIVE=... into a new database (TARGET=..., default: <db>_restored_<time>) and verify it.
restore:
	bash dev/backup.sh restore $(ARGS)
