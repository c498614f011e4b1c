# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Bad input over XML-RPC is a clear error, never a crash or a half-written record.

The fields are not listed by hand: every field the module adds (``ir.model.fields`` with an XML id of the module)
or checks (the fields of its constraints, and the core identifiers it normalises) on ``res.partner`` and on each of
its own models is sent, through ``/xmlrpc/2/object`` as an integration would, each bad value in turn: wrong types,
``False``/``None``, 100 000 characters, digits that are not 0-9, HTML, an id that does not exist. One ``create`` and
one ``write`` per model and value carry all the fields at once (the guard names every field at fault in one
message); a second pair carries only the fields that may take the value, which must not crash either.

XML-RPC fault codes (odoo/addons/base/controllers/rpc.py): 2 = ``UserError`` and its subclasses (``ValidationError``),
4 = ``AccessError``; 1 = anything else, with the traceback as the fault string, whose last line names the exception
(``TypeError: ...``). A crash is code 1.
"""

import base64
import math
import xmlrpc.client

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import HttpCase, TransactionCase, tagged
from odoo.tests.common import Transport

from ..models.kundekartotek_input_guard import (
    CHECKED_CORE_FIELDS,
    IDENTIFIER_FIELDS,
    INT4_RANGE,
    MAX_CHAR,
    MAX_JSON,
    MAX_TEXT,
)

MODULE = "kundekartotek"
UNKNOWN_ID = 2_000_000_000
CLEAN_FAULTS = {2: "UserError/ValidationError", 4: "AccessError"}
BAD_VALUES = [
    ("int", 7),
    ("float", 7.5),
    ("NaN", math.nan),
    ("list", [1, 2]),
    ("dict", {"a": 1}),
    ("False", False),
    ("None", None),
    ("100 000 characters", "9" * 100_000),
    ("superscript digits", "²³45"),
    ("Arabic-Indic digits", "٣٤٥"),
    ("HTML", "<script>alert('kk')</script>"),
    ("unknown id", UNKNOWN_ID),
]
TEXT_KINDS = ("char", "text", "html")
NUMBER_KINDS = ("integer", "float", "monetary")
RELATIONAL_KINDS = ("many2one", "one2many", "many2many")


def must_refuse(kind, value_name, required):
    """Whether a field of ``kind`` must refuse the bad value (else it may take it, or refuse it cleanly).

    False/None clear a field, so only required fields (other than numbers and booleans) must refuse them. Plain
    text takes any text up to its length, other than HTML; identifiers also refuse digits that are not 0-9.
    Numbers take numbers; a whole number takes 7, a float also 7.5. A file takes base64 text (100 000 nines are).
    """
    if value_name in ("False", "None"):
        return required and kind not in ("boolean", *NUMBER_KINDS)
    if value_name == "unknown id":
        return kind in RELATIONAL_KINDS
    if kind in ("identifier", *TEXT_KINDS):
        return value_name in ("int", "float", "NaN", "list", "dict", "100 000 characters", "HTML") or (
            kind == "identifier" and value_name in ("superscript digits", "Arabic-Indic digits")
        )
    if kind == "integer":
        return value_name != "int"
    if kind in ("float", "monetary"):
        return value_name not in ("int", "float")
    if kind == "binary":
        return value_name != "100 000 characters"
    if kind == "json":
        return value_name != "dict"
    if kind == "many2one_reference":
        return value_name != "int"
    if kind == "many2one":
        return value_name != "int"  # 7 may well be the id of a record
    if kind == "many2many":
        return value_name != "list"  # [1, 2]: ids, which may exist
    return True  # selection, boolean, dates, one2many: none of the values is one of theirs


def value_for(kind, value_name, value):
    """The bad value as a field of ``kind`` gets it: an unknown id is linked to an x2many as a command."""
    if value_name == "unknown id":
        return [[4, UNKNOWN_ID]] if kind in ("one2many", "many2many") else value
    return value


@tagged("post_install", "-at_install")
class TestBadInput(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        env["res.lang"]._activate_lang("nb_NO")
        groups = [
            "kundekartotek.group_manager",
            "kundekartotek.group_privacy_officer",
            "kundekartotek.group_personal_id",
            "account.group_account_manager",
        ]
        cls.user = (
            env["res.users"]
            .with_context(no_reset_password=True)
            .create(
                {
                    "name": "Integrasjon Feilinput",
                    "login": "kk_bad_input",
                    "password": "kk_bad_input_pw",
                    "email": "integrasjon@fjellheim.example",
                    "lang": "nb_NO",
                    "groups_id": [Command.set([env.ref(group).id for group in groups])],
                }
            )
        )
        norway = env.ref("base.no")
        cls.customer = env["res.partner"].create(
            {"name": "Feilinput Kunde AS", "is_company": True, "country_id": norway.id, "customer_rank": 1}
        )
        cls.person = env["res.partner"].create({"name": "Frida Feil", "country_id": norway.id})
        journal = env["account.journal"].search(
            [*env["account.journal"]._check_company_domain(env.company), ("type", "=", "sale")], limit=1
        )
        cls.invoice = env["account.move"].create(
            {
                "move_type": "out_invoice",
                "journal_id": journal.id,
                "partner_id": cls.customer.id,
                "invoice_line_ids": [Command.create({"name": "Feil", "quantity": 1, "price_unit": 100})],
            }
        )
        lookup = env["kundekartotek.brreg.lookup"].create({"query": "988077917"})
        merge = env["base.partner.merge.automatic.wizard"].create({"dst_partner_id": cls.customer.id})
        merge.flush_recordset()  # its value lines are computed now, not over the line created below
        mapping = env["kundekartotek.import.template"].create({"name": "Feilinput mal"})
        import_run = env["kundekartotek.import.run"].create({"name": "Feilinput import"})
        dashboard = env["kundekartotek.kpi.dashboard"].create({})
        # What a valid record of each model needs besides the fields under test.
        cls.base_values = {
            "res.partner": {"name": "Feilinput Ny AS"},
            "kundekartotek.customer.category": {"name": "Feilinput", "code": "FEIL"},
            "kundekartotek.number.scheme": {
                "name": "Feilinput",
                "pattern": "F{seq:4}",
                "kind": "pattern",
                "active": False,
            },
            "kundekartotek.postal.code": {"code": "9998", "city": "FEILSTED", "category": "G"},
            "kundekartotek.consent": {
                "partner_id": cls.person.id,
                "purpose": "email",
                "state": "given",
                "source": "phone",
                "text_version": "v1",
            },
            "kundekartotek.reminder": {"partner_id": cls.customer.id, "level": 1},
            "kundekartotek.audit.log": {},
            "kundekartotek.audit.seal": {},
            "kundekartotek.access.log": {},
            "kundekartotek.ageing.wizard": {},
            "kundekartotek.anonymise": {"partner_id": cls.customer.id},
            "kundekartotek.brreg.lookup": {"query": "988077917"},
            "kundekartotek.brreg.lookup.line": {"wizard_id": lookup.id, "orgnr": "988077917"},
            "kundekartotek.consent.wizard": {"partner_id": cls.person.id, "text_version": "v1"},
            "kundekartotek.credit.override": {"res_model": "account.move", "res_id": cls.invoice.id, "reason": "x"},
            "kundekartotek.gdpr.export": {"partner_id": cls.person.id},
            "kundekartotek.ledger.wizard": {},
            "kundekartotek.postal.import": {
                "register_file": base64.b64encode(b"0150\tOSLO\t0301\tOSLO\tG\r\n").decode(),
            },
            "kundekartotek.renumber": {"partner_id": cls.customer.id, "reason": "x"},
            "kundekartotek.risk.model": {},
            "kundekartotek.tier.preview": {},
            "kundekartotek.tier.preview.line": {
                "preview_id": env["kundekartotek.tier.preview"].create({}).id,
                "partner_id": cls.customer.id,
                "field_name": "value_tier",
                "new_value": "a",
            },
            "kundekartotek.merge.field": {"wizard_id": merge.id, "field_name": "email", "partner_id": cls.customer.id},
            "kundekartotek.review": {},
            "kundekartotek.send.confirm": {"partner_id": cls.customer.id, "kind": "statement"},
            "kundekartotek.external.ref": {"source": "feil", "ref": "F-1", "partner_id": cls.customer.id},
            "kundekartotek.import.template": {"name": "Feilinput"},
            "kundekartotek.import.template.line": {"template_id": mapping.id, "column": "Navn", "target": "name"},
            "kundekartotek.import.run": {"name": "Feilinput"},
            "kundekartotek.import.column": {"run_id": import_run.id, "position": 0},
            "kundekartotek.import.issue": {"run_id": import_run.id, "stage": "dry_run", "problem": "x"},
            "kundekartotek.kpi.dashboard": {},
            "kundekartotek.kpi.customer": {"dashboard_id": dashboard.id},
            "kundekartotek.duplicate.pair": {
                "partner_a_id": min(cls.customer.id, cls.person.id),
                "partner_b_id": max(cls.customer.id, cls.person.id),
            },
        }
        env["kundekartotek.risk.model"]._kk_train(env.company)  # written by the module only
        cls.records = {}
        for model, values in cls.base_values.items():
            if model in (
                "kundekartotek.audit.log",
                "kundekartotek.audit.seal",
                "kundekartotek.access.log",
                "kundekartotek.risk.model",
            ):
                cls.records[model] = env[model].sudo().search([], limit=1)  # written by the module only
            elif model == "kundekartotek.review":  # written by the review jobs only
                review = {"kind": "monthly", "period": "2026-11", "partner_id": cls.customer.id}
                cls.records[model] = env[model].sudo().create({**review, "company_id": env.company.id})
            elif model == "res.partner":
                cls.records[model] = cls.customer
            else:
                cls.records[model] = env[model].create(values)

    def setUp(self):
        super().setUp()
        self.rpc = xmlrpc.client.ServerProxy(
            self.xmlrpc_url + "object", transport=Transport(self.cr), allow_none=True, use_builtin_types=True
        )
        self.problems = []
        self.calls = 0

    # Discovery ------------------------------------------------------------------------------------------------------
    def _models(self):
        data = self.env["ir.model.data"].search([("module", "=", MODULE), ("model", "=", "ir.model")])
        names = {"res.partner"} | set(self.env["ir.model"].browse(data.mapped("res_id")).mapped("model"))
        # Own models only (an extended core model also gets an XML id in the module); no SQL views, no mixins.
        return sorted(
            name
            for name in names
            if name in self.env
            and (name == "res.partner" or self.env[name]._original_module == MODULE)
            and not self.env[name]._abstract
            and self.env[name]._auto
        )

    def _fields(self, model):
        """``{name: (kind, label, required)}`` of the fields the module adds or checks on ``model``."""
        Model = self.env[model]
        data = self.env["ir.model.data"].search([("module", "=", MODULE), ("model", "=", "ir.model.fields")])
        names = set(
            self.env["ir.model.fields"]
            .browse(data.mapped("res_id"))
            .filtered(lambda f: f.model == model)
            .mapped("name")
        )
        names |= CHECKED_CORE_FIELDS.get(model, set())
        for method in Model._constraint_methods:
            if method.__module__.startswith(f"odoo.addons.{MODULE}."):
                constrained = method._constrains
                names |= set(constrained(Model) if callable(constrained) else constrained)
        described = (
            Model.with_user(self.user)
            .with_context(lang="nb_NO")
            .fields_get(attributes=["type", "string", "required", "readonly"])
        )
        walked = {}
        for name in sorted(names & set(described)):
            field = Model._fields[name]
            if field.automatic or (field.compute and not field.store and not field.inverse):
                continue  # magic columns, and computed values nobody can write (the ORM ignores them)
            kind = described[name]["type"]
            if name in IDENTIFIER_FIELDS.get(model, ()):
                kind = "identifier"
            walked[name] = (kind, described[name]["string"], described[name]["required"])
        return walked

    # RPC --------------------------------------------------------------------------------------------------------
    def _call(self, model, method, *args):
        self.calls += 1
        return self.rpc.execute_kw(
            self.env.cr.dbname,
            self.user.id,
            "kk_bad_input_pw",
            model,
            method,
            list(args),
            {"context": {"lang": "nb_NO"}},
        )

    def _try(self, what, model, method, *args):
        """``(fault or None)``; a crash is noted as a problem."""
        try:
            self._call(model, method, *args)
        except xmlrpc.client.Fault as fault:
            if fault.faultCode not in CLEAN_FAULTS:
                last = fault.faultString.strip().splitlines()[-1] if fault.faultString.strip() else fault.faultString
                self.problems.append(f"{what}: crashed with {last[:300]}")
            return fault
        return None

    def _snapshot(self, model, record, names):
        record.invalidate_recordset()
        return {name: record.sudo()[name] for name in names}, record.sudo()[
            "write_date"
        ] if "write_date" in record else None

    def _count(self, model):
        return self.env[model].sudo().with_context(active_test=False).search_count([])

    def _check_refusals(self, what, fault, refused, walked):
        """Every field that must refuse the value is named in the guard's message (or the model refused it all)."""
        if not refused:
            return
        if fault is None:
            self.problems.append(f"{what}: accepted, but {sorted(refused)} must refuse it")
            return
        if fault.faultCode != 2:
            return  # AccessError: this model takes nothing from this user; nothing was written
        lines = fault.faultString.splitlines()
        missing = [name for name in refused if not any(line.startswith(f"- {walked[name][1]}:") for line in lines)]
        if missing:
            self.problems.append(f"{what}: {sorted(missing)} not named as refused in: {fault.faultString[:300]}")

    # The test ---------------------------------------------------------------------------------------------------
    def test_every_field_refuses_bad_input_with_a_clear_error(self):
        for model in self._models():
            if model not in self.base_values:
                self.problems.append(f"{model}: no base values in this test; add them to base_values")
                continue
            walked = self._fields(model)
            record = self.records[model]
            for value_name, value in BAD_VALUES:
                fields_here = {
                    name: value_for(kind, value_name, value)
                    for name, (kind, _label, _required) in walked.items()
                    if value_name != "unknown id" or kind in RELATIONAL_KINDS
                }
                if not fields_here:
                    continue
                refused = {name for name in fields_here if must_refuse(walked[name][0], value_name, walked[name][2])}
                taken = {name: fields_here[name] for name in fields_here if name not in refused}
                what = f"{model} {value_name}"
                # create, all fields at once: the fields that must refuse are named; nothing is created
                before = self._count(model)
                fault = self._try(f"{what} create", model, "create", {**self.base_values[model], **fields_here})
                self._check_refusals(f"{what} create", fault, refused, walked)
                if fault is not None and self._count(model) != before:
                    self.problems.append(f"{what} create: failed, but a record was created")
                # write, all fields at once: the record is unchanged after the refusal
                if record:
                    snapshot = self._snapshot(model, record, walked)
                    fault = self._try(f"{what} write", model, "write", record.ids, fields_here)
                    self._check_refusals(f"{what} write", fault, refused, walked)
                    if fault is not None and self._snapshot(model, record, walked) != snapshot:
                        self.problems.append(f"{what} write: refused, but the record changed")
                # the fields that may take the value: taken, or refused cleanly (a constraint), never a crash
                if refused and taken:
                    self._try(
                        f"{what} create (fields that may take it)",
                        model,
                        "create",
                        {**self.base_values[model], **taken},
                    )
                    if record:
                        self._try(f"{what} write (fields that may take it)", model, "write", record.ids, taken)
        self.assertLess(self.calls, 2000, "keep the number of RPC calls bounded")
        if self.problems:
            self.fail("\n".join(["Bad input that is not a clear error:", *self.problems]))

    def test_the_guard_names_fields_in_the_callers_language(self):
        with self.assertRaises(xmlrpc.client.Fault) as caught:
            self._call("res.partner", "write", self.customer.ids, {"payment_class": 7, "value_tier": [1]})
        self.assertEqual(caught.exception.faultCode, 2)
        labels = self.env["res.partner"].with_context(lang="nb_NO").fields_get(["payment_class", "value_tier"])
        self.assertIn(f"- {labels['payment_class']['string']}:", caught.exception.faultString)
        self.assertIn(f"- {labels['value_tier']['string']}:", caught.exception.faultString)
        self.assertNotEqual(labels["payment_class"]["string"], "Payment class", "the label is translated")


