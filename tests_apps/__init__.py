# Tests that need other apps (Sales, CRM, the web shop, Point of Sale). Not part of tests/ (the main database has
# none of them): dev/test.sh runs them in the "<db>_sale" database, where those apps are installed too, and fails
# when any of them is skipped.
from . import test_app_customers
