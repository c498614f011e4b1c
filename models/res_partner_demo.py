# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import logging
from datetime import timedelta

from odoo import api, fields, models

_logger = logging.getLogger(__name__)


class ResPartner(models.Model):
    """Helpers of the module's demo data (demo/), never called by the product itself."""

    _inherit = "res.partner"

    @api.model
    def _kk_create_demo_invoices(self, specs):
        """Demo data only: post customer invoices given as (partner id, days ago, days overdue, text, qty, price).

        Skipped when the company has no sales journal yet (the chart of accounts is loaded after the modules).
        """
        journal = self.env["account.journal"].search(
            [*self.env["account.journal"]._check_company_domain(self.env.company), ("type", "=", "sale")], limit=1
        )
        if not journal:
            _logger.info("No sales journal yet: demo invoices skipped")
            return
        today = fields.Date.context_today(self)
        moves = self.env["account.move"]
        for partner_id, days_ago, days_overdue, text, quantity, price in specs:
            invoice_date = today - timedelta(days=days_ago)
            moves |= moves.create(
                {
                    "move_type": "out_invoice",
                    "journal_id": journal.id,
                    "partner_id": partner_id,
                    "invoice_date": invoice_date,
                    "invoice_date_due": today - timedelta(days=days_overdue) if days_overdue else False,
                    "invoice_line_ids": [
                        fields.Command.create({"name": text, "quantity": quantity, "price_unit": price})
                    ],
                }
            )
        moves.action_post()
