# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import fields, models

from .res_users import REQUIRE_2FA_PARAM


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    kk_require_2fa = fields.Boolean(
        string="Require two-factor authentication",
        config_parameter=REQUIRE_2FA_PARAM,
        help="Kundekartotek managers, privacy officers, auditors and users who read national identity numbers must "
        "pass a second factor at login: their authenticator app when they have set one up, otherwise a code sent "
        "to their email address.",
    )
