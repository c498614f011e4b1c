#!/usr/bin/env python3
# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Receivables at the size of a real customer register, written with COPY: customers, invoices, payments, credit notes.

Three years of posted customer invoices (income, 25 % output VAT and receivable line), bank entries paying them in
full or in part, credit notes reconciled against them, payments on account left open, some of it in EUR and SEK.
The partial and full reconciliations (with the matched items' dates kundekartotek keeps on them), the residuals,
``reconciled``, matching numbers, the moves' amounts and payment states are written as Odoo would have computed them
(``--check`` recomputes them with the ORM on a sample and compares). Deterministic: the same arguments give the same
data.

    .venv/bin/python bench/generate_receivables.py -c .odoo/odoo-bench-ageing.cfg -d kk_bench \
        [--customers 20000] [--lines 500000] [--end 2026-11-27] [--seed 6] [--check 40]

Other benchmarks reuse it: ``generate(env, customers=..., lines=...)`` returns a summary dict. The customers are
created through the ORM in batches (customer numbers, audit trail), the accounting rows with COPY. The database
needs the chart of accounts (``dev/common.sh create_database``) and kundekartotek.
"""

import argparse
import contextlib
import datetime
import io
import itertools
import os
import random
import sys
import time
from collections import defaultdict

VAT = 0.25
# Company-currency units (NOK) per unit of each currency; one rate for the whole period, so no exchange differences.
RATES = {"NOK": 1.0, "EUR": 11.5, "SEK": 0.98}
CURRENCY_WEIGHTS = (("NOK", 90), ("EUR", 6), ("SEK", 4))
PAYMENT_TERMS = (14, 30, 30, 30, 45, 60)


def money(cents):
    """An amount in cents as the text COPY expects (exact, no float rounding)."""
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    return f"{sign}{cents // 100}.{cents % 100:02d}"


class Plan:
    """What happens to one invoice: its amounts and the settlements (credit note, payments) against it, in order."""

    __slots__ = ("date", "due", "partner", "currency", "untaxed", "tax", "events", "name", "ids")

    def __init__(self, date, due, partner, currency, untaxed):
        self.date, self.due, self.partner, self.currency = date, due, partner, currency
        self.untaxed = untaxed  # cents in the invoice currency
        self.tax = round(untaxed * VAT)
        self.events = []  # (kind "pay"/"refund", date, currency cents, company cents, untaxed cents)

    @property
    def total(self):
        return self.untaxed + self.tax


def to_company(cents, currency):
    return round(cents * RATES[currency])


def plan_invoices(rng, partners, lines, start, end):
    """Invoice plans (and payments on account) until they hold ``lines`` receivable lines, sorted by date."""
    days = (end - start).days
    weights = list(itertools.accumulate(rng.lognormvariate(0, 1) for _partner in partners))
    currencies = [name for name, _weight in CURRENCY_WEIGHTS]
    currency_weights = list(itertools.accumulate(weight for _name, weight in CURRENCY_WEIGHTS))
    plans, on_account, count = [], [], 0
    while count < lines:
        partner = rng.choices(partners, cum_weights=weights)[0]
        date = start + datetime.timedelta(days=rng.randrange(days + 1))
        due = date + datetime.timedelta(days=rng.choice(PAYMENT_TERMS))
        currency = rng.choices(currencies, cum_weights=currency_weights)[0]
        untaxed = max(10000, round(rng.lognormvariate(8.3, 1.0) * 100 / RATES[currency]))
        plan = Plan(date, due, partner, currency, untaxed)
        settle(rng, plan, end)
        plans.append(plan)
        count += 1 + len(plan.events)
        if rng.random() < 0.01:  # an unallocated payment on account (open credit)
            pay_date = date + datetime.timedelta(days=rng.randrange(60))
            if pay_date <= end:
                on_account.append((pay_date, partner, "NOK", round(rng.uniform(500, 20000)) * 100))
                count += 1
    plans.sort(key=lambda plan: plan.date)
    on_account.sort(key=lambda payment: payment[0])
    return plans, on_account


def settle(rng, plan, end):
    """Credit note and payments against ``plan``; settlements dated after ``end`` do not happen (yet)."""
    rate_currency = plan.currency
    residual = plan.total
    residual_company = to_company(plan.untaxed, rate_currency) + to_company(plan.tax, rate_currency)
    draw = rng.random()

    def add(kind, days_after_due, cents, untaxed=0):
        nonlocal residual, residual_company
        date = max(plan.date, plan.due + datetime.timedelta(days=days_after_due))
        if date > end or cents <= 0:
            return False
        company = residual_company if cents == residual else min(residual_company, to_company(cents, rate_currency))
        plan.events.append((kind, date, cents, company, untaxed))
        residual -= cents
        residual_company -= company
        return True

    def refund(fraction):
        if fraction >= 1:
            return add("refund", rng.randrange(-20, 10), residual, plan.untaxed)
        untaxed = round(plan.untaxed * fraction)
        return add("refund", rng.randrange(-20, 10), untaxed + round(untaxed * VAT), untaxed)

    if draw < 0.72:  # paid in full, mostly around the due date
        add("pay", rng.randrange(-12, 45), residual)
    elif draw < 0.82:  # two instalments
        if add("pay", rng.randrange(-5, 30), round(residual * rng.uniform(0.3, 0.7))):
            add("pay", rng.randrange(30, 120), residual)
    elif draw < 0.87:  # partly paid, the rest still open
        add("pay", rng.randrange(0, 60), round(residual * rng.uniform(0.2, 0.8)))
    elif draw < 0.91:  # credit note, then the rest paid
        if refund(rng.choice((0.1, 0.25, 0.5, 1.0))) and residual:
            add("pay", rng.randrange(0, 40), residual)
    elif draw < 0.93:  # credit note, the rest open
        refund(rng.choice((0.1, 0.2, 0.5)))
    # else: not paid at all


def outcome(plan, open_amount, kinds, partials, full_id):
    """The invoice's matching number and payment state, as Odoo 18 computes them for what was written."""
    if not plan.events:
        return None, "not_paid"
    if open_amount:
        return f"P{partials[0]['id']}", "partial"
    # Settled wholly or partly by a credit note, Odoo calls the invoice reversed, not paid.
    return str(full_id), "reversed" if "out_refund" in kinds else "paid"


class Ids:
    """Ids reserved from the tables' sequences, handed out in order."""

    def __init__(self, cr, table, count):
        cr.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [table])
        self.next = cr.fetchone()[0]
        cr.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", [table, self.next + count])

    def __call__(self):
        value = self.next
        self.next += 1
        return value


