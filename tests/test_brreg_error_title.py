# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""A failed look-up in the register is titled after the register in the browser, not "Invalid Operation"."""

from unittest.mock import patch

from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged
from odoo.tools.misc import file_open

from odoo.addons.kundekartotek.models.res_partner_brreg import BrregUserError

from .brreg_fakes import FakeResponse, client


@tagged("post_install", "-at_install")
class TestBrregErrorTitle(TransactionCase):
    def test_register_failure_has_its_own_class_and_the_client_titles_it(self):
        Partner = self.env["res.partner"]
        register = client(*[FakeResponse(503, text="Service Unavailable") for _try in range(5)])
        with patch.object(type(Partner), "_kk_brreg_client", return_value=register):
            wizard = self.env["kundekartotek.brreg.lookup"].create({"query": "988077917"})
            with self.assertRaises(BrregUserError) as caught:
                wizard.action_search()
        self.assertIsInstance(caught.exception, UserError)
        self.assertIn("nothing was changed", str(caught.exception))
        # The name the server sends with the error (odoo.http.serialize_exception) is the one the web client maps.
        name = f"{type(caught.exception).__module__}.{type(caught.exception).__name__}"
        with file_open("kundekartotek/static/src/js/brreg_error.js") as script:
            self.assertIn(f'"{name}"', script.read())
