# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import _, models
from odoo.exceptions import UserError

from odoo.addons.base.models.res_bank import ResPartnerBank as BaseResPartnerBank


class ResPartnerBank(models.Model):
    _inherit = "res.partner.bank"

    def _kk_referenced_by_entries(self):
        """The bank accounts an entry or payment refers to: bookkeeping material, kept on anonymisation."""
        used = self.browse()
        if not self:
            return used
        for model in ("account.move", "account.payment"):
            # sudo: whether any entry uses these bank accounts, whoever may read the entries
            Model = self.env[model].sudo().with_context(active_test=False)
            for name, field in Model._fields.items():
                if field.type == "many2one" and field.comodel_name == self._name and field.store:
                    groups = Model._read_group([(name, "in", self.ids)], [name])
                    used |= self.browse([bank.id for (bank,) in groups])
        return used

    def _kk_erase(self):
        """Delete these bank accounts for good (anonymisation), after checking that no entry refers to them.

        Base Odoo only ever archives a bank account, because entries may refer to it; an archived account keeps the
        number and holder, which erasure must remove. So the archiving ``unlink`` of base (and account's chatter
        note on the partner, which repeats the number) is stepped over; the layers below it (mail's clean-up of the
        account's own chatter, the ORM's delete) still run.
        """
        if self._kk_referenced_by_entries() & self:
            raise UserError(_("A bank account used by an entry cannot be deleted."))
        # Deliberately the layer below base's archiving unlink, see the docstring.
        return super(BaseResPartnerBank, self).unlink()  # pylint: disable=super-method-mismatch
