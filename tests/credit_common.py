# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The credit tests' shared fixtures: the current user a Kundekartotek manager, a clerk with Kundekartotek / User and
Invoicing rights, the company's policy *warn*, and one customer with a limit of 1 000."""

from odoo import fields

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

from .common import make_role_user


class CreditCommon(AccountTestInvoicingCommon):
    CLERK_LOGIN = "kk_credit_clerk"
    CUSTOMER_POLICY = False  # the customer's own credit policy (False: follow category and company)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.groups_id += cls.env.ref("kundekartotek.group_manager")
        cls.clerk = make_role_user(cls.env, "user", login=cls.CLERK_LOGIN, extra=("account.group_account_invoice",))
        cls.env.company.kk_credit_policy = "warn"
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Nordlys Elektro AS",
                "is_company": True,
                "credit_limit": 1000.0,
                "credit_policy": cls.CUSTOMER_POLICY,
            }
        )

    def _invoice(self, amount, partner=None, move_type="out_invoice"):
        return self.init_invoice(move_type, partner=partner or self.customer, amounts=[amount], taxes=[])

    def _pay(self, invoice, amount):
        self.env["account.payment.register"].with_context(active_model="account.move", active_ids=invoice.ids).create(
            {"amount": amount, "payment_date": fields.Date.today()}
        )._create_payments()
