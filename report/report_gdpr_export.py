# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, models


class ReportKundekartotekGdprExport(models.AbstractModel):
    """The right of access export as a PDF: the same dict as the JSON file, laid out for reading."""

    _name = "report.kundekartotek.report_gdpr_export"
    _description = "Right of Access PDF"

    @api.model
    def _get_report_values(self, docids, data=None):
        Export = self.env["kundekartotek.gdpr.export"]
        Export._kk_check_officer()
        wizards = Export.browse(docids).exists()
        exports = []
        if data and data.get("export"):
            exports = [data["export"]]
        else:
            # Printed from the report route without data: gather (and log) each export here.
            exports = [Export._kk_export(Export._kk_subject(wizard.partner_id.id)) for wizard in wizards]
        return {
            "doc_ids": docids,
            "docs": wizards,
            "exports": exports,
            "company": self.env.company,
        }