class Names:
    """Journal entry names per journal and year, as Odoo numbers them (``INV/2025/00042``), after those in use."""

    def __init__(self, cr, journal_id, code):
        self.code = code
        cr.execute(
            "SELECT sequence_prefix, MAX(sequence_number) FROM account_move WHERE journal_id = %s GROUP BY 1",
            [journal_id],
        )
        self.numbers = defaultdict(int, cr.fetchall())

    def __call__(self, date):
        prefix = f"{self.code}/{date.year}/"
        self.numbers[prefix] += 1
        number = self.numbers[prefix]
        return f"{prefix}{number:05d}", prefix, number


class Copier:
    """Rows buffered per table and written with COPY every ``size`` rows."""

    COLUMNS = {
        "account_move": (
            "id",
            "name",
            "sequence_prefix",
            "sequence_number",
            "journal_id",
            "company_id",
            "partner_id",
            "commercial_partner_id",
            "currency_id",
            "state",
            "move_type",
            "auto_post",
            "date",
            "invoice_date",
            "invoice_date_due",
            "payment_state",
            "payment_reference",
            "ref",
            "reversed_entry_id",
            "invoice_partner_display_name",
            "invoice_currency_rate",
            "amount_untaxed",
            "amount_tax",
            "amount_total",
            "amount_residual",
            "amount_untaxed_signed",
            "amount_untaxed_in_currency_signed",
            "amount_tax_signed",
            "amount_total_signed",
            "amount_total_in_currency_signed",
            "amount_residual_signed",
            "posted_before",
            "checked",
            "is_storno",
            "always_tax_exigible",
            "made_sequence_gap",
            "is_manually_modified",
            "is_move_sent",
            "create_uid",
            "write_uid",
            "create_date",
            "write_date",
        ),  # fmt: skip
        "account_move_line": (
            "id",
            "move_id",
            "journal_id",
            "company_id",
            "company_currency_id",
            "sequence",
            "account_id",
            "currency_id",
            "partner_id",
            "tax_line_id",
            "tax_group_id",
            "tax_repartition_line_id",
            "full_reconcile_id",
            "move_name",
            "parent_state",
            "ref",
            "name",
            "matching_number",
            "display_type",
            "date",
            "invoice_date",
            "date_maturity",
            "debit",
            "credit",
            "balance",
            "amount_currency",
            "tax_base_amount",
            "amount_residual",
            "amount_residual_currency",
            "quantity",
            "price_unit",
            "price_subtotal",
            "price_total",
            "discount",
            "discount_amount_currency",
            "discount_balance",
            "reconciled",
            "tax_tag_invert",
            "is_imported",
            "create_uid",
            "write_uid",
            "create_date",
            "write_date",
        ),  # fmt: skip
        "account_partial_reconcile": (
            "id",
            "debit_move_id",
            "credit_move_id",
            "full_reconcile_id",
            "debit_currency_id",
            "credit_currency_id",
            "company_id",
            "max_date",
            "kk_debit_date",
            "kk_credit_date",
            "amount",
            "debit_amount_currency",
            "credit_amount_currency",
            "create_uid",
            "write_uid",
            "create_date",
            "write_date",
        ),  # fmt: skip
        "account_full_reconcile": ("id", "create_uid", "write_uid", "create_date", "write_date"),
        "account_move_line_account_tax_rel": ("account_move_line_id", "account_tax_id"),
    }

    def __init__(self, cr, size=50000):
        self.cr, self.size = cr, size
        self.rows = {table: [] for table in self.COLUMNS}
        self.written = defaultdict(int)

    def add(self, table, values):
        row = values if isinstance(values, tuple) else tuple(values[column] for column in self.COLUMNS[table])
        self.rows[table].append(row)
        if len(self.rows[table]) >= self.size:
            self.flush(table)

    def flush(self, table=None):
        # Parents before children: lines reference moves and full reconciliations, partials reference lines.
        order = ("account_full_reconcile", "account_move", "account_move_line", "account_partial_reconcile",
                 "account_move_line_account_tax_rel")  # fmt: skip
        for name in order if table is None else order[: order.index(table) + 1]:
            rows = self.rows[name]
            if not rows:
                continue
            buffer = io.StringIO()
            for row in rows:
                buffer.write("\t".join(r"\N" if value is None else str(value) for value in row))
                buffer.write("\n")
            buffer.seek(0)
            # Table and column names are the constants above, never input.
            self.cr._obj.copy_from(buffer, name, columns=self.COLUMNS[name])
            self.written[name] += len(rows)
            rows.clear()


