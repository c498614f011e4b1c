# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import logging
from datetime import timedelta

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from ..lib.brreg import (
    ERROR_BAD_REQUEST,
    ERROR_NOT_FOUND,
    ERROR_REMOVED,
    ERROR_UNAVAILABLE,
    BrregClient,
    BrregError,
)
from ..lib.identifiers import compact_orgnr
from .transaction_flags import flag_is_set, transaction_flag

_logger = logging.getLogger(__name__)

BRREG_STATES = [
    ("not_checked", "Not checked"),
    ("queued", "Queued"),
    ("ok", "Up to date"),
    ("changed", "Register differs"),
    ("not_found", "Not in the register"),
    ("removed", "Removed from the register"),
    ("error", "Check failed"),
]
BRREG_STATUSES = [
    ("active", "Active"),
    ("under_liquidation", "Being wound up"),
    ("forced_dissolution", "Forced dissolution"),
    ("bankrupt", "Bankrupt"),
    ("deleted", "Deleted"),
]
# Statuses that end a customer's ability to pay: they move it to payment class Risk.
RISK_STATUSES = ("under_liquidation", "forced_dissolution", "bankrupt", "deleted")
# A queued check that found the register unavailable is retried this many times (one try per cron run) before it
# ends as "error"; the next save with a new number, or the quarterly re-validation, checks it again.
MAX_RETRIES = 5
# Minimum time between two tries of one queued partner: a failed try is not repeated in the same cron job.
RETRY_DELAY = timedelta(minutes=10)
# The fields the register can supply (what ``_kk_brreg_values`` returns): applying a suggestion writes these and no
# other, whatever the stored suggestion holds.
BRREG_FIELDS = (
    "name",
    "is_company",
    "company_registry",
    "customer_type",
    "brreg_form_code",
    "mva_registered",
    "street",
    "street2",
    "zip",
    "city",
    "country_id",
    "website",
    "industry_id",
)
# Longest text the register gives for one field (names are at most 175 characters there); more is not its answer.
BRREG_MAX_TEXT = 256
# Set in the cursor's transaction data (never in the context, which any RPC caller controls) while the register
# client's own code writes ``brreg_suggestion``: nobody else may.
REGISTER_WRITES = "kundekartotek.brreg.register_writes"
QUEUE_SUSPENDED = "kundekartotek.brreg.queue_suspended"


def register_writes(env):
    """Let the code inside this block write ``brreg_suggestion`` (the register check, apply and dismiss)."""
    return transaction_flag(env, REGISTER_WRITES)


def brreg_queue_suspended(env):
    """Create or write partners inside this block without queuing a register check: the caller has just read the
    register (the look-up wizard), or the numbers it writes are not a customer's to check (anonymisation)."""
    return transaction_flag(env, QUEUE_SUSPENDED)


def brreg_status_of(unit):
    """The one status a unit has for us, the most final one first (a unit may be both bankrupt and wound up)."""
    if unit.deleted_on:
        return "deleted"
    if unit.bankrupt:
        return "bankrupt"
    if unit.forced_dissolution:
        return "forced_dissolution"
    if unit.under_liquidation:
        return "under_liquidation"
    return "active"


class BrregUserError(UserError):
    """A failed look-up in the register. A class of its own so that the web client titles the message box
    "Brønnøysund register" (``static/src/js/brreg_error.js``) instead of core's "Invalid Operation"; it is a
    ``UserError`` for everything else (logging, RPC, tests)."""