@tagged("post_install", "-at_install")
class TestInputGuardEdges(TransactionCase):
    """The limits of the guard, just below, at and just above each edge."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user = (
            cls.env["res.users"]
            .with_context(no_reset_password=True)
            .create(
                {
                    "name": "Grense",
                    "login": "kk_guard_edges",
                    "groups_id": [
                        Command.set(
                            [
                                cls.env.ref("kundekartotek.group_manager").id,
                                cls.env.ref("base.group_partner_manager").id,
                            ]
                        )
                    ],
                }
            )
        )
        cls.partner = cls.env["res.partner"].with_user(cls.user).create({"name": "Grense AS"})

    def _refused(self, model, vals, record=None, su=False):
        """The guard's message when it refuses ``vals`` (written to ``record``, else created), else ``None``."""
        Model = self.env[model].sudo() if su else self.env[model].with_user(self.user)
        try:
            with self.env.cr.savepoint():
                if record:
                    Model.browse(record.id).write(vals)
                else:
                    Model.create(vals)
        except ValidationError as error:
            return str(error)
        return None

    def test_text_lengths(self):
        for length, refused in ((MAX_CHAR - 1, False), (MAX_CHAR, False), (MAX_CHAR + 1, True)):
            with self.subTest(length=length):
                error = self._refused("res.partner", {"legal_basis_note": "n" * length}, self.partner)
                self.assertEqual(bool(error), refused, error)
        Category = "kundekartotek.customer.category"
        for length, refused in ((MAX_TEXT - 1, False), (MAX_TEXT, False), (MAX_TEXT + 1, True)):
            with self.subTest(length=length):
                error = self._refused(Category, {"name": "Lengde", "description": "d" * length})
                self.assertEqual(bool(error), refused, error)

    def test_whole_numbers_fit_the_column(self):
        for value, refused in (
            (INT4_RANGE[1] - 1, False),
            (INT4_RANGE[1], False),
            (INT4_RANGE[1] + 1, True),
            (INT4_RANGE[0], False),
            (INT4_RANGE[0] - 1, True),
            (7.0, False),
            (7.5, True),
        ):
            with self.subTest(value=value):
                error = self._refused("res.partner", {"brreg_retry_count": value}, self.partner)
                self.assertEqual(bool(error), refused, error)

    def test_booleans_take_true_false_one_and_zero(self):
        for value, refused in ((True, False), (0, False), (1, False), (2, True), (-1, True), ("True", True)):
            with self.subTest(value=value):
                error = self._refused("res.partner", {"is_company": value}, self.partner)
                self.assertEqual(bool(error), refused, error)

    def test_json_size(self):
        wizard = self.env["kundekartotek.brreg.lookup"].with_user(self.user).create({"query": "x"})
        overhead = len('{"k": ""}')
        for size, refused in ((MAX_JSON - 1, False), (MAX_JSON, False), (MAX_JSON + 1, True)):
            with self.subTest(size=size):
                data = {"k": "j" * (size - overhead)}
                error = self._refused("kundekartotek.brreg.lookup.line", {"wizard_id": wizard.id, "unit_data": data})
                self.assertEqual(bool(error), refused, error)

    def test_each_id_is_asked_for_once_until_the_transaction_data_is_cleared(self):
        """An import batch names the same category on every row: one query for the batch, not one per row."""
        category = self.env["kundekartotek.customer.category"].create({"name": "Felles", "code": "FE"})
        vals_list = [{"name": f"Rad {number}", "customer_category_id": category.id} for number in range(20)]
        Partner = self.env["res.partner"].with_user(self.user)
        # assertQueryCount starts with a flush, which empties the transaction's data, as a batch's savepoint does.
        with self.assertQueryCount(1):
            Partner._kk_guard_check(vals_list)
            Partner._kk_guard_check(vals_list)
        with self.assertQueryCount(1):
            Partner._kk_guard_check(vals_list)

    def test_a_record_rolled_back_with_its_savepoint_is_no_longer_taken(self):
        savepoint = self.env.cr.savepoint()
        category = self.env["kundekartotek.customer.category"].create({"name": "Kortlevd", "code": "KL"})
        self.assertIsNone(self._refused("res.partner", {"customer_category_id": category.id}, self.partner))
        savepoint.close(rollback=True)
        error = self._refused("res.partner", {"customer_category_id": category.id}, self.partner)
        self.assertIn("expects the id of an existing record (kundekartotek.customer.category)", error)

    def test_the_module_own_superuser_writes_are_judged_on_type_only(self):
        """The audit trail copies values verbatim (an HTML comment, a long text): as superuser the content passes,
        a wrong type does not."""
        for description in ("<p>kort</p>", "k" * (MAX_TEXT + 1)):
            values = {"name": "Innhold", "description": description}
            self.assertTrue(self._refused("kundekartotek.customer.category", values))
            self.assertIsNone(self._refused("kundekartotek.customer.category", values, su=True))
        self.assertTrue(self._refused("kundekartotek.customer.category", {"name": "Type", "sequence": "x"}, su=True))
