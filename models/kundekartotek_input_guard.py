# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""One check of the values sent to the module's fields, before any code of the module reads them.

Over RPC a caller may send anything: ``7`` for a selection, a list for a text, ``"abc"`` for a record id, 100 000
characters for a name. Odoo's ORM then fails with a ``TypeError`` or ``ValueError`` deep in some override (or
stores nonsense), and the caller sees a server error. This guard runs first in ``create`` and ``write`` of
``res.partner`` and of every model the module defines, and refuses wrong values with one ``ValidationError`` that
names every field at fault and what it expects (never the value: it may be a national identity number).

The guard knows the field *types* and a few content rules; what a value *means* (a valid organisation number, a
credit limit in range, ...) stays with the constraints of each model. Decisions, per type (see docs/security.md):

* ``False``/``None`` clear a field (0 for numbers, No for booleans); on a required field they are refused.
* text (char, text, html): a ``str``; char fields at most ``MAX_CHAR`` characters, text ``MAX_TEXT`` (some fields
  more, ``MAX_LENGTH``); no HTML tags in plain-text fields; identifier fields accept only the digits 0-9 among
  digits (``²``, ``٣`` and the like pass ``str.isdigit()`` but are no digits of a number).
* selection: one of its keys. Boolean: ``True``/``False`` (or 1/0). Integer: a whole number that fits the
  column. Float/monetary: a finite number. Date/datetime: ISO text (or a date object from Python).
* many2one: the id of an existing record. x2many: a list of ids or ``Command`` triples whose ids exist.
* json: an object (dict) of at most ``MAX_JSON`` characters as JSON. Binary: base64 text.