class Generator:
    def __init__(self, env, seed=6):
        self.env, self.cr = env, env.cr
        self.rng = random.Random(seed)
        self.now = datetime.datetime(2026, 11, 27, 12, 0, 0)
        company = env.company
        self.company = company
        self.company_currency = company.currency_id
        journals = env["account.journal"].search([("company_id", "=", company.id)])
        self.sale = journals.filtered(lambda journal: journal.type == "sale")[:1]
        self.bank = journals.filtered(lambda journal: journal.type == "bank")[:1]
        self.income = self.sale.default_account_id
        self.bank_account = self.bank.default_account_id
        self.receivable = company.partner_id.with_company(company).property_account_receivable_id
        tax = company.account_sale_tax_id
        if not (self.sale and self.bank and self.income and self.receivable and tax and tax.amount == 25):
            raise SystemExit("the database needs the Norwegian chart of accounts (dev/common.sh create_database)")
        self.tax = tax
        self.tax_lines = {
            "out_invoice": tax.invoice_repartition_line_ids.filtered(lambda line: line.repartition_type == "tax"),
            "out_refund": tax.refund_repartition_line_ids.filtered(lambda line: line.repartition_type == "tax"),
        }
        self.currencies = {}
        for name, rate in RATES.items():
            currency = env["res.currency"].with_context(active_test=False).search([("name", "=", name)])
            if currency != self.company_currency:
                currency.active = True
                if not currency.rate_ids.filtered(lambda line: line.company_id == company):
                    env["res.currency.rate"].create(
                        {"currency_id": currency.id, "name": "2000-01-01", "rate": 1 / rate, "company_id": company.id}
                    )
            self.currencies[name] = currency.id
        if self.company_currency.name != "NOK":
            raise SystemExit("the company currency must be NOK")

    def create_customers(self, count, batch=1000):
        """Customers through the ORM, as a user would create them (customer numbers, audit trail)."""
        rng = self.rng
        first = ("Nordic", "Fjord", "Bjørk", "Vest", "Nord", "Sør", "Øst", "Tinde", "Elve", "Skog", "Havn", "Berg")
        second = ("Bygg", "Handel", "Consult", "Transport", "Data", "Marin", "Eiendom", "Mat", "Energi", "Verksted")
        ids = []
        Partner = self.env["res.partner"].with_context(tracking_disable=True, mail_create_nolog=True)
        for offset in range(0, count, batch):
            vals = [
                {
                    "name": f"{rng.choice(first)} {rng.choice(second)} {offset + index + 1} AS",
                    "is_company": True,
                    "customer_rank": 1,
                    "city": rng.choice(("Oslo", "Bergen", "Trondheim", "Stavanger", "Tromsø", "Bodø")),
                }
                for index in range(min(batch, count - offset))
            ]
            ids += Partner.create(vals).ids
            self.env.flush_all()
            self.env.invalidate_all()
        return ids

    def generate(self, customers, lines, start, end):
        timings = {}
        clock = time.perf_counter()
        partner_ids = self.create_customers(customers)
        self.cr.execute("SELECT id, name FROM res_partner WHERE id IN %s", [tuple(partner_ids)])
        names = dict(self.cr.fetchall())
        timings["customers"] = time.perf_counter() - clock

        clock = time.perf_counter()
        plans, on_account = plan_invoices(self.rng, partner_ids, lines, start, end)
        timings["plan"] = time.perf_counter() - clock

        clock = time.perf_counter()
        summary = self.write(plans, on_account, names)
        timings["copy"] = time.perf_counter() - clock
        clock = time.perf_counter()
        self.cr.execute("ANALYZE account_move, account_move_line, account_partial_reconcile, account_full_reconcile")
        self.env.invalidate_all()
        self.env.registry.clear_cache()
        timings["analyze"] = time.perf_counter() - clock
        summary["timings"] = timings
        return summary

    def write(self, plans, on_account, partner_names):
        cr, company_id = self.cr, self.company.id
        events = sum(len(plan.events) for plan in plans)
        refunds = sum(1 for plan in plans for event in plan.events if event[0] == "refund")
        moves = len(plans) + events + len(on_account)
        move_ids = Ids(cr, "account_move", moves)
        line_ids = Ids(cr, "account_move_line", 3 * moves)
        partial_ids = Ids(cr, "account_partial_reconcile", events)
        full_ids = Ids(cr, "account_full_reconcile", len(plans))
        copier = Copier(cr)
        invoice_names = Names(cr, self.sale.id, self.sale.code)
        refund_names = Names(cr, self.sale.id, f"R{self.sale.code}")
        bank_names = Names(cr, self.bank.id, self.bank.code)
        stamp = self.now.strftime("%Y-%m-%d %H:%M:%S")
        uid = self.env.uid
        common_move = {
            "company_id": company_id, "state": "posted", "auto_post": "no", "posted_before": True, "checked": True,
            "is_storno": False, "always_tax_exigible": False, "made_sequence_gap": False,
            "is_manually_modified": False, "is_move_sent": False, "create_uid": uid, "write_uid": uid,
            "create_date": stamp, "write_date": stamp, "reversed_entry_id": None, "ref": None,
            "invoice_date": None, "invoice_date_due": None, "payment_reference": None,
            "invoice_currency_rate": None,
        }  # fmt: skip
        common_line = {
            "company_id": company_id, "company_currency_id": self.company_currency.id, "parent_state": "posted",
            "tax_line_id": None, "tax_group_id": None, "tax_repartition_line_id": None, "full_reconcile_id": None,
            "ref": None, "matching_number": None, "invoice_date": None, "tax_base_amount": "0.00",
            "quantity": "1.00", "price_unit": "0.00", "price_subtotal": "0.00", "price_total": "0.00",
            "discount": "0.00", "discount_amount_currency": "0.00", "discount_balance": "0.00",
            "reconciled": False, "tax_tag_invert": False, "is_imported": False, "create_uid": uid,
            "write_uid": uid, "create_date": stamp, "write_date": stamp,
        }  # fmt: skip

        def line(move, **values):
            balance = values.pop("balance_cents")
            currency_cents = values.pop("currency_cents")
            residual = values.pop("residual_cents", 0)
            residual_currency = values.pop("residual_currency_cents", 0)
            row = dict(common_line)
            row.update(
                move_id=move["id"],
                journal_id=move["journal_id"],
                currency_id=move["currency_id"],
                partner_id=move["partner_id"],
                move_name=move["name"],
                date=move["date"],
                date_maturity=None,
                debit=money(max(balance, 0)),
                credit=money(max(-balance, 0)),
                balance=money(balance),
                amount_currency=money(currency_cents),
                amount_residual=money(residual),
                amount_residual_currency=money(residual_currency),
            )
            row.update(values)
            copier.add("account_move_line", row)
            return row

        def invoice_like(move_type, plan, date, untaxed, total, untaxed_company, tax_company, names, **extra):
            """An invoice or credit note: receivable, income and tax lines; returns (move, receivable line id)."""
            sign = 1 if move_type == "out_invoice" else -1  # receivable side: debit on invoices
            currency = self.currencies[plan.currency]
            name, prefix, number = names(date)
            total_company = untaxed_company + tax_company
            move = dict(common_move)
            move.update(
                id=move_ids(),
                name=name,
                sequence_prefix=prefix,
                sequence_number=number,
                journal_id=self.sale.id,
                partner_id=plan.partner,
                commercial_partner_id=plan.partner,
                currency_id=currency,
                move_type=move_type,
                date=date,
                invoice_date=date,
                invoice_date_due=plan.due if move_type == "out_invoice" else date,
                payment_reference=name,
                invoice_partner_display_name=partner_names[plan.partner],
                invoice_currency_rate=repr(1 / RATES[plan.currency]),
                amount_untaxed=money(untaxed),
                amount_tax=money(total - untaxed),
                amount_total=money(total),
                amount_untaxed_signed=money(sign * untaxed_company),
                amount_untaxed_in_currency_signed=money(sign * untaxed),
                amount_tax_signed=money(sign * tax_company),
                amount_total_signed=money(sign * total_company),
                amount_total_in_currency_signed=money(sign * total),
            )
            move.update(extra)
            receivable_id = line_ids()
            lines = (
                (receivable_id, {"display_type": "payment_term", "account_id": self.receivable.id, "name": name,
                                 "balance_cents": sign * total_company, "currency_cents": sign * total,
                                 "date_maturity": move["invoice_date_due"], "sequence": 10}),
                (line_ids(), {"display_type": "product", "account_id": self.income.id, "name": "Tjenester",
                              "balance_cents": -sign * untaxed_company, "currency_cents": -sign * untaxed,
                              "quantity": "1.00", "price_unit": money(untaxed), "price_subtotal": money(untaxed),
                              "price_total": money(total), "sequence": 10}),
                (line_ids(), {"display_type": "tax", "account_id": self.tax_lines[move_type].account_id.id,
                              "name": self.tax.name, "balance_cents": -sign * tax_company,
                              "currency_cents": -sign * (total - untaxed), "tax_line_id": self.tax.id,
                              "tax_group_id": self.tax.tax_group_id.id,
                              "tax_repartition_line_id": self.tax_lines[move_type].id,
                              "tax_base_amount": money(untaxed_company), "sequence": 10}),
            )  # fmt: skip
            return move, receivable_id, lines

        def emit(move, lines, **receivable_values):
            """Write the move, then its lines; the receivable (first) line gets its residual and matching."""
            move_row = dict(move)
            copier.add("account_move", move_row)
            for index, (line_id, values) in enumerate(lines):
                values = dict(values, id=line_id, invoice_date=move["invoice_date"])
                if index == 0:
                    values.update(receivable_values)
                line(move, **values)
                if index and values["display_type"] == "product" and move["move_type"] != "entry":
                    copier.add("account_move_line_account_tax_rel", (line_id, self.tax.id))

        def bank_move(date, partner, currency_name, cents, company):
            currency = self.currencies[currency_name]
            name, prefix, number = bank_names(date)
            move = dict(common_move)
            move.update(
                id=move_ids(),
                name=name,
                sequence_prefix=prefix,
                sequence_number=number,
                journal_id=self.bank.id,
                partner_id=partner,
                commercial_partner_id=partner,
                currency_id=currency,
                move_type="entry",
                date=date,
                payment_state="not_paid",
                invoice_partner_display_name=None,
                amount_untaxed="0.00",
                amount_tax="0.00",
                amount_total=money(cents),
                amount_residual="0.00",
                amount_untaxed_signed="0.00",
                amount_untaxed_in_currency_signed="0.00",
                amount_tax_signed="0.00",
                amount_total_signed=money(company),
                amount_total_in_currency_signed=money(cents),
                amount_residual_signed="0.00",
            )
            receivable_id = line_ids()
            label = f"Innbetaling {partner_names[partner]}"
            lines = (
                (receivable_id, {"display_type": "product", "account_id": self.receivable.id, "name": label,
                                 "balance_cents": -company, "currency_cents": -cents, "date_maturity": date,
                                 "sequence": 10}),
                (line_ids(), {"display_type": "product", "account_id": self.bank_account.id, "name": label,
                              "balance_cents": company, "currency_cents": cents, "residual_cents": company,
                              "residual_currency_cents": cents, "sequence": 10}),
            )  # fmt: skip
            return move, receivable_id, lines

        counts = defaultdict(int)
        for plan in plans:
            untaxed_company = to_company(plan.untaxed, plan.currency)
            tax_company = to_company(plan.tax, plan.currency)
            total_company = untaxed_company + tax_company
            invoice, invoice_line, invoice_lines = invoice_like(
                "out_invoice", plan, plan.date, plan.untaxed, plan.total, untaxed_company, tax_company, invoice_names
            )
            counterparts, partials = [], []
            paid = paid_company = 0
            kinds = set()
            for kind, date, cents, company, untaxed in plan.events:
                if kind == "refund":
                    if untaxed == plan.untaxed:  # the whole invoice
                        refund_untaxed_company, refund_tax_company = untaxed_company, tax_company
                    else:
                        refund_untaxed_company = to_company(untaxed, plan.currency)
                        refund_tax_company = company - refund_untaxed_company
                    move, counterpart_line, move_lines = invoice_like(
                        "out_refund", plan, date, untaxed, cents, refund_untaxed_company, refund_tax_company,
                        refund_names, reversed_entry_id=invoice["id"], ref=f"Reversal of: {invoice['name']}",
                        payment_state="paid", amount_residual="0.00", amount_residual_signed="0.00",
                    )  # fmt: skip
                    kinds.add("out_refund")
                    counts["refunds"] += 1
                else:
                    move, counterpart_line, move_lines = bank_move(date, plan.partner, plan.currency, cents, company)
                    kinds.add("entry")
                    counts["payments"] += 1
                partial_id = partial_ids()
                partials.append(
                    {
                        "id": partial_id, "debit_move_id": invoice_line, "credit_move_id": counterpart_line,
                        "debit_currency_id": invoice["currency_id"], "credit_currency_id": invoice["currency_id"],
                        "company_id": company_id, "max_date": date, "kk_debit_date": plan.date,
                        "kk_credit_date": date, "amount": money(company),
                        "debit_amount_currency": money(cents), "credit_amount_currency": money(cents),
                        "create_uid": uid, "write_uid": uid, "create_date": stamp, "write_date": stamp,
                    }
                )  # fmt: skip
                counterparts.append((move, move_lines))
                paid += cents
                paid_company += company
            residual, residual_company = plan.total - paid, total_company - paid_company
            full_id = None
            if plan.events and not residual and not residual_company:
                full_id = full_ids()
                copier.add("account_full_reconcile", (full_id, uid, uid, stamp, stamp))
            matching, payment_state = outcome(plan, residual or residual_company, kinds, partials, full_id)
            invoice.update(
                payment_state=payment_state,
                amount_residual=money(residual),
                amount_residual_signed=money(residual_company),
            )
            emit(
                invoice,
                invoice_lines,
                residual_cents=residual_company,
                residual_currency_cents=residual,
                reconciled=not residual and not residual_company,
                full_reconcile_id=full_id,
                matching_number=matching,
            )
            counts["invoices"] += 1
            for move, move_lines in counterparts:
                emit(move, move_lines, reconciled=True, full_reconcile_id=full_id, matching_number=matching)
            for partial in partials:
                partial["full_reconcile_id"] = full_id
                copier.add("account_partial_reconcile", partial)
            counts["open_invoices"] += bool(residual or residual_company)
        for date, partner, currency_name, cents in on_account:
            move, receivable_line, move_lines = bank_move(date, partner, currency_name, cents, cents)
            emit(move, move_lines, residual_cents=-cents, residual_currency_cents=-cents)
            counts["payments_on_account"] += 1
        copier.flush()
        self.cr.execute(
            """SELECT count(*) FROM account_move_line aml JOIN account_account a ON a.id = aml.account_id
                WHERE a.account_type = 'asset_receivable' AND aml.parent_state = 'posted'"""
        )
        counts["receivable_lines"] = self.cr.fetchone()[0]
        counts["refunds_in_plans"] = refunds
        counts["rows"] = dict(copier.written)
        return dict(counts)


