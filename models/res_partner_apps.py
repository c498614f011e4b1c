# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Customers created by other apps (Sales, the web shop, CRM, Point of Sale) numbered through the module's own path.

None of those apps is a dependency: the module works with Invoicing alone. Their partners are created with
``res.partner.create`` (the web shop's checkout, CRM's conversion, the POS's partner form), so organisation number
and fødselsnummer normalisation, validation and the customer type already apply. What the apps do not do is make
the partner a *customer* (``customer_rank``): core leaves that to the first posted invoice. Once the registry is
complete, the final classes of the apps' models get the one step that says "this is a customer now", through
account's ``_increase_rank`` — the path invoice posting takes, which numbers the customer
(``res_partner_numbering.py``). The registry builds new classes on every reload, so a patch never stacks.
"""

import functools
import logging

from odoo import models

_logger = logging.getLogger(__name__)


def _kk_make_customers(partners):
    """Make the commercial partners of ``partners`` customers (numbered) unless they are already."""
    # sudo: the apps (sale, CRM, shop, POS) made these customers; their rank and number are the module's
    commercial = partners.commercial_partner_id.sudo()
    commercial.filtered(lambda p: not p.customer_rank)._increase_rank("customer_rank")


def _kk_patch_sale_order(cls):
    """Confirming an order (the Sales button, the web shop's payment) makes its customer a customer."""
    if cls.__dict__.get("_kk_customer_patched"):
        return
    original = cls._action_confirm

    @functools.wraps(original)
    def _action_confirm(self, *args, **kwargs):
        res = original(self, *args, **kwargs)
        _kk_make_customers(self.partner_id)
        return res

    cls._action_confirm = _action_confirm
    cls._kk_customer_patched = True


def _kk_patch_crm_lead(cls):
    """Converting a lead with *Create a new customer* makes the new partner (or its company) a customer."""
    if cls.__dict__.get("_kk_customer_patched"):
        return
    original = cls._create_customer

    @functools.wraps(original)
    def _create_customer(self, *args, **kwargs):
        partner = original(self, *args, **kwargs)
        _kk_make_customers(partner)
        return partner

    cls._create_customer = _create_customer
    cls._kk_customer_patched = True


class ResPartner(models.Model):
    _inherit = "res.partner"

    def _kk_create(self, vals_list):
        """A partner created from the Point of Sale (its partner form carries the POS's ``pos_config_id``) is a
        customer at the till: numbered at once, as the Customers menu does, not only when the session closes.

        The context key only makes a partner a customer, which any user creating partners may do anyway
        (``customer_rank``): it skips no check.
        """
        if self.env.context.get("pos_config_id") and "pos.config" in self.env:
            for vals in vals_list:
                # The form sends customer_rank = 0 with the rest of its defaults.
                if not vals.get("parent_id") and not vals.get("customer_rank"):
                    vals["customer_rank"] = 1
        return super()._kk_create(vals_list)

    def _register_hook(self):
        res = super()._register_hook()
        if "sale.order" in self.env:
            _kk_patch_sale_order(type(self.env["sale.order"]))
        if "crm.lead" in self.env:
            _kk_patch_crm_lead(type(self.env["crm.lead"]))
        _logger.debug("kundekartotek: customers of other apps numbered")
        return res
