"""Pure Python helpers of the customer register: no ``odoo`` import, unit-testable without a database."""
