# The two commands of the README, plus lint. Each one sets up what it needs (see dev/common.sh).
.PHONY: run test lint i18n

run:
	bash dev/run.sh

test:
	bash dev/test.sh $(ARGS)

lint:
	bash dev/lint.sh

i18n:
	bash dev/i18n.sh
