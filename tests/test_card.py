# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The customer card as an accountant uses it: it opens on Kundekartotek, its top leads to the statement, ledger,
reminder and ageing, a reminder is confirmed with its amount and deadline, and a letter in an unexpected language
is flagged."""

from lxml import etree

from odoo.tests import Form, freeze_time, tagged

from .common import make_role_user
from .receivables_common import ReceivablesCommon

DAY = "2026-03-01"


@tagged("post_install", "-at_install")
class TestCard(ReceivablesCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.groups_id += cls.env.ref("kundekartotek.group_user")
        cls.env["res.lang"]._activate_lang("nb_NO")
        cls.norway = cls.env.ref("base.no")
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Kortet AS",
                "is_company": True,
                "email": "faktura@kortet.example",
                "country_id": cls.norway.id,
                "lang": "nb_NO",
                "customer_rank": 1,
            }
        )
        cls.invoice_jan = cls._invoice(cls.customer, 1000, "2026-01-01", "2026-01-15")
        cls.invoice_feb = cls._invoice(cls.customer, 500, "2026-02-20", "2026-03-20")  # not due on 1 March
        cls.Confirm = cls.env["kundekartotek.send.confirm"]

    def _form_arch(self, user=None):
        Partner = self.env["res.partner"].with_user(user) if user else self.env["res.partner"]
        arch = Partner.get_views([(False, "form")])["views"]["form"]["arch"]
        return etree.fromstring(arch)

    def test_card_opens_on_kundekartotek(self):
        arch = self._form_arch()
        self.assertEqual(arch.xpath("//page[@name='kundekartotek']")[0].get("autofocus"), "autofocus")
        self.assertFalse(arch.xpath("//page[@name='contact_addresses']")[0].get("autofocus"))

    def test_top_of_the_card_reaches_statement_ledger_reminder_and_ageing(self):
        header = self._form_arch().xpath("//header")[0]
        names = {button.get("name") for button in header.iter("button")}
        self.assertLessEqual(
            {
                "action_kk_confirm_statement",
                "action_kk_confirm_reminder",
                "action_kk_open_ledger",
                "action_kk_open_ageing",
            },
            names,
        )
        ledger = self.customer.action_kk_open_ledger()
        wizard = self.env[ledger["res_model"]].with_context(**ledger["context"]).create({})
        self.assertEqual(wizard.partner_ids, self.customer)
        with freeze_time(DAY):
            ageing = self.customer.action_kk_open_ageing()
        self.assertEqual(ageing["context"]["kk_as_of"], "2026-02-28")  # the last month-end
        rows = self.env[ageing["res_model"]].with_context(**ageing["context"]).search(ageing["domain"])
        self.assertEqual(rows.move_id, self.invoice_jan | self.invoice_feb)

    @freeze_time(DAY)
    def test_reminder_is_confirmed_with_amount_and_deadline_before_it_goes(self):
        action = self.customer.action_kk_confirm_reminder()
        self.assertEqual(action["res_model"], "kundekartotek.send.confirm")
        self.assertFalse(self.env["kundekartotek.reminder"].search([("partner_id", "=", self.customer.id)]))
        wizard = Form(self.Confirm.with_context(**action["context"])).save()
        self.assertEqual(wizard.amount, 1000.0)  # only the overdue invoice
        self.assertEqual(str(wizard.deadline), "2026-03-15")  # 14 days, the company's setting
        self.assertIn("15.03.2026", wizard.with_context(lang="nb_NO").summary)
        self.assertFalse(self.env["kundekartotek.reminder"].search([("partner_id", "=", self.customer.id)]))
        wizard.with_context(force_report_rendering=True).action_confirm()
        reminder = self.env["kundekartotek.reminder"].search([("partner_id", "=", self.customer.id)])
        self.assertEqual((reminder.amount, str(reminder.payment_deadline)), (1000.0, "2026-03-15"))

    @freeze_time(DAY)
    def test_statement_for_any_date(self):
        wizard = Form(self.Confirm.with_context(default_partner_id=self.customer.id, default_kind="statement"))
        self.assertEqual(wizard.amount, 1500.0)  # today: both invoices open
        wizard.as_of = "2026-01-31"
        self.assertEqual(wizard.amount, 1000.0)  # the February invoice did not exist yet
        action = wizard.save().action_confirm()
        self.assertEqual(action["context"]["kk_as_of"], "2026-01-31")
        self.assertEqual(action["res_model"], "mail.compose.message")

    def test_language_that_does_not_fit_the_country_is_flagged(self):
        self.assertFalse(self.customer._kk_language_warning())
        self.customer.lang = "en_US"
        self.assertIn("Kortet AS", self.customer._kk_language_warning())
        wizard = self.Confirm.create({"partner_id": self.customer.id, "kind": "statement"})
        self.assertTrue(wizard.language_warning)
        swedish = self.env["res.partner"].create(
            {"name": "Svensk AB", "is_company": True, "country_id": self.env.ref("base.se").id, "lang": "nb_NO"}
        )
        self.assertTrue(swedish._kk_language_warning())
        swedish.lang = "en_US"
        self.assertFalse(swedish._kk_language_warning())

    def test_payment_behaviour_says_no_data_yet(self):
        arch = self._form_arch()
        note = [div for div in arch.iter("div") if "No data yet" in "".join(div.itertext())]
        self.assertEqual(note[0].get("invisible"), "pay_invoice_count")
        self.assertEqual(self.customer.pay_invoice_count, 0)
        accountant = make_role_user(self.env, "user", login="kk_card_acc", extra=["account.group_account_invoice"])
        self.assertTrue(self._form_arch(accountant).xpath("//header/button[@name='action_kk_open_ledger']"))


@tagged("post_install", "-at_install")
class TestAgeingPresets(ReceivablesCommon):
    def test_period_ends(self):
        cases = {
            ("month", "2026-03-01"): "2026-02-28",
            ("month", "2026-03-31"): "2026-02-28",
            ("quarter", "2026-03-31"): "2025-12-31",
            ("quarter", "2026-04-01"): "2026-03-31",
            ("year", "2026-01-01"): "2025-12-31",
            ("year", "2026-12-31"): "2025-12-31",
        }
        for (preset, today), expected in cases.items():
            with self.subTest(preset=preset, today=today), freeze_time(today):
                form = Form(self.env["kundekartotek.ageing.wizard"])
                form.preset = preset
                self.assertEqual(str(form.as_of), expected)

    @freeze_time("2026-03-10")
    def test_default_is_last_month_end_and_a_typed_date_is_other(self):
        self.env["res.lang"]._activate_lang("nb_NO")
        form = Form(self.env["kundekartotek.ageing.wizard"].with_context(lang="nb_NO"))
        self.assertEqual((form.preset, str(form.as_of)), ("month", "2026-02-28"))
        form.as_of = "2026-03-05"
        self.assertEqual(form.preset, "other")
        action = form.save().with_context(lang="nb_NO").action_open()
        self.assertIn("05.03.2026", action["name"])


@tagged("post_install", "-at_install")
class TestDrillDown(ReceivablesCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.env["res.partner"].create({"name": "Drill AS", "is_company": True, "customer_rank": 1})
        cls.customer.ref = "K-4711"
        cls.overdue = cls._invoice(cls.customer, 700, "2026-01-01", "2026-01-31")
        cls.not_due = cls._invoice(cls.customer, 300, "2026-02-15", "2026-03-15")

    @freeze_time("2026-03-01")
    def test_overdue_items_show_due_date_and_open_amount(self):
        action = self.customer.with_context(kk_overdue=True).action_kk_open_receivables()
        views = self.env["account.move.line"].get_views(action["views"])
        arch = etree.fromstring(views["views"]["list"]["arch"])
        self.assertTrue(arch.xpath("//field[@name='date_maturity']"))
        self.assertTrue(arch.xpath("//field[@name='amount_residual']"))
        lines = self.env["account.move.line"].search(action["domain"])
        self.assertEqual((lines.move_id, lines.amount_residual), (self.overdue, 700.0))

    def test_ageing_rows_say_not_due_and_lead_to_the_customer(self):
        context = {"kk_as_of": "2026-02-28", "kk_age_by": "due", "kk_edges": None, "kk_company_ids": None}
        rows = (
            self.env["kundekartotek.ageing.report"]
            .with_context(**context)
            .search([("partner_id", "=", self.customer.id)], order="date_maturity")
        )
        self.assertEqual(rows.mapped("age_label"), ["28 days", "Not due"])
        self.assertEqual(rows.mapped("customer_ref"), ["K-4711", "K-4711"])
        self.assertEqual(rows[0].action_kk_open_customer()["res_id"], self.customer.id)
        items = rows[0].action_kk_open_customer_items()
        self.assertEqual(self.env["account.move.line"].search(items["domain"]).move_id, self.overdue | self.not_due)
        on_due_date = rows.with_context(**dict(context, kk_as_of="2026-01-31"))
        self.assertEqual(on_due_date.filtered(lambda r: r.move_id == self.overdue).age_label, "Not due")


@tagged("post_install", "-at_install")
class TestStatementSender(ReceivablesCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.env["res.partner"].create({"name": "Avsender AS", "is_company": True})
        cls.invoice = cls._invoice(cls.customer, 800, "2026-01-01", "2026-01-31")
        cls.invoice.payment_reference = "00012340000019"

    def test_missing_sender_details_are_flagged_and_the_statement_names_them(self):
        company = self.env.company
        company.write({"street": False, "company_registry": False})
        company.partner_id.bank_ids.unlink()
        wizard = self.env["kundekartotek.send.confirm"].create({"partner_id": self.customer.id, "kind": "statement"})
        for word in ("address", "organisation number", "bank account"):
            self.assertIn(word, wizard.company_warning)
        company.write({"street": "Storgata 1", "zip": "0155", "city": "Oslo", "company_registry": "988077917"})
        self.env["res.partner.bank"].create({"acc_number": "1503.12.34567", "partner_id": company.partner_id.id})
        wizard.invalidate_recordset()
        self.assertFalse(wizard.company_warning)
        report = self.env.ref("kundekartotek.action_report_statement")
        html = report._render_qweb_html(report.report_name, self.customer.ids, data={"as_of": "2026-02-28"})[0]
        html = html.decode()
        for text in ("1503.12.34567", "988077917", "Storgata 1", "00012340000019"):
            self.assertIn(text, html)
