# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import xmlrpc.client
from datetime import date, timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged

from ..lib import risk
from ..models.res_partner_risk import risk_writes
from .common import make_role_user, queries_on
from .receivables_common import ReceivablesCommon

TODAY = "2026-06-30"


@tagged("post_install", "-at_install")
class TestPaymentRisk(ReceivablesCommon):
    """The model trained on a small real posted history orders customers as their payments say, suggests a class
    and a limit, and only those who may change credit settings accept them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.company = cls.env.company
        cls.company.kk_risk_late_days = 10
        cls.reliable, cls.mixed, cls.late = (
            Partner.create({"name": name, "is_company": True, "customer_rank": 1})
            for name in ("Alltid Presis AS", "Av og Til AS", "Alltid Sein AS")
        )
        # Twelve monthly invoices each, from July 2025: paid on the due date, every second one 30 days late, all
        # 30 days late (late = more than 10 days after due).
        cls.first_invoice = None
        for month in range(12):
            invoice_date = date(2025, 7, 1) + timedelta(days=30 * month)
            due = invoice_date + timedelta(days=14)
            if due + timedelta(days=30) >= date(2026, 6, 30):
                break
            for partner, late in ((cls.reliable, False), (cls.mixed, month % 2 == 0), (cls.late, True)):
                invoice = cls._invoice(partner, 12000, invoice_date, due)
                cls._pay(invoice, 12000, due + timedelta(days=30 if late else 0))
                cls.first_invoice = cls.first_invoice or invoice
        cls.manager = make_role_user(
            cls.env, "manager", login="kk_risk_manager", extra=["account.group_account_invoice"]
        )
        cls.clerk = make_role_user(cls.env, "user", login="kk_risk_clerk")
        cls.employee = make_role_user(cls.env, "employee", login="kk_risk_employee")

    @freeze_time(TODAY)
    def test_history_reads_the_settlement_date_of_each_invoice(self):
        history = self.env["kundekartotek.risk.model"]._kk_history(self.company)
        first = min((inv for inv in history if inv.partner == self.late.id), key=lambda inv: inv.invoice_date)
        self.assertEqual(first.invoice_date, date(2025, 7, 1))
        self.assertEqual(first.due, date(2025, 7, 15))
        self.assertEqual(first.settled, date(2025, 8, 14))
        self.assertEqual(first.amount, 12000)

    @freeze_time(TODAY)
    def test_the_score_orders_customers_as_they_pay(self):
        record = self.env["kundekartotek.risk.model"]._kk_train(self.company)
        self.assertFalse(record.note)
        self.assertEqual(record.row_count, 33)  # 11 months × 3 customers, every outcome known
        self.assertEqual(record.late_count, 11 + 6)
        reliable, mixed, late = (p.sudo() for p in (self.reliable, self.mixed, self.late))
        self.assertLess(reliable.kk_risk_probability, mixed.kk_risk_probability)
        self.assertLess(mixed.kk_risk_probability, late.kk_risk_probability)
        self.assertGreater(late.kk_risk_probability, 0.5)
        self.assertEqual(late.kk_risk_class_suggested, "risk")
        self.assertEqual(reliable.kk_risk_class_suggested, "credit")
        self.assertIn("Share paid late", late.kk_risk_factors + reliable.kk_risk_factors)
        # The limit rule, from the stored probability: 11 invoices of 12 000 in 12 months → 11 000 a month.
        self.assertEqual(
            reliable.kk_risk_limit_suggested, risk.suggest_credit_limit(11000, reliable.kk_risk_probability)
        )
        self.assertGreater(reliable.kk_risk_limit_suggested, late.kk_risk_limit_suggested)
        self.assertEqual(reliable.kk_risk_company_id, self.company)

    def _score(self, partners):
        """Score ``partners`` with the trained model; the number of SQL statements it took."""
        Model = self.env["kundekartotek.risk.model"]
        record = Model._kk_train(self.company)
        history = [inv for inv in Model._kk_history(self.company) if inv.partner in partners.ids]
        self.env.flush_all()
        with queries_on("") as statements:
            self.env["res.partner"]._kk_risk_score(self.company, record.model_data, history, date(2026, 6, 30))
            self.env.flush_all()
        return len(statements)

    @freeze_time(TODAY)
    def test_scoring_writes_all_customers_at_once(self):
        """The statements do not grow with the number of customers: they are written together, not one by one."""
        one = self._score(self.late)
        three = self._score(self.reliable | self.mixed | self.late)
        self.assertEqual(three, one)
        self.assertGreater(self.reliable.sudo().kk_risk_probability, 0.0)

    @freeze_time(TODAY)
    def test_scores_go_through_the_trail_when_it_records_them(self):
        """The one UPDATE is for the default trail, which leaves the scores out; named in the setting, they are
        written through the ORM and recorded like any other field."""
        self.env["ir.config_parameter"].set_param("kundekartotek.audit_fields", "name,kk_risk_probability")
        self.env["kundekartotek.risk.model"]._kk_train(self.company)
        Log = self.env["kundekartotek.audit.log"].sudo()
        entries = Log.search(
            [("partner_id", "in", (self.reliable | self.late).ids), ("field_name", "=", "kk_risk_probability")]
        )
        self.assertEqual(entries.partner_id, self.reliable | self.late)

    @freeze_time(TODAY)
    def test_a_register_flag_makes_the_suggestion_risk(self):
        self.reliable.brreg_status = "bankrupt"
        self.env["kundekartotek.risk.model"]._kk_train(self.company)
        self.assertEqual(self.reliable.sudo().kk_risk_class_suggested, "risk")
        self.assertTrue(self.reliable.sudo().kk_risk_factors.startswith("Register: Bankrupt"))

    @freeze_time(TODAY)
    def test_without_enough_history_no_model_is_stored(self):
        self.company.kk_risk_late_days = 100  # nobody was ever that late: one outcome only
        record = self.env["kundekartotek.risk.model"]._kk_train(self.company)
        self.assertTrue(record.note)
        self.assertFalse(record.model_data)

    @freeze_time(TODAY)
    def test_a_manager_accepts_the_suggestions_and_the_trail_records_it(self):
        self.env["kundekartotek.risk.model"]._kk_train(self.company)
        suggested = self.late.sudo().kk_risk_limit_suggested
        self.late.with_user(self.manager).action_kk_risk_accept_limit()
        self.late.with_user(self.manager).action_kk_risk_accept_class()
        self.assertEqual(self.late.credit_limit, suggested)
        self.assertEqual(self.late.payment_class, "risk")
        entries = self.env["kundekartotek.audit.log"].sudo().search([("partner_id", "=", self.late.id)])
        self.assertEqual(
            set(entries.filtered(lambda e: e.user_id == self.manager).mapped("field_name")),
            {"credit_limit", "payment_class"},
        )

    @freeze_time(TODAY)
    def test_a_clerk_may_neither_accept_nor_write_the_scores(self):
        self.env["kundekartotek.risk.model"]._kk_train(self.company)
        with self.assertRaises(AccessError):
            self.late.with_user(self.clerk).action_kk_risk_accept_limit()
        with self.assertRaises(AccessError):
            self.late.with_user(self.clerk).action_kk_risk_accept_class()
        self.assertEqual(self.late.payment_class, "credit")
        with self.assertRaisesRegex(AccessError, "set by the payment-risk model only"):
            self.late.with_user(self.manager).write({"kk_risk_limit_suggested": 10**9})
        with self.assertRaisesRegex(AccessError, "set by the payment-risk model only"):
            self.late.sudo().write({"kk_risk_class_suggested": "cash"})
        with self.assertRaisesRegex(AccessError, "set by the payment-risk model only"):
            self.env["res.partner"].sudo().create({"name": "Falsk", "kk_risk_probability": 0.0})

    @freeze_time(TODAY)
    def test_scores_are_read_by_register_users_only(self):
        self.env["kundekartotek.risk.model"]._kk_train(self.company)
        self.assertGreater(self.late.with_user(self.clerk).kk_risk_probability, 0.5)
        with self.assertRaises(AccessError):
            self.late.with_user(self.employee).read(["kk_risk_probability"])
        with self.assertRaises(AccessError):
            self.env["kundekartotek.risk.model"].with_user(self.clerk).search([]).read(["model_data"])

    @freeze_time(TODAY)
    def test_retrain_on_demand_is_for_managers(self):
        Model = self.env["kundekartotek.risk.model"]
        with self.assertRaises(AccessError):
            Model.with_user(self.clerk).action_kk_retrain()
        self.manager.company_ids = [Command.link(self.company.id)]
        answer = Model.with_user(self.manager).with_company(self.company).action_kk_retrain()
        self.assertEqual(answer["params"]["type"], "success")
        self.assertTrue(Model.sudo().search([("company_id", "=", self.company.id)]).model_data)

    @freeze_time(TODAY)
    def test_the_weekly_cron_trains_every_company_and_scores(self):
        self.env["kundekartotek.risk.model"]._cron_kk_retrain()
        record = self.env["kundekartotek.risk.model"].sudo().search([("company_id", "=", self.company.id)])
        self.assertEqual(record.row_count, 33)
        self.assertGreater(self.late.sudo().kk_risk_probability, 0.5)

    def test_a_merge_carries_the_scores_over(self):
        kept = self.env["res.partner"].sudo().create({"name": "Beholdt AS", "is_company": True})
        merged = self.env["res.partner"].sudo().create({"name": "Sammenslått AS", "is_company": True})
        with risk_writes(self.env):
            merged.write({"kk_risk_probability": 0.4, "kk_risk_class_suggested": "credit"})
        self.env["base.partner.merge.automatic.wizard"].sudo()._merge((kept | merged).ids, kept, extra_checks=False)
        self.assertFalse(merged.exists())
        self.assertEqual(kept.sudo().kk_risk_probability, 0.4)


@tagged("post_install", "-at_install")
class TestPaymentRiskOverRpc(HttpCase):
    """The accept button is a public method: a plain user calling it over XML-RPC gets an AccessError."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.partner = cls.env["res.partner"].create({"name": "RPC Risiko AS", "is_company": True})
        with risk_writes(cls.env):
            cls.partner.write(
                {
                    "kk_risk_limit_suggested": 5000,
                    "kk_risk_class_suggested": "risk",
                    "kk_risk_company_id": cls.env.company.id,
                }
            )
        cls.clerk = make_role_user(cls.env, "user", login="kk_risk_rpc_clerk")
        cls.clerk.password = "kk_risk_rpc_pw"

    def _call(self, method):
        return self.xmlrpc_object.execute_kw(
            self.env.cr.dbname, self.clerk.id, "kk_risk_rpc_pw", "res.partner", method, [[self.partner.id]]
        )

    def test_a_plain_user_gets_access_error(self):
        for method in ("action_kk_risk_accept_limit", "action_kk_risk_accept_class"):
            with self.assertRaises(xmlrpc.client.Fault) as caught:
                self._call(method)
            self.assertEqual(caught.exception.faultCode, 4, method)  # AccessError
        self.assertEqual(self.partner.payment_class, "credit")
        self.assertNotEqual(self.partner.credit_limit, 5000)