class ResPartner(models.Model):
    _inherit = "res.partner"

    brreg_state = fields.Selection(
        BRREG_STATES,
        string="Brønnøysund check",
        default="not_checked",
        copy=False,
        index=True,
        help="Result of the last check of the organisation number in the Brønnøysund register.",
        prefetch="kundekartotek",
    )
    # Prefetch group kk_brreg: see docs/architecture.md, "Prefetch groups on res.partner".
    brreg_checked_at = fields.Datetime(
        prefetch="kk_brreg",
        string="Checked in Brønnøysund",
        copy=False,
        help="When the register was last asked about this customer (also a failed try).",
    )
    brreg_retry_count = fields.Integer(
        prefetch="kk_brreg",
        copy=False,
        help="Tries of a queued check that found the register unavailable.",
    )
    brreg_status = fields.Selection(
        BRREG_STATUSES,
        string="Register status",
        copy=False,
        index="btree_not_null",
        help="Status of the unit in the register at the last check: bankrupt, being wound up, forced dissolution "
        "or deleted make the customer a risk customer.",
        prefetch="kundekartotek",
    )
    brreg_form_code = fields.Char(
        prefetch="kk_brreg",
        string="Organisation form",
        copy=False,
        help="Organisation form code in the register, for example AS, ENK or KOMM.",
    )
    brreg_subunit_orgnr = fields.Char(
        prefetch="kk_brreg",
        string="Sub-unit number",
        copy=False,
        index="btree_not_null",
        help="Organisation number of the register's sub-unit (underenhet) this address is, for example a branch.",
    )
    brreg_suggestion = fields.Json(
        prefetch="kk_brreg",
        copy=False,
        help="Values proposed by the register and not yet applied (enrichment mode Suggest).",
    )
    brreg_suggestion_html = fields.Html(
        string="Proposed by the register",
        compute="_compute_brreg_suggestion_html",
        sanitize=False,
    )

    @api.depends("brreg_suggestion", *BRREG_FIELDS)
    def _compute_brreg_suggestion_html(self):
        """The banner's table; a stored suggestion that cannot be read says so instead of breaking the card."""
        for partner in self:
            if not partner.brreg_suggestion:
                partner.brreg_suggestion_html = False
                continue
            values = partner._kk_brreg_clean_suggestion(partner.brreg_suggestion)
            if values is None:
                partner.brreg_suggestion_html = Markup("<p>%s</p>") % partner._kk_brreg_unreadable_message()
                continue
            diff = partner._kk_brreg_diff(values)
            partner.brreg_suggestion_html = partner._kk_brreg_diff_html(diff) if diff else False

    def _kk_create(self, vals_list):
        if any("brreg_suggestion" in vals for vals in vals_list):
            self._kk_brreg_check_suggestion_write()
        partners = super()._kk_create(vals_list)
        if not flag_is_set(self.env, QUEUE_SUSPENDED):
            partners.filtered("company_registry")._kk_brreg_queue()
        return partners

    def write(self, vals):
        if "brreg_suggestion" in vals:
            self._kk_brreg_check_suggestion_write()
        changed = self.browse()
        # A number sent as an integer is refused with a clear message in res_partner_identifiers.py.
        registry = vals.get("company_registry")
        if "company_registry" in vals and not isinstance(registry, int) and not flag_is_set(self.env, QUEUE_SUSPENDED):
            new = compact_orgnr(registry or "")
            changed = self.filtered(lambda p: compact_orgnr(p.company_registry or "") != new)
        res = super().write(vals)
        changed.filtered("company_registry")._kk_brreg_queue()
        return res

    def action_kk_brreg_lookup(self):
        """Open the look-up wizard on this customer, searching its organisation number (or else its name)."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("kundekartotek.kundekartotek_brreg_lookup_action")
        action["context"] = {
            "default_partner_id": self.id,
            "default_query": self.company_registry or self.name,
        }
        return action

    def action_kk_brreg_apply_suggestion(self):
        """Write the values the register proposed (banner button), then forget the proposal.

        Only the fields the register can supply are written (``BRREG_FIELDS``); a suggestion that cannot be read
        is refused with a message that says to dismiss it, and nothing is written.
        """
        for partner in self.filtered("brreg_suggestion"):
            values = partner._kk_brreg_clean_suggestion(partner.brreg_suggestion)
            if values is None:
                raise UserError(partner._kk_brreg_unreadable_message())
            partner._kk_brreg_write(values)
            with register_writes(self.env):
                partner.write({"brreg_suggestion": False, "brreg_state": "ok"})

    def action_kk_brreg_dismiss_suggestion(self):
        """Keep the card as it is: forget the proposal until the register changes again."""
        with register_writes(self.env):
            self.write({"brreg_suggestion": False, "brreg_state": "ok"})

    # Register access ----------------------------------------------------------------------------------------------
    @api.model
    def _kk_brreg_client(self):
        """The one place that builds the register client (tests patch this method to feed recorded answers).

        The timeout comes from ``kundekartotek.brreg_timeout`` (seconds, 1 to 60); a value that is not such a
        number falls back to 10 rather than breaking every look-up.
        """
        # sudo: the register client's timeout is a system setting
        value = (self.env["ir.config_parameter"].sudo().get_param("kundekartotek.brreg_timeout") or "").strip()
        timeout = int(value) if value.isascii() and value.isdigit() else 0
        return BrregClient(timeout=min(timeout, 60) if timeout > 0 else 10)

    @api.model
    def _kk_brreg_error_message(self, error, query=""):
        """A translated sentence for a failed look-up (``BrregError.kind``); it always says nothing was changed."""
        if error.kind == ERROR_NOT_FOUND:
            return _(
                "Organisation number %(orgnr)s is not in the Central Coordinating Register for Legal Entities. "
                "Check the number; nothing was changed.",
                orgnr=query,
            )
        if error.kind == ERROR_REMOVED:
            return _(
                "Organisation number %(orgnr)s was removed from the register for legal reasons: its data cannot be "
                "shown; nothing was changed.",
                orgnr=query,
            )
        if error.kind == ERROR_UNAVAILABLE:
            return _(
                "The Brønnøysund register did not answer in time. Try again in a few minutes; nothing was changed."
            )
        if error.kind == ERROR_BAD_REQUEST:
            return _(
                "The Brønnøysund register did not accept the search “%(query)s”. Enter a 9-digit organisation "
                "number or a part of the name; nothing was changed.",
                query=query,
            )
        return _(
            "The Brønnøysund register answered with something that is not a unit. Try again later; nothing was changed."
        )

    # Suggestions ---------------------------------------------------------------------------------------------------
    @api.model
    def _kk_brreg_check_suggestion_write(self):
        """Refuse a write of ``brreg_suggestion`` from anywhere but the register check (form, import, RPC)."""
        if not flag_is_set(self.env, REGISTER_WRITES):
            raise AccessError(
                _(
                    "The register's suggestion is filled in by the Brønnøysund check only; it cannot be written. "
                    "Use Apply or Dismiss on the customer card."
                )
            )

    @api.model
    def _kk_brreg_clean_suggestion(self, suggestion):
        """The values of a stored suggestion the register can supply, checked; ``None`` when it cannot be read.

        Keys that are not register fields are dropped. A register field with a value of the wrong shape (a text
        that is not text or too long, a selection value that does not exist, a record id that does not exist)
        makes the whole suggestion unreadable: applying half of it would mix the register's data with garbage.
        """
        if not isinstance(suggestion, dict):
            return None
        values = {}
        for name in BRREG_FIELDS:
            if name not in suggestion or name not in self._fields:
                continue
            value, field = suggestion[name], self._fields[name]
            if value is None:
                continue  # null: the register said nothing about it (as a key left out)
            if value is False and field.type != "boolean":
                pass  # the register has no value: the field is cleared, as _kk_brreg_values proposes it
            elif field.type in ("char", "text"):
                if not isinstance(value, str) or len(value) > BRREG_MAX_TEXT:
                    return None
            elif field.type == "boolean":
                if not isinstance(value, bool):
                    return None
            elif field.type == "selection":
                if value not in dict(field._description_selection(self.env)):
                    return None
            elif field.type == "many2one":
                if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                    return None
                # sudo: only whether the suggested record exists; writing it goes through the caller's rights
                if not self.env[field.comodel_name].sudo().browse(value).exists():
                    return None
            else:
                return None
            values[name] = value
        return values

    def _kk_brreg_unreadable_message(self):
        self.ensure_one()
        return _(
            "The register's suggestion for %(partner)s cannot be read. Dismiss it; the next check in the register "
            "proposes the values again.",
            partner=self.display_name,
        )

    # Values from a unit --------------------------------------------------------------------------------------------
    @api.model
    def _kk_brreg_values(self, unit):
        """The partner values a register unit gives (pure: reads, never writes).

        The business address wins; the postal address is the fallback when the unit has no usable business address.
        A website or industry the register does not know is left out rather than cleared: our card may know better.
        Industries are matched, never created: the list of industries is the user's.
        """
        values = {
            "name": unit.name,
            "is_company": True,
            "company_registry": unit.orgnr,
            "customer_type": "public" if unit.is_public else "business",
            "brreg_form_code": unit.form_code or False,
        }
        # Only an explicit answer counts: a trimmed answer without the key must not clear the VAT number.
        if isinstance((unit.raw or {}).get("registrertIMvaregisteret"), bool):
            values["mva_registered"] = unit.vat_registered
        values.update(self._kk_brreg_address_values(unit))
        if unit.website:
            values["website"] = self._clean_website(unit.website)
        industry = self._kk_brreg_industry(unit)
        if industry:
            values["industry_id"] = industry.id
        return values

    @api.model
    def _kk_brreg_address_values(self, unit):
        """Street, zip, city and country of the unit's business address, else of its postal address."""
        address = next(
            (a for a in (unit.business_address, unit.postal_address) if a and (a.lines or a.zip or a.city)), None
        )
        if not address:
            return {}
        country = self.env["res.country"].search([("code", "=", address.country_code or "NO")], limit=1)
        return {
            "street": address.street or False,
            "street2": address.street2 or False,
            "zip": address.zip or False,
            "city": address.city or False,
            "country_id": country.id or False,
        }

    @api.model
    def _kk_brreg_industry(self, unit):
        """An existing industry whose name or full name is the NACE description, or starts with the NACE code."""
        if not unit.nace_code and not unit.nace_name:
            return self.env["res.partner.industry"]
        domain = []
        if unit.nace_name:
            domain += ["|", ("name", "=ilike", unit.nace_name), ("full_name", "=ilike", unit.nace_name)]
        if unit.nace_code:
            code = unit.nace_code.replace("%", "").replace("_", r"\_")
            code_domain = ["|", ("name", "=ilike", code), ("full_name", "=ilike", f"{code} %")]
            domain = ["|", *domain, *code_domain] if domain else code_domain
        return self.env["res.partner.industry"].search(domain, limit=1)

    # What changes ---------------------------------------------------------------------------------------------------
    def _kk_brreg_diff(self, values):
        """``[(field name, label, current, new)]`` for the values that differ from this partner.

        On an empty recordset (a customer still to be created) every value is a change from nothing. Only the
        register's fields count (``BRREG_FIELDS``), in that order.
        """
        partner = self[:1]
        Readable = self.env["kundekartotek.readable"]
        diff = []
        for name in BRREG_FIELDS:
            if name not in values or name not in self._fields:
                continue
            new, field = values[name], self._fields[name]
            current = partner[name] if partner else None
            if field.type == "many2one":
                new = self.env[field.comodel_name].browse(new or [])
                same = current == new
            elif field.type == "boolean":
                same = bool(current) == bool(new)
            elif field.type == "selection":
                same = (current or False) == (new or False)
            else:
                # The register writes names and towns in capitals: "Nordlys Elektro AS" is no change.
                same = (current or "").casefold() == (new or "").casefold()
            if partner and same:
                continue
            old_text = Readable._kk_text(field, current) if partner else ""
            new_text = Readable._kk_text(field, new)
            label = self._kk_brreg_labels().get(name) or field._description_string(self.env)
            diff.append((name, label, old_text or "", new_text or ""))
        return diff

    @api.model
    def _kk_brreg_labels(self):
        """Labels as the customer card shows them, where core's field string says something else."""
        return {"company_registry": _("Organisation number"), "website": _("Website")}

    @api.model
    def _kk_brreg_diff_html(self, diff):
        """The changes as an HTML table (field, now, from the register); values are escaped."""
        rows = Markup("").join(
            Markup("<tr><td>%s</td><td>%s</td><td><strong>%s</strong></td></tr>") % (label, old, new)
            for _name, label, old, new in diff
        )
        return Markup(
            '<table class="table table-sm mb-0"><thead><tr><th>%s</th><th>%s</th><th>%s</th></tr></thead>'
            "<tbody>%s</tbody></table>"
        ) % (_("Field"), _("Now"), _("From the register"), rows)

    # Writing --------------------------------------------------------------------------------------------------------
    def _kk_brreg_write(self, values):
        """Write the register's values that differ, and note old and new values in the chatter."""
        self.ensure_one()
        diff = self._kk_brreg_diff(values)
        if not diff:
            return diff
        # The diff holds register fields only (BRREG_FIELDS): nothing else of ``values`` reaches the card.
        with brreg_queue_suspended(self.env):
            self.write({name: values[name] for name, *_texts in diff})
        self.message_post(
            body=Markup("<p>%s</p>") % _("Updated from the Brønnøysund register:") + self._kk_brreg_diff_html(diff),
            subtype_xmlid="mail.mt_note",
        )
        return diff

    def _kk_brreg_add_subunits(self, subunits):
        """Delivery addresses for the register's sub-units of this company; a sub-unit already added is updated.

        The sub-unit's number is kept in ``brreg_subunit_orgnr``: ``company_registry`` is a commercial field that
        Odoo copies from the company to all its addresses.
        """
        self.ensure_one()
        existing = {child.brreg_subunit_orgnr: child for child in self.child_ids if child.brreg_subunit_orgnr}
        for subunit in subunits:
            if subunit.deleted_on:
                continue
            vals = dict(self._kk_brreg_address_values(subunit), name=subunit.name)
            child = existing.get(subunit.orgnr)
            if child:
                child.write(vals)
            else:
                existing[subunit.orgnr] = self.create(
                    dict(vals, parent_id=self.id, type="delivery", brreg_subunit_orgnr=subunit.orgnr)
                )

    def _kk_brreg_company(self):
        self.ensure_one()
        return self.company_id or self.env.company

    def _kk_brreg_queue(self):
        """Queue a register check of the Norwegian companies among these partners; no network here.

        Saving must never wait for, or fail because of, the register: the queue cron does the look-up.
        """
        to_queue = self.filtered(
            lambda p: p.commercial_partner_id == p
            and p._kk_is_norwegian()
            and p._kk_brreg_company().kk_brreg_enrichment != "off"
        )
        if to_queue:
            to_queue.write({"brreg_state": "queued", "brreg_retry_count": 0, "brreg_checked_at": False})

    def _kk_brreg_process_unit(self, unit):
        """Bring this customer in line with a fresh unit, as its company's enrichment mode says, and flag its status.

        Automatic: write the values. Suggest: keep them as a proposal shown on the card. Off: only record whether
        the register differs. The status (bankruptcy, winding-up, deletion) is always recorded.
        """
        self.ensure_one()
        mode = self._kk_brreg_company().kk_brreg_enrichment
        values = self._kk_brreg_values(unit)
        if unit.deleted_on:
            # A deleted unit answers with its name and form only: nothing to take over, only the status.
            values = {}
        vals = {"brreg_checked_at": fields.Datetime.now(), "brreg_retry_count": 0, "brreg_state": "ok"}
        diff = self._kk_brreg_diff(values)
        if diff and mode == "automatic":
            self._kk_brreg_write(values)
            vals["brreg_suggestion"] = False
        elif diff and mode == "suggest":
            vals.update(brreg_state="changed", brreg_suggestion=values)
        elif diff:
            vals["brreg_state"] = "changed"
        else:
            vals["brreg_suggestion"] = False
        with register_writes(self.env):
            self.write(vals)
        self._kk_brreg_flag(unit)

    def _kk_brreg_mark_failure(self, error):
        """Record a look-up that gave no unit: final for 404/410/400, a retry for an unavailable register."""
        now = fields.Datetime.now()
        for partner in self:
            if error.kind == ERROR_NOT_FOUND:
                vals = {"brreg_state": "not_found"}
            elif error.kind == ERROR_REMOVED:
                vals = {"brreg_state": "removed"}
            elif error.kind == ERROR_BAD_REQUEST:
                vals = {"brreg_state": "error"}
            else:
                retries = partner.brreg_retry_count + 1
                vals = {"brreg_retry_count": retries}
                if partner.brreg_state == "queued" and retries >= MAX_RETRIES:
                    vals["brreg_state"] = "error"
            partner.write(dict(vals, brreg_checked_at=now))

    def _kk_brreg_flag(self, unit):
        """Record the unit's status; on a new bankruptcy, winding-up or deletion make the customer a risk.

        Idempotent: only a change of status is an event, so a second run with the same answer posts nothing and
        schedules no second activity.
        """
        status = brreg_status_of(unit)
        for partner in self:
            if partner.brreg_status == status:
                continue
            vals = {"brreg_status": status}
            is_event = status in RISK_STATUSES
            if is_event:
                vals["payment_class"] = "risk"
            partner.write(vals)
            block = is_event and partner._kk_brreg_company().kk_brreg_block_credit_on_risk
            if block and "credit_policy" in partner._fields:
                # sudo: the register's event decides, not the user who applied it (only managers set a policy).
                partner.sudo().credit_policy = "block"
            if is_event:
                partner._kk_brreg_notify_risk(status)

    def _kk_brreg_notify_risk(self, status):
        """Tell the people in charge: a chatter note and one to-do activity for the customer's salesperson."""
        self.ensure_one()
        label = dict(BRREG_STATUSES)[status]
        label = dict(self._fields["brreg_status"]._description_selection(self.env)).get(status, label)
        summary = _("Brønnøysund: %(status)s", status=label)
        note = _(
            "The Brønnøysund register reports %(partner)s (%(orgnr)s) as: %(status)s. Its payment class is now "
            "Risk. Check open invoices and orders.",
            partner=self.display_name,
            orgnr=self.company_registry,
            status=label,
        )
        self.message_post(body=note, subtype_xmlid="mail.mt_note")
        todo = self.env.ref("mail.mail_activity_data_todo")
        if self.activity_ids.filtered(lambda a: a.activity_type_id == todo and a.summary == summary):
            return
        user = self.user_id or self.env.ref("base.user_admin", raise_if_not_found=False) or self.env.user
        self.activity_schedule("mail.mail_activity_data_todo", summary=summary, note=note, user_id=user.id)

    @api.model
    def _kk_brreg_customer_domain(self):
        """Customers the register watches: commercial partners that are customers and have an orgnr."""
        return [("company_registry", "!=", False), ("customer_rank", ">", 0), ("parent_id", "=", False)]

    # Cron -------------------------------------------------------------------------------------------------------
    @api.model
    def _cron_brreg_process_queue(self, batch_size=50):
        """Check one batch of queued partners in the register (cron, every 15 minutes).

        No ``cr.commit()`` here: the batch reports its progress through Odoo 18's cron progress API, and the cron
        runner commits after each call and calls again at once while partners remain, so each batch is its own
        transaction. A partner whose try failed is not tried again before ``RETRY_DELAY``. The batch is locked
        when it is picked, so two runs at once (several workers or servers) never check the same partner.
        """
        domain = [
            ("brreg_state", "=", "queued"),
            "|",
            ("brreg_checked_at", "=", False),
            ("brreg_checked_at", "<", fields.Datetime.now() - RETRY_DELAY),
        ]
        # Locked as they are picked: another run at the same moment takes the next partners (res_partner_batch.py).
        partners = self._kk_claim_batch(domain, batch_size)
        done = partners._kk_brreg_check(self._kk_brreg_client()) if partners else partners
        # While the register is down, report nothing left: the runner would otherwise call again at once; the
        # next run in 15 minutes tries again.
        remaining = self.search_count(domain) if done == partners else 0
        _logger.info("Brønnøysund queue: %s partners checked, %s waiting", len(done), remaining)
        self.env["ir.cron"]._notify_progress(done=len(done), remaining=remaining)

    def _kk_brreg_check(self, client):
        """Look each partner up and process the answer.

        Returns the partners done before the register became unavailable: the caller stops there and resumes later.
        """
        done = self.browse()
        for partner in self:
            try:
                unit = client.get_unit(compact_orgnr(partner.company_registry))
            except BrregError as error:
                partner._kk_brreg_mark_failure(error)
                if error.kind == ERROR_UNAVAILABLE:
                    return done
            else:
                partner._kk_brreg_process_unit(unit)
            done |= partner
        return done