def check(env, sample=40, seed=6):
    """Recompute, with the ORM, what was written for the moves of ``sample`` customers; return the differences.

    Residuals and ``reconciled`` of the lines, the moves' amounts and payment states, the matching numbers, the
    matched items' dates on the reconciliations, and each customer's ``credit`` against the sum of their open
    receivable lines. Rolls back what the computations touch.
    """
    rng = random.Random(seed)
    env.cr.execute("SELECT DISTINCT partner_id FROM account_move WHERE move_type = 'out_invoice' ORDER BY 1")
    partners = [row[0] for row in env.cr.fetchall()]
    partners = sorted(rng.sample(partners, min(sample, len(partners))))
    moves = env["account.move"].search([("partner_id", "in", partners)])
    lines = moves.line_ids
    line_fields = ["amount_residual", "amount_residual_currency", "reconciled", "matching_number"]
    move_fields = ["amount_untaxed", "amount_tax", "amount_total", "amount_residual", "amount_untaxed_signed",
                   "amount_tax_signed", "amount_total_signed", "amount_residual_signed", "payment_state",
                   "amount_total_in_currency_signed"]  # fmt: skip
    stored_lines = {line["id"]: line for line in lines.read(line_fields)}
    stored_moves = {move["id"]: move for move in moves.read(move_fields)}
    env.invalidate_all()
    differences = []
    matching = {}
    for line in lines:  # Odoo's own numbering of the reconciliation graphs
        reconciled = line._all_reconciled_lines()
        if line.matched_debit_ids or line.matched_credit_ids:
            partials = reconciled.matched_debit_ids | reconciled.matched_credit_ids
            full = reconciled.full_reconcile_id
            matching[line.id] = str(full.id) if full else f"P{min(partials.ids)}"
    with env.protecting([lines._fields[name] for name in line_fields[:3]], lines):
        lines._compute_amount_residual()
        for line in lines:
            for name in line_fields[:3]:
                if line[name] != stored_lines[line.id][name]:
                    differences.append(("line", line.id, name, stored_lines[line.id][name], line[name]))
            if matching.get(line.id, False) != stored_lines[line.id]["matching_number"]:
                stored = stored_lines[line.id]["matching_number"]
                differences.append(("line", line.id, "matching_number", stored, matching.get(line.id)))
    protected = [moves._fields[name] for name in move_fields]
    with env.protecting(protected, moves):
        moves._compute_amount()
        moves._compute_payment_state()
        for move in moves:
            for name in move_fields:
                if move[name] != stored_moves[move.id][name]:
                    differences.append(("move", move.id, name, stored_moves[move.id][name], move[name]))
    env.invalidate_all()
    # The matched items' dates kundekartotek keeps on each reconciliation (related fields of the ORM).
    partials = lines.matched_debit_ids | lines.matched_credit_ids
    env.cr.execute(
        "SELECT id, kk_debit_date, kk_credit_date FROM account_partial_reconcile WHERE id IN %s",
        [tuple(partials.ids) or (0,)],
    )
    for partial_id, debit_date, credit_date in env.cr.fetchall():
        partial = partials.browse(partial_id)
        expected = (partial.debit_move_id.date, partial.credit_move_id.date)
        if (debit_date, credit_date) != expected:
            differences.append(("partial", partial_id, "kk dates", (debit_date, credit_date), expected))
    for partner in env["res.partner"].browse(partners):
        open_lines = env["account.move.line"].search(
            [
                ("partner_id", "=", partner.id),
                ("account_id.account_type", "=", "asset_receivable"),
                ("reconciled", "=", False),
                ("parent_state", "=", "posted"),
            ]  # fmt: skip
        )
        total = round(sum(open_lines.mapped("amount_residual")), 2)
        if partner.currency_id.compare_amounts(partner.credit, total):
            differences.append(("partner", partner.id, "credit", total, partner.credit))
    env.cr.rollback()
    env.invalidate_all()
    return {"customers": len(partners), "moves": len(moves), "lines": len(lines), "differences": differences}


