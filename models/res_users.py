# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import _, models

REQUIRE_2FA_PARAM = "kundekartotek.require_2fa"
# The roles that can change the register's rules, reach every customer's personal data, read the full
# fødselsnummer, or read the whole register with its receivables and trails.
GROUPS_2FA = (
    "kundekartotek.group_manager",
    "kundekartotek.group_privacy_officer",
    "kundekartotek.group_personal_id",
    "kundekartotek.group_auditor",
)


class ResUsers(models.Model):
    _name = "res.users"
    _inherit = ["res.users", "kundekartotek.personal.id.log.mixin"]

    # res.users inherits the partner's fields (``_inherits``): a read of ``fodselsnummer`` on a user never passes
    # through res.partner's methods, so users log it themselves, naming the user's partner.
    def _kk_personal_id_people(self):
        return self.partner_id

    def _kk_personal_id_notes(self, count):
        return {
            "read": _("Read through the user record"),
            "group": _("Grouped read of users"),
            "export": _("Spreadsheet export of %(count)s users", count=count),
        }

    def _mfa_type(self):
        """Managers, privacy officers, readers of fødselsnumre and auditors without an authenticator app get Odoo's
        second factor by email.

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
        # sudo: a security setting read for the user logging in
        if not self.env["ir.config_parameter"].sudo().get_param(REQUIRE_2FA_PARAM):
            return False
        # sudo: the user's own groups and second factor, read at login
        user = self.sudo()
        return any(user.has_group(group) for group in GROUPS_2FA)
