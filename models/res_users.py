# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import _, api, models

from .res_partner_privacy import PERSONAL_ID_FIELD, exported_holders, grouped_holders, groups_personal_id

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
    _inherit = "res.users"

    def _read_format(self, fnames, load="_classic_read"):
        """Log the fødselsnummer read through a user: ``res.users`` inherits the partner's fields (``_inherits``),
        so ``read`` of ``fodselsnummer`` on a user never passes through ``res.partner._read_format``."""
        result = super()._read_format(fnames, load=load)
        if fnames and PERSONAL_ID_FIELD in fnames and not self.env.su:
            ids = [values["id"] for values in result if values.get(PERSONAL_ID_FIELD)]
            if ids:
                self.env["kundekartotek.access.log"]._kk_log(
                    self.browse(ids).partner_id, "read_personal_id", _("Read through the user record")
                )
        return result

    @api.model
    def read_group(self, domain, fields, groupby, offset=0, limit=None, orderby=False, lazy=True):
        """Log the fødselsnumre a grouped read of users sends (grouped by the number, or aggregated on it)."""
        result = super().read_group(domain, fields, groupby, offset=offset, limit=limit, orderby=orderby, lazy=lazy)
        if not self.env.su and groups_personal_id(fields, groupby):
            holders = grouped_holders(self, result)
            if holders:
                self.env["kundekartotek.access.log"]._kk_log(
                    holders.partner_id, "read_personal_id", _("Grouped read of users")
                )
        return result

    def export_data(self, fields_to_export):
        """Log an export of users with their fødselsnummer, as for partners."""
        result = super().export_data(fields_to_export)
        if not self.env.su:
            exported = exported_holders(self, fields_to_export)
            if exported:
                self.env["kundekartotek.access.log"]._kk_log(
                    exported.partner_id,
                    "export_personal_id",
                    _("Spreadsheet export of %(count)s users", count=len(self)),
                )
        return result

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
        if not self.env["ir.config_parameter"].sudo().get_param(REQUIRE_2FA_PARAM):
            return False
        user = self.sudo()
        return any(user.has_group(group) for group in GROUPS_2FA)
