# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import fields, models

# Accounts an opening balance may be posted against: not the customers' own receivable, nor a payable or an
# off-balance account (the import run's field and this default alike).
OPENING_ACCOUNT_DOMAIN = "[('account_type', 'not in', ('asset_receivable', 'liability_payable', 'off_balance'))]"


class ResCompany(models.Model):
    _inherit = "res.company"

    kk_opening_account_id = fields.Many2one(
        "account.account",
        string="Opening-balance account",
        domain=OPENING_ACCOUNT_DOMAIN,
        help="The counter-account a new import of opening balances proposes for the open items. Empty: the account "
        "Odoo balances its own opening balance with (2099 in the Norwegian chart). Choose a clearing account when "
        "the general ledger's opening balance already holds the receivables in total.",
    )
