# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

# Accounts an opening balance may not be posted against: the customers' own receivable, a payable, an off-balance
# account (the import run's field and this default alike).
OPENING_REFUSED_TYPES = ("asset_receivable", "liability_payable", "off_balance")
OPENING_ACCOUNT_LEAF = f"('account_type', 'not in', {OPENING_REFUSED_TYPES!r})"
OPENING_ACCOUNT_DOMAIN = f"[{OPENING_ACCOUNT_LEAF}]"


def check_opening_account(account, company):
    """Refuse ``account`` as ``company``'s opening-balance counter-account, with a translated ``ValidationError``.

    The fields' domain only filters what the form offers: Odoo does not apply a many2one's domain on ``write``, so an
    RPC call (or an import) could set a receivable account, and the opening entries would then leave the customers'
    receivables unchanged in total. The account must also be one of the company's (or shared with it by a parent).
    The company is checked first, and an account the user may not read (another company's) is refused with the
    same sentence, not with an access error that would name it.
    """
    if not account:
        return
    if not account.has_access("read") or not account.with_context(active_test=False).filtered_domain(
        account._check_company_domain(company)
    ):
        raise ValidationError(
            _("The opening-balance account must be an account of %(company)s.", company=company.display_name)
        )
    if account.account_type in OPENING_REFUSED_TYPES:
        raise ValidationError(
            _(
                "The opening-balance account cannot be %(account)s: a receivable, payable or off-balance account "
                "is not a counter-account for open items. Choose an equity or clearing account.",
                account=account.display_name,
            )
        )


class ResCompany(models.Model):
    _inherit = "res.company"

    kk_opening_account_id = fields.Many2one(
        "account.account",
        string="Opening-balance account",
        domain=OPENING_ACCOUNT_DOMAIN,
        help="The counter-account a new import of opening balances proposes for the open items. Empty: the account "
        "Odoo balances its own opening balance with (2099 in the Norwegian chart). Choose a clearing account when "
        "the general ledger's opening balance already holds the receivables in total.",
        prefetch="kundekartotek",
    )

    @api.constrains("kk_opening_account_id")
    def _check_kk_opening_account(self):
        for company in self:
            check_opening_account(company.kk_opening_account_id, company)
