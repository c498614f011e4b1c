# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import base64
import collections
import hashlib
import io
import logging
import re
import threading

import xlsxwriter

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

from ..lib import tabular
from ..lib.identifiers import (
    REASON_CHARACTERS,
    REASON_LENGTH,
    InvalidIdentifier,
    compact_fodselsnummer,
    validate_fodselsnummer,
    validate_orgnr,
)
from .kundekartotek_customer_category import kk_may_edit_credit

_logger = logging.getLogger(__name__)
# The files the imports of this process read last, {(database, SHA-256 of the content): table} (see _kk_table).
TABLES_KEPT = 2
_tables = collections.OrderedDict()
_tables_lock = threading.Lock()

IMPORT_TARGETS = [
    ("customer_number", "Customer number"),
    ("external_ref", "External reference"),
    ("name", "Name"),
    ("orgnr", "Organisation number"),
    ("fodselsnummer", "National identity number"),
    ("email", "E-mail"),
    ("phone", "Phone"),
    ("mobile", "Mobile"),
    ("street", "Address"),
    ("street2", "Address line 2"),
    ("zip", "Postcode"),
    ("city", "City"),
    ("country", "Country"),
    ("category", "Customer category"),
    ("payment_term", "Payment terms"),
    ("credit_limit", "Credit limit"),
    # Opening balances (kind "opening"): one open item per row, the customer found by one of the keys above.
    ("invoice_number", "Invoice number"),
    ("invoice_date", "Invoice date"),
    ("due_date", "Due date"),
    ("amount", "Open amount"),
    ("currency", "Currency"),
]
KINDS = [("customers", "Customers"), ("opening", "Opening balances")]
# Targets copied as they are into the partner field of the same meaning.
PLAIN_TARGETS = {
    "name": "name",
    "email": "email",
    "phone": "phone",
    "mobile": "mobile",
    "street": "street",
    "street2": "street2",
    "city": "city",
    "customer_number": "ref",
}
# Headings recognised without a template (lower case), besides the targets' own names and labels.
HEADING_GUESSES = {
    "kundenummer": "customer_number",
    "kundenr": "customer_number",
    "navn": "name",
    "kundenavn": "name",
    "organisasjonsnummer": "orgnr",
    "orgnr": "orgnr",
    "org.nr.": "orgnr",
    "fødselsnummer": "fodselsnummer",
    "e-post": "email",
    "epost": "email",
    "telefon": "phone",
    "mobil": "mobile",
    "adresse": "street",
    "postadresse": "street",
    "postnr": "zip",
    "postnummer": "zip",
    "poststed": "city",
    "land": "country",
    "kategori": "category",
    "kundekategori": "category",
    "betalingsbetingelser": "payment_term",
    "kredittgrense": "credit_limit",
    "fakturanummer": "invoice_number",
    "fakturanr": "invoice_number",
    "fakturanr.": "invoice_number",
    "fakturadato": "invoice_date",
    "forfallsdato": "due_date",
    "forfall": "due_date",
    "beløp": "amount",
    "restbeløp": "amount",
    "åpent beløp": "amount",
    "saldo": "amount",
    "valuta": "currency",
}
# Fields that decide a credit block: only managers may set them (res_partner_credit.py); the dry run says so.
CREDIT_FIELDS = {"credit_limit": "credit_limit", "customer_category_id": "category"}
# The partner fields that find a customer, as kk_upsert matches them.
MATCH_KEYS = ("ref", "company_registry", "fodselsnummer")
# What the import reads while it runs: fixed once it has started.
LOCKED_WHEN_STARTED = {
    "file",
    "column_ids",
    "template_id",
    "source",
    "default_country_id",
    "batch_size",
    "company_id",
    "kind",
    "opening_account_id",
    "opening_journal_id",
    "opening_date",
}
STATES = [("draft", "Draft"), ("checked", "Checked"), ("running", "Importing"), ("done", "Done")]
_DAYS = re.compile(r"^(\d+)\s*(dager|dag|days|day|d)?\.?$", re.IGNORECASE)


