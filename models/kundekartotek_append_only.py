# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import _, api, models
from odoo.exceptions import UserError


class KundekartotekAppendOnly(models.AbstractModel):
    """Records that are evidence: created once, never changed or deleted through the ORM, not even as superuser.

    A model inheriting this says why in :meth:`_kk_permanent_message`. Deleting the row of a deleted partner in
    the database (``ondelete``) is not the ORM and still works.
    """

    _name = "kundekartotek.append.only"
    _description = "Append-only Record"

    def _kk_permanent_message(self):
        return _("These entries are permanent: they cannot be changed or deleted.")

    def write(self, vals):
        if self:
            raise UserError(self._kk_permanent_message())
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(self._kk_permanent_message())
