# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Shared fixtures of the receivables tests: posted invoices with a due date, payments, PDF text."""

import io

from PyPDF2 import PdfReader

from odoo.addons.account.tests.common import AccountTestInvoicingCommon


def pdf_text(content):
    """The text wkhtmltopdf put into a PDF, pages joined, runs of white space as one space."""
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


class ReceivablesCommon(AccountTestInvoicingCommon):
    @classmethod
    def _invoice(cls, partner, amount, date, due, currency=None, move_type="out_invoice"):
        """A posted customer invoice (or credit note) without taxes, due on ``due``."""
        move = cls.init_invoice(
            move_type, partner=partner, invoice_date=date, amounts=[amount], taxes=[], currency=currency
        )
        move.invoice_date_due = due
        move.action_post()
        return move

    @classmethod
    def _pay(cls, invoice, amount, date):
        """Register a payment of ``amount`` (in the invoice's currency) on ``date``, reconciled with the invoice."""
        cls.env["account.payment.register"].with_context(active_model="account.move", active_ids=invoice.ids).create(
            {"amount": amount, "payment_date": date}
        )._create_payments()

    @classmethod
    def _receivable(cls, moves):
        return moves.line_ids.filtered(lambda line: line.account_type == "asset_receivable")
