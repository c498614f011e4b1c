# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The selections several models share (customer, category, company, settings), defined once."""

CUSTOMER_TYPES = [("business", "Business"), ("private", "Private"), ("public", "Public sector")]
VALUE_TIERS = [("a", "A"), ("b", "B"), ("c", "C")]
PAYMENT_CLASSES = [("cash", "Cash"), ("credit", "Credit"), ("risk", "Risk")]
CREDIT_POLICIES = [("none", "No check"), ("warn", "Warn"), ("block", "Block")]
