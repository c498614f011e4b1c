# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The customer list an accountant works from: overdue and credit filters at their edges, sorting by balance and
overdue amount, and the organisation number found however it is typed."""

from datetime import date, timedelta

from odoo.tests import freeze_time, tagged

from .common import make_role_user
from .receivables_common import ReceivablesCommon

TODAY = date(2026, 11, 30)


@tagged("post_install", "-at_install")
@freeze_time("2026-11-30")
class TestCustomerList(ReceivablesCommon):
    @classmethod
    @ReceivablesCommon.setup_country("no")
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.accountant = make_role_user(
            cls.env, "user", login="kk_list_accountant", extra=["account.group_account_invoice"]
        )
        cls.due_today = Partner.create({"name": "Forfaller i dag AS", "customer_rank": 1})
        cls.due_1 = Partner.create({"name": "En dag AS", "customer_rank": 1})
        cls.due_30 = Partner.create({"name": "Tretti dager AS", "customer_rank": 1})
        cls.due_31 = Partner.create({"name": "Trettien dager AS", "customer_rank": 1})
        with freeze_time("2026-10-01"):
            cls._invoice(cls.due_today, 100.0, date(2026, 10, 1), TODAY)
            cls._invoice(cls.due_1, 200.0, date(2026, 10, 1), TODAY - timedelta(days=1))
            cls._invoice(cls.due_30, 300.0, date(2026, 10, 1), TODAY - timedelta(days=30))
            cls._invoice(cls.due_31, 400.0, date(2026, 10, 1), TODAY - timedelta(days=31))
        cls.all = cls.due_today | cls.due_1 | cls.due_30 | cls.due_31

    def _search(self, domain, user=None, order=None):
        Partner = self.env["res.partner"].with_user(user or self.accountant)
        return Partner.search([("id", "in", self.all.ids), *domain], order=order)

    def test_has_overdue_starts_the_day_after_the_due_date(self):
        self.assertEqual(self._search([("overdue_amount", ">", 0)]), self.due_1 | self.due_30 | self.due_31)
        self.assertEqual(self._search([("overdue_amount", "=", 0)]), self.due_today)
        self.assertEqual(self._search([("overdue_amount", ">=", 300)]), self.due_30 | self.due_31)
        self.assertEqual(self._search([("overdue_amount", "<", 300)]), self.due_today | self.due_1)

    def test_overdue_more_than_30_days(self):
        self.assertEqual(self._search([("overdue_30", "=", True)]), self.due_31)
        self.assertEqual(self._search([("overdue_30", "=", False)]), self.due_today | self.due_1 | self.due_30)
        self.assertEqual(self.all.with_user(self.accountant).mapped("overdue_30"), [False, False, False, True])

    def test_over_credit_limit_at_the_edge(self):
        manager = self.env.user  # the superuser of the test writes limits
        self.due_today.with_user(manager).credit_limit = 100.0  # exactly at: within
        self.due_1.with_user(manager).credit_limit = 199.99  # a cent above: over
        self.due_30.with_user(manager).credit_limit = 300.01  # a cent below: within
        self.due_31.with_user(manager).credit_limit = 0.0  # no limit
        self.assertEqual(self._search([("kk_credit_state", "=", "over")]), self.due_1)
        self.assertEqual(self._search([("kk_credit_state", "=", "ok")]), self.due_today | self.due_30)
        self.assertEqual(self._search([("kk_credit_state", "=", "none")]), self.due_31)
        states = self.all.with_user(self.accountant).mapped("kk_credit_state")
        self.assertEqual(states, ["ok", "over", "ok", "none"])

    def test_sort_by_balance_and_overdue(self):
        self.assertEqual(self._search([], order="credit desc, id").ids, self.all.ids[::-1])
        self.due_31.with_user(self.env.user).credit_limit = 0
        order = self._search([], order="overdue_amount asc, id")
        self.assertEqual(order[0], self.due_today)
        self.assertEqual(order[-1], self.due_31)
        fields = self.env["res.partner"].with_user(self.accountant).fields_get(["credit", "overdue_amount"])
        self.assertTrue(fields["credit"]["sortable"])
        self.assertTrue(fields["overdue_amount"]["sortable"])

    def test_orgnr_typed_with_spaces_or_dots_is_found(self):
        customer = self.env["res.partner"].create(
            {"name": "Mellomrom AS", "company_registry": "926018159", "country_id": self.env.ref("base.no").id}
        )
        Partner = self.env["res.partner"].with_user(self.accountant)
        # The search box's default field (base's filter_domain on name), name search and the list's filter.
        box = [
            "|", "|", "|", "|",
            ("complete_name", "ilike", "926 018 159"),
            ("ref", "ilike", "926 018 159"),
            ("email", "ilike", "926 018 159"),
            ("vat", "ilike", "926 018 159"),
            ("company_registry", "ilike", "926 018 159"),
        ]  # fmt: skip
        self.assertIn(customer, Partner.search(box))
        self.assertIn(customer.id, [pid for pid, _name in Partner.name_search("926.018.159")])
        self.assertIn(customer, Partner.search([("company_registry", "=", "926 018 159")]))

    def test_customer_action_uses_the_accountants_list(self):
        action = self.env["ir.actions.act_window"]._for_xml_id("kundekartotek.res_partner_action_customer")
        list_view = self.env.ref("kundekartotek.res_partner_view_list_customers")
        self.assertIn((list_view.id, "list"), [tuple(v) for v in action["views"]])
        self.assertNotIn("first customer", action["help"])
        arch = self.env["res.partner"].with_user(self.accountant).get_views([(list_view.id, "list")])
        list_arch = arch["views"]["list"]["arch"]
        for name in ("ref", "company_registry", "city", "customer_category_id", "credit", "overdue_amount"):
            self.assertIn(f'name="{name}"', list_arch)
        self.assertIn('default_order="ref, complete_name"', list_arch)
