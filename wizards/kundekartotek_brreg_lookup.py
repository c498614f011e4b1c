# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from markupsafe import Markup

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError

from ..lib.brreg import BrregError
from ..lib.identifiers import compact_orgnr, is_ascii_digits
from ..models.res_partner_brreg import BrregUserError, brreg_queue_suspended, brreg_status_of, register_writes


class KundekartotekBrregLookup(models.TransientModel):
    """Find a unit in the Brønnøysund register and create or update a customer from it.

    The search stores the register's answers on the result lines, so choosing a line and applying it need no new
    request (except for the sub-units, fetched on apply before anything is written).
    """

    _name = "kundekartotek.brreg.lookup"
    _description = "Look up in Brønnøysund"

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        ondelete="cascade",
        help="The customer to update. Empty: a new customer is created from the chosen unit.",
    )
    query = fields.Char(
        string="Organisation number or name",
        help="A 9-digit organisation number (spaces allowed) or a part of the unit's name.",
    )
    line_ids = fields.One2many("kundekartotek.brreg.lookup.line", "wizard_id", string="Results")
    line_id = fields.Many2one(
        "kundekartotek.brreg.lookup.line",
        string="Unit",
        domain="[('wizard_id', '=', id)]",
        help="The unit whose data is written to the customer.",
    )
    include_subunits = fields.Boolean(
        string="Add sub-units as delivery addresses",
        help="Also create a delivery address for each sub-unit (branch, shop) of the unit; sub-units already "
        "added are updated, not added twice.",
    )
    change_html = fields.Html(string="What will change", compute="_compute_change_html", sanitize=False)

    @api.depends("line_id", "partner_id")
    def _compute_change_html(self):
        Partner = self.env["res.partner"]
        for wizard in self:
            if not wizard.line_id:
                wizard.change_html = False
                continue
            try:
                unit = wizard.line_id._kk_unit()
            except UserError as error:
                wizard.change_html = Markup("<p>%s</p>") % error.args[0]
                continue
            diff = wizard.partner_id._kk_brreg_diff(Partner._kk_brreg_values(unit))
            if diff:
                wizard.change_html = Partner._kk_brreg_diff_html(diff)
            else:
                wizard.change_html = _("The customer already matches the register: nothing will change.")

    def action_search(self):
        """Ask the register: one unit for an organisation number, the first matches for a name."""
        self.ensure_one()
        query = (self.query or "").strip()
        if not query:
            raise UserError(_("Enter an organisation number or a part of the name to search for."))
        orgnr = compact_orgnr(query)
        client = self.env["res.partner"]._kk_brreg_client()
        try:
            if is_ascii_digits(orgnr) and len(orgnr) == 9:
                units = [client.get_unit(orgnr)]
            else:
                units = client.search(query)
        except BrregError as error:
            raise BrregUserError(
                self.env["res.partner"]._kk_brreg_error_message(error, orgnr if is_ascii_digits(orgnr) else query)
            ) from error
        if not units:
            raise BrregUserError(_("No unit in the Brønnøysund register matches “%(query)s”.", query=query))
        self.write(
            {
                "line_id": False,
                "line_ids": [Command.clear()]
                + [Command.create(self._kk_line_values(unit, sequence)) for sequence, unit in enumerate(units)],
            }
        )
        if len(self.line_ids) == 1:
            self.line_id = self.line_ids
        return self._kk_reopen()

    def action_apply(self):
        """Create or update the customer from the chosen unit (and its sub-units); all or nothing."""
        self.ensure_one()
        if not self.line_id:
            raise UserError(_("Choose a unit from the results first."))
        Partner = self.env["res.partner"]
        unit = self.line_id._kk_unit()
        subunits = []
        if self.include_subunits:
            # Fetched before anything is written: when the register fails here, nothing has changed.
            try:
                subunits = Partner._kk_brreg_client().get_subunits(unit.orgnr)
            except BrregError as error:
                raise BrregUserError(Partner._kk_brreg_error_message(error, unit.orgnr)) from error
        values = Partner._kk_brreg_values(unit)
        partner = self.partner_id
        if partner:
            partner._kk_brreg_write(values)
        else:
            # The register was read a moment ago: no check to queue for the new customer.
            with brreg_queue_suspended(self.env):
                partner = Partner.create(dict(values, customer_rank=1))
            partner.message_post(body=_("Created from the Brønnøysund register."), subtype_xmlid="mail.mt_note")
        with register_writes(self.env):
            partner.write(
                {
                    "brreg_state": "ok",
                    "brreg_checked_at": fields.Datetime.now(),
                    "brreg_retry_count": 0,
                    "brreg_suggestion": False,
                }
            )
        partner._kk_brreg_flag(unit)
        partner._kk_brreg_add_subunits(subunits)
        return {
            "type": "ir.actions.act_window",
            "res_model": "res.partner",
            "res_id": partner.id,
            "view_mode": "form",
            "target": "current",
        }

    @api.model
    def _kk_line_values(self, unit, sequence):
        address = unit.business_address or unit.postal_address
        return {
            "sequence": sequence,
            "orgnr": unit.orgnr,
            "name": unit.name,
            "form_code": unit.form_code,
            "form_name": unit.form_name,
            "municipality": address.municipality if address else False,
            "status": brreg_status_of(unit),
            "unit_data": unit.raw,
        }

    def _kk_reopen(self):
        """Show this wizard again (after a search or a choice) instead of closing the dialog."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": _("Look up in Brønnøysund"),
        }
