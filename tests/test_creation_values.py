# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The module's stored computed fields a creation settles from its own values go into the new row's INSERT.

Computed after the insert, each costs Odoo a computation, mail's tracking preparation and a column of the UPDATE that
follows the insert (docs/benchmarks.md, session 13). Set from the values (``_add_precomputed_values``), they must
hold exactly what the computation gives, and a caller must not be able to plant them. Read here with plain SQL
before any flush: what is in the row then came with the INSERT.
"""

from unittest.mock import patch

from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL

from .common import make_role_user

ROW_COLUMNS = (
    "kk_dup_key",
    "kk_dup_email",
    "kk_dup_phone",
    "kk_dup_mobile",
    "customer_type",
    "prepayment_required",
    "marketing_consent",
    "marketing_consent_email",
    "marketing_consent_sms",
    "mva_registered",
)


@tagged("post_install", "-at_install")
class TestCreationValues(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.clerk = make_role_user(cls.env, "user", login="kk_values_clerk")
        cls.Partner = cls.env["res.partner"].with_user(cls.clerk)

    def _row(self, partner):
        """The partner's row as the INSERT left it: nothing is flushed before the read."""
        self.env.cr.execute(
            SQL(
                "SELECT %s FROM res_partner WHERE id = %s",
                SQL(", ").join(SQL.identifier(name) for name in ROW_COLUMNS),
                partner.id,
            )
        )
        return dict(zip(ROW_COLUMNS, self.env.cr.fetchone(), strict=True))

    def _computed(self, partner):
        """What the fields' computations give for ``partner`` now."""
        partner.invalidate_recordset()
        partner._compute_kk_dup_keys()
        partner._compute_prepayment_required()
        partner._compute_marketing_consent()
        partner._compute_mva_registered()
        return {name: partner[name] or None for name in ROW_COLUMNS if name != "customer_type"}

    def test_a_company_customer_row_holds_its_keys_type_and_flags_from_the_insert(self):
        partner = self.Partner.create(
            {
                "name": "  Verdisjekk Fjordvik AS ",
                "is_company": True,
                "customer_rank": 1,
                "email": " Post@Fjordvik-Verdi.Example ",
                "phone": "22 33 44 55",
                "mobile": "+47 412 34 567",
                "payment_class": "risk",
            }
        )
        row = self._row(partner)
        self.assertEqual(
            row,
            {
                "kk_dup_key": "fjordvik verdisjekk",
                "kk_dup_email": "post@fjordvik-verdi.example",
                "kk_dup_phone": "+4722334455",
                "kk_dup_mobile": "+4741234567",
                "customer_type": "business",
                "prepayment_required": True,
                "marketing_consent": False,
                "marketing_consent_email": False,
                "marketing_consent_sms": False,
                "mva_registered": False,
            },
        )
        # The same as the computations give, and nothing left for the flush to compute.
        computed = self._computed(partner)
        self.assertEqual({name: row[name] or None for name in computed}, computed)

    def test_text_values_are_not_computed_at_all(self):
        """The point of setting them: core would otherwise compute them on a new record before the insert (the
        fields are precomputed), the slow way, with the same result."""
        Partner = type(self.env["res.partner"])
        computed = []
        methods = (
            "_compute_kk_dup_keys",
            "_compute_marketing_consent",
            "_compute_prepayment_required",
            "_compute_mva_registered",
            "_inverse_mva_registered",
        )
        patches = [
            patch.object(Partner, name, lambda records, name=name: computed.append(name), create=False)
            for name in methods
        ]
        for method in patches:
            method.start()
            self.addCleanup(method.stop)
        partner = self.Partner.create(
            {"name": "Ingen Beregning AS", "is_company": True, "email": "post@ingen.example", "vat": "NO939099603MVA"}
        )
        self.assertEqual(computed, [])
        self.assertIs(self._row(partner)["mva_registered"], True)

    def test_a_person_without_contact_details_is_private_with_empty_keys(self):
        partner = self.Partner.create({"name": "Kari Nordmann Verdisjekk", "payment_class": "credit"})
        row = self._row(partner)
        self.assertEqual(row["customer_type"], "private")
        self.assertEqual(row["kk_dup_key"], "kari nordmann verdisjekk")
        self.assertEqual((row["kk_dup_email"], row["kk_dup_phone"], row["kk_dup_mobile"]), (None, None, None))
        self.assertIs(row["prepayment_required"], False)

    def test_a_person_with_an_organisation_number_is_a_business(self):
        partner = self.Partner.create({"name": "Enkeltperson Verdisjekk", "company_registry": "939099603"})
        self.assertEqual(self._row(partner)["customer_type"], "business")

    def test_a_type_given_is_kept_and_a_contact_follows_its_company(self):
        kommune = self.Partner.create({"name": "Verdisjekk kommune", "is_company": True, "customer_type": "public"})
        self.assertEqual(self._row(kommune)["customer_type"], "public")
        contact = self.Partner.create({"name": "Ola i kommunen", "parent_id": kommune.id})
        self.env.flush_all()
        self.assertEqual(self._row(contact)["customer_type"], "public")

    def test_values_that_are_not_text_are_computed_as_before(self):
        """A name or payment class of another type (over RPC) is left to the computation, which converts it."""
        partner = self.Partner.create({"name": 4711, "email": "Post@Tall.Example"})
        self.env.flush_all()
        row = self._row(partner)
        self.assertEqual((row["kk_dup_key"], row["kk_dup_email"]), ("4711", "post@tall.example"))

    def test_a_caller_cannot_plant_the_computed_values(self):
        partner = self.Partner.create(
            {
                "name": "Plantet Nøkkel AS",
                "is_company": True,
                "kk_dup_key": "somebody else",
                "kk_dup_email": "other@example.com",
                "prepayment_required": True,
                "marketing_consent": True,
                "marketing_consent_email": True,
            }
        )
        self.env.flush_all()
        row = self._row(partner)
        self.assertEqual((row["kk_dup_key"], row["kk_dup_email"]), ("nokkel plantet", None))
        self.assertEqual(
            (row["prepayment_required"], row["marketing_consent"], row["marketing_consent_email"]), (False,) * 3
        )

    def test_later_changes_are_still_computed(self):
        partner = self.Partner.create({"name": "Endring Verdisjekk AS", "is_company": True})
        partner.sudo().write({"email": "Ny@Endring.Example", "payment_class": "risk"})
        self.env.flush_all()
        row = self._row(partner)
        self.assertEqual((row["kk_dup_email"], row["prepayment_required"]), ("ny@endring.example", True))

    def test_vat_registration_follows_the_vat_number_and_a_given_value_its_inverse(self):
        registered = self.Partner.create({"name": "Mva Verdisjekk AS", "is_company": True, "vat": "NO939099603MVA"})
        foreign = self.Partner.create({"name": "Utland Verdisjekk AB", "is_company": True, "vat": "SE556036079301"})
        self.assertEqual((self._row(registered)["mva_registered"], self._row(foreign)["mva_registered"]), (True, False))
        # Ticked by the caller: the inverse gives the VAT number from the organisation number, as before.
        ticked = self.Partner.create(
            {"name": "Avkrysset AS", "is_company": True, "company_registry": "939099603", "mva_registered": True}
        )
        self.assertEqual(ticked.vat, "NO939099603MVA")
        self.env.flush_all()
        self.assertIs(self._row(ticked)["mva_registered"], True)
        # A VAT number that is not text is left to the computation; a later change is computed.
        registered.sudo().write({"vat": False})
        self.env.flush_all()
        self.assertIs(self._row(registered)["mva_registered"], False)
