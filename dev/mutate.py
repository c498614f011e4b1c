"""Mutation check: make one-character changes to the rules that matter and require a test to fail for each.

Each mutation below names a rule (an as-of boundary, a comparison against a limit, a check in the chain
verification, ...), the exact text it changes in one file, and the test files that guard that rule. For every
mutation the script applies the change in the working tree, runs the guarding tests against the test database
(built by ``make test``), and restores the file. A mutation the tests do not notice ("survived") is a rule that can
change without anyone knowing: the script then exits with status 1.

A mutation whose text is no longer found exactly once fails the run too, so the list cannot silently go stale
when the code moves.

Run through ``bash dev/mutate.sh [name ...]`` (it sets up the paths and the database), not directly.
"""

import argparse
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Mutation:
    name: str
    path: str
    old: str
    new: str
    tests: tuple


MUTATIONS = (
    # Receivables ageing: the buckets (lib/ageing.py, from which the SQL is generated) and the as-of boundaries of
    # the view: an item dated on the date counts, a payment dated on the date counts, one dated after does not.
    Mutation(
        "ageing: the last day of a bucket (due today: not due) falls out of it",
        "lib/ageing.py",
        'result.append(("<=", self.last_day))',
        'result.append(("<", self.last_day))',
        ("tests/lib/test_ageing.py", "tests/test_ageing.py"),
    ),
    Mutation(
        "ageing: the first day of a bucket falls out of it",
        "lib/ageing.py",
        'result.append((">=", self.first_day))',
        'result.append((">", self.first_day))',
        ("tests/lib/test_ageing.py", "tests/test_ageing.py"),
    ),
    Mutation(
        "ageing: a payment dated on the as-of date no longer counted",
        "report/kundekartotek_ageing_report.py",
        "WHERE partial.max_date > %(as_of)s",
        "WHERE partial.max_date >= %(as_of)s",
        ("tests/test_ageing.py",),
    ),
    Mutation(
        "ageing: an item dated on the as-of date, paid later, left out",
        "report/kundekartotek_ageing_report.py",
        "AND side.date <= %(as_of)s",
        "AND side.date < %(as_of)s",
        ("tests/test_ageing.py",),
    ),
    Mutation(
        "ageing: an open item dated on the as-of date left out",
        "report/kundekartotek_ageing_report.py",
        "AND aml.amount_residual <> 0\n                   AND aml.date <= %(as_of)s",
        "AND aml.amount_residual <> 0\n                   AND aml.date < %(as_of)s",
        ("tests/test_ageing.py",),
    ),
    # Statements and reminders.
    Mutation(
        "statement: an item due today counts as overdue in a reminder",
        "report/report_statement.py",
        '("days_overdue", ">", 0)',
        '("days_overdue", ">=", 0)',
        ("tests/test_statement.py", "tests/test_reminder.py"),
    ),
    Mutation(
        "reminder: nothing overdue still reminded",
        "models/res_partner_reminder.py",
        'compare_amounts(statement["total"]["residual"], 0) <= 0',
        'compare_amounts(statement["total"]["residual"], 0) < 0',
        ("tests/test_reminder.py",),
    ),
    Mutation(
        "reminder: a new reminder allowed on the last day of the interval",
        "models/res_partner_reminder.py",
        "if previous and today < previous.date + timedelta",
        "if previous and today <= previous.date + timedelta",
        ("tests/test_reminder.py",),
    ),
    Mutation(
        "reminder: payment deadline of exactly the legal minimum refused",
        "models/res_company_reminder.py",
        "kk_reminder_payment_days < MIN_PAYMENT_DAYS",
        "kk_reminder_payment_days <= MIN_PAYMENT_DAYS",
        ("tests/test_reminder.py",),
    ),
    Mutation(
        "reminder: an interval of one day refused",
        "models/res_company_reminder.py",
        "kk_reminder_interval_days < 1",
        "kk_reminder_interval_days <= 1",
        ("tests/test_reminder.py",),
    ),
    # Customer ledger (kundespesifikasjon): the opening balance is everything before the first day.
    Mutation(
        "ledger: the first day's items counted in the opening balance",
        "report/report_ledger.py",
        "AND aml.date < %s GROUP BY aml.partner_id",
        "AND aml.date <= %s GROUP BY aml.partner_id",
        ("tests/test_ledger.py", "tests/test_ageing.py"),
    ),
    Mutation(
        "ledger: the general ledger total leaves out the closing day",
        "report/report_ledger.py",
        "   AND aml.date <= %s\n",
        "   AND aml.date < %s\n",
        ("tests/test_ledger.py", "tests/test_ageing.py"),
    ),
    # Credit policy: exactly at the limit passes, a cent over is refused; an override covers up to its amount.
    Mutation(
        "credit: an invoice taking the customer exactly to its limit refused",
        "models/res_partner_credit.py",
        '"over": float_compare(total, limit, precision_rounding=currency.rounding) > 0',
        '"over": float_compare(total, limit, precision_rounding=currency.rounding) >= 0',
        ("tests/test_credit_enforcement.py", "tests/test_credit_policy.py"),
    ),
    Mutation(
        "credit: a document adding nothing is checked too",
        "models/res_partner_credit.py",
        "if float_compare(amount, 0.0, precision_rounding=currency.rounding) <= 0:",
        "if float_compare(amount, 0.0, precision_rounding=currency.rounding) < 0:",
        ("tests/test_credit_enforcement.py", "tests/test_credit_policy.py"),
    ),
    Mutation(
        "credit: an override no longer covers its own amount",
        "models/account_move.py",
        "precision_rounding=move.company_currency_id.rounding,\n            )\n            <= 0",
        "precision_rounding=move.company_currency_id.rounding,\n            )\n            < 0",
        ("tests/test_credit_enforcement.py", "tests/test_credit_policy.py"),
    ),
    # Erasure: retention runs to and including its last day.
    Mutation(
        "erasure: allowed on the last day of retention",
        "lib/retention.py",
        "retention_until >= today",
        "retention_until > today",
        ("tests/lib/test_retention.py", "tests/test_anonymise.py"),
    ),
    Mutation(
        "retention: the last day of a fiscal year counted in the next one",
        "lib/retention.py",
        "return end if day <= end else",
        "return end if day < end else",
        ("tests/lib/test_retention.py", "tests/test_anonymise.py"),
    ),
    Mutation(
        "retention: a fiscal year ending in February ends on the 28th in leap years",
        "lib/retention.py",
        "if last_month == 2 and last_day >= 28:",
        "if last_month == 2 and last_day > 28:",
        ("tests/lib/test_retention.py", "tests/test_anonymise.py"),
    ),
    # Audit chain verification: every entry points at the one before, in consecutive places, and the seals end
    # where the entries end.
    Mutation(
        "audit chain: an entry pointing elsewhere than at the one before goes unnoticed",
        "models/kundekartotek_audit_log.py",
        'if row["previous_hash"] != state["hash"]:',
        'if row["previous_hash"] == "" and False:',
        ("tests/test_audit_chain.py", "tests/test_audit.py"),
    ),
    Mutation(
        "audit chain: a gap in the places goes unnoticed",
        "models/kundekartotek_audit_log.py",
        "if sequence != last + 1:",
        "if sequence < last + 1:",
        ("tests/test_audit_chain.py", "tests/test_audit.py"),
    ),
    Mutation(
        "audit chain: a deleted tail goes unnoticed",
        "models/kundekartotek_audit_log.py",
        'if sealed > state["sequence"]:',
        'if sealed >= state["sequence"] + 1 and False:',
        ("tests/test_audit_chain.py", "tests/test_audit.py"),
    ),
    Mutation(
        "audit chain: rows appended after the last seal go unnoticed",
        "models/kundekartotek_audit_log.py",
        'elif state["seal_sequence"] < state["sequence"]:',
        'elif state["seal_sequence"] < state["sequence"] - 1:',
        ("tests/test_audit_chain.py", "tests/test_audit.py"),
    ),
    # Payment behaviour on the card.
    Mutation(
        "payment behaviour: paid on the due date counted as late",
        "models/res_partner_receivables.py",
        "WHEN paid_on <= due_date THEN",
        "WHEN paid_on < due_date THEN",
        ("tests/test_payment_behaviour.py",),
    ),
    Mutation(
        "payment behaviour: a payment a year ago today counted in the last twelve months",
        "models/res_partner_receivables.py",
        "WHERE paid_on > %(date_from)s",
        "WHERE paid_on >= %(date_from)s",
        ("tests/test_payment_behaviour.py",),
    ),
    Mutation(
        "payment behaviour: today's payments left out",
        "models/res_partner_receivables.py",
        "AND paid_on <= %(date_to)s",
        "AND paid_on < %(date_to)s",
        ("tests/test_payment_behaviour.py",),
    ),
    # Audit trail settings.
    Mutation(
        "audit fields: the names of the setting no longer trimmed",
        "models/res_partner_audit.py",
        '[name.strip() for name in param.split(",")]',
        '[name for name in param.split(",")]',
        ("tests/test_audit_fields.py",),
    ),
    # Postal register.
    Mutation(
        "postal: a PO box postcode accepts a street address",
        "lib/postal.py",
        "if postal.category == CATEGORY_PO_BOXES and street and not is_po_box(street):",
        "if postal.category == CATEGORY_PO_BOXES and street and is_po_box(street):",
        ("tests/lib/test_postal.py", "tests/test_postal.py"),
    ),
    # Identifiers.
    Mutation(
        "orgnr: a ten-digit number reported as a wrong checksum, not a wrong length",
        "lib/identifiers.py",
        "if len(compact) != 9:",
        "if len(compact) < 9:",
        ("tests/lib/test_identifiers.py", "tests/test_orgnr.py"),
    ),
    Mutation(
        "fødselsnummer: a twelve-digit number reported as a wrong checksum",
        "lib/identifiers.py",
        "if len(compact) != 11:\n        raise",
        "if len(compact) < 11:\n        raise",
        ("tests/lib/test_identifiers.py",),
    ),
    # Numbering.
    Mutation(
        "numbering: the widest allowed padding refused",
        "lib/numbering.py",
        "1 <= int(width) <= MAX_WIDTH",
        "1 <= int(width) < MAX_WIDTH",
        ("tests/lib/test_numbering.py", "tests/test_numbering.py"),
    ),
    Mutation(
        "numbering: the first postcode of a region range goes to another county",
        "lib/numbering.py",
        "if low <= prefix <= high",
        "if low < prefix <= high",
        ("tests/lib/test_numbering.py", "tests/test_numbering.py"),
    ),
    # The audit queue: one row per run of entries of a customer, read back in order.
    Mutation(
        "audit queue: entries of another customer join the run of the one before",
        "models/kundekartotek_audit_log.py",
        'if runs and runs[-1][0] == values["logged_partner"]:',
        'if runs and runs[-1][0] != values["logged_partner"]:',
        ("tests/test_audit_concurrency.py",),
    ),
    Mutation(
        "audit queue: a row of several entries is read as one entry",
        "models/kundekartotek_audit_log.py",
        "for item in entry if isinstance(entry, list) else [entry]:",
        "for item in entry if isinstance(entry, tuple) else [entry]:",
        ("tests/test_audit_concurrency.py",),
    ),
    # The warn policy's search after the commit: who waits, and the look that takes them.
    Mutation(
        "duplicates: a customer answered 'search after the commit' does not wait for it",
        "models/res_partner_duplicates.py",
        'if answer[0] == "deferred"]',
        'if answer[0] != "deferred"]',
        ("tests/test_duplicates.py",),
    ),
    Mutation(
        "duplicates: the look searches for a customer deleted meanwhile, and skips the others",
        "models/res_partner_duplicates.py",
        "if partner_id is None:  # deleted meanwhile",
        "if partner_id is not None:  # deleted meanwhile",
        ("tests/test_duplicates.py",),
    ),
    Mutation(
        "duplicates: a second look waits for the first instead of taking the next customers",
        "models/res_partner_duplicates.py",
        "FOR UPDATE OF w SKIP LOCKED",
        "FOR UPDATE OF w",
        ("tests/test_duplicates_concurrency.py",),
    ),
    # A creation's own values in its INSERT (session 13): each value set there must be what the computation gives.
    Mutation(
        "creation: a new partner's duplicate keys are left to core's computation on a new record",
        "models/res_partner_duplicates.py",
        "if all(is_text_or_empty(value) for value in sources):",
        "if all(not is_text_or_empty(value) for value in sources):",
        ("tests/test_creation_values.py",),
    ),
    Mutation(
        "creation: a new partner's phone key set from its mobile",
        "models/res_partner_duplicates.py",
        'DUP_KEY_SOURCES = ("name", "email", "phone", "mobile")',
        'DUP_KEY_SOURCES = ("name", "email", "mobile", "phone")',
        ("tests/test_creation_values.py",),
    ),
    Mutation(
        "creation: a person with an organisation number proposed as private",
        "models/res_partner_classification.py",
        'return "business" if is_company or company_registry else "private"',
        'return "business" if is_company and company_registry else "private"',
        ("tests/test_creation_values.py",),
    ),
    Mutation(
        "creation: a risk customer's row does not require prepayment",
        "models/res_partner_credit.py",
        'return payment_class == "risk"',
        'return payment_class != "risk"',
        ("tests/test_creation_values.py",),
    ),
    Mutation(
        "creation: a new partner's VAT registration left to core's computation",
        "models/res_partner_identifiers.py",
        'if "mva_registered" not in vals and is_text_or_empty(vat):',
        'if "mva_registered" not in vals and not is_text_or_empty(vat):',
        ("tests/test_creation_values.py",),
    ),
    Mutation(
        "creation: a new partner with a Norwegian VAT number not registered for VAT",
        "models/res_partner_identifiers.py",
        'vals["mva_registered"] = bool(orgnr_from_mva(vat))',
        'vals["mva_registered"] = not orgnr_from_mva(vat)',
        ("tests/test_creation_values.py",),
    ),
    Mutation(
        "audit: the caller's context names the partner in the trail",
        "models/res_partner_audit.py",
        "record_name = partner.sudo().complete_name",
        "record_name = partner.sudo().display_name",
        ("tests/test_audit.py",),
    ),
    Mutation(
        "values: a boolean taken for an id",
        "lib/values.py",
        "return isinstance(value, int) and not isinstance(value, bool)",
        "return isinstance(value, int) or not isinstance(value, bool)",
        ("tests/lib/test_values.py",),
    ),
    Mutation(
        "values: a number taken for text",
        "lib/values.py",
        "return value is None or value is False or isinstance(value, str)",
        "return value is None or not value or isinstance(value, str)",
        ("tests/lib/test_values.py",),
    ),
)


