# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).

import psycopg2

from odoo import Command, _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, mute_logger

from ..lib.identifiers import InvalidIdentifier, validate_fodselsnummer, validate_orgnr
from ..models.res_partner_brreg import register_writes
from ..models.res_partner_merge import merge_writes
from ..models.res_partner_risk import risk_writes

# Fields the value lines never offer: the merge itself decides them (hierarchy, archive state, ranks that core
# sums, the company that must be the same, the merge's own record, the register's suggestion).
NO_CHOICE_FIELDS = {
    "id",
    "parent_id",
    "active",
    "customer_rank",
    "supplier_rank",
    "company_id",
    "kk_former_identifiers",
    "brreg_suggestion",
    "create_uid",
    "create_date",
    "write_uid",
    "write_date",
}
# The clashes a merge resolved (cursor cache: nested savepoints clear the transaction's data), for its chatter note.
CLASHES = "kundekartotek.merge.clashes"
MERGED = "kundekartotek.merge.identifiers"


class BasePartnerMergeAutomaticWizard(models.TransientModel):
    _inherit = "base.partner.merge.automatic.wizard"

    kk_field_line_ids = fields.One2many(
        "kundekartotek.merge.field",
        "wizard_id",
        string="Values to keep",
        compute="_compute_kk_field_line_ids",
        store=True,
        readonly=False,
    )
    kk_identity_conflict = fields.Text(
        string="Identifier conflict",
        compute="_compute_kk_identity_conflict",
        help="The customers have different valid organisation numbers or national identity numbers.",
    )
    kk_reason = fields.Text(
        string="Reason",
        help="Why customers with different valid organisation numbers or national identity numbers are one customer. "
        "Logged on the customer that remains.",
    )

    @api.depends("partner_ids", "dst_partner_id")
    def _compute_kk_field_line_ids(self):
        for wizard in self:
            partners = wizard.partner_ids._origin
            survivor = wizard.dst_partner_id._origin
            commands = [Command.clear()]
            if len(partners) >= 2 and survivor in partners:
                sources = partners - survivor
                for name, label in wizard._kk_choice_fields(partners):
                    keep = wizard._kk_default_keep(name, sources, survivor)
                    candidates = "\n".join(
                        f"{partner.display_name} (#{partner.id}): {wizard._kk_show(partner, name)}"
                        for partner in partners
                    )
                    commands.append(
                        Command.create(
                            {"field_name": name, "field_label": label, "candidates": candidates, "partner_id": keep.id}
                        )
                    )
            wizard.kk_field_line_ids = commands

    @api.depends("partner_ids")
    def _compute_kk_identity_conflict(self):
        for wizard in self:
            wizard.kk_identity_conflict = wizard._kk_identity_conflict(wizard.partner_ids._origin) or False

    # ------------------------------------------------------------------
    # Checks
    # ------------------------------------------------------------------

    @api.model
    def _kk_check_may_merge(self):
        """Only Kundekartotek managers merge customers: a merge moves accounting and cannot be undone.

        Core lets every contact creator open the wizard; the check sits here, in the one private method every merge
        path runs (the form's button, the automatic processes), so no public method and no context key skips it.
        """
        if self.env.su or self.env.user.has_group("kundekartotek.group_manager"):
            return
        raise AccessError(_("Only a Kundekartotek manager may merge customers."))

    @api.model
    def _kk_identity_conflict(self, partners):
        """Say which identifiers differ, or return an empty string: different valid organisation numbers or
        fødselsnumre mean different legal persons, which only a manager's reason may merge. Numbers are never
        repeated (a fødselsnummer must not reach a message); invalid numbers are typing errors, not identities."""
        problems = []
        orgnrs = set()
        for number in partners.mapped("company_registry"):
            try:
                orgnrs.add(validate_orgnr(number))
            except InvalidIdentifier:
                continue
        if len(orgnrs) > 1:
            problems.append(_("The customers have %(count)s different organisation numbers.", count=len(orgnrs)))
        if "fodselsnummer" in partners._fields:
            personal = set()
            # sudo: read as superuser: the merge must see the numbers it would otherwise mix, without showing them.
            for number in partners.sudo().mapped("fodselsnummer"):
                try:
                    personal.add(validate_fodselsnummer(number))
                except InvalidIdentifier:
                    continue
            if len(personal) > 1:
                problems.append(
                    _("The customers have %(count)s different national identity numbers.", count=len(personal))
                )
        return " ".join(problems)

    def _kk_check_merge(self, partners):
        """Refuse customers of different companies, and different identities without a reason."""
        if len(set(partners.mapped(lambda partner: partner.company_id.id))) > 1:
            raise UserError(
                _(
                    "Customers of different companies cannot be merged: %(customers)s.",
                    customers=", ".join(f"{p.display_name} ({p.company_id.name or _('shared')})" for p in partners),
                )
            )
        conflict = self._kk_identity_conflict(partners)
        if conflict and not (self and (self.kk_reason or "").strip()):
            raise UserError(_("%(conflict)s Give a reason to merge them anyway.", conflict=conflict))
        return conflict

    # ------------------------------------------------------------------
    # Value lines
    # ------------------------------------------------------------------

    @api.model
    def _kk_choice_fields(self, partners):
        """(name, label) of the fields, visible to the user, on which the partners differ and which core copies."""
        described = partners.fields_get(attributes=["string", "type"])
        result = []
        for name, description in described.items():
            field = partners._fields[name]
            if (
                name in NO_CHOICE_FIELDS
                or not field.store
                or (field.compute and not field.company_dependent)
                or field.type in ("one2many", "many2many", "binary", "reference", "json", "properties")
                or name.startswith(("message_", "activity_"))
            ):
                continue
            values = {self._kk_value(partner, name) for partner in partners}
            if len(values) > 1:
                result.append((name, description["string"]))
        return sorted(result, key=lambda item: item[1])

    @staticmethod
    def _kk_value(partner, name):
        value = partner[name]
        if isinstance(value, models.BaseModel):
            return value.id
        return value or False

    @api.model
    def _kk_default_keep(self, name, sources, survivor):
        """The survivor's value; when it has none, the value core would take (the last source that has one)."""
        if survivor[name]:
            return survivor
        for source in reversed(sources):
            if source[name]:
                return source
        return survivor

    @api.model
    def _kk_show(self, partner, name):
        field = partner._fields[name]
        value = partner[name]
        if field.type == "boolean":
            return _("Yes") if value else _("No")
        if not value:
            return "-"
        if field.type == "many2one":
            return value.display_name
        if field.type == "selection":
            return dict(field._description_selection(partner.env)).get(value, value)
        return str(value)

    def _kk_chosen_values(self, src_partners, dst_partner):
        """The values the survivor keeps, read before anything moves: the lines' choices, and the customer number
        (always decided here, because the sources' numbers are freed before the survivor may take one)."""
        partners = src_partners | dst_partner
        chosen = {}
        for line in self.kk_field_line_ids if self else []:
            if line.partner_id in partners and line.field_name in partners._fields:
                chosen[line.field_name] = line.partner_id
        chosen.setdefault("ref", self._kk_default_keep("ref", src_partners, dst_partner))
        return {name: self._kk_value(partner, name) for name, partner in chosen.items()}

    # ------------------------------------------------------------------
    # The merge
    # ------------------------------------------------------------------

    def _merge(self, partner_ids, dst_partner=None, extra_checks=True):
        """Merge ``partner_ids`` into ``dst_partner`` (or core's choice), all or nothing.

        Replaces core's: no limit of three customers (a manager merges a cluster at once), no same-e-mail rule
        (the value lines choose the e-mail), but customers of one company only and different identities only with a
        reason. Everything runs in a savepoint: a failure anywhere leaves customers, documents and the audit trail
        as they were, also inside a caller's larger transaction.
        """
        self._kk_check_may_merge()
        Partner = self.env["res.partner"]
        partners = Partner.browse(partner_ids).exists()
        if len(partners) < 2:
            return
        # The customers are the caller's to change (record rules, companies): parts of the merge write as superuser.
        partners.check_access("write")
        children = Partner.browse()
        for partner in partners:
            children |= Partner.search([("id", "child_of", partner.ids)]) - partner
        if partners & children:
            raise UserError(_("You cannot merge a contact with one of his parent."))
        if len(partners.with_context(active_test=False).user_ids) > 1:
            raise UserError(_("You cannot merge contacts linked to more than one user even if only one is active."))
        conflict = self._kk_check_merge(partners)
        if not (dst_partner and dst_partner in partners):
            dst_partner = self._get_ordered_partner(partners.ids)[-1]
        src_partners = partners - dst_partner
        # A flushing savepoint: entering it writes what the transaction queued (audit entries of earlier changes,
        # while their customers still exist); leaving it on an error rolls back the rows and drops what the merge
        # queued, so a failed merge leaves no trace in customers, documents or the trail.
        self.env.cr.cache[CLASHES] = []
        try:
            with self.env.cr.savepoint():
                self._kk_merge_steps(src_partners, dst_partner, conflict)
        finally:
            self.env.cr.cache.pop(CLASHES, None)
            self.env.cr.cache.pop(MERGED, None)

    def _kk_merge_steps(self, src_partners, dst_partner, conflict):
        """Core's steps, in core's order, with the register's additions."""
        chosen = self._kk_chosen_values(src_partners, dst_partner)
        own_ref, own_line = dst_partner.ref, dst_partner._kk_identifier_line()
        self.env.cr.cache[MERGED] = [source._kk_identifier_line() for source in src_partners]
        identifiers = [*self.env.cr.cache[MERGED]] + [
            line for source in src_partners for line in (source.kk_former_identifiers or "").splitlines()
        ]
        if dst_partner.company_id:
            # sudo: core does the same; manager and write right on the customers checked in _merge
            src_partners.mapped("user_ids").sudo().write(
                {"company_ids": [Command.link(dst_partner.company_id.id)], "company_id": dst_partner.company_id.id}
            )
        self._kk_log_merge(src_partners, dst_partner, conflict)
        self._merge_bank_accounts(src_partners, dst_partner)
        self._kk_merge_duplicate_pairs(src_partners, dst_partner)
        self._update_foreign_keys(src_partners, dst_partner)
        self._update_reference_fields(src_partners, dst_partner)
        # The sources' customer numbers are freed (they are deleted below and recorded as former identifiers), so
        # the survivor may keep one of them without hitting the unique index.
        self.env.flush_all()
        self.env.cr.execute(SQL("UPDATE res_partner SET ref = NULL WHERE id IN %s", tuple(src_partners.ids)))
        self.env.invalidate_all()
        self._update_values(src_partners, dst_partner)
        self._kk_apply_chosen(dst_partner, chosen)
        if own_ref and dst_partner.ref != own_ref:
            # The survivor took a source's number: its own number becomes a former identifier too.
            identifiers.insert(0, own_line)
        with merge_writes(self.env):
            former = [*(dst_partner.kk_former_identifiers or "").splitlines(), *identifiers]
            # sudo: former identifiers are written by the merge only; checked in _merge
            dst_partner.sudo().write({"kk_former_identifiers": "\n".join(dict.fromkeys(former))})
        self.env.add_to_compute(dst_partner._fields["partner_share"], dst_partner)
        self._kk_recompute_related(dst_partner)
        self._log_merge_operation(src_partners, dst_partner)
        src_partners.unlink()
        self.env.flush_all()

    @api.model
    def _kk_merge_duplicate_pairs(self, src_partners, dst_partner):
        """Move the possible-duplicate pairs of the sources to the survivor before the generic move of references.

        A pair is stored once, lower id first: moving ``partner_b_id`` of the pair being merged onto the survivor
        gave (survivor, survivor), which the table's check refuses, so merging from the duplicates list always
        failed. Pairs among the merged customers are settled by the merge and go; a source's pair with another
        customer becomes the survivor's pair, ordered, unless the survivor already has one with that customer
        (which is kept, with its decision).
        """
        merged = (src_partners | dst_partner).ids
        # sudo: only the pairs of the customers being merged, by a manager whose right _merge checked first
        Pair = self.env["kundekartotek.duplicate.pair"].sudo()
        Pair.flush_model()
        cr = self.env.cr
        cr.execute(
            SQL(
                "DELETE FROM kundekartotek_duplicate_pair WHERE partner_a_id IN %(ids)s AND partner_b_id IN %(ids)s",
                ids=tuple(merged),
            )
        )
        cr.execute(
            SQL(
                """SELECT id, CASE WHEN partner_a_id IN %(src)s THEN partner_b_id ELSE partner_a_id END
                     FROM kundekartotek_duplicate_pair
                    WHERE partner_a_id IN %(src)s OR partner_b_id IN %(src)s
                    ORDER BY id""",
                src=tuple(src_partners.ids),
            )
        )
        moves = cr.fetchall()
        if moves:
            cr.execute(
                SQL(
                    """SELECT CASE WHEN partner_a_id = %(dst)s THEN partner_b_id ELSE partner_a_id END
                         FROM kundekartotek_duplicate_pair
                        WHERE partner_a_id = %(dst)s OR partner_b_id = %(dst)s""",
                    dst=dst_partner.id,
                )
            )
            paired = {other for (other,) in cr.fetchall()}
            for pair_id, other in moves:
                if other in paired:
                    cr.execute(SQL("DELETE FROM kundekartotek_duplicate_pair WHERE id = %s", pair_id))
                    continue
                paired.add(other)
                cr.execute(
                    SQL(
                        "UPDATE kundekartotek_duplicate_pair SET partner_a_id = %s, partner_b_id = %s WHERE id = %s",
                        min(other, dst_partner.id),
                        max(other, dst_partner.id),
                        pair_id,
                    )
                )
        Pair.invalidate_model()

    def _kk_apply_chosen(self, dst_partner, chosen):
        values = {name: value for name, value in chosen.items() if self._kk_value(dst_partner, name) != value}
        if values:
            with register_writes(self.env):
                dst_partner.write(values)

    @api.model
    def _kk_recompute_related(self, dst_partner):
        """Stored fields computed from records that point at the customer (consent history, …): their rows were
        moved in SQL, which the ORM does not see, so the survivor's values are recomputed from the merged rows."""
        for field in dst_partner._fields.values():
            if not (field.store and field.compute) or field.readonly is False:
                continue
            first = {path.split(".")[0] for path in field.get_depends(dst_partner)[0]}
            if any(
                dst_partner._fields[name].type in ("one2many", "many2many")
                for name in first
                if name in dst_partner._fields
            ):
                self.env.add_to_compute(field, dst_partner)

    def _kk_log_merge(self, src_partners, dst_partner, conflict):
        """The merge in the audit trail, before the sources' links move and the sources are deleted.

        Core's merge ends by deleting the sources, which the trail records as deletions; without a merge entry
        nobody could tell later that a deleted customer lives on in another. Every entry points to the customer
        that remains, so the card of that customer shows where its history came from; the verification of the
        chain reads these entries (``res_id`` merged into ``logged_partner``) to accept the moved links.
        """
        describe = "{} [{}] [{}] (#{})".format
        reason = (self.kk_reason or "").strip() if self and conflict else ""
        entries = [
            {
                "res_model": "res.partner",
                "res_id": source.id,
                "partner_id": dst_partner.id,
                "record_name": source.display_name,
                "action": "merge",
                "old_value": describe(source.display_name, source.ref or "", source.company_registry or "", source.id),
                "new_value": describe(
                    dst_partner.display_name, dst_partner.ref or "", dst_partner.company_registry or "", dst_partner.id
                ),
            }
            for source in src_partners
        ]
        survivor = {
            "res_model": "res.partner",
            "res_id": dst_partner.id,
            "partner_id": dst_partner.id,
            "record_name": dst_partner.display_name,
            "action": "merge",
            "old_value": ", ".join(
                describe(p.display_name, p.ref or "", p.company_registry or "", p.id) for p in src_partners
            ),
            "new_value": describe(
                dst_partner.display_name, dst_partner.ref or "", dst_partner.company_registry or "", dst_partner.id
            ),
        }
        if reason:
            survivor.update(
                field_name="kk_reason",
                field_label=_("Reason"),
                new_value=f"{survivor['new_value']}\n{conflict} {reason}",
            )
        self.env["kundekartotek.audit.log"]._kk_append([*entries, survivor])

    @api.model
    def _update_reference_fields(self, src_partners, dst_partner):
        """Core moves the followers of the sources' own cards with one write and, when someone follows both
        cards, deletes every follower of the source card. The shared followers are merged first (one follower
        of the survivor's card with the subtypes of both), so core's write no longer clashes."""
        self.env.flush_all()
        for source in src_partners:
            self.env.cr.execute(
                SQL(
                    "SELECT s.id, d.id FROM mail_followers s JOIN mail_followers d ON d.res_model = s.res_model"
                    " AND d.res_id = %s AND d.partner_id = s.partner_id"
                    " WHERE s.res_model = 'res.partner' AND s.res_id = %s ORDER BY s.id",
                    dst_partner.id,
                    source.id,
                )
            )
            pairs = self.env.cr.fetchall()
            if pairs:
                self._kk_merge_clash_mail_followers(pairs)
        self.env.invalidate_all()
        return super()._update_reference_fields(src_partners, dst_partner)

    def _update_values(self, src_partners, dst_partner):
        """Core copies every stored field of the sources, the register's suggestion and the risk scores too, which
        only the register check and the scoring may write: the merge carries them over like the other fields.
        Fields the user may not read (the fødselsnummer) are left out by core's ``fields_get``; they are carried as
        core carries the others."""
        with register_writes(self.env), risk_writes(self.env), merge_writes(self.env):
            res = super()._update_values(src_partners, dst_partner)
            visible = dst_partner.fields_get(attributes=["type"])
            values = {}
            for name, field in dst_partner._fields.items():
                if name in visible or not field.store or field.compute or field.type in ("one2many", "many2many"):
                    continue
                # sudo: fields the user may not read are carried over too; manager and write right checked in _merge
                keep = self._kk_default_keep(name, src_partners.sudo(), dst_partner.sudo())
                if keep != dst_partner:
                    # sudo: as above
                    values[name] = self._kk_value(keep.sudo(), name)
            if values:
                # sudo: as above
                dst_partner.sudo().write(values)
        return res

    def _log_merge_operation(self, src_partners, dst_partner):
        """Core (mail) posts the merged names; the register adds their identifiers, the reason and the clashes."""
        res = super()._log_merge_operation(src_partners, dst_partner)
        merged = self.env.cr.cache.get(MERGED) or [p._kk_identifier_line() for p in src_partners]
        lines = [_("Merged customers: %(list)s", list="; ".join(merged))]
        if self and self.kk_reason and self._kk_identity_conflict(src_partners | dst_partner):
            lines.append(_("Reason: %(reason)s", reason=self.kk_reason.strip()))
        lines.extend(self.env.cr.cache.get(CLASHES) or [])
        dst_partner.message_post(body="\n".join(lines), message_type="comment", subtype_xmlid="mail.mt_note")
        return res

    # ------------------------------------------------------------------
    # Unique-constraint clashes
    # ------------------------------------------------------------------

    @api.model
    def _merge_bank_accounts(self, src_partners, dst_partner):
        """Core's bank merge sees active accounts only: an archived account of the survivor with the same number
        made the move fail. Every account is matched here; references to a duplicate go to the survivor's row."""
        Bank = self.env["res.partner.bank"].with_context(active_test=False)
        for account in Bank.search([("partner_id", "in", src_partners.ids)], order="id"):
            twin = Bank.search(
                [("partner_id", "=", dst_partner.id), ("sanitized_acc_number", "=", account.sanitized_acc_number)],
                limit=1,
            )
            if twin:
                self._kk_merge_bank_rows(account, twin)
            else:
                account.write({"partner_id": dst_partner.id})

    def _kk_merge_bank_rows(self, account, twin):
        """One bank account under two customers: every reference moves to the survivor's row, then the duplicate
        row goes (it holds nothing the survivor's row does not)."""
        if account.active and not twin.active:
            twin.active = True
        self._update_foreign_keys_generic("res.partner.bank", account, twin)
        self._update_reference_fields_generic("res.partner.bank", account, twin)
        self.env.flush_all()
        self.env.cr.execute(SQL("DELETE FROM res_partner_bank WHERE id = %s", account.id))
        self.env.invalidate_all()
        self._kk_clash_note(
            _("Bank account %(number)s was on both customers: kept once, references moved.", number=twin.acc_number)
        )

    def _kk_clash_note(self, text):
        notes = self.env.cr.cache.get(CLASHES)
        if notes is not None and text not in notes:
            notes.append(text)

    @api.model
    def _update_foreign_keys_generic(self, model, src_records, dst_record):
        """Core's move of every foreign key, without its silent deletions.

        Core updates each table in one statement and, when a unique constraint refuses, deletes every row of the
        sources in that table (a follower clash on one document dropped the source's follows of all documents).
        Here each unique key that holds the column is checked first: rows that would clash are merged with the
        survivor's row by a method per table (``_kk_merge_clash_<table>``); a clash in a table without one refuses
        the merge, naming the table. Relation tables of two columns keep core's treatment (a link held by both is
        kept once).
        """
        if model not in ("res.partner", "res.partner.bank"):
            return super()._update_foreign_keys_generic(model, src_records, dst_record)
        cr = self.env.cr
        self.env.flush_all()
        self.env.invalidate_all()
        for table, column in self._get_fk_on(self.env[model]._table):
            if "base_partner_merge_" in table:
                continue
            cr.execute(SQL("SELECT column_name FROM information_schema.columns WHERE table_name = %s", table))
            others = [name for (name,) in cr.fetchall() if name != column]
            keys = self._kk_unique_keys(table, column) if len(others) > 1 else []
            for source in src_records:
                if len(others) <= 1:
                    cr.execute(
                        SQL(
                            "UPDATE %(table)s AS tu SET %(column)s = %(dst)s WHERE %(column)s = %(src)s AND NOT EXISTS"
                            " (SELECT 1 FROM %(table)s AS tw WHERE tw.%(column)s = %(dst)s"
                            " AND tw.%(other)s = tu.%(other)s)",
                            table=SQL.identifier(table),
                            column=SQL.identifier(column),
                            other=SQL.identifier(others[0]),
                            dst=dst_record.id,
                            src=source.id,
                        )
                    )
                    continue
                for key in keys:
                    self._kk_resolve_clashes(table, column, key, source.id, dst_record.id)
                try:
                    with mute_logger("odoo.sql_db"), cr.savepoint(flush=False):
                        cr.execute(
                            SQL(
                                "UPDATE %s SET %s = %s WHERE %s = %s",
                                SQL.identifier(table),
                                SQL.identifier(column),
                                dst_record.id,
                                SQL.identifier(column),
                                source.id,
                            )
                        )
                except psycopg2.IntegrityError as error:
                    raise UserError(
                        _(
                            "The customers cannot be merged: their rows in %(table)s clash and cannot be merged "
                            "automatically. Nothing was changed.",
                            table=table,
                        )
                    ) from error
        self.env.invalidate_all()

    @api.model
    def _kk_unique_keys(self, table, column):
        """The column lists of the unique indexes of ``table`` that hold ``column`` (expressions left out)."""
        self.env.cr.execute(
            SQL(
                """
                SELECT array_agg(att.attname ORDER BY key.ord)
                  FROM pg_index idx
                  JOIN pg_class cls ON cls.oid = idx.indrelid
                  CROSS JOIN LATERAL unnest(idx.indkey) WITH ORDINALITY AS key(attnum, ord)
                  JOIN pg_attribute att ON att.attrelid = cls.oid AND att.attnum = key.attnum
                 WHERE cls.relname = %s AND idx.indisunique AND NOT idx.indisprimary AND NOT 0 = ANY(idx.indkey)
                 GROUP BY idx.indexrelid
                HAVING %s = ANY(array_agg(att.attname))
                """,
                table,
                column,
            )
        )
        return [names for (names,) in self.env.cr.fetchall()]

    def _kk_resolve_clashes(self, table, column, key, src_id, dst_id):
        """Find the rows of the source that would clash with a row of the survivor on ``key``; merge each pair."""
        same = [SQL("s.%s = d.%s", SQL.identifier(name), SQL.identifier(name)) for name in key if name != column]
        self.env.cr.execute(
            SQL(
                "SELECT s.id, d.id FROM %(table)s s JOIN %(table)s d ON d.%(column)s = %(dst)s %(same)s"
                " WHERE s.%(column)s = %(src)s ORDER BY s.id",
                table=SQL.identifier(table),
                column=SQL.identifier(column),
                dst=dst_id,
                src=src_id,
                same=SQL("").join(SQL(" AND %s", condition) for condition in same),
            )
        )
        pairs = self.env.cr.fetchall()
        if not pairs:
            return
        handler = getattr(self, f"_kk_merge_clash_{table}", None)
        if handler is None:
            raise UserError(
                _(
                    "The customers cannot be merged: both have rows in %(table)s that may exist only once, and the "
                    "merge does not know how to combine them. Nothing was changed.",
                    table=table,
                )
            )
        handler(pairs)

    def _kk_delete_rows(self, table, ids):
        self.env.cr.execute(SQL("DELETE FROM %s WHERE id IN %s", SQL.identifier(table), tuple(ids)))

    def _kk_merge_clash_mail_followers(self, pairs):
        """Both followed the same document: one follower remains, with the subtypes of both."""
        for source, survivor in pairs:
            self.env.cr.execute(
                SQL(
                    "INSERT INTO mail_followers_mail_message_subtype_rel (mail_followers_id, mail_message_subtype_id)"
                    " SELECT %s, mail_message_subtype_id FROM mail_followers_mail_message_subtype_rel"
                    " WHERE mail_followers_id = %s ON CONFLICT DO NOTHING",
                    survivor,
                    source,
                )
            )
        self._kk_delete_rows("mail_followers", [source for source, _survivor in pairs])
        self._kk_clash_note(_("Documents followed by both customers: followed once, subtypes of both."))

    def _kk_merge_clash_mail_notification(self, pairs):
        """The same message notified to both: the survivor's notification stands for both."""
        self._kk_delete_rows("mail_notification", [source for source, _survivor in pairs])
        self._kk_clash_note(_("Messages notified to both customers: one notification kept."))

    def _kk_merge_clash_discuss_channel_member(self, pairs):
        """Both were members of the same channel: the survivor's membership stays."""
        self._kk_delete_rows("discuss_channel_member", [source for source, _survivor in pairs])
        self._kk_clash_note(_("Channels both customers were members of: one membership kept."))

    def _kk_merge_clash_mail_message_reaction(self, pairs):
        """The same reaction to the same message by both: an identical row, kept once."""
        self._kk_delete_rows("mail_message_reaction", [source for source, _survivor in pairs])

    def _kk_merge_clash_res_users_settings_volumes(self, pairs):
        """Call volume settings of one user for both: the survivor's setting stays."""
        self._kk_delete_rows("res_users_settings_volumes", [source for source, _survivor in pairs])

    def _kk_merge_clash_res_partner_bank(self, pairs):
        """The same account number on both (when core's bank merge did not see it): references move first."""
        Bank = self.env["res.partner.bank"].with_context(active_test=False)
        for source, survivor in pairs:
            self._kk_merge_bank_rows(Bank.browse(source), Bank.browse(survivor))

    def _kk_merge_clash_kundekartotek_reminder(self, pairs):
        """Both were reminded on the same day by the same channel: one reminder of the survivor, covering the
        items, amounts and invoices of both (the register keeps one reminder per customer, day and channel)."""
        cr = self.env.cr
        for source, survivor in pairs:
            cr.execute(
                SQL(
                    """
                    UPDATE kundekartotek_reminder AS d
                       SET amount = COALESCE(d.amount, 0) + COALESCE(s.amount, 0),
                           level = GREATEST(d.level, s.level),
                           payment_deadline = LEAST(d.payment_deadline, s.payment_deadline),
                           invoice_refs = NULLIF(CONCAT_WS(', ', d.invoice_refs, s.invoice_refs), ''),
                           note = NULLIF(CONCAT_WS(E'\n', d.note, s.note), '')
                      FROM kundekartotek_reminder AS s
                     WHERE d.id = %s AND s.id = %s
                    """,
                    survivor,
                    source,
                )
            )
            cr.execute(
                SQL(
                    "INSERT INTO kundekartotek_reminder_move_line_rel (reminder_id, move_line_id)"
                    " SELECT %s, move_line_id FROM kundekartotek_reminder_move_line_rel WHERE reminder_id = %s"
                    " ON CONFLICT DO NOTHING",
                    survivor,
                    source,
                )
            )
        self._kk_delete_rows("kundekartotek_reminder", [source for source, _survivor in pairs])
        self._kk_clash_note(_("Reminders sent to both on the same day: combined into one."))

    # ------------------------------------------------------------------
    # Public methods core exposes: the same check, before core does anything
    # ------------------------------------------------------------------

    def action_merge(self):
        self._kk_check_may_merge()
        return super().action_merge()

    def action_start_automatic_process(self):
        self._kk_check_may_merge()
        return super().action_start_automatic_process()

    def action_update_all_process(self):
        self._kk_check_may_merge()
        return super().action_update_all_process()

    def parent_migration_process_cb(self):
        self._kk_check_may_merge()
        return super().parent_migration_process_cb()
