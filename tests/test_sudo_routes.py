# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The routes that work as superuser after a check (docs/architecture.md, "Where the module uses sudo and why").

Each is called as a method, as an RPC caller would call it, with ids the caller chose: by a plain employee (no role
of the module), by a Kundekartotek user (no manager rights), and by a manager of another company, on customers of a
company the manager does not belong to. None may read or change through the route what they could not otherwise.
"""

import re
from pathlib import Path

from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, tagged

from ..models.res_partner_risk import risk_writes
from .common import make_role_user

MODULE = Path(__file__).resolve().parent.parent
SUDO = re.compile(r"\.sudo\(")


@tagged("post_install", "-at_install")
class TestSudoRoutes(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.env["res.company"].create({"name": "Selskap B"})
        cls.employee = make_role_user(cls.env, "employee", login="kk_sudo_employee")
        cls.clerk = make_role_user(cls.env, "user", login="kk_sudo_clerk")
        cls.manager = make_role_user(cls.env, "manager", login="kk_sudo_manager")  # company A only
        Partner = cls.env["res.partner"]
        cls.b_one, cls.b_two = (
            Partner.create({"name": name, "is_company": True, "customer_rank": 1, "company_id": cls.company_b.id})
            for name in ("Bergen Bygg AS", "Bergen Bygg Holding AS")
        )
        with risk_writes(cls.env):
            cls.b_one.write(
                {
                    "kk_risk_limit_suggested": 90000,
                    "kk_risk_class_suggested": "cash",
                    "kk_risk_company_id": cls.company_b.id,
                }
            )
        cls.review_b = (
            cls.env["kundekartotek.review"]
            .sudo()
            .create(
                [
                    {"kind": "quarterly", "period": "2026-Q4", "company_id": cls.company_b.id, "partner_id": p.id}
                    for p in (cls.b_one, cls.b_two)
                ]
            )
        )
        cls.pair_b = (
            cls.env["kundekartotek.duplicate.pair"]
            .sudo()
            .create(
                {
                    "partner_a_id": cls.b_one.id,
                    "partner_b_id": cls.b_two.id,
                    "score": 0.9,
                    "company_id": cls.company_b.id,
                }
            )
        )

    def _outsiders(self):
        return (("employee", self.employee), ("clerk", self.clerk), ("manager of another company", self.manager))

    def assert_refused(self, call):
        for label, user in self._outsiders():
            with self.subTest(user=label), self.assertRaises(AccessError):
                call(user)

    def test_merge(self):
        Wizard = self.env["base.partner.merge.automatic.wizard"]
        self.assert_refused(lambda user: Wizard.with_user(user)._merge((self.b_one | self.b_two).ids))
        self.assertEqual((self.b_one | self.b_two).exists(), self.b_one | self.b_two)

    def test_review_actions(self):
        Review = self.env["kundekartotek.review"]
        self.assert_refused(lambda user: Review.with_user(user).browse(self.review_b.ids).action_kk_mark_reviewed())
        self.assert_refused(lambda user: Review.with_user(user).browse(self.review_b.ids).action_kk_archive())
        self.assertEqual(set(self.review_b.mapped("state")), {"pending"})
        self.assertTrue(self.b_one.active)

    def test_risk_accept(self):
        Partner = self.env["res.partner"]
        self.assert_refused(lambda user: Partner.with_user(user).browse(self.b_one.id).action_kk_risk_accept_limit())
        self.assert_refused(lambda user: Partner.with_user(user).browse(self.b_one.id).action_kk_risk_accept_class())
        self.assertNotEqual(self.b_one.payment_class, "cash")
        self.assertNotEqual(self.b_one.with_company(self.company_b).credit_limit, 90000)

    def test_duplicate_pair_actions(self):
        Pair = self.env["kundekartotek.duplicate.pair"]
        self.assert_refused(lambda user: Pair.with_user(user).browse(self.pair_b.id).action_not_duplicate())
        self.assertEqual(self.pair_b.state, "open")
        self.pair_b.state = "not_duplicate"
        self.assert_refused(lambda user: Pair.with_user(user).browse(self.pair_b.id).action_reopen())
        self.assertEqual(self.pair_b.state, "not_duplicate")

    def test_a_new_contact_does_not_tell_another_companys_credit_policy(self):
        """A clerk may give a new contact its company's credit policy, but only of a company the clerk can read:
        otherwise refused or not would answer "is this the policy of that customer?"."""
        self.b_one.credit_policy = "block"
        Partner = self.env["res.partner"].with_user(self.clerk)
        for policy in ("block", "warn"):
            with self.subTest(policy=policy), self.assertRaises(AccessError) as caught:
                Partner.create({"name": "Spion", "parent_id": self.b_one.id, "credit_policy": policy})
            self.assertIn("only a Kundekartotek manager or an accounting manager", str(caught.exception))

    def test_every_sudo_says_why(self):
        """Every ``sudo()`` of the module's code has a ``# sudo:`` comment just above it (or on its line)."""
        missing = []
        for folder in ("models", "wizards", "controllers", "report"):
            for path in sorted((MODULE / folder).glob("*.py")):
                lines = path.read_text(encoding="utf-8").splitlines()
                for number, line in enumerate(lines):
                    if not SUDO.search(line) or "# sudo:" in line:
                        continue
                    above, said = number - 1, False
                    while above >= 0 and lines[above].strip().startswith("#"):
                        said = said or lines[above].strip().startswith("# sudo:")
                        above -= 1
                    if not said:
                        missing.append(f"{path.relative_to(MODULE)}:{number + 1}")
        self.assertEqual(missing, [])
