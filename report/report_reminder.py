# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import io
import logging
import re
import subprocess

import lxml.html
from lxml import etree

from odoo import _, api, models, tools
from odoo.exceptions import UserError
from odoo.tools.pdf import ArrayObject, DecodedStreamObject, NameObject, PdfFileReader, PdfFileWriter, PdfReadError

from odoo.addons.base.models.ir_actions_report import _get_wkhtmltopdf_bin

from .report_statement import AGEING_KEYS

_logger = logging.getLogger(__name__)

# Statements computed by a reminder run, handed to the PDF of the same transaction (see _kk_remember_statement).
# Kept in the transaction's postcommit data, which lives as long as the transaction: the precommit data is emptied
# each time the precommit hooks run, at every flushing savepoint (as the mail composer's may open). The run removes
# both hand-overs when it ends (_kk_forget_hand_over), so that a later run of the same transaction finds none.
HANDED_OVER = "kundekartotek.reminder.statements"
# Reminder PDFs a run rendered in batches, handed to the mail template of the same transaction (_kk_handed_over_pdf).
PDFS_HANDED_OVER = "kundekartotek.reminder.pdfs"
# The text that opens each reminder of a batch in its PDF (white, 1 px): the split finds each one's first page by it.
SPLIT_MARKER = "KKSPLIT.%s."
SPLIT_MARKER_RE = re.compile(r"KKSPLIT\.(\d+)\.")
# A text object of a PDF page's content stream: the only part of a page the split reads.
TEXT_OBJECT_RE = re.compile(rb"\bBT\b.*?\bET\b", re.DOTALL)
# Whether this wkhtmltopdf converts several documents in one call (only a build on a patched Qt does): asked once.
_many_documents = []