The content rules (lengths, tags, digits, required) judge what people and integrations send; the module's own
writes as superuser (the audit trail copies values of other fields verbatim) are not judged again. Types are always
checked: a wrong type is a bug wherever it comes from.
"""

import base64
import binascii
import json
import math
import re
import weakref
from datetime import date

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..lib.values import is_int, is_number

MODULE = "kundekartotek"
MAX_CHAR = 256
MAX_TEXT = 10_000
MAX_JSON = 65_536
# Fields that hold more than MAX_CHAR / MAX_TEXT by design.
MAX_LENGTH = {
    ("kundekartotek.reminder", "invoice_refs"): MAX_TEXT,
}
# Core fields of res.partner the module validates or derives values from, besides those of its constraints.
CHECKED_CORE_FIELDS = {"res.partner": {"company_registry", "vat", "ref", "zip"}}
# Identifiers: organisation and sub-unit numbers, fødselsnummer, VAT numbers, customer numbers, postal codes and
# municipality numbers. Digits other than 0-9 in them are refused, whatever other characters a format allows.
IDENTIFIER_FIELDS = {
    "res.partner": {"company_registry", "fodselsnummer", "vat", "ref", "zip", "brreg_subunit_orgnr"},
    "kundekartotek.postal.code": {"code", "municipality_number"},
    "kundekartotek.brreg.lookup.line": {"orgnr"},
    "kundekartotek.renumber": {"new_number"},
    "kundekartotek.customer.category": {"code"},
}
INT4_RANGE = (-(2**31), 2**31 - 1)  # what a PostgreSQL integer column holds
HTML_TAG = re.compile(r"<\s*/?\s*[a-zA-Z!][^>]*>")
COMMAND_CODES = range(7)  # Command.CREATE (0) ... Command.SET (6)
# Where the ids found to exist are remembered, per model, in the transaction's data (see _kk_guard_exist).
EXISTING = "kundekartotek.guard.existing"

_guarded_fields = weakref.WeakKeyDictionary()  # registry model class -> {field name: field}


def _parses(parse, value):
    """Whether ``parse`` accepts the text ``value`` (and gives something)."""
    if not isinstance(value, str):
        return False
    try:
        return bool(parse(value))
    except (TypeError, ValueError, binascii.Error):
        return False


def _foreign_digits(text):
    """Whether ``text`` holds a digit that is not 0-9 (superscripts, Arabic-Indic, full-width, ...)."""
    return any(char.isdigit() and not ("0" <= char <= "9") for char in text)


class InputGuard:
    """Placed first in the class order of each guarded model (see the end of this file), so it runs first."""

    __slots__ = ()

    @api.model_create_multi
    def create(self, vals_list):
        self._kk_guard_check(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        self._kk_guard_check([vals])
        return super().write(vals)

    # The check ---------------------------------------------------------------------------------------------------
    def _kk_guarded_fields(self):
        """Fields the module adds, extends or constrains on this model (computed once per model class)."""
        cls = type(self)
        guarded = _guarded_fields.get(cls)
        if guarded is None:
            names = {name for name, field in self._fields.items() if MODULE in (field._modules or ())}
            names |= CHECKED_CORE_FIELDS.get(self._name, set())
            for method in self._constraint_methods:
                if getattr(method, "__module__", "").startswith(f"odoo.addons.{MODULE}."):
                    constrained = method._constrains
                    names |= set(constrained(self) if callable(constrained) else constrained)
            guarded = _guarded_fields[cls] = {
                name: self._fields[name] for name in names if name in self._fields and not self._fields[name].automatic
            }
        return guarded

    def _kk_guard_check(self, vals_list):
        """Raise one ``ValidationError`` naming every guarded field whose value is of the wrong type or form."""
        problems = []
        guarded = self._kk_guarded_fields()
        for vals in vals_list:
            if not isinstance(vals, dict):
                raise ValidationError(_("Values must be sent as a dictionary of field names and values."))
            for name, value in vals.items():
                field = guarded.get(name)
                if field is None:
                    continue
                reason = self._kk_guard_reason(field, value)
                if reason:
                    problems.append(f"- {field._description_string(self.env)}: {reason}")
        if problems:
            raise ValidationError(
                "\n".join([_("Some values cannot be saved:"), *sorted(set(problems), key=problems.index)])
            )

    def _kk_guard_reason(self, field, value):
        """Why ``value`` cannot go into ``field`` (a translated phrase), or ``None`` when it can.

        A model may word the reason for one of its fields itself with ``_kk_guard_own_reason(field, value)`` (not
        defined here: this class comes first in the class order and would hide the model's method).
        """
        own_reason = getattr(self, "_kk_guard_own_reason", None)
        own = own_reason(field, value) if own_reason else None
        if own:
            return own
        judge = not self.env.su  # content rules for people and integrations, not for the module's own sudo writes
        if value is None or (value is False and field.type != "boolean"):
            if judge and field.required and field.type not in ("boolean", "integer", "float", "monetary"):
                return _("is required")
            return None
        checker = getattr(self, f"_kk_guard_{field.type}", None)
        if checker is None:
            return None  # a type the module does not use (properties, reference, ...): left to the ORM
        return checker(field, value, judge)

    def _kk_guard_string(self, field, value, judge, limit):
        if not isinstance(value, str):
            return _("expects text")
        if not judge:
            return None
        limit = MAX_LENGTH.get((self._name, field.name), limit)
        if len(value) > limit:
            return _("expects at most %(max)s characters", max=limit)
        if field.type != "html" and HTML_TAG.search(value):
            return _("expects plain text, without HTML tags")
        if field.name in IDENTIFIER_FIELDS.get(self._name, ()) and _foreign_digits(value):
            return _("accepts only the digits 0-9 (not ², ³ or digits of other scripts)")
        return None

    def _kk_guard_char(self, field, value, judge):
        return self._kk_guard_string(field, value, judge, field.size or MAX_CHAR)

    def _kk_guard_text(self, field, value, judge):
        return self._kk_guard_string(field, value, judge, MAX_TEXT)

    def _kk_guard_html(self, field, value, judge):
        return self._kk_guard_string(field, value, judge, 5 * MAX_TEXT)

    def _kk_guard_selection(self, field, value, judge):
        keys = [key for key, _label in field._description_selection(self.env)]
        if not isinstance(value, str) or value not in keys:
            return _("expects one of: %(choices)s", choices=", ".join(keys))
        return None

    def _kk_guard_boolean(self, field, value, judge):
        if isinstance(value, bool) or (is_int(value) and value in (0, 1)):
            return None
        return _("expects true or false")

    def _kk_guard_integer(self, field, value, judge):
        if isinstance(value, float) and math.isfinite(value) and value.is_integer():
            value = int(value)
        if not is_int(value) or not INT4_RANGE[0] <= value <= INT4_RANGE[1]:
            return _("expects a whole number")
        return None

    def _kk_guard_float(self, field, value, judge):
        if not is_number(value) or not math.isfinite(value):
            return _("expects a number")
        return None

    def _kk_guard_monetary(self, field, value, judge):
        return self._kk_guard_float(field, value, judge)

    def _kk_guard_date(self, field, value, judge):
        if isinstance(value, date) or _parses(fields.Date.to_date, value):
            return None
        return _("expects a date written as YYYY-MM-DD")

    def _kk_guard_datetime(self, field, value, judge):
        if isinstance(value, date) or _parses(fields.Datetime.to_datetime, value):
            return None
        return _("expects a date and time written as YYYY-MM-DD HH:MM:SS")

    def _kk_guard_many2one(self, field, value, judge):
        if isinstance(value, models.BaseModel):
            return None if value._name == field.comodel_name and len(value) <= 1 else _("expects one record")
        if not is_int(value) or value <= 0 or not self._kk_guard_exist(field.comodel_name, [value]):
            return _("expects the id of an existing record (%(model)s)", model=field.comodel_name)
        return None

    def _kk_guard_many2one_reference(self, field, value, judge):
        return None if is_int(value) and value >= 0 else _("expects the id of a record")

    def _kk_guard_one2many(self, field, value, judge):
        return self._kk_guard_x2many(field, value)

    def _kk_guard_many2many(self, field, value, judge):
        return self._kk_guard_x2many(field, value)

    def _kk_guard_x2many(self, field, value):
        """A list of ids (many2many) or of ``Command`` triples; every id named must exist."""
        wrong = _(
            "expects a list of commands, e.g. [(4, id)], with ids of existing records (%(model)s)",
            model=field.comodel_name,
        )
        if isinstance(value, models.BaseModel):
            return None if value._name == field.comodel_name else wrong
        if not isinstance(value, (list, tuple)):
            return wrong
        ids = []
        for item in value:
            if is_int(item) and field.type == "many2many":
                ids.append(item)
                continue
            if not isinstance(item, (list, tuple)) or not item or not is_int(item[0]) or item[0] not in COMMAND_CODES:
                return wrong
            code, args = item[0], list(item[1:])
            if code == 0 and (len(args) not in (1, 2) or not isinstance(args[-1], dict)):
                return wrong
            if code == 1 and (len(args) != 2 or not is_int(args[0]) or not isinstance(args[1], dict)):
                return wrong
            if code in (1, 2, 3, 4):
                if not args or not is_int(args[0]) or args[0] <= 0:
                    return wrong
                ids.append(args[0])
            if code == 6:
                if len(args) != 2 or not isinstance(args[1], (list, tuple)) or not all(map(is_int, args[1])):
                    return wrong
                ids.extend(args[1])
        if ids and (min(ids) <= 0 or not self._kk_guard_exist(field.comodel_name, ids)):
            return wrong
        return None

    def _kk_guard_json(self, field, value, judge):
        if not isinstance(value, dict):
            return _("expects a JSON object")
        try:
            size = len(json.dumps(value))
        except (TypeError, ValueError):
            return _("expects a JSON object")
        if judge and size > MAX_JSON:
            return _("expects at most %(max)s characters", max=MAX_JSON)
        return None

    def _kk_guard_binary(self, field, value, judge):
        if isinstance(value, bytes) or _parses(lambda text: base64.b64decode(text, validate=True) or True, value):
            return None
        return _("expects a file, base64-encoded")

    def _kk_guard_exist(self, model, ids):
        """Whether every id names a record (of any company, archived too: access rules come later).

        The ids found are remembered in the transaction's ``precommit.data``, which Odoo empties at every flush, at
        a savepoint rolled back and at the commit: the import and the upsert check the same country or category
        for each row of a batch up to three times (conversion, upsert, ``create``), one query per row each time
        (a fifth of an import's time, bench/bench_import.py). Only ids found are remembered, so a record created in
        a savepoint that is rolled back is asked for again; one deleted since the last flush is caught by the
        database's foreign key instead of this message.
        """
        ids = set(ids)
        if max(ids) > INT4_RANGE[1]:
            return False
        known = self.env.cr.precommit.data.setdefault(EXISTING, {}).setdefault(model, set())
        missing = ids - known
        if not missing:
            return True
        # sudo: only tells whether the ids exist; the caller's access rules apply afterwards, in the ORM
        found = self.env[model].sudo().with_context(active_test=False).browse(missing).exists()
        known.update(found.ids)
        return len(found) == len(missing)


def _guarded_models():
    """res.partner and every model with a table the module defines (wizards included), as ``(name, transient)``."""
    result = {("res.partner", False)}
    for cls in list(models.MetaModel.module_to_models[MODULE]):
        inherit = [cls._inherit] if isinstance(cls._inherit, str) else list(cls._inherit or ())
        if cls._name and cls._name not in inherit and not cls._abstract and cls._auto:
            result.add((cls._name, cls._transient))
    return sorted(result)


# One small extension class per guarded model, built here (this file is imported after every model of the module,
# see the addon's __init__.py), so that InputGuard comes first in each model's class order and a model added to the
# module later is guarded without a line of its own.
for _model_name, _transient in _guarded_models():
    type(
        "InputGuard_" + _model_name.replace(".", "_"),
        (InputGuard, models.TransientModel if _transient else models.Model),
        {"_inherit": _model_name, "__module__": __name__},
    )