def generate(env, customers=20000, lines=500000, end=datetime.date(2026, 11, 27), years=3, seed=6):
    """Generate into ``env``'s database (not committed); returns a summary with counts and timings."""
    start = end.replace(year=end.year - years) + datetime.timedelta(days=1)
    summary = Generator(env, seed).generate(customers, lines, start, end)
    summary.update(start=str(start), end=str(end), customers=customers, seed=seed)
    return summary


@contextlib.contextmanager
def odoo_env(config, database):
    """An environment (superuser) on ``database``, in a cursor that the caller commits; Odoo from ``ODOO_SRC``."""
    sys.path.insert(0, os.environ.get("ODOO_SRC", "/opt/odoo/18.0"))
    import odoo  # noqa: PLC0415 (Odoo comes from ODOO_SRC, known only at run time)

    odoo.tools.config.parse_config(["-c", config, "-d", database, "--log-level=warn"])
    registry = odoo.modules.registry.Registry(database)
    with registry.cursor() as cr:
        yield odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-c", "--config", required=True, help="Odoo configuration file")
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--customers", type=int, default=20000)
    parser.add_argument("--lines", type=int, default=500000, help="receivable journal items, at least")
    parser.add_argument("--end", default="2026-11-27", help="last day with entries; they start three years before")
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--check", type=int, default=40, metavar="N", help="customers to check with the ORM (0: none)")
    parser.add_argument("--check-only", action="store_true", help="check existing data, generate nothing")
    args = parser.parse_args()
    with odoo_env(args.config, args.database) as env:
        cr = env.cr
        if not args.check_only:
            end = datetime.date.fromisoformat(args.end)
            summary = generate(env, args.customers, args.lines, end, seed=args.seed)
            cr.commit()
            for key, value in summary.items():
                print(f"{key:22} {value}")
        if args.check:
            result = check(env, args.check, args.seed)
            print(
                f"check: {result['customers']} customers, {result['moves']} moves, {result['lines']} lines, "
                f"{len(result['differences'])} differences"
            )
            for difference in result["differences"][:20]:
                print("  ", difference)
            if result["differences"]:
                sys.exit(1)


if __name__ == "__main__":
    main()
