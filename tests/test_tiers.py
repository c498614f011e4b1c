# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import make_role_user
from .receivables_common import ReceivablesCommon

TODAY = "2026-06-30"


@tagged("post_install", "-at_install")
class TestAutomaticCategorisation(ReceivablesCommon):
    """Value tier from the last 12 months' revenue share, payment class from behaviour and the register, a lock,
    a preview before anything is written, the monthly cron and the audit trail."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.company = cls.env.company
        cls.big, cls.second, cls.third, cls.small = (
            Partner.create({"name": name, "is_company": True, "customer_rank": 1, "company_id": cls.company.id})
            for name in ("Tier Stor AS", "Tier Andre AS", "Tier Tredje AS", "Tier Liten AS")
        )
        # Revenue 50 / 30 / 15 / 5 (thousands): the second customer takes the cumulative share to exactly 80 %,
        # so the share before the third is exactly 80 %: A, A, B, C by the rule.
        cls._invoice(cls.big, 50000, "2026-03-01", "2026-03-31")
        cls._invoice(cls.second, 32000, "2026-02-01", "2026-03-01")
        cls._invoice(cls.second, 2000, "2026-02-10", "2026-03-10", move_type="out_refund")  # 32 000 − 2 000
        cls._invoice(cls.third, 15000, "2025-07-01", "2025-07-31")  # the first day of the 12 months
        cls._invoice(cls.third, 90000, "2025-06-30", "2025-07-30")  # a year ago today: outside
        cls._invoice(cls.small, 5000, TODAY, "2026-07-30")  # today: inside
        cls._invoice(cls.small, 90000, "2026-07-01", "2026-07-31")  # tomorrow: outside
        # Payment behaviour (invoices paid in the last 12 months, dated before them so that their revenue does not
        # count): 3 invoices paid, 2 a day late (more than 50 %); 4 paid, 2 late (exactly 50 %).
        cls.late_payer = Partner.create({"name": "Sein Betaler AS", "is_company": True, "customer_rank": 1})
        for day, late in (("2025-06-05", True), ("2025-06-10", True), ("2025-06-15", False)):
            cls._paid(cls.late_payer, day, late)
        cls.half_late = Partner.create({"name": "Halvsein AS", "is_company": True, "customer_rank": 1})
        for day, late in (("2025-06-05", True), ("2025-06-10", True), ("2025-06-15", False), ("2025-06-20", False)):
            cls._paid(cls.half_late, day, late)
        cls.recovered = Partner.create(
            {"name": "Bedre AS", "is_company": True, "customer_rank": 1, "payment_class": "risk"}
        )
        for day in ("2025-06-05", "2025-06-10", "2025-06-15"):
            cls._paid(cls.recovered, day, False)
        cls.bankrupt = Partner.create(
            {"name": "Konkurs AS", "is_company": True, "customer_rank": 1, "brreg_status": "bankrupt"}
        )
        cls.manager = make_role_user(cls.env, "manager", login="kk_tier_manager")
        cls.clerk = make_role_user(cls.env, "user", login="kk_tier_clerk")

    @classmethod
    def _paid(cls, partner, invoice_date, late):
        """An invoice of 100 due 30 days after ``invoice_date``, paid on the due date or the day after."""
        due = fields.Date.to_date(invoice_date) + timedelta(days=30)
        invoice = cls._invoice(partner, 100, invoice_date, due)
        cls._pay(invoice, 100, due + timedelta(days=1 if late else 0))

    def _proposals(self):
        ours = self.big | self.second | self.third | self.small | self.late_payer | self.half_late | self.recovered
        ours |= self.bankrupt
        return {
            (p["partner_id"], p["field"]): p["new"]
            for p in self.env["res.partner"]._kk_tier_proposals(self.company)
            if p["partner_id"] in ours.ids
        }

    @freeze_time(TODAY)
    def test_tiers_at_the_80_percent_edge_and_the_12_month_window(self):
        proposals = self._proposals()
        self.assertEqual(proposals[self.big.id, "value_tier"], "a")
        self.assertEqual(proposals[self.second.id, "value_tier"], "a")  # cumulative share exactly 80 %
        self.assertEqual(proposals[self.third.id, "value_tier"], "b")  # share before it exactly 80 %
        self.assertEqual(proposals[self.small.id, "value_tier"], "c")  # share before it exactly 95 %
        revenue = self.env["res.partner"]._kk_tier_revenue(self.company, fields.Date.to_date(TODAY))
        self.assertEqual(revenue[self.second.id], 30000)
        self.assertEqual(revenue[self.third.id], 15000)
        self.assertEqual(revenue[self.small.id], 5000)

    @freeze_time(TODAY)
    def test_a_threshold_one_hundredth_higher_moves_the_edge_customer(self):
        self.company.write({"kk_tier_a_share": 80.01, "kk_tier_b_share": 14.99})  # the share before the third
        proposals = self._proposals()  # (80 %) is now below A; before the small one (95 %) not below A + B
        self.assertEqual(proposals[self.third.id, "value_tier"], "a")
        self.assertEqual(proposals[self.small.id, "value_tier"], "c")
        self.company.kk_tier_b_share = 15.00  # A + B = 95.01 %: the small one is B
        self.assertEqual(self._proposals()[self.small.id, "value_tier"], "b")

    @freeze_time(TODAY)
    def test_payment_class_from_behaviour_and_register(self):
        proposals = self._proposals()
        self.assertEqual(proposals[self.late_payer.id, "payment_class"], "risk")  # 2 of 3 late
        self.assertNotIn((self.half_late.id, "payment_class"), proposals)  # 2 of 4: exactly 50 %
        self.assertEqual(proposals[self.recovered.id, "payment_class"], "credit")
        self.assertEqual(proposals[self.bankrupt.id, "payment_class"], "risk")
        self.company.kk_class_min_invoices = 4  # the late payer has only 3 invoices paid
        self.assertNotIn((self.late_payer.id, "payment_class"), self._proposals())

    @freeze_time(TODAY)
    def test_a_locked_customer_is_ranked_but_never_changed(self):
        self.big.kk_tier_locked = True
        proposals = self._proposals()
        self.assertNotIn((self.big.id, "value_tier"), proposals)
        self.assertEqual(proposals[self.third.id, "value_tier"], "b")  # the locked revenue still counts

    @freeze_time(TODAY)
    def test_preview_then_apply_as_manager_writes_the_audit_trail(self):
        wizard = self.env["kundekartotek.tier.preview"].with_user(self.manager).create({})
        with self.assertRaises(UserError):
            wizard.action_apply()  # nothing applied unseen
        wizard.action_preview()
        self.assertEqual(self.big.value_tier, False, "the preview writes nothing")
        line = wizard.line_ids.filtered(lambda line: line.partner_id == self.third and line.field_name == "value_tier")
        self.assertEqual((line.old_label, line.new_label), ("", "B"))
        self.assertIn("80", line.reason)
        self.small.kk_tier_locked = True  # locked after the preview: still left alone
        wizard.action_apply()
        self.assertEqual(
            (self.big | self.second | self.third | self.small).mapped("value_tier"), ["a", "a", "b", False]
        )
        self.assertEqual(self.late_payer.payment_class, "risk")
        entries = (
            self.env["kundekartotek.audit.log"]
            .sudo()
            .search([("partner_id", "=", self.third.id), ("field_name", "=", "value_tier")])
        )
        self.assertEqual(entries.mapped("new_value"), ["B"])
        self.assertEqual(entries.user_id, self.manager)

    def test_a_clerk_cannot_preview_or_apply(self):
        with self.assertRaises(AccessError):
            self.env["kundekartotek.tier.preview"].with_user(self.clerk).create({})
        wizard = self.env["kundekartotek.tier.preview"].sudo().create({})
        with self.assertRaises(AccessError):
            wizard.with_user(self.clerk).action_preview()

    @freeze_time(TODAY)
    def test_the_monthly_cron_applies_only_where_switched_on(self):
        self.env["res.company"].search([]).kk_tier_auto = False
        self.env["res.partner"]._cron_kk_tiers()
        self.assertFalse(self.big.value_tier)
        self.company.kk_tier_auto = True
        self.third.kk_tier_locked = True
        self.env["res.partner"]._cron_kk_tiers()
        self.assertEqual(self.big.value_tier, "a")
        self.assertEqual(self.small.value_tier, "c")
        self.assertFalse(self.third.value_tier)
        self.assertEqual(self.bankrupt.payment_class, "risk")

    def test_the_settings_refuse_rules_that_do_not_add_up(self):
        accepted = [
            {"kk_tier_a_share": 85, "kk_tier_b_share": 15},  # A + B exactly 100
            {"kk_tier_a_share": 0.01, "kk_tier_b_share": 0},
            {"kk_tier_a_share": 100, "kk_tier_b_share": 0},
            {"kk_class_max_late_share": 0, "kk_class_min_invoices": 1},
            {"kk_class_max_late_share": 100},
            {"kk_risk_late_days": 0, "kk_risk_limit_months": 0.01, "kk_risk_class_threshold": 0},
            {"kk_risk_class_threshold": 100},
        ]
        refused = [
            {"kk_tier_a_share": 85, "kk_tier_b_share": 15.01},
            {"kk_tier_a_share": 0, "kk_tier_b_share": 10},
            {"kk_tier_a_share": 100.01, "kk_tier_b_share": 0},
            {"kk_tier_a_share": 80, "kk_tier_b_share": -0.01},
            {"kk_class_max_late_share": 100.01},
            {"kk_class_max_late_share": -0.01},
            {"kk_class_min_invoices": 0},
            {"kk_risk_late_days": -1},
            {"kk_risk_limit_months": 0},
            {"kk_risk_class_threshold": 100.01},
            {"kk_risk_class_threshold": -0.01},
        ]
        for values in accepted:
            self.company.write(values)
        self.company.write({"kk_tier_a_share": 80, "kk_tier_b_share": 15, "kk_class_max_late_share": 50})
        for values in refused:
            with self.subTest(values=values):
                with self.assertRaises(ValidationError), self.env.cr.savepoint():
                    self.company.write(values)
                self.env.invalidate_all()