def run_tests(args, tests):
    """Run pytest on ``tests``; True when at least one failed (the mutant was killed)."""
    command = [*args.pytest, *(str(Path(args.module_dir) / test) for test in tests)]
    result = subprocess.run(command, cwd=args.module_dir, capture_output=True, text=True, check=False)
    return result.returncode != 0, result.stdout[-2000:]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--module-dir", required=True, help="the module as Odoo sees it (the addons symlink)")
    parser.add_argument("--only", nargs="*", default=(), help="run only mutations whose name contains one of these")
    parser.add_argument("--list", action="store_true", help="list the mutations and exit")
    parser.add_argument("pytest", nargs=argparse.REMAINDER, help="the pytest command line, after --")
    args = parser.parse_args()
    args.pytest = [part for part in args.pytest if part != "--"]
    selected = [m for m in MUTATIONS if not args.only or any(word in m.name for word in args.only)]
    if args.list:
        for mutation in selected:
            print(f"{mutation.name}  [{mutation.path}]")
        return 0
    stale = []
    for mutation in selected:
        count = (ROOT / mutation.path).read_text().count(mutation.old)
        if count != 1:
            stale.append(f"{mutation.name}: {mutation.old!r} found {count} times in {mutation.path}")
    if stale:
        print("Mutations that no longer apply (update dev/mutate.py):", *stale, sep="\n  ")
        return 1
    survived = []
    for number, mutation in enumerate(selected, 1):
        path = ROOT / mutation.path
        original = path.read_text()
        started = time.monotonic()
        try:
            path.write_text(original.replace(mutation.old, mutation.new))
            killed, output = run_tests(args, mutation.tests)
        finally:
            path.write_text(original)
        verdict = "killed" if killed else "SURVIVED"
        seconds = time.monotonic() - started
        print(f"[{number}/{len(selected)}] {verdict:8} {seconds:5.0f} s  {mutation.name}", flush=True)
        if not killed:
            survived.append(mutation)
            print(output)
    total = len(selected)
    print(f"\nKill rate: {total - len(survived)}/{total}")
    for mutation in survived:
        print(f"  survived: {mutation.name} ({mutation.path}: {mutation.old!r} -> {mutation.new!r})")
    return 1 if survived else 0


if __name__ == "__main__":
    sys.exit(main())
