# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import models

REQUIRE_2FA_PARAM = "kundekartotek.require_2fa"
# The roles that can change the register's rules or reach every customer's personal data.
GROUPS_2FA = ("kundekartotek.group_manager", "kundekartotek.group_privacy_officer")


class ResUsers(models.Model):
    _inherit = "res.users"

    def _mfa_type(self):
        """Managers and privacy officers without an authenticator app get Odoo's second factor by email.

        When the setting *Require two-factor authentication* is on, such a user's login stops after the password at
        ``/web/login/totp`` and asks for a code mailed to them (``auth_totp_mail_enforce``'s ``totp_mail`` method),
        and password-based RPC is refused (API keys only), until they enable two-factor authentication with an app,
        which then takes over (``totp``). The check runs at every login: a role granted later is covered at once.
        """
        mfa_type = super()._mfa_type()
        if mfa_type is not None:
            return mfa_type
        if self._kk_requires_2fa():
            return "totp_mail"
        return mfa_type

    def _kk_requires_2fa(self):
        """Whether the register's setting demands a second factor of this user (their role, the setting)."""
        self.ensure_one()
        if not self.env["ir.config_parameter"].sudo().get_param(REQUIRE_2FA_PARAM):
            return False
        user = self.sudo()
        return any(user.has_group(group) for group in GROUPS_2FA)
