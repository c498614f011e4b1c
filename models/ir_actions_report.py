# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import models

REMINDER_REPORT = "kundekartotek.report_reminder"


class IrActionsReport(models.Model):
    """The reminder PDF a reminder run rendered in a batch, given to the mail template instead of a new rendering."""

    _inherit = "ir.actions.report"

    def _render_qweb_pdf(self, report_ref, res_ids=None, data=None):
        """A customer's reminder PDF that this transaction's run already rendered (taken once); else as core.

        The reminder template attaches the report one customer at a time (``mail.template`` renders each record's
        reports on its own); the run has rendered all of them in one wkhtmltopdf call just before, so the
        template's call for a customer gets that customer's PDF. Only a call for one customer and without data
        (the template's) is answered so: a reprint of a log record passes ``reminder_ids`` and renders anew.
        """
        ids = [res_ids] if isinstance(res_ids, int) else res_ids
        if ids and len(ids) == 1 and not data and self._get_report(report_ref).report_name == REMINDER_REPORT:
            content = self.env["report.kundekartotek.report_reminder"]._kk_handed_over_pdf(ids[0])
            if content is not None:
                return content, "pdf"
        return super()._render_qweb_pdf(report_ref, res_ids=res_ids, data=data)
