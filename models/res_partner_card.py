# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import _, fields, models

# The languages a Norwegian customer expects its letters in.
NORWEGIAN = ("nb_NO", "nn_NO")


class ResPartner(models.Model):
    """The customer card's top: statement, ledger, reminder and ageing one click away, each confirmed where it
    sends something."""

    _inherit = "res.partner"

    kk_lang_warning = fields.Char(
        string="Language warning",
        compute="_compute_kk_lang_warning",
        help="Set when the customer's language does not fit its country: its letters would go out in that language.",
    )

    def _compute_kk_lang_warning(self):
        for partner in self:
            partner.kk_lang_warning = partner._kk_language_warning()

    def _kk_language_warning(self):
        """A sentence when statements and reminders would go out in a language the customer's country does not
        suggest: a Norwegian customer not in Norwegian, or a foreign customer in Norwegian. ``False`` otherwise."""
        self.ensure_one()
        partner = self.commercial_partner_id
        country = partner.country_id.code or (not partner.country_id and self.env.company.country_id.code)
        lang = partner.lang or ""
        if not country or not lang:
            return False
        norwegian_customer = country == "NO"
        if norwegian_customer == (lang in NORWEGIAN):
            return False
        language = dict(self.env["res.lang"].get_installed()).get(lang, lang)
        return _(
            "%(customer)s gets its letters in %(language)s, which is unusual for a customer in %(country)s. "
            "Change the language on the card if it should be otherwise.",
            customer=partner.display_name,
            language=language,
            country=partner.country_id.name or self.env.company.country_id.name,
        )

    def _kk_confirm_action(self, kind):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Send payment reminder") if kind == "reminder" else _("Customer statement"),
            "res_model": "kundekartotek.send.confirm",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "default_partner_id": self.commercial_partner_id.id,
                "default_kind": kind,
                "default_channel": self.env.context.get("kk_reminder_channel") or "email",
            },
        }

    def action_kk_confirm_reminder(self):
        """Show the reminder's amount, deadline and language before it is sent."""
        return self._kk_confirm_action("reminder")

    def action_kk_confirm_statement(self):
        """Choose the statement's date (any date) and see what it shows before it is sent or printed."""
        return self._kk_confirm_action("statement")

    def action_kk_open_ledger(self):
        """The customer ledger options, for this customer."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("kundekartotek.kundekartotek_ledger_wizard_action")
        action["context"] = {"default_partner_ids": [fields.Command.set(self.commercial_partner_id.ids)]}
        return action

    def action_kk_open_ageing(self):
        """This customer's open items, aged as of the last month-end (the date an accountant closes on)."""
        self.ensure_one()
        wizard = self.env["kundekartotek.ageing.wizard"].create({})
        action = wizard.action_open()
        action["domain"] = [("partner_id", "child_of", self.commercial_partner_id.id)]
        action["context"] = dict(action["context"], search_default_group_partner=0)
        return action
