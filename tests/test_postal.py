# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import base64
import pathlib
from unittest.mock import patch

import requests

from odoo.exceptions import UserError
from odoo.tests import Form, TransactionCase, tagged
from odoo.tools import mute_logger

SAMPLE = pathlib.Path(__file__).parent / "lib" / "data" / "postnummerregister-sample.txt"


class FakeDownload:
    def __init__(self, content=b"", status=200):
        self.content = content
        self.status_code = status

    def raise_for_status(self):
        if self.status_code >= 400:
            raise requests.HTTPError(f"HTTP {self.status_code}")


@tagged("post_install", "-at_install")
class TestPostalRegister(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.PostalCode = cls.env["kundekartotek.postal.code"]
        cls.PostalCode.with_context(active_test=False).search([]).unlink()
        cls.PostalCode._import_register(SAMPLE.read_bytes())
        cls.norway = cls.env.ref("base.no")

    def _partner(self, **values):
        return self.env["res.partner"].create({"name": "Adresse AS", "country_id": self.norway.id, **values})

    def test_import_creates_updates_and_archives(self):
        self.assertEqual(self.PostalCode.search([("code", "=", "9008")]).city, "TROMSØ")
        changed = SAMPLE.read_bytes().replace(b"5013\tBERGEN", b"5013\tBERGEN SENTRUM").replace(b"7011\t", b"7099\t")
        summary = self.PostalCode._import_register(changed)
        self.assertEqual((summary["created"], summary["updated"], summary["retired"]), (1, 1, 1))
        self.assertEqual(self.PostalCode.search([("code", "=", "5013")]).city, "BERGEN SENTRUM")
        self.assertFalse(self.PostalCode.search([("code", "=", "7011")]))

    def test_an_empty_or_garbage_file_is_refused_and_changes_nothing(self):
        before = self.PostalCode.search_count([])
        with self.assertRaises(UserError):
            self.PostalCode._import_register(b"this is not the register\n")
        self.assertEqual(self.PostalCode.search_count([]), before)

    def test_upload_wizard_reports_what_changed(self):
        wizard = self.env["kundekartotek.postal.import"].create(
            {"register_file": base64.b64encode(SAMPLE.read_bytes()), "filename": "postnummerregister-ansi.txt"}
        )
        action = wizard.action_import()
        self.assertIn("0 postal codes added", action["params"]["message"])
        self.assertIn("6, 7", action["params"]["message"])

    def test_city_is_filled_from_the_postcode(self):
        form = Form(self.env["res.partner"])
        form.name = "Postkunde AS"
        form.country_id = self.norway
        form.zip = "9008"
        self.assertEqual(form.city, "TROMSØ")

    def test_mismatch_is_warned_and_the_fix_applied(self):
        partner = self._partner(zip="5013", city="Oslo", street="Strandkaien 2")
        self.assertIn("belongs to BERGEN", partner.postal_warning)
        partner.action_kk_use_postal_city()
        self.assertEqual(partner.city, "BERGEN")
        self.assertFalse(partner.postal_warning)

    def test_po_box_and_service_codes(self):
        street = self._partner(zip="0001", city="OSLO", street="Kirkegata 1")
        self.assertIn("PO boxes only", street.postal_warning)
        box = self._partner(zip="0001", city="OSLO", street="Postboks 1752 Vika")
        self.assertFalse(box.postal_warning)
        service = self._partner(zip="0024", city="OSLO", street="Kirkegata 1")
        self.assertIn("service code", service.postal_warning)
        unknown = self._partner(zip="0999", city="OSLO")
        self.assertIn("not in Posten's register", unknown.postal_warning)

    def test_foreign_addresses_are_not_checked(self):
        partner = self._partner(zip="0001", city="Stockholm", country_id=self.env.ref("base.se").id)
        self.assertFalse(partner.postal_warning)

    def test_cron_download_imports_and_survives_failures(self):
        with patch("requests.get", return_value=FakeDownload(SAMPLE.read_bytes())) as get:
            summary = self.PostalCode._cron_download_register()
        self.assertEqual(get.call_args.kwargs["timeout"], 30)
        self.assertEqual(summary["rejected"], [6, 7])
        before = self.PostalCode.search_count([])
        with mute_logger("odoo.addons.kundekartotek.models.kundekartotek_postal_code"):
            with patch("requests.get", side_effect=requests.Timeout("slow")):
                self.assertFalse(self.PostalCode._cron_download_register())
            with patch("requests.get", return_value=FakeDownload(b"", status=503)):
                self.assertFalse(self.PostalCode._cron_download_register())
            with patch("requests.get", return_value=FakeDownload(b"<html>garbage</html>")):
                self.assertFalse(self.PostalCode._cron_download_register())
        self.assertEqual(self.PostalCode.search_count([]), before)
