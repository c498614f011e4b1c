# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Opening balances: the open invoices of the previous system, one posted journal entry per open item.

The second kind of ``kundekartotek.import.run``: the same file reading, mapping, templates, dry run, batches,
resuming and log as the customer import; what differs (finding the customer, validating an open item, posting it)
lives here. Why journal entries and not invoices: see docs/architecture.md, *Opening balances*.
"""

import logging

from odoo import Command, _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from ..lib import tabular
from ..lib.identifiers import compact_orgnr, is_ascii_digits
from .account_move_opening import OPENING_FLAG
from .kundekartotek_import_run import _Row
from .res_company_import import OPENING_ACCOUNT_DOMAIN, check_opening_account
from .transaction_flags import transaction_flag

_logger = logging.getLogger(__name__)

OPENING_GROUP = "account.group_account_manager"
CUSTOMER_KEYS = ("customer_number", "orgnr", "external_ref")
OPENING_REQUIRED = ("invoice_number", "invoice_date", "due_date", "amount")


class _Item(_Row):
    """One row of an opening-balance file: the open item as read, and the problems found in it."""

    def __init__(self, row_number, cells, mapping):
        super().__init__(cells, mapping)
        self.row = row_number
        self.partner = None
        self.number = ""
        self.invoice_date = self.due_date = None
        self.amount = 0.0
        self.currency = None
        self.existing = None


class KundekartotekImportRun(models.Model):
    _inherit = "kundekartotek.import.run"

    opening_account_id = fields.Many2one(
        "account.account",
        string="Opening-balance account",
        compute="_compute_opening_defaults",
        store=True,
        readonly=False,
        check_company=True,
        domain=OPENING_ACCOUNT_DOMAIN,
        help="The counter-account of the open items. Default: the company's opening-balance account in the "
        "settings, else the account Odoo balances its own opening balance with (2099 in the Norwegian chart). Choose "
        "a clearing account when the general ledger's opening balance already holds the receivables in total.",
    )
    opening_journal_id = fields.Many2one(
        "account.journal",
        string="Opening-balance journal",
        compute="_compute_opening_defaults",
        store=True,
        readonly=False,
        check_company=True,
        domain="[('type', '=', 'general')]",
        help="Miscellaneous journal the entries are posted in.",
    )
    opening_date = fields.Date(
        help="Accounting date of the entries: the first day in this system. Invoices dated after it are refused."
    )
    opening_total = fields.Float(
        string="Sum of the open items", readonly=True, help="The file's open amounts in company currency."
    )

    @api.depends("kind", "company_id")
    def _compute_opening_defaults(self):
        """Defaults for opening balances only: a customer import must not need the right to read accounts."""
        for run in self:
            account, journal = run.opening_account_id, run.opening_journal_id
            company = run.company_id or self.env.company
            if run.kind == "opening":
                Account, Journal = self.env["account.account"], self.env["account.journal"]
                if not account or company not in account.company_ids:
                    account = company.kk_opening_account_id
                if not account or company not in account.company_ids:
                    account = Account.search(
                        [*Account._check_company_domain(company), ("account_type", "=", "equity_unaffected")], limit=1
                    )
                if not journal or journal.company_id != company:
                    special = company.currency_exchange_journal_id | company.tax_cash_basis_journal_id
                    journal = Journal.search(
                        [
                            *Journal._check_company_domain(company),
                            ("type", "=", "general"),
                            ("id", "not in", special.ids),
                        ],
                        limit=1,
                    )
            run.opening_account_id, run.opening_journal_id = account, journal

    @api.constrains("opening_account_id", "company_id")
    def _check_opening_account(self):
        for run in self:
            check_opening_account(run.opening_account_id, run.company_id)

    @api.model_create_multi
    def create(self, vals_list):
        if any(vals.get("kind", self.env.context.get("default_kind")) == "opening" for vals in vals_list):
            self._kk_check_opening_rights(self.env.user)
        return super().create(vals_list)

    def write(self, vals):
        if vals.get("kind") == "opening" or any(run.kind == "opening" for run in self):
            self._kk_check_opening_rights(self.env.user)
        return super().write(vals)

    def action_import(self):
        if any(run.kind == "opening" for run in self):
            self._kk_check_opening_rights(self.env.user)
        return super().action_import()

    @api.model
    def _kk_check_opening_rights(self, user):
        """Posting opening balances writes the general ledger (receivables against equity or a clearing account):
        an accounting administrator's act, checked for whoever asks and again for the user the batch runs as."""
        if self.env.su and user == self.env.user:
            return
        if not user.has_group(OPENING_GROUP):
            raise AccessError(_("Only accounting administrators may import opening balances."))

    # Mapping and dry run -------------------------------------------------------------------------------------------
    def _kk_opening_check_mapping(self, targets):
        names = dict(self.env["kundekartotek.import.column"]._fields["target"]._description_selection(self.env))
        if not targets & set(CUSTOMER_KEYS):
            raise UserError(_("Map a column to the customer number, organisation number or external reference."))
        missing = [names[target] for target in OPENING_REQUIRED if target not in targets]
        if missing:
            raise UserError(_("Map a column to each of: %(targets)s.", targets=", ".join(missing)))
        if "external_ref" in targets and not (self.source or "").strip():
            raise UserError(_("Give the source of the external references (e.g. tripletex)."))
        if not (self.opening_account_id and self.opening_journal_id and self.opening_date):
            raise UserError(_("Choose the opening-balance account, journal and date."))

    def _kk_opening_dry_run(self):
        """Check every open item as the import would, posting nothing."""
        self._kk_check_opening_rights(self.env.user)
        _headers, rows, _details = self._kk_table()
        items = self._kk_opening_items(rows)
        issues = [dict(problem, row=item.row, stage="dry_run") for item in items for problem in item.problems]
        to_post = sum(1 for item in items if not item.problems and not item.existing)
        found = sum(1 for item in items if not item.problems and item.existing)
        total = sum(self._kk_opening_balance(item) for item in items if not item.problems)
        self.issue_ids.unlink()
        self.env["kundekartotek.import.issue"].create([dict(issue, run_id=self.id) for issue in issues])
        self.write(
            {
                "state": "checked",
                "row_count": len(rows),
                "checked_problem_count": len(issues),
                "checked_create_count": to_post,
                "checked_update_count": found,
                "opening_total": total,
                "log": self._kk_log_line(
                    _(
                        "Dry run: %(rows)s open items, %(post)s to post, %(found)s already imported, "
                        "%(problems)s problems; sum %(total)s.",
                        rows=len(rows),
                        post=to_post,
                        found=found,
                        problems=len(issues),
                        total=self.company_id.currency_id.format(total),
                    )
                ),
            }
        )
        return True

    # Import --------------------------------------------------------------------------------------------------------
    def _kk_opening_import_batch(self):
        """Post the next ``batch_size`` open items as the run's user; items already imported are left alone."""
        self.ensure_one()
        self._kk_check_opening_rights(self.user_id)
        run = self.with_user(self.user_id).with_company(self.company_id)
        _headers, rows, _details = run._kk_table()
        batch = rows[run.position : run.position + run.batch_size]
        items = run._kk_opening_items(batch)
        counts = {"created": 0, "updated": 0, "unchanged": 0, "error": 0}
        issues = []
        to_post = []
        for item in items:
            if item.problems:
                issues += [dict(problem, row=item.row, stage="import") for problem in item.problems]
                counts["error"] += 1
            elif item.existing:
                counts["unchanged"] += 1
            else:
                to_post.append(item)
        try:
            run._kk_opening_post(to_post)
            counts["created"] += len(to_post)
        except (UserError, ValidationError) as error:
            _logger.info("Opening balances: the batch failed (%s), posting item by item", error)
            for item in to_post:
                try:
                    run._kk_opening_post([item])
                    counts["created"] += 1
                except (UserError, ValidationError) as item_error:
                    counts["error"] += 1
                    issues.append(
                        {
                            "row": item.row,
                            "column": "",
                            "value": item.number,
                            "problem": str(item_error.args[0])[:500],
                            "stage": "import",
                        }
                    )
        return run._kk_record_batch(len(batch), counts, issues)

    def _kk_opening_post(self, items):
        """Create and post the entries of ``items`` in one go, or none of them (a savepoint).

        The flag is set inside the savepoint: rolling a savepoint back clears the transaction's data, flags too.
        """
        if not items:
            return
        with self.env.cr.savepoint(), transaction_flag(self.env, OPENING_FLAG):
            moves = self.env["account.move"].create([self._kk_opening_move_vals(item) for item in items])
            moves._post(soft=False)

    def _kk_opening_balance(self, item):
        """The item's amount in company currency, at the rate of its invoice date (the rate it was booked at)."""
        company = self.company_id
        currency = item.currency or company.currency_id
        if currency == company.currency_id:
            return currency.round(item.amount)
        return company.currency_id.round(
            currency._convert(item.amount, company.currency_id, company, item.invoice_date)
        )

    def _kk_opening_move_vals(self, item):
        """One entry per open item: the customer's receivable, due on the item's due date, against the opening
        account. The invoice date and number travel with it, so ageing by invoice date, the statement and payment
        matching (reference) read them as they read an invoice's."""
        company = self.company_id
        currency = item.currency or company.currency_id
        balance = self._kk_opening_balance(item)
        amount_currency = currency.round(item.amount)
        label = _("Opening balance, invoice %(number)s", number=item.number)
        receivable = item.partner.with_company(company).property_account_receivable_id
        common = {"partner_id": item.partner.id, "name": label, "currency_id": currency.id}
        return {
            "move_type": "entry",
            "journal_id": self.opening_journal_id.id,
            "company_id": company.id,
            "date": self.opening_date,
            "invoice_date": item.invoice_date,
            "ref": item.number,
            "payment_reference": item.number,
            "partner_id": item.partner.id,
            "kk_opening_number": item.number,
            "line_ids": [
                Command.create(
                    dict(
                        common,
                        account_id=receivable.id,
                        balance=balance,
                        amount_currency=amount_currency,
                        date_maturity=item.due_date,
                    )
                ),
                Command.create(
                    dict(
                        common,
                        account_id=self.opening_account_id.id,
                        balance=-balance,
                        amount_currency=-amount_currency,
                    )
                ),
            ],
        }

    # Reading the rows ----------------------------------------------------------------------------------------------
    def _kk_opening_items(self, rows):
        """The rows as open items, each with its problems; every lookup is one query for all rows (customers by
        each kind of key, currencies, entries already imported), never one per row."""
        self.ensure_one()
        mapping = {column.target: (column.position, column.column) for column in self.column_ids if column.target}
        items = [_Item(row_number, cells, mapping) for row_number, cells in rows]
        partners = self._kk_opening_partners([{key: item.cell(key) for key in CUSTOMER_KEYS} for item in items])
        currencies = {
            currency.name.upper(): currency for currency in self.env["res.currency"].search([("active", "=", True)])
        }
        for item in items:
            self._kk_opening_match(item, partners)
            self._kk_opening_read(item, currencies)
        self._kk_opening_duplicates(items, mapping)
        return items

    def _kk_opening_match(self, item, partners):
        """The item's customer: every key given must find one customer, and all the same one."""
        found = set()
        keys = {key: item.cell(key) for key in CUSTOMER_KEYS}
        for target, value in keys.items():
            if not value:
                continue
            ids = partners[target].get(value, set())
            if len(ids) > 1:
                item.problem(target, value, _("This key names several customers: use another key."))
            elif not ids:
                item.problem(target, value, _("Unknown customer."))
            found |= ids
        if not any(keys.values()):
            item.problem("customer_number", "", _("The customer is missing."))
        elif len(found) > 1 and not item.problems:
            item.problem("customer_number", "", _("The row's keys name different customers."))
        elif len(found) == 1:
            item.partner = self.env["res.partner"].browse(found.pop())

    def _kk_opening_read(self, item, currencies):
        """Number, dates, currency and amount of the item, each checked as an accountant would."""
        item.number = item.cell("invoice_number")
        if not item.number:
            item.problem("invoice_number", "", _("The invoice number is missing."))
        for target in ("invoice_date", "due_date"):
            text = item.cell(target)
            try:
                setattr(item, target, tabular.parse_date(text))
            except ValueError:
                item.problem(target, text, _("Not a date: write it as 31.01.2026 or 2026-01-31."))
        if item.invoice_date and item.due_date and item.due_date < item.invoice_date:
            item.problem("due_date", item.cell("due_date"), _("The due date is before the invoice date."))
        if item.invoice_date and self.opening_date and item.invoice_date > self.opening_date:
            item.problem(
                "invoice_date",
                item.cell("invoice_date"),
                _("The invoice date is after the opening date: post it as an invoice in this system."),
            )
        code = item.cell("currency").upper()
        if code and code not in currencies:
            item.problem("currency", code, _("Unknown or inactive currency."))
        item.currency = currencies.get(code) if code else None
        text = item.cell("amount")
        try:
            item.amount = tabular.parse_amount(text)
        except ValueError:
            item.problem("amount", text, _("Not a number."))
            return
        if (item.currency or self.company_id.currency_id).is_zero(item.amount):
            item.problem("amount", text, _("The open amount is zero."))

    def _kk_opening_partners(self, keys):
        """``{target: {value as in the file: {partner ids}}}`` for the files' customer keys, one query per kind."""
        Partner = self.env["res.partner"]
        wanted = {target: {row[target] for row in keys if row[target]} for target in CUSTOMER_KEYS}
        found = {target: {} for target in CUSTOMER_KEYS}
        if wanted["customer_number"]:
            domain = [
                *Partner._kk_commercial_domain(),
                ("customer_rank", ">", 0),
                ("ref", "in", sorted(wanted["customer_number"])),
            ]
            for partner in Partner.search_fetch(domain, ["ref"]):
                found["customer_number"].setdefault(partner.ref, set()).add(partner.id)
        if wanted["orgnr"]:
            by_key = {}
            for value in wanted["orgnr"]:
                compact = compact_orgnr(value)
                by_key.setdefault(compact if is_ascii_digits(compact) else value, set()).add(value)
            domain = [*Partner._kk_commercial_domain(), ("company_registry", "in", sorted(by_key))]
            for partner in Partner.search_fetch(domain, ["company_registry"]):
                for value in by_key.get(partner.company_registry, ()):
                    found["orgnr"].setdefault(value, set()).add(partner.id)
        if wanted["external_ref"] and self.source:
            refs = self.env["kundekartotek.external.ref"].search_fetch(
                [
                    ("source", "=", self.source.strip()),
                    ("ref", "in", sorted(wanted["external_ref"])),
                    ("company_id", "=", self.company_id.id),
                ],
                ["ref", "partner_id"],
            )
            for ref in refs:
                found["external_ref"].setdefault(ref.ref, set()).add(ref.partner_id.id)
        return found

    def _kk_opening_duplicates(self, items, mapping):
        """The same invoice number twice for one customer in the file, and items already imported.

        An item already imported with the same dates and amount is no problem (importing the file again changes
        nothing); with other values it is one, so a corrected file does not pass silently.
        """
        column = mapping.get("invoice_number", (0, ""))[1]
        numbers = {item.number for item in items if item.partner and item.number}
        existing = {}
        if numbers:
            moves = (
                self.env["account.move"]
                # sudo: only the run's company's opening numbers are read, to refuse a second import of an item; the
                # run belongs to an accounting administrator (checked on create, on Import and at every batch)
                .sudo()
                .search_fetch(
                    [
                        ("kk_opening_number", "in", sorted(numbers)),
                        ("company_id", "=", self.company_id.id),
                        ("state", "!=", "cancel"),
                    ],
                    ["kk_opening_number", "partner_id", "name", "invoice_date", "line_ids"],
                )
            )
            for move in moves:
                existing[(move.partner_id.id, move.kk_opening_number)] = move
        seen = {}
        for item in items:
            if not item.partner or not item.number:
                continue
            key = (item.partner.id, item.number)
            first = seen.setdefault(key, item.row)
            if first != item.row:
                item.problems.append(
                    {
                        "column": column,
                        "value": item.number,
                        "problem": _("Same invoice number for this customer as row %(row)s.", row=first),
                    }
                )
                continue
            move = existing.get(key)
            if not move or item.problems:
                continue
            receivable = move.line_ids.filtered(lambda line: line.account_id.account_type == "asset_receivable")
            currency = item.currency or self.company_id.currency_id
            same = (
                move.invoice_date == item.invoice_date
                and receivable.date_maturity == item.due_date
                and receivable.currency_id == currency
                and currency.compare_amounts(sum(receivable.mapped("amount_currency")), item.amount) == 0
            )
            if same:
                item.existing = move
            else:
                item.problems.append(
                    {
                        "column": column,
                        "value": item.number,
                        "problem": _(
                            "Already imported for this customer (entry %(entry)s) with other values.", entry=move.name
                        ),
                    }
                )
