# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).

from odoo import api, fields, models

from .transaction_flags import transaction_flag

# Customer master data recorded in the audit trail unless ir.config_parameter kundekartotek.audit_fields says
# otherwise (a comma-separated list of res.partner field names, or "none" to switch the trail off).
DEFAULT_AUDIT_FIELDS = (
    "name",
    "ref",
    "company_registry",
    "vat",
    "fodselsnummer",
    "street",
    "street2",
    "zip",
    "city",
    "country_id",
    "email",
    "phone",
    "mobile",
    "is_company",
    "parent_id",
    "customer_type",
    "value_tier",
    "payment_class",
    "customer_category_id",
    "credit_limit",
    "credit_policy",
    "discount_percent",
    "property_payment_term_id",
    "property_account_receivable_id",
    "property_account_position_id",
    "property_product_pricelist",
    "mva_registered",
    "bank_ids",
    "user_id",
    "category_id",
    "active",
    "legal_basis",
    "legal_basis_note",
    "kk_tier_locked",
)
MASKED_FIELDS = {"fodselsnummer"}
NOT_CACHED = object()
# A column's empty values as the cache holds them (a many2one holds an id or None).
EMPTY_RAW = (None, False, "", 0)
# Set in the cursor's transaction data (never in the context, which any RPC caller controls) while code that writes
# its own audit event runs, e.g. anonymisation: its field-level entries would copy the erased values into the trail.
AUDIT_SUSPENDED = "kundekartotek.audit.suspended"


def audit_suspended(env):
    """Write partners inside this block without field-level audit entries; the caller logs its own event."""
    return transaction_flag(env, AUDIT_SUSPENDED)


class ResPartner(models.Model):
    _inherit = "res.partner"

    audit_log_count = fields.Integer(compute="_compute_audit_log_count", string="Audit entries")

    def _compute_audit_log_count(self):
        counts = dict(
            self.env["kundekartotek.audit.log"]
            # sudo: a count of entries on cards the caller reads; the entries themselves stay behind the trail's rules
            .sudo()
            ._read_group([("partner_id", "in", self.ids)], ["partner_id"], ["__count"])
        )
        for partner in self:
            partner.audit_log_count = counts.get(partner, 0)

    @api.model
    def _kk_audit_fields(self):
        if self.env.cr.precommit.data.get(AUDIT_SUSPENDED):
            return []
        # sudo: which fields the trail records is a system setting
        param = self.env["ir.config_parameter"].sudo().get_param("kundekartotek.audit_fields")
        if param and param.strip().lower() == "none":
            return []
        names = [name.strip() for name in param.split(",")] if param else DEFAULT_AUDIT_FIELDS
        return [name for name in names if name in self._fields]

    @api.model
    def _kk_audit_is_column(self, name):
        """Whether ``name`` is stored in the partner's own row (read together with the others in one query)."""
        field = self._fields[name]
        return field.store and not field.company_dependent and field.type not in ("one2many", "many2many")

    def _kk_audit_snapshot(self, names, skip_empty=False):
        """Readable values of the audited fields, read as superuser (the trail records what is, not what one sees).

        ``skip_empty``: leave out the fields without a value before formatting it (a creation records only what the
        new partner holds).
        """
        snapshot = {}
        labels = {}  # {field name: {value: label}}: once per field, not once per partner (imports write thousands)
        cache = self.env.cache
        # Columns that are not computed hold their final value in the cache once the partner is created: an empty
        # one (most of a new customer's) is left out without the field's read and formatting.
        raw = {
            name for name in names if skip_empty and self._kk_audit_is_column(name) and not self._fields[name].compute
        }
        # sudo: the trail records what is, not what one sees; the caller is writing these partners
        for partner in self.sudo():
            values = {}
            for name in names:
                field = partner._fields[name]
                if name in raw and cache.get(partner, field, NOT_CACHED) in EMPTY_RAW:
                    continue
                value = partner[name]
                if skip_empty and not value:
                    continue
                if name in MASKED_FIELDS:
                    values[name] = "*****" if value else False
                elif field.type == "many2one":
                    values[name] = value.display_name or False
                elif field.type in ("one2many", "many2many"):
                    values[name] = ", ".join(value.mapped("display_name")) or False
                elif field.type == "selection":
                    if name not in labels:
                        labels[name] = dict(field._description_selection(self.env))
                    values[name] = labels[name].get(value) or False
                else:
                    values[name] = value if value not in (None, "") else False
            snapshot[partner.id] = values
        return snapshot

    def _kk_audit_entries(self, action, before, after):
        entries = []
        for partner in self:
            old, new = before.get(partner.id, {}), after.get(partner.id, {})
            # sudo: the entries' name, for the partner the caller is changing. Its complete name, not its display
            # name: the caller's context (show_address, show_email, ...) must not change what the trail records, and
            # core computes the complete name of a new partner anyway (the display name would be one more computation).
            record_name = partner.sudo().complete_name
            for name in sorted(set(old) | set(new)):
                if old.get(name) == new.get(name) and action == "write":
                    continue
                entries.append(
                    {
                        "res_model": self._name,
                        "res_id": partner.id,
                        "partner_id": partner.id,
                        "record_name": record_name,
                        "action": action,
                        "field_name": name,
                        "field_label": self._fields[name].string,
                        "old_value": "" if old.get(name) is False else str(old.get(name, "")),
                        "new_value": "" if new.get(name) is False else str(new.get(name, "")),
                    }
                )
        return entries

    def _kk_create(self, vals_list):
        partners = super()._kk_create(vals_list)
        given = set().union(*(vals.keys() for vals in vals_list))
        # What the creation was given, and every audited column the new row holds (one read). Values a new partner
        # only inherits from the company's defaults (company dependent fields) or relations nobody sent are not
        # news: reading them would cost several queries per new customer for an entry that says nothing.
        names = [name for name in self._kk_audit_fields() if name in given or self._kk_audit_is_column(name)]
        if not names:
            return partners
        after = partners._kk_audit_snapshot(names, skip_empty=True)
        # A value can still read as empty once formatted (a selection without a label): not news either.
        after = {pid: {k: v for k, v in values.items() if v} for pid, values in after.items()}
        self.env["kundekartotek.audit.log"]._kk_append(partners._kk_audit_entries("create", {}, after))
        return partners

    def write(self, vals):
        names = [name for name in self._kk_audit_fields() if name in vals]
        if not names:
            return super().write(vals)
        before = self._kk_audit_snapshot(names)
        res = super().write(vals)
        after = self._kk_audit_snapshot(names)
        action = "write"
        if names == ["active"]:
            action = "unarchive" if vals["active"] else "archive"
        self.env["kundekartotek.audit.log"]._kk_append(self._kk_audit_entries(action, before, after))
        return res

    def unlink(self):
        entries = [
            {
                "res_model": self._name,
                "res_id": partner.id,
                # sudo: the entry's name, for the partner the caller is changing (see _kk_audit_entries)
                "record_name": partner.sudo().complete_name,
                "action": "unlink",
            }
            for partner in self
        ]
        self.env["kundekartotek.audit.log"]._kk_append(entries)
        return super().unlink()

    def action_kk_open_audit_log(self):
        """The audit trail of this customer, one row per save."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.display_name,
            "res_model": "kundekartotek.audit.save",
            "view_mode": "list,form",
            "domain": [("res_model", "=", "res.partner"), ("res_id", "=", self.id)],
        }
