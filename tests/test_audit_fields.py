# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo.tests import TransactionCase, tagged

from .common import queries_on


@tagged("post_install", "-at_install")
class TestAuditFieldsSetting(TransactionCase):
    """The system parameter ``kundekartotek.audit_fields`` chooses what the trail records."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Log = cls.env["kundekartotek.audit.log"]
        cls.params = cls.env["ir.config_parameter"].sudo()
        cls.partner = cls.env["res.partner"].create({"name": "Innstilt AS", "city": "Oslo"})

    def _changes(self):
        entries = self.Log.search(
            [("res_model", "=", "res.partner"), ("res_id", "=", self.partner.id), ("action", "=", "write")]
        )
        return set(entries.mapped("field_name"))

    def test_default_records_master_data(self):
        self.params.set_param("kundekartotek.audit_fields", "")
        self.partner.write({"city": "Bergen", "email": "post@innstilt.example", "comment": "<p>not master data</p>"})
        self.assertEqual(self._changes(), {"city", "email"})

    def test_a_list_of_fields_records_only_those(self):
        # Spaces are forgiven; a name that is no field of res.partner is ignored rather than breaking every save.
        self.params.set_param("kundekartotek.audit_fields", " email , no_such_field")
        self.partner.write({"city": "Bergen", "email": "post@innstilt.example"})
        self.assertEqual(self._changes(), {"email"})

    def test_none_switches_the_trail_off(self):
        self.params.set_param("kundekartotek.audit_fields", "None")
        self.partner.write({"city": "Bergen", "email": "post@innstilt.example"})
        created = self.env["res.partner"].create({"name": "Uten spor AS"})
        self.assertFalse(self._changes())
        self.assertFalse(self.Log.search([("res_model", "=", "res.partner"), ("res_id", "=", created.id)]))


@tagged("post_install", "-at_install")
class TestAuditOfACreation(TransactionCase):
    """A creation records what it was given and the new row's own columns, not the company's defaults."""

    def _created(self, partner):
        entries = self.env["kundekartotek.audit.log"].search(
            [("res_model", "=", "res.partner"), ("res_id", "=", partner.id), ("action", "=", "create")]
        )
        return {entry.field_name: entry.new_value for entry in entries}

    def test_given_values_and_columns_are_recorded(self):
        terms = self.env.ref("account.account_payment_term_30days")
        partner = self.env["res.partner"].create(
            {"name": "Ny kunde AS", "is_company": True, "city": "Bodø", "property_payment_term_id": terms.id}
        )
        created = self._created(partner)
        self.assertEqual(created["name"], "Ny kunde AS")
        self.assertEqual(created["city"], "Bodø")
        self.assertEqual(created["customer_type"], "Business")  # computed into the row
        self.assertEqual(created["property_payment_term_id"], terms.display_name)  # given

    def test_company_defaults_nobody_sent_are_not_read(self):
        with queries_on('FROM "account_payment_term"') as term_reads:
            partner = self.env["res.partner"].create({"name": "Standard AS", "is_company": True})
            self._created(partner)  # reading the trail writes the pending entries
        self.assertNotIn("property_payment_term_id", self._created(partner))
        self.assertFalse(term_reads)
