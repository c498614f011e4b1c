# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, models


class ResPartner(models.Model):
    """A partner's creation: one ``create`` for all of the module's concerns.

    Each concern's part of a creation is its override of :meth:`_kk_create`, written as a ``create`` override is
    (its checks and values, ``super()._kk_create(vals_list)``, its work on the new partners) and chained in the same
    order as the concerns' files are loaded: this file is loaded before them all, so its ``create`` is the one the
    ORM reaches below them, and its ``_kk_create`` hands over to core's ``create``. Fourteen ``create`` overrides
    cost Odoo fourteen passes through ``api.model_create_multi``'s wrapper, each binding its arguments to a
    signature: about 300 Python calls per creation in all, measured (docs/benchmarks.md, session 13). A plain
    method costs none of that.
    """

    _inherit = "res.partner"

    # Core's create is called, by _kk_create below once every concern's part has run.
    @api.model_create_multi
    def create(self, vals_list):  # pylint: disable=method-required-super
        return self._kk_create(vals_list)

    def _kk_create(self, vals_list):
        """Create partners of ``vals_list`` (a list of values): every concern's part, then core's ``create``."""
        return super().create(vals_list)  # pylint: disable=super-method-mismatch