class _Row:
    """One row's cells by target, and the problems found in it."""

    def __init__(self, cells, mapping):
        self.cells = cells
        self.mapping = mapping
        self.problems = []

    def cell(self, target):
        position = self.mapping.get(target, (None,))[0]
        return self.cells[position].strip() if position is not None and position < len(self.cells) else ""

    def problem(self, target, value, message):
        self.problems.append({"column": self.mapping.get(target, (0, ""))[1], "value": value[:200], "problem": message})


class KundekartotekImportRun(models.Model):
    """One import of a customer list: the file, its mapping, the dry run's problems, and the import's progress.

    A record rather than a wizard, because an import of tens of thousands of rows outlives a request: the cron
    ``_cron_process`` imports one batch per call through ``res.partner.kk_upsert`` and stores the position in the
    same transaction (the cron runner commits after every call), so an interrupted import resumes at the first
    batch not committed, and importing the same file again changes nothing.
    """

    _name = "kundekartotek.import.run"
    _description = "Customer Import"
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(required=True, default=lambda self: self._kk_default_name())
    kind = fields.Selection(
        KINDS,
        default="customers",
        required=True,
        help="Customers: the customer list. Opening balances: the open invoices of existing customers, posted as "
        "journal entries (accounting administrators only).",
    )
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    user_id = fields.Many2one(
        "res.users", string="Imported by", required=True, readonly=True, default=lambda self: self.env.user
    )
    file = fields.Binary(help="CSV (any delimiter, UTF-8 or Windows-1252) or XLSX; the first row holds headings.")
    filename = fields.Char()
    file_details = fields.Char(readonly=True, help="What the file was read as: format, encoding, delimiter.")
    template_id = fields.Many2one(
        "kundekartotek.import.template", string="Mapping", check_company=True, help="Saved column mapping to use."
    )
    source = fields.Char(help="Name under which the file's external references are stored (e.g. tripletex).")
    default_country_id = fields.Many2one(
        "res.country",
        default=lambda self: self.env.ref("base.no", raise_if_not_found=False),
        help="Country of rows that name none.",
    )
    batch_size = fields.Integer(default=500, help="Rows saved per transaction.")
    state = fields.Selection(STATES, default="draft", required=True, readonly=True)
    column_ids = fields.One2many("kundekartotek.import.column", "run_id", string="Columns")
    issue_ids = fields.One2many("kundekartotek.import.issue", "run_id", string="Problems", readonly=True)
    row_count = fields.Integer(string="Rows", readonly=True)
    position = fields.Integer(string="Rows done", readonly=True, help="Rows imported and committed so far.")
    progress = fields.Float(compute="_compute_progress")
    checked_problem_count = fields.Integer(string="Problems found", readonly=True)
    checked_create_count = fields.Integer(string="Would create", readonly=True)
    checked_update_count = fields.Integer(string="Would match", readonly=True)
    created_count = fields.Integer(string="Created", readonly=True)
    updated_count = fields.Integer(string="Updated", readonly=True)
    unchanged_count = fields.Integer(string="Unchanged", readonly=True)
    error_count = fields.Integer(string="Errors", readonly=True)
    log = fields.Text(readonly=True)
    report_file = fields.Binary(readonly=True, attachment=True)
    report_filename = fields.Char(readonly=True)

    @api.model
    def _kk_default_name(self):
        return _("Opening balances") if self.env.context.get("default_kind") == "opening" else _("Customer import")

    @api.depends("position", "row_count")
    def _compute_progress(self):
        for run in self:
            run.progress = 100.0 * run.position / run.row_count if run.row_count else 0.0

    @api.constrains("batch_size")
    def _check_batch_size(self):
        for run in self:
            if not 1 <= run.batch_size <= 5000:
                raise ValidationError(_("The batch size must be from 1 to 5000 rows."))

    @api.model_create_multi
    def create(self, vals_list):
        """An import runs with the rights of the user who created it: nobody creates one in another's name."""
        if not self.env.su:
            for vals in vals_list:
                vals["user_id"] = self.env.uid
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            if "user_id" in vals and any(run.user_id.id != vals["user_id"] for run in self):
                raise AccessError(_("An import runs with the rights of the user who created it."))
            if LOCKED_WHEN_STARTED & set(vals) and any(run.state in ("running", "done") for run in self):
                raise UserError(_("An import that has started cannot be changed. Start a new import."))
        return super().write(vals)

    # Actions -------------------------------------------------------------------------------------------------------
    def action_read_file(self):
        """Read the headings and propose a mapping: the template's, else headings recognised by name."""
        self.ensure_one()
        self._kk_check_editable()
        headers, rows, details = self._kk_table()
        by_heading = {line.column.strip().lower(): line.target for line in self.template_id.line_ids}
        labels = {key: key for key, _label in IMPORT_TARGETS}
        labels.update({label.lower(): key for key, label in IMPORT_TARGETS})
        labels.update(HEADING_GUESSES)
        first = rows[0][1] if rows else []
        used = set()
        columns = []
        for position, heading in enumerate(headers):
            lowered = heading.lower()
            target = by_heading.get(lowered) or (labels.get(lowered) if not self.template_id else False)
            if target in used:
                target = False
            used.add(target)
            sample = first[position] if position < len(first) else ""
            if target == "fodselsnummer" and sample:
                sample = sample[:6] + " *****"
            columns.append({"position": position, "column": heading, "sample": sample[:100], "target": target})
        self.column_ids.unlink()
        self.issue_ids.unlink()
        self.write(
            {
                "column_ids": [fields.Command.create(vals) for vals in columns],
                "row_count": len(rows),
                "position": 0,
                "state": "draft",
                "file_details": ", ".join(
                    f"{value!r}" if key == "delimiter" else value for key, value in details.items()
                ),
                "source": self.source or self.template_id.source,
            }
        )
        return True

    def action_dry_run(self):
        """Check every row as the import would, writing nothing but the list of problems.

        No customer is created and rolled back: customer numbers come from PostgreSQL sequences, which a rollback
        does not return, so a rolled-back import of the whole file would leave a gap of its size in the series.
        """
        self.ensure_one()
        self._kk_check_editable()
        self._kk_check_mapping()
        if self.kind == "opening":
            return self._kk_opening_dry_run()
        _headers, rows, _details = self._kk_table()
        converted = self._kk_convert(rows)
        issues, to_create, to_update = self._kk_dry_run_issues(converted)
        self.issue_ids.unlink()
        self.env["kundekartotek.import.issue"].create([dict(issue, run_id=self.id) for issue in issues])
        self.write(
            {
                "state": "checked",
                "row_count": len(rows),
                "checked_problem_count": len(issues),
                "checked_create_count": to_create,
                "checked_update_count": to_update,
                "log": self._kk_log_line(
                    _(
                        "Dry run: %(rows)s rows, %(create)s new customers, %(update)s found, %(problems)s problems.",
                        rows=len(rows),
                        create=to_create,
                        update=to_update,
                        problems=len(issues),
                    )
                ),
            }
        )
        return True

    def action_import(self):
        """Start (or resume) the import; the cron imports it batch by batch, committing each."""
        self.ensure_one()
        self._kk_check_mapping()
        if self.state == "done":
            raise UserError(_("This import is finished. Start a new import to import the file again."))
        if self.state != "running":
            self.issue_ids.filtered(lambda issue: issue.stage == "import").unlink()
            self.write(
                {
                    "state": "running",
                    "position": 0,
                    "created_count": 0,
                    "updated_count": 0,
                    "unchanged_count": 0,
                    "error_count": 0,
                    "log": self._kk_log_line(_("Import started.")),
                }
            )
        self.env.ref("kundekartotek.ir_cron_import_run")._trigger()
        return True

    def action_download_report(self):
        """The problems of the dry run and of the import as a workbook (row, column, value, problem)."""
        self.ensure_one()
        self.write(
            {
                "report_file": base64.b64encode(self._kk_report_xlsx()),
                "report_filename": f"{self.filename or 'import'}-problems.xlsx",
            }
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self._name}/{self.id}/report_file/{self.report_filename}?download=true",
            "target": "download",
        }

    def action_save_template(self):
        """Save the mapping as a template for the next file from the same system."""
        self.ensure_one()
        lines = [
            fields.Command.create({"column": column.column, "target": column.target})
            for column in self.column_ids
            if column.target and column.column
        ]
        if not lines:
            raise UserError(_("Map at least one column before saving the mapping."))
        template = self.env["kundekartotek.import.template"].create(
            {"name": self.filename or self.name, "source": self.source, "line_ids": lines}
        )
        self.template_id = template
        return True

    # Cron ----------------------------------------------------------------------------------------------------------
    @api.model
    def _cron_process(self):
        """Import one batch of the oldest running import, as the user who started it.

        The run's row is locked (``FOR UPDATE SKIP LOCKED``): a second worker leaves a run another is importing.
        The cron runner commits after the call and calls again at once while rows remain
        (``ir.cron._notify_progress``), so each batch is one transaction and the position is committed with it.
        """
        self.flush_model(["state"])
        self.env.cr.execute(
            SQL(
                "SELECT id FROM kundekartotek_import_run WHERE state = 'running' ORDER BY id LIMIT 1 "
                "FOR UPDATE SKIP LOCKED"
            )
        )
        row = self.env.cr.fetchone()
        if not row:
            self.env["ir.cron"]._notify_progress(done=0, remaining=0)
            return
        run = self.browse(row[0])
        done = run._kk_import_batch()
        self.env["ir.cron"]._notify_progress(done=done, remaining=max(run.row_count - run.position, 0))

    def _kk_import_batch(self):
        """Import the next ``batch_size`` rows as the run's user and company; returns the number of rows done."""
        self.ensure_one()
        if self.kind == "opening":
            return self._kk_opening_import_batch()
        run = self.with_user(self.user_id).with_company(self.company_id)
        _headers, rows, _details = run._kk_table()
        batch = rows[run.position : run.position + run.batch_size]
        # No "created" note in each new customer's chatter and no follower: the run (its log and counts) and the
        # audit trail record the import, and whoever started it does not follow ten thousand customers. This is
        # what Odoo does for records it creates from incoming e-mail; changes to existing customers are tracked.
        Partner = run.env["res.partner"].with_context(mail_create_nolog=True, mail_create_nosubscribe=True)
        records, issues, refused = [], [], 0
        for row_number, vals, external, problems, _warnings in run._kk_convert(batch):
            if problems:
                issues += [dict(problem, row=row_number, stage="import") for problem in problems]
                refused += 1
                continue
            if external:
                vals["external_ref"] = {"source": run.source, "ref": external}
            records.append((row_number, vals))
        counts = {"created": 0, "updated": 0, "unchanged": 0, "error": refused}
        if records:
            results = Partner.kk_upsert([vals for _row, vals in records])
            for (row_number, _vals), result in zip(records, results, strict=True):
                counts[result["status"]] += 1
                if result["status"] == "error":
                    issues.append(
                        {
                            "row": row_number,
                            "column": "",
                            "value": "",
                            "problem": result["message"][:500],
                            "stage": "import",
                        }
                    )
        return run._kk_record_batch(len(batch), counts, issues)

    def _kk_record_batch(self, size, counts, issues):
        """Store a batch's problems, counts, position and log line; returns the number of rows done."""
        run = self
        # sudo: issues are the run's own report (read-only to users); the run is the one the cron locked
        run.env["kundekartotek.import.issue"].sudo().create([dict(issue, run_id=run.id) for issue in issues])
        position = run.position + size
        first = run.position + 2
        finished = position >= run.row_count
        # sudo: the counters are read-only to users; this is the run the cron locked, imported with its user's rights
        run.sudo().write(
            {
                "position": position,
                "created_count": run.created_count + counts["created"],
                "updated_count": run.updated_count + counts["updated"],
                "unchanged_count": run.unchanged_count + counts["unchanged"],
                "error_count": run.error_count + counts["error"],
                "state": "done" if finished else "running",
                "log": run._kk_log_line(
                    _(
                        "Rows %(first)s–%(last)s: %(created)s created, %(updated)s updated, %(unchanged)s unchanged, "
                        "%(errors)s errors.",
                        first=first,
                        last=first + size - 1,
                        created=counts["created"],
                        updated=counts["updated"],
                        unchanged=counts["unchanged"],
                        errors=counts["error"],
                    )
                )
                + ("\n" + _("Import finished.") if finished else ""),
            }
        )
        _logger.info("Customer import %s: %s of %s rows", run.id, position, run.row_count)
        return size

    # Reading and converting ----------------------------------------------------------------------------------------
    def _kk_check_editable(self):
        if self.state in ("running", "done"):
            raise UserError(_("An import that has started cannot be changed. Start a new import."))

    def _kk_check_mapping(self):
        targets = set(self.column_ids.filtered("target").mapped("target"))
        if not targets:
            raise UserError(_("Read the file and map its columns first."))
        if self.kind == "opening":
            return self._kk_opening_check_mapping(targets)
        if "name" not in targets:
            raise UserError(_("Map a column to Name: every customer needs one."))
        if "external_ref" in targets and not (self.source or "").strip():
            raise UserError(_("Give the source of the external references (e.g. tripletex)."))

    def _kk_table(self):
        """The run's file as ``(headers, rows, details)`` (``lib/tabular``), read-only: the last tables read are
        kept in this process (:data:`TABLES_KEPT`, by database and content), because an import reads its file once
        per batch and parsing 10 000 rows again each time was a fourteenth of the import's time."""
        if not self.file:
            raise UserError(_("Upload a CSV or XLSX file first."))
        content = base64.b64decode(self.file)
        key = (self.env.cr.dbname, hashlib.sha256(content).digest())
        with _tables_lock:
            if key in _tables:
                _tables.move_to_end(key)
                return _tables[key]
        try:
            table = tabular.read_table(content)
        except tabular.UnreadableFile as error:
            if error.reason == "empty":
                raise UserError(_("The file is empty.")) from error
            raise UserError(_("The file cannot be read as a spreadsheet (XLSX).")) from error
        with _tables_lock:
            _tables[key] = table
            while len(_tables) > TABLES_KEPT:
                _tables.popitem(last=False)
        return table

    def _kk_lookups(self):
        """Categories, payment terms, countries and postcodes by the names files use, read once per call."""
        env = self.env
        categories = {}
        for category in env["kundekartotek.customer.category"].search([("name", "!=", False)]):
            for key in (category.code, category.name):
                if key:
                    categories.setdefault(key.strip().lower(), category.id)
        terms = {}
        Term = env["account.payment.term"]
        for lang in {"en_US", env.lang or "en_US"}:
            for term in Term.with_context(lang=lang).search([*Term._check_company_domain(self.company_id)]):
                terms.setdefault(term.name.strip().lower(), term.id)
                if len(term.line_ids) == 1:
                    terms.setdefault(f"days:{term.line_ids.nb_days}", term.id)
        countries = {}
        for country in env["res.country"].search([("code", "!=", False)]):
            countries[country.code.lower()] = country.id
            countries.setdefault(country.name.lower(), country.id)
        countries.setdefault("norge", env.ref("base.no").id)
        # sudo: Posten's register is reference data every importer may look up
        Postal = env["kundekartotek.postal.code"].sudo()
        codes = Postal.search_fetch([("code", "!=", False)], ["code"]).mapped("code")
        postcodes = set(codes) if codes else None  # no register loaded yet: postcodes cannot be judged
        return categories, terms, countries, postcodes

    def _kk_convert(self, rows):
        """``[(row, vals, external_ref, problems, warnings)]``: each row as ``kk_upsert`` values.

        ``problems`` are what stops the row (missing name, invalid identifiers, unknown category, ...), each a dict
        ``{column, value, problem}``; the values are not sent to the register then.
        """
        self.ensure_one()
        context = {
            "mapping": {column.target: (column.position, column.column) for column in self.column_ids if column.target},
            "lookups": self._kk_lookups(),
            "personal_id": self.env.user.has_group("kundekartotek.group_personal_id"),
            "norway": self.env.ref("base.no").id,
        }
        Partner = self.env["res.partner"]
        converted = []
        for row_number, cells in rows:
            row = _Row(cells, context["mapping"])
            vals = self._kk_convert_row(row, context)
            if not row.problems:
                try:
                    Partner._kk_guard_check([vals])
                except ValidationError as error:
                    row.problems.append({"column": "", "value": "", "problem": error.args[0][:500]})
            converted.append((row_number, vals, row.cell("external_ref"), row.problems, []))
        return converted

    def _kk_convert_row(self, row, context):
        categories, terms, countries, postcodes = context["lookups"]
        vals = {field: row.cell(target) for target, field in PLAIN_TARGETS.items() if row.cell(target)}
        if not vals.get("name"):
            row.problem("name", "", _("Name is missing."))
        country_text = row.cell("country")
        country_id = countries.get(country_text.lower()) if country_text else self.default_country_id.id
        if country_text and not country_id:
            row.problem("country", country_text, _("Unknown country."))
        if country_id:
            vals["country_id"] = country_id
        norwegian = country_id == context["norway"]
        vals.update(self._kk_convert_identifiers(row, norwegian, context["personal_id"]))
        postcode = row.cell("zip")
        if postcode:
            vals["zip"] = postcode
            if norwegian and postcodes is not None and postcode not in postcodes:
                row.problem("zip", postcode, _("Unknown postcode."))
        category = row.cell("category")
        if category:
            vals["customer_category_id"] = categories.get(category.lower())
            if not vals["customer_category_id"]:
                row.problem("category", category, _("Unknown customer category."))
        term = row.cell("payment_term")
        if term:
            days = _DAYS.match(term)
            vals["property_payment_term_id"] = terms.get(term.lower()) or (
                terms.get(f"days:{days.group(1)}") if days else False
            )
            if not vals["property_payment_term_id"]:
                row.problem("payment_term", term, _("Unknown payment terms."))
        limit = row.cell("credit_limit")
        if limit:
            try:
                vals["credit_limit"] = tabular.parse_amount(limit)
            except ValueError:
                row.problem("credit_limit", limit, _("Not a number."))
        return vals

    def _kk_convert_identifiers(self, row, norwegian, may_read_personal_id):
        """Organisation number and fødselsnummer, validated as the card validates them; the latter never shown."""
        vals = {}
        orgnr = row.cell("orgnr")
        if orgnr:
            vals["is_company"] = True
            vals["company_registry"] = orgnr
            if norwegian:
                try:
                    vals["company_registry"] = validate_orgnr(orgnr)
                except InvalidIdentifier as error:
                    row.problem("orgnr", orgnr, self._kk_identifier_message(error, _("organisation number"), 9))
        fnr = row.cell("fodselsnummer")
        if fnr:
            masked = compact_fodselsnummer(fnr)[:6] + " *****"
            if not may_read_personal_id:
                row.problem("fodselsnummer", masked, _("Only readers of national identity numbers may import them."))
                return vals
            try:
                vals["fodselsnummer"] = validate_fodselsnummer(fnr)
            except InvalidIdentifier as error:
                row.problem("fodselsnummer", masked, self._kk_identifier_message(error, _("fødselsnummer"), 11))
        return vals

    @api.model
    def _kk_identifier_message(self, error, label, digits):
        if error.reason == REASON_CHARACTERS:
            return _("The %(label)s may contain only digits.", label=label)
        if error.reason == REASON_LENGTH:
            return _("The %(label)s must have %(digits)s digits.", label=label, digits=digits)
        return _("The %(label)s is not valid (check digits or date).", label=label)

    def _kk_dry_run_issues(self, converted):
        """``(issues, to_create, to_update)``: the rows' own problems, duplicates in the file and in the register."""
        existing = self._kk_existing_keys(converted)
        labels = {
            "ref": _("customer number"),
            "company_registry": _("organisation number"),
            "fodselsnummer": _("national identity number"),
            "external": _("external reference"),
        }
        seen = {}
        # Per row: the issues before its possible duplicates, the values to search them for (None: not searched),
        # and the issues after; the duplicates of all new rows are searched for at once.
        checked = []
        to_create = to_update = 0
        for row_number, vals, external, problems, _warnings in converted:
            row_issues = list(problems)
            row_keys = [(key, vals[key]) for key in MATCH_KEYS if vals.get(key)]
            if external:
                row_keys.append(("external", external))
            for key, value in row_keys:
                first = seen.setdefault((key, value), row_number)
                if first != row_number:
                    row_issues.append(
                        {
                            "column": labels[key],
                            "value": value[:6] + " *****" if key == "fodselsnummer" else value,
                            "problem": _("Same %(key)s as row %(row)s.", key=labels[key], row=first),
                        }
                    )
            matches = set()
            for key, value in row_keys:
                matches |= existing[key].get(value, set())
            search = None
            if len(matches) > 1:
                message = _("The row's keys name different customers (ids %(ids)s).", ids=sorted(matches))
                row_issues.append({"column": "", "value": "", "problem": message})
            elif matches:
                to_update += 1
            else:
                to_create += 1
                if not problems:
                    # As kk_upsert will create it: a customer, so the policy applies to persons too.
                    search = dict(vals, customer_rank=vals.get("customer_rank") or 1)
            checked.append((row_number, row_issues, search, self._kk_credit_issues(vals, matches)))
        searched = [search for _row, _before, search, _after in checked if search is not None]
        duplicates = iter(self._kk_duplicate_issues(searched))
        issues = []
        for row_number, before, search, after in checked:
            row_issues = before + (next(duplicates) if search is not None else []) + after
            issues += [dict(issue, row=row_number, stage="dry_run") for issue in row_issues]
        return issues, to_create, to_update

    def _kk_existing_keys(self, converted):
        """``{key: {value: {partner ids}}}`` of the file's keys in the register, in one query per key (not per row).

        Customer numbers, organisation numbers, fødselsnumre and external references, among the customers the
        user may read, found as ``kk_upsert`` finds them.
        """
        Partner = self.env["res.partner"]
        wanted = {key: set() for key in (*MATCH_KEYS, "external")}
        for _row, vals, external, _problems, _warnings in converted:
            for key in MATCH_KEYS:
                if vals.get(key):
                    wanted[key].add(vals[key])
            if external:
                wanted["external"].add(external)
        existing = {key: {} for key in wanted}
        for key in MATCH_KEYS:
            if wanted[key]:
                domain = [*Partner._kk_commercial_domain(), (key, "in", sorted(wanted[key]))]
                if key == "ref":
                    domain.append(("customer_rank", ">", 0))
                for partner in Partner.search(domain):
                    existing[key].setdefault(partner[key], set()).add(partner.id)
        if wanted["external"] and self.source:
            refs = self.env["kundekartotek.external.ref"].search(
                [
                    ("source", "=", self.source.strip()),
                    ("ref", "in", sorted(wanted["external"])),
                    ("company_id", "=", self.company_id.id),
                ]
            )
            for ref in refs:
                existing["external"][ref.ref] = {ref.partner_id.id}
        return existing

    def _kk_duplicate_issues(self, vals_list):
        """The possible duplicates of new customers in the register, one list of issues per values, from one search
        of the duplicate policy for all of them."""
        # The policy's search itself, not the upsert's: the upsert remembers its answer for the create that follows,
        # and a dry run creates nothing (its answer must not stand in for the import's own search).
        answers = self.env["res.partner"]._kk_policy_duplicates_many(vals_list)
        return [
            [
                {
                    "column": "",
                    "value": vals.get("name", ""),
                    "problem": _(
                        "Possible duplicate of customer %(id)s: %(reasons)s",
                        id=duplicate["id"],
                        reasons=", ".join(duplicate.get("reasons") or []),
                    ),
                }
                for duplicate in found
            ]
            for vals, (_policy, found) in zip(vals_list, answers, strict=True)
        ]

    def _kk_credit_issues(self, vals, matches):
        """A clerk may not set what decides a credit block; sending the value a customer already has is no change."""
        if kk_may_edit_credit(self.env):
            return []
        Partner = self.env["res.partner"]
        partner = Partner.browse(matches) if len(matches) == 1 else Partner
        headings = {column.target: column.column for column in self.column_ids if column.target}
        issues = []
        for field_name, target in CREDIT_FIELDS.items():
            if field_name not in vals:
                continue
            field = Partner._fields[field_name]
            value = vals[field_name]
            if partner and field.convert_to_write(partner[field_name], partner) == value:
                continue
            shown = Partner.env[field.comodel_name].browse(value).display_name if field.type == "many2one" else value
            issues.append(
                {
                    "column": headings.get(target, ""),
                    "value": str(shown),
                    "problem": _("Only a Kundekartotek or accounting manager may set this."),
                }
            )
        return issues

    def _kk_log_line(self, text):
        stamp = fields.Datetime.to_string(fields.Datetime.now())
        return "\n".join(filter(None, [self.log, f"{stamp} {text}"]))

    def _kk_report_xlsx(self):
        output = io.BytesIO()
        workbook = xlsxwriter.Workbook(output, {"in_memory": True})
        bold = workbook.add_format({"bold": True})
        sheet = workbook.add_worksheet(_("Problems"))
        headings = [_("Row"), _("Column"), _("Value"), _("Problem"), _("Stage")]
        for col, heading in enumerate(headings):
            sheet.write(0, col, heading, bold)
        stages = dict(self.env["kundekartotek.import.issue"]._fields["stage"]._description_selection(self.env))
        for line, issue in enumerate(self.issue_ids, start=1):
            sheet.write_number(line, 0, issue.row)
            sheet.write_string(line, 1, issue.column or "")
            sheet.write_string(line, 2, issue.value or "")
            sheet.write_string(line, 3, issue.problem)
            sheet.write_string(line, 4, stages.get(issue.stage, issue.stage))
        sheet.set_column(0, 0, 8)
        sheet.set_column(1, 2, 24)
        sheet.set_column(3, 3, 70)
        summary = workbook.add_worksheet(_("Summary"))
        for line, (label, value) in enumerate(
            [
                (_("File"), self.filename or ""),
                (_("Rows"), self.row_count),
                (_("Problems found by the dry run"), self.checked_problem_count),
                (_("Would create"), self.checked_create_count),
                (_("Would match"), self.checked_update_count),
                (_("Created"), self.created_count),
                (_("Updated"), self.updated_count),
                (_("Unchanged"), self.unchanged_count),
                (_("Errors"), self.error_count),
            ]
        ):
            summary.write(line, 0, label, bold)
            summary.write(line, 1, value)
        summary.set_column(0, 0, 32)
        workbook.close()
        return output.getvalue()
