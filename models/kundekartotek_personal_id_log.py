# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The access log of fødselsnumre, on every model that sends them: partners, and users (``_inherits`` partner)."""

from odoo import api, models
from odoo.models import regex_field_agg
from odoo.osv import expression

PERSONAL_ID_FIELD = "fodselsnummer"


def groups_personal_id(fields, groupby):
    """Whether a ``read_group`` with these specifications sends fødselsnumre: grouped by the field (each group
    carries a number) or aggregated on it (``array_agg``, ``max``, … return numbers, counts are still processing).
    """
    groupby = [groupby] if isinstance(groupby, str) else groupby or []
    if any(spec.split(":")[0] == PERSONAL_ID_FIELD for spec in groupby):
        return True
    for spec in fields or []:
        match = regex_field_agg.match(spec)
        if match:
            name, func, fname = match.groups()
            if fname == PERSONAL_ID_FIELD or (name == PERSONAL_ID_FIELD and func):
                return True
    return False


def grouped_holders(records, groups):
    """The records with a fødselsnummer in the returned groups (each group's ``__domain``), searched as the user."""
    domains = [group["__domain"] for group in groups if group.get("__domain") is not None]
    if not domains:
        return records.browse()
    return records.search(expression.AND([expression.OR(domains), [(PERSONAL_ID_FIELD, "!=", False)]]))


def exported_holders(records, fields_to_export):
    """The records (of the exported model) whose fødselsnummer an export with these columns contains."""
    holders = records.browse()
    for path in fields_to_export:
        parts = path.split("/")
        if parts[-1] != PERSONAL_ID_FIELD:
            continue
        found = records.mapped(".".join(parts[:-1])) if len(parts) > 1 else records
        if found._name == records._name:
            # sudo: only which exported records hold a number, to log the export; the env's rights are put back
            holders |= found.sudo().filtered(PERSONAL_ID_FIELD).sudo(records.env.su)
    return holders


class KundekartotekPersonalIdLog(models.AbstractModel):
    """Log every fødselsnummer sent to a user, whatever the route: form, list, ``read``/``search_read`` over RPC,
    grouped reads and the list's *Export*.

    Reads done as superuser are the module's own work (masking, audit snapshots) and are not logged; neither are
    empty values: nothing was read. A model using this names the partners its records are (``_kk_personal_id_people``)
    and how its reads are described in the log (``_kk_personal_id_notes``).
    """

    _name = "kundekartotek.personal.id.log.mixin"
    _description = "Access log of fødselsnumre"

    def _kk_personal_id_people(self):
        """The partners whose fødselsnumre these records carry."""
        raise NotImplementedError

    def _kk_personal_id_notes(self, count):
        """How the log describes a read, a grouped read and an export of ``count`` records of this model."""
        raise NotImplementedError

    def _read_format(self, fnames, load="_classic_read"):
        result = super()._read_format(fnames, load=load)
        if fnames and PERSONAL_ID_FIELD in fnames and not self.env.su:
            ids = [values["id"] for values in result if values.get(PERSONAL_ID_FIELD)]
            if ids:
                self.env["kundekartotek.access.log"]._kk_log(
                    self.browse(ids)._kk_personal_id_people(),
                    "read_personal_id",
                    self._kk_personal_id_notes(len(ids))["read"],
                )
        return result

    @api.model
    def read_group(self, domain, fields, groupby, offset=0, limit=None, orderby=False, lazy=True):
        """Every grouped read of the web client and over RPC (``web_read_group``, ``read_progress_bar``) comes here;
        the people logged are those with a number in the groups returned."""
        result = super().read_group(domain, fields, groupby, offset=offset, limit=limit, orderby=orderby, lazy=lazy)
        if not self.env.su and groups_personal_id(fields, groupby):
            holders = grouped_holders(self, result)
            if holders:
                self.env["kundekartotek.access.log"]._kk_log(
                    holders._kk_personal_id_people(),
                    "read_personal_id",
                    self._kk_personal_id_notes(len(holders))["group"],
                )
        return result

    def export_data(self, fields_to_export):
        """The list view's *Export*: the file leaves the register."""
        result = super().export_data(fields_to_export)
        if not self.env.su:
            exported = exported_holders(self, fields_to_export)
            if exported:
                self.env["kundekartotek.access.log"]._kk_log(
                    exported._kk_personal_id_people(),
                    "export_personal_id",
                    self._kk_personal_id_notes(len(self))["export"],
                )
        return result
