# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import _, api, fields, models, tools
from odoo.exceptions import ValidationError
from odoo.tools import SQL, mute_logger

from odoo.addons.base.models.ir_sequence import _select_nextval

from ..lib import numbering

SCHEME_KINDS = [
    ("sequential", "Sequential"),
    ("type", "By customer type"),
    ("region", "By region"),
    ("pattern", "Custom pattern"),
]
# The pattern and first number each kind proposes; "pattern" keeps what the user typed.
KIND_DEFAULTS = {
    "sequential": ("{seq}", 10001),
    "type": ("{type}{seq:4}", 1),
    "region": ("{region}-{seq:4}", 1),
    "pattern": ("{type}{region}-{yy}{seq:4}", 1),
}
SEQUENCE_CODE = "kundekartotek.number.scheme"
PREVIEW_COUNT = 3
PREVIEW_REGION = "03"  # Oslo: the region the preview shows when the pattern has {region}


class KundekartotekNumberScheme(models.Model):
    _name = "kundekartotek.number.scheme"
    _description = "Customer Numbering Scheme"
    _order = "company_id, sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(
        default=True,
        help="The company's active scheme numbers its new customers; archive a scheme to stop using it.",
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        default=lambda self: self.env.company,
        help="The company whose customers this scheme numbers.",
    )
    kind = fields.Selection(
        SCHEME_KINDS,
        required=True,
        default="sequential",
        help="Sequential: 10001, 10002 … By customer type: B0001 (business), P0001 (private), O0001 (public). "
        "By region: 03-0001 (county code from the postcode). Custom pattern: built from tokens.",
    )
    pattern = fields.Char(
        compute="_compute_pattern",
        store=True,
        readonly=False,
        required=True,
        precompute=True,
        help="Text with tokens: {type} (B/P/O), {region} (county code from the postcode, 00 when unknown), "
        "{year} or {yy} (year of assignment), {seq} or {seq:4} (running number, padded to 4 digits). "
        "Exactly one {seq}. Each value of type, region and year has its own running number.",
    )
    number_start = fields.Integer(
        string="First number",
        compute="_compute_pattern",
        store=True,
        readonly=False,
        precompute=True,
        help="The first running number of each series (for example 10001). Raising it moves the series already "
        "in use forward to it; lowering it never makes a series go back.",
    )
    preview = fields.Text(
        compute="_compute_preview",
        help="The next numbers this scheme will give, without using them.",
    )
    sequence_count = fields.Integer(
        string="Number series",
        compute="_compute_preview",
        help="How many running number series (one per type, region or year value) this scheme has started.",
    )

    @api.depends("kind")
    def _compute_pattern(self):
        for scheme in self:
            if scheme.kind == "pattern" and scheme.pattern:
                continue
            scheme.pattern, scheme.number_start = KIND_DEFAULTS[scheme.kind or "sequential"]

    @api.depends("pattern", "number_start", "company_id")
    def _compute_preview(self):
        """Show the next numbers by reading the series' next value (``number_next_actual``), never drawing one."""
        year = fields.Date.context_today(self).year
        for scheme in self:
            # In the form (onchange) the record is a new one standing for the saved scheme: read the saved series.
            saved = scheme._origin
            scheme.sequence_count = len(saved._kk_sequences()) if saved else 0
            try:
                parts = numbering.parse_pattern(scheme.pattern)
            except numbering.InvalidPattern as error:
                scheme.preview = scheme._kk_pattern_error_message(error)
                continue
            letters = (
                list(numbering.TYPE_LETTERS.items())
                if "type" in numbering.key_tokens(parts)
                else [("business", numbering.TYPE_LETTERS["business"])]
            )
            labels = dict(self.env["res.partner"]._fields["customer_type"]._description_selection(self.env))
            lines = []
            for customer_type, letter in letters:
                key = numbering.sequence_key(parts, letter, PREVIEW_REGION, year)
                sequence = saved._kk_sequences(key) if saved else None
                if sequence:
                    # Read the PostgreSQL sequence again: other transactions draw from it all the time.
                    sequence.invalidate_recordset(["number_next_actual"])
                start = sequence.number_next_actual if sequence else scheme.number_start
                numbers = ", ".join(
                    numbering.render(parts, start + offset, letter, PREVIEW_REGION, year)
                    for offset in range(PREVIEW_COUNT)
                )
                lines.append(f"{labels[customer_type]}: {numbers}" if len(letters) > 1 else numbers)
            scheme.preview = "\n".join(lines)

    @api.constrains("pattern")
    def _check_pattern(self):
        for scheme in self:
            try:
                numbering.parse_pattern(scheme.pattern)
            except numbering.InvalidPattern as error:
                raise ValidationError(scheme._kk_pattern_error_message(error)) from error

    @api.constrains("number_start")
    def _check_number_start(self):
        for scheme in self:
            if scheme.number_start < 0:
                raise ValidationError(
                    _(
                        "The first number of scheme %(scheme)s is %(number)s: enter zero or a positive number.",
                        scheme=scheme.name,
                        number=scheme.number_start,
                    )
                )

    @api.constrains("active", "company_id")
    def _check_one_active_per_company(self):
        active = self.filtered("active")
        counts = dict(self._read_group([("company_id", "in", active.company_id.ids)], ["company_id"], ["__count"]))
        for scheme in active:
            if counts.get(scheme.company_id, 0) > 1:
                raise ValidationError(
                    _(
                        "%(company)s already has an active numbering scheme: archive it before activating %(scheme)s.",
                        company=scheme.company_id.display_name,
                        scheme=scheme.name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        """Start the single series of a pattern without type, region or year right away.

        Then the first customers, created concurrently, do not race to create it (see ``_kk_create_sequence``).
        """
        schemes = super().create(vals_list)
        self.env.registry.clear_cache()  # _kk_scheme_plan
        schemes._kk_create_single_series()
        return schemes

    def write(self, vals):
        res = super().write(vals)
        if vals.keys() & {"active", "company_id", "pattern", "kind"}:
            self.env.registry.clear_cache()  # _kk_scheme_plan, _kk_parts_of
        if "pattern" in vals or "kind" in vals:
            self._kk_create_single_series()
        if "number_start" in vals:
            # Moving a series forward is safe; moving it back could give a number twice, so that never happens.
            for scheme in self:
                for sequence in scheme._kk_sequences():
                    if sequence.number_next_actual < scheme.number_start:
                        sequence.number_next_actual = scheme.number_start
        return res

    def action_view_sequences(self):
        """Open the running number series of this scheme (technical, for administrators)."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Number series of %(scheme)s", scheme=self.name),
            "res_model": "ir.sequence",
            "view_mode": "list,form",
            "domain": [("id", "in", self._kk_sequences().ids)],
        }

    def unlink(self):
        res = super().unlink()
        self.env.registry.clear_cache()  # _kk_scheme_plan
        return res

    @api.model
    def _kk_scheme_for(self, company):
        """The active scheme numbering the customers of ``company``, or an empty recordset."""
        # sudo: numbering a new customer is every user's business, reading schemes is configuration's
        return self.sudo().browse(self._kk_scheme_plan(company.id)[0])

    @api.model
    def _kk_scheme_and_parts(self, company):
        """The active scheme numbering the customers of ``company`` (or an empty recordset) and its parsed pattern,
        in one cached lookup: every new customer asks for both."""
        scheme_id, parts = self._kk_scheme_plan(company.id)
        # sudo: as _kk_scheme_for
        return self.sudo().browse(scheme_id), parts

    @api.model
    @tools.ormcache("company_id")
    def _kk_scheme_plan(self, company_id):
        """The id of the active scheme of the company (or None) and its parsed pattern, cached per company: every
        new customer asks, and schemes change rarely (every change of one clears the cache: create, write, unlink).
        One of the two caches of the schemes, with :meth:`_kk_parts_of` (per scheme)."""
        # sudo: as _kk_scheme_for: the active scheme of a company, cached for every user
        scheme = self.sudo().search([("company_id", "=", company_id), ("active", "=", True)], limit=1)
        return scheme.id or None, (self._kk_parts_of(scheme.id) if scheme else ())

    def _kk_parts(self):
        """This scheme's parsed pattern, without reading the scheme's row: every new customer asks."""
        self.ensure_one()
        return self._kk_parts_of(self.id)

    @api.model
    @tools.ormcache("scheme_id")
    def _kk_parts_of(self, scheme_id):
        """The scheme's parsed pattern (immutable parts), cached per scheme: parsed once per process rather than
        once per customer; a change of pattern clears it (:meth:`write`)."""
        # sudo: only the pattern of the scheme numbering the caller's customer is read (configuration, no personal
        # data); the cache is shared by every user, so it must not depend on who filled it
        return tuple(numbering.parse_pattern(self.sudo().browse(scheme_id).pattern))

    @tools.ormcache("self.id", "key")
    def _kk_sequence_id(self, key):
        """The ``ir.sequence`` id of the series for ``key``, or None while it does not exist (cleared on creation)."""
        return self._kk_sequences(key).id or None

    def _kk_sequence_code(self, key=None):
        self.ensure_one()
        code = f"{SEQUENCE_CODE}.{self.id}"
        return code if key is None else f"{code}:{key}"

    def _kk_sequences(self, key=None):
        """The series of this scheme (all of them, or the one for ``key``) as sudo ``ir.sequence`` records."""
        self.ensure_one()
        # sudo: the scheme's series are technical records; draws go through the scheme's own rules
        Sequence = self.env["ir.sequence"].sudo().with_context(active_test=False)
        if key is None:
            return Sequence.search([("code", "=like", self._kk_sequence_code() + ":%")])
        return Sequence.search([("code", "=", self._kk_sequence_code(key))], limit=1)

    def _kk_next_number(self, type_letter, region, year, parts=None):
        """Draw the next number of the series for these token values; the series is created on first use.
        ``parts``: the scheme's parsed pattern, when the caller has it (:meth:`_kk_scheme_and_parts`).

        The series are ``ir.sequence`` records with the ``standard`` implementation, i.e. PostgreSQL sequences:
        ``nextval`` takes no lock and is never rolled back, so concurrent transactions never get the same running
        number and a number is never handed out twice (a rolled-back creation leaves a gap instead).
        """
        self.ensure_one()
        parts = parts or self._kk_parts()
        key = numbering.sequence_key(parts, type_letter, region, year)
        sequence_id = self._kk_sequence_id(key) or self._kk_create_sequence(key).id
        # The series are plain PostgreSQL sequences without prefix or date ranges: nextval is all ir.sequence's
        # _next() would do, without reading the ir.sequence record for every customer.
        (running,) = _select_nextval(self.env.cr, f"ir_sequence_{sequence_id:03d}")
        return numbering.render(parts, running, type_letter, region, year)

    def _kk_create_sequence(self, key):
        """Create the series for ``key`` once, even when two transactions need it at the same moment.

        Updating the scheme's row serialises the creators: the second one waits, then fails with a serialization
        error (Odoo retries the request) because the row changed after its snapshot began; on the retry it finds
        the series the first one created instead of starting a second series at the same first number.
        """
        # The expected serialization error is retried by Odoo: keep it out of the server log's ERROR lines.
        with mute_logger("odoo.sql_db"):
            self.env.cr.execute(
                SQL("UPDATE kundekartotek_number_scheme SET write_date = write_date WHERE id = %s", self.id)
            )
        sequence = self._kk_sequences(key)
        if sequence:
            return sequence
        self.env.registry.clear_cache()  # _kk_sequence_id
        return (
            self.env["ir.sequence"]
            # sudo: a new series of this scheme, made on first use by whoever creates the customer
            .sudo()
            .create(
                {
                    "name": f"{self.name} {key}".strip(),
                    "code": self._kk_sequence_code(key),
                    "implementation": "standard",
                    "number_next": self.number_start,
                    "number_increment": 1,
                    "padding": 0,
                    "company_id": self.company_id.id,
                }
            )
        )

    def _kk_create_single_series(self):
        for scheme in self:
            parts = numbering.parse_pattern(scheme.pattern)
            if not numbering.key_tokens(parts) and not scheme._kk_sequences(""):
                scheme._kk_create_sequence("")

    def _kk_pattern_error_message(self, error):
        """A translated sentence for an unusable pattern that says how to fix it."""
        if error.reason == numbering.REASON_EMPTY:
            return _("The numbering pattern is empty: enter for example {seq:5} or {type}{seq:4}.")
        if error.reason == numbering.REASON_NO_SEQUENCE:
            return _(
                "The numbering pattern “%(pattern)s” has no running number: add {seq} or {seq:4}.",
                pattern=error.pattern,
            )
        if error.reason == numbering.REASON_SEVERAL_SEQUENCES:
            return _(
                "The numbering pattern “%(pattern)s” has more than one {seq}: keep exactly one.",
                pattern=error.pattern,
            )
        if error.reason == numbering.REASON_WIDTH:
            return _(
                "The token %(token)s in “%(pattern)s” has a wrong width: only {seq} takes one, from 1 to "
                "%(max)s, for example {seq:4}.",
                token=error.detail,
                pattern=error.pattern,
                max=numbering.MAX_WIDTH,
            )
        if error.reason == numbering.REASON_UNKNOWN_TOKEN:
            return _(
                "The numbering pattern “%(pattern)s” has an unknown token %(token)s: use {type}, {region}, "
                "{year}, {yy} or {seq}.",
                pattern=error.pattern,
                token=error.detail,
            )
        return _(
            "The numbering pattern “%(pattern)s” contains “%(text)s”: between tokens use only letters, digits "
            "and - . / _",
            pattern=error.pattern,
            text=error.detail,
        )
