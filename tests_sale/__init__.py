# Tests that need the sale app. They are not part of tests/ (the main database has no sale): dev/test.sh runs them
# in a second database with the module and sale installed, and fails when any of them is skipped.
from . import test_credit_sale
