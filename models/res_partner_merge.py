# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import _, api, fields, models
from odoo.exceptions import AccessError
from odoo.osv import expression

from ..lib.identifiers import compact_orgnr, is_ascii_digits
from .transaction_flags import flag_is_set, transaction_flag

# Set in the transaction's data (which no RPC caller reaches) while the merge wizard writes the survivor's former
# identifiers: nothing else may write them.
MERGE_WRITES = "kundekartotek.merge.writes"


def merge_writes(env):
    """Let the code inside this block write ``kk_former_identifiers`` (the merge of customers only)."""
    return transaction_flag(env, MERGE_WRITES)


class ResPartner(models.Model):
    _inherit = "res.partner"

    # Prefetch group kk_merge: see docs/architecture.md, "Prefetch groups on res.partner".
    kk_former_identifiers = fields.Text(
        prefetch="kk_merge",
        string="Former identifiers",
        readonly=True,
        copy=False,
        help="Customer numbers, organisation numbers and names of the customers merged into this one, one per line. "
        "Searching any of them finds this customer.",
    )

    def _kk_create(self, vals_list):
        if any("kk_former_identifiers" in vals for vals in vals_list):
            self._kk_check_merge_writes()
        return super()._kk_create(vals_list)

    def write(self, vals):
        if "kk_former_identifiers" in vals:
            self._kk_check_merge_writes()
        return super().write(vals)

    def _kk_check_merge_writes(self):
        """Former identifiers are the merge's record: written by the merge wizard only, not even by a superuser."""
        if not flag_is_set(self.env, MERGE_WRITES):
            raise AccessError(_("Former identifiers are written by the merge of customers only."))

    @api.model
    def _search_display_name(self, operator, value):
        """A merged customer's old customer number, organisation number or name still finds the survivor."""
        domain = super()._search_display_name(operator, value)
        if isinstance(value, str) and value.strip() and operator in ("ilike", "=ilike", "like", "=like", "="):
            extra = [("kk_former_identifiers", "ilike", value.strip())]
            compact = compact_orgnr(value)
            if is_ascii_digits(compact) and compact != value.strip():
                extra = expression.OR([extra, [("kk_former_identifiers", "ilike", compact)]])
            domain = expression.OR([domain, extra])
        return domain

    def _kk_identifier_line(self):
        """One line of ``kk_former_identifiers`` for this partner: number, organisation number, name, id."""
        self.ensure_one()
        parts = [self.ref, self.company_registry, self.name, f"#{self.id}"]
        return " | ".join(part for part in parts if part)

    def _search_orgnr_search(self, operator, value):
        """An organisation number of a merged customer finds the survivor in the list search too."""
        domain = super()._search_orgnr_search(operator, value)
        if operator in ("ilike", "=", "like") and isinstance(value, str) and value.strip():
            compact = compact_orgnr(value)
            needle = compact if is_ascii_digits(compact) else value.strip()
            domain = expression.OR([domain, [("kk_former_identifiers", "ilike", needle)]])
        return domain