class ReportKundekartotekReminder(models.AbstractModel):
    """The overdue statement sent with a payment reminder (purring).

    The report is bound to ``res.partner`` so that the reminder's mail template (a partner template) can attach
    it. Each page belongs to one logged reminder: the ones given in ``data["reminder_ids"]`` (a reprint from the
    log), else each customer's latest reminder in the current company. The items are the ones the reminder named,
    with their open amounts as of the reminder's date, so a reprint shows what was sent.
    """

    _name = "report.kundekartotek.report_reminder"
    _inherit = "report.kundekartotek.report_statement"
    _description = "Payment Reminder PDF"

    @api.model
    def _kk_remember_statement(self, reminder, statement):
        """Hand the statement a reminder run just computed to the PDF rendered for ``reminder`` in this transaction.

        The run has already read the customer's overdue items as of today, which are exactly the items the
        reminder names; reading them again for the attachment would cost another query on the ageing view per
        customer. The hand-over lives in ``postcommit.data`` (see :data:`HANDED_OVER`), so it never outlives the
        transaction that made it, and the run forgets it when it ends (:meth:`_kk_forget_hand_over`).
        """
        self.env.cr.postcommit.data.setdefault(HANDED_OVER, {})[reminder.id] = statement

    @api.model
    def _kk_render_pdfs(self, reminders):
        """Render the PDFs of ``reminders`` in one wkhtmltopdf call and split them: ``{reminder_id: pdf bytes}``.

        A reminder run would otherwise start wkhtmltopdf once per customer (about 1.4 s each, most of it the
        process starting and loading the report's styles). The reminders are rendered as one QWeb document, each
        opening with its split marker; wkhtmltopdf converts them in one call (one document per reminder when the
        build takes several, as Odoo does, else joined into one with a page break between reminders, since the
        Debian build takes only one); each page goes to the reminder whose marker was last seen. Empty when no PDF
        is to be rendered (a test run without ``force_report_rendering``, where Odoo renders HTML instead) or when
        the split does not find every reminder exactly once, in order: then each PDF is rendered on its own.
        """
        Report = self.env["ir.actions.report"]
        if (tools.config["test_enable"] or tools.config["test_file"]) and not self.env.context.get(
            "force_report_rendering"
        ):
            return {}
        report = self.env.ref("kundekartotek.action_report_reminder")
        Report = Report.with_context(debug=False)
        html = Report._render_qweb_html(
            report, reminders.partner_id.ids, data={"reminder_ids": reminders.ids, "kk_split": True, "debug": False}
        )[0]
        # The name is core's (``_render_qweb_pdf``): ``_get_report`` returns the report as superuser. Only the
        # report's own paper format and layout are read with it, to cut the HTML rendered above as the user.
        report_sudo = Report._get_report(report)
        bodies, __, header, footer, paperformat_args = report_sudo._prepare_html(html, report_model="res.partner")
        if len(bodies) > 1 and not self._kk_takes_many_documents():
            bodies = [self._kk_join_bodies(bodies)]
        content = Report._run_wkhtmltopdf(
            bodies, report_ref=report, header=header, footer=footer, specific_paperformat_args=paperformat_args
        )
        pdfs = self._kk_split_pdf(content, reminders.ids)
        if not pdfs:
            _logger.warning("The reminder PDFs of a batch could not be split; they are rendered one by one.")
        return pdfs

    @api.model
    def _kk_takes_many_documents(self):
        """Whether wkhtmltopdf converts several input documents in one call (a build on a patched Qt)."""
        if not _many_documents:
            try:
                version = subprocess.run(
                    [_get_wkhtmltopdf_bin(), "--version"], capture_output=True, text=True, timeout=30, check=False
                ).stdout
            except (OSError, subprocess.SubprocessError):
                version = ""
            _many_documents.append("patched qt" in version)
        return _many_documents[0]

    @api.model
    def _kk_join_bodies(self, bodies):
        """One HTML document holding the bodies of ``bodies`` one after another, each starting on a new page."""
        root = lxml.html.fromstring(bodies[0])
        main = root.find("body")
        for body in bodies[1:]:
            page = etree.SubElement(main, "div", style="page-break-before: always;")
            page.extend(lxml.html.fromstring(body).find("body"))
        return lxml.html.tostring(root, encoding="unicode")

    @api.model
    def _kk_split_pdf(self, content, reminder_ids):
        """Split a batch's PDF at its split markers: ``{reminder_id: pdf bytes}``, or empty if they do not match."""
        try:
            reader = PdfFileReader(io.BytesIO(content), strict=False)
            owners = []
            for page in reader.pages:
                found = [int(marker) for marker in SPLIT_MARKER_RE.findall(self._kk_page_text(page))]
                owners.append(found[0] if len(found) == 1 else (None if not found else -1))
        except (PdfReadError, ValueError, KeyError) as error:
            _logger.warning("The PDF of a reminder batch could not be read: %s", error)
            return {}
        if [owner for owner in owners if owner is not None] != list(reminder_ids) or owners[:1] == [None]:
            return {}
        writers, current = {}, None
        for page, owner in zip(reader.pages, owners, strict=True):
            current = owner if owner is not None else current  # a page without a marker continues the reminder
            writers.setdefault(current, PdfFileWriter()).add_page(page)
        pdfs = {}
        for reminder_id, writer in writers.items():
            stream = io.BytesIO()
            writer.write(stream)
            pdfs[reminder_id] = stream.getvalue()
        return pdfs

    @api.model
    def _kk_page_text(self, page):
        """The text of a PDF page, read from its text objects (``BT … ET``) only.

        The Debian build of wkhtmltopdf draws the report's web fonts as paths: close to a megabyte of drawing per
        page, which PyPDF2 would parse in Python (about 2 s a page), while the marker, in a system font, is text.
        The page's text objects are cut out of its content with one regular expression and read alone.
        """
        contents = page.get(NameObject("/Contents"))
        if contents is None:
            return ""
        contents = contents.get_object()
        streams = contents if isinstance(contents, ArrayObject) else [contents]
        data = b"\n".join(stream.get_object().get_data() for stream in streams)
        text_objects = DecodedStreamObject()
        text_objects.set_data(b"\n".join(TEXT_OBJECT_RE.findall(data)))
        probe = type(page)(page.pdf)
        probe.update(page)
        probe[NameObject("/Contents")] = text_objects
        return probe.extract_text() or ""

    @api.model
    def _kk_hand_over_pdfs(self, pdfs):
        """Hand PDFs rendered in a batch (``{partner_id: pdf bytes}``) to the mail template of this transaction.

        They replace what an earlier batch handed over: a PDF its template did not take is never given to another
        reminder of the same customer.
        """
        self.env.cr.postcommit.data[PDFS_HANDED_OVER] = dict(pdfs)

    @api.model
    def _kk_handed_over_pdf(self, partner_id):
        """The PDF a run rendered for this customer's reminder, taken (once), or ``None``."""
        return self.env.cr.postcommit.data.get(PDFS_HANDED_OVER, {}).pop(partner_id, None)

    @api.model
    def _kk_forget_hand_over(self):
        """End of a run: drop the statements and PDFs it handed over and nobody took, so that a later run or a
        reprint in the same transaction renders its own."""
        self.env.cr.postcommit.data.pop(HANDED_OVER, None)
        self.env.cr.postcommit.data.pop(PDFS_HANDED_OVER, None)

    @api.model
    def _get_report_values(self, docids, data=None):
        data = data or {}
        Reminder = self.env["kundekartotek.reminder"]
        if data.get("reminder_ids"):
            reminders = Reminder.browse(data["reminder_ids"]).exists()
        else:
            customers = self.env["res.partner"].browse(docids).commercial_partner_id
            reminders = customers._kk_last_reminders(self.env.company)
        if not reminders:
            raise UserError(_("There is no reminder to print: send a reminder from the customer card first."))
        handed_over = self.env.cr.postcommit.data.get(HANDED_OVER, {})
        statements = {}
        for reminder in reminders:
            statement = handed_over.get(reminder.id)
            if statement is None:  # a reprint from the log: the items as they were on the reminder's date
                statement = self._kk_statements(
                    reminder.partner_id,
                    reminder.date,
                    reminder.company_id,
                    overdue_only=True,
                    line_ids=reminder.line_ids.ids,
                )[reminder.partner_id.id]
            statements[reminder.id] = statement
        return {
            "doc_ids": reminders.partner_id.ids,
            "doc_model": "res.partner",
            "docs": reminders.partner_id,
            "reminders": reminders,
            "statements": statements,
            "labels": {reminder.id: self._kk_labels(reminder.partner_id.lang) for reminder in reminders},
            "ageing_keys": AGEING_KEYS,
            "split_markers": {reminder.id: SPLIT_MARKER % reminder.id for reminder in reminders}
            if data.get("kk_split")
            else {},
        }
