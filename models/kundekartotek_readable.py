# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import datetime

from odoo import _, api, fields, models
from odoo.tools.misc import format_amount, format_date, format_datetime, formatLang


class KundekartotekReadable(models.AbstractModel):
    """One place that turns field values into text a person reads: the audit trail, the right of access export and
    the Brønnøysund suggestion show values the same way as the card does.

    Labels in the reader's language, selections by their label, records by their display name, dates and amounts in
    the reader's language format (``nb_NO``: ``31.12.2026``, ``kr 1 234,50``), booleans as Yes/No (translated).
    Everything is private: RPC cannot call it, and it reads nothing a caller could not read on the card.
    """

    _name = "kundekartotek.readable"
    _description = "Readable field values"

    @api.model
    def _kk_label(self, model, name):
        """The field's label in the reader's language (``name`` itself for a field that no longer exists)."""
        field = self.env[model]._fields.get(name) if model in self.env else None
        return field._description_string(self.env) if field else name

    @api.model
    def _kk_text(self, field, value, currency=None):
        """``value`` of ``field`` (as the ORM returns it) as text; empty text for no value.

        ``currency`` formats a monetary or float amount as money; without it an amount is a plain number with the
        field's digits. A boolean is always Yes or No: "no" is a value there, not nothing.
        """
        if field.type == "boolean":
            return _("Yes") if value else _("No")
        if value is None or value is False or value == "":
            return ""
        if isinstance(value, models.BaseModel):
            # sudo: names for the audit trail and exports, whose readers are checked by those
            return ", ".join(name for name in value.sudo().mapped("display_name") if name)
        if field.type == "selection":
            return dict(field._description_selection(self.env)).get(value, str(value))
        if field.type in ("many2one", "one2many", "many2many") and isinstance(value, int):
            # sudo: as above: a record's name for a trail or an export already checked
            return self.env[field.comodel_name].sudo().browse(value).exists().display_name or ""
        if field.type == "datetime" or isinstance(value, datetime.datetime):
            return format_datetime(self.env, value, tz=self.env.user.tz or "Europe/Oslo")
        if field.type == "date" or isinstance(value, datetime.date):
            return format_date(self.env, value)
        if field.type in ("monetary", "float") and isinstance(value, (int, float)):
            if currency or field.type == "monetary":
                return format_amount(self.env, value, currency or self.env.company.currency_id)
            digits = field.get_digits(self.env)
            return formatLang(self.env, value, digits=digits[1] if digits else 2)
        if field.type == "integer" and isinstance(value, int):
            return formatLang(self.env, value, digits=0)
        return str(value)

    @api.model
    def _kk_stored_text(self, field, text):
        """The readable form of a value the audit trail stored as text (``str()`` of the value at the time).

        The trail keeps what it stored (the hash covers it); only the display changes. Stored numbers, booleans and
        dates are parsed back and formatted; a selection stored by its label (in the writer's language) is shown in
        the reader's; records were stored by name and stay so. Anything that does not parse is shown as stored.
        """
        if text in (None, False, ""):
            # The trail stores a boolean's False as empty text: for a yes/no field that is "No".
            return self._kk_text(field, False) if field.type == "boolean" else ""
        value = text
        try:
            if field.type == "boolean":
                value = text == "True" if text in ("True", "False") else text
            elif field.type in ("float", "monetary"):
                value = float(text)
            elif field.type == "integer":
                value = int(text)
            elif field.type == "date":
                value = fields.Date.to_date(text)
            elif field.type == "datetime":
                value = fields.Datetime.to_datetime(text)
            elif field.type == "selection":
                # Stored as the label in the writer's language, or as the key: find the key either way.
                value = self._kk_selection_key(field, text)
        except ValueError:
            return text
        if isinstance(value, str) and field.type != "selection":
            return value
        return self._kk_text(field, value)

    @api.model
    def _kk_selection_key(self, field, text):
        """The key of a selection value stored as its key or its label in any installed language."""
        keys = [key for key, _label in field._description_selection(self.env)]
        if text in keys:
            return text
        for code, _name in self.env["res.lang"].get_installed():
            labels = field._description_selection(self.env(context=dict(self.env.context, lang=code)))
            for key, label in labels:
                if label == text:
                    return key
        return text
