#!/usr/bin/env python3
# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The reminder run of the customer list (*Send payment reminder*, by e-mail) on N overdue customers.

Two measurements, both rolled back:

1. The run on ``--overdue`` customers (5 000 by default) without wkhtmltopdf: the reminders' HTML is rendered and
   prepared as for wkhtmltopdf, which is replaced by a PDF of one page per reminder holding its split marker, so
   that the split and the attachments work as with the real PDFs: everything the module does (statements,
   refusals, reminder records, messages, the report's values and template, the split) is in it, only the
   HTML-to-PDF conversion is not. Seconds and queries per customer (PostgreSQL statements the cursor sent).
2. The same run with the real wkhtmltopdf on ``--pdf-sample`` customers (``--pdf-sample 0``: on all of them, the
   full run with the PDFs): seconds per customer, the PDF included. The PDFs are rendered in batches of
   ``REMINDER_BATCH`` customers, one wkhtmltopdf call each.

    .venv/bin/python bench/reminders_measure.py -c .odoo/odoo.cfg -d kk_bench_reminders [--overdue 5000]
"""

import argparse
import datetime
import io
import re
import time
from unittest.mock import patch

from generate_receivables import odoo_env

AS_OF = datetime.date(2026, 11, 30)


def overdue_customers(env, count):
    """Customers with an overdue receivable as of AS_OF, given an e-mail address so that e-mail is the channel."""
    from odoo.tools import SQL  # noqa: PLC0415 (Odoo is importable only once odoo_env set the path)

    rows = env.execute_query(
        SQL(
            """SELECT DISTINCT line.partner_id FROM account_move_line line
                 JOIN account_account account ON account.id = line.account_id
                WHERE account.account_type = 'asset_receivable' AND line.parent_state = 'posted'
                  AND NOT line.reconciled AND line.amount_residual > 0 AND line.date_maturity < %s
                ORDER BY line.partner_id LIMIT %s""",
            AS_OF,
            count,
        )
    )
    partners = env["res.partner"].browse([row[0] for row in rows])
    for partner in partners:
        if not partner.email:
            partner.email = f"kunde{partner.id}@example.com"
    env.flush_all()
    return partners


def run(env, partners, html_only):
    """One reminder run; returns (seconds, queries, reminders made)."""
    Report = type(env["ir.actions.report"])
    convert = Report._run_wkhtmltopdf

    def without_wkhtmltopdf(report, bodies, **kwargs):
        """One page per reminder, holding its split marker (one page if the bodies hold none)."""
        from reportlab.pdfgen import canvas  # noqa: PLC0415 (an Odoo dependency, importable once Odoo is)

        stream = io.BytesIO()
        pdf = canvas.Canvas(stream)
        for marker in re.findall(r"KKSPLIT\.\d+\.", "".join(bodies)) or ["reminder"]:
            pdf.drawString(72, 720, marker)
            pdf.showPage()
        pdf.save()
        return stream.getvalue()

    start_queries = env.cr.sql_log_count
    start = time.perf_counter()
    with patch.object(
        Report, "_run_wkhtmltopdf", autospec=True, side_effect=without_wkhtmltopdf if html_only else convert
    ):
        partners.with_context(kk_reminder_channel="email").action_kk_send_reminder()
        env.flush_all()
    seconds = time.perf_counter() - start
    queries = env.cr.sql_log_count - start_queries
    made = env["kundekartotek.reminder"].search_count([("partner_id", "in", partners.ids)])
    return seconds, queries, made


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--overdue", type=int, default=5000)
    parser.add_argument("--pdf-sample", type=int, default=20, help="customers of the run with wkhtmltopdf; 0: all")
    args = parser.parse_args()
    with odoo_env(args.config, args.database) as env:
        env = env(context={"tz": "Europe/Oslo", "mail_notify_force_send": False})
        with patch("odoo.fields.Date.context_today", return_value=AS_OF):
            partners = overdue_customers(env, args.overdue)
            env.cr.commit()
            print(f"overdue customers with e-mail: {len(partners)} (as of {AS_OF})")
            seconds, queries, made = run(env, partners, html_only=True)
            env.cr.rollback()
            env.invalidate_all()
            per_customer = seconds / max(made, 1) * 1000
            print(
                f"run without wkhtmltopdf: {made} reminders in {seconds:.1f} s = {per_customer:.1f} ms "
                f"and {queries / max(made, 1):.1f} queries per customer ({queries} queries)"
            )
            sample = partners[: args.pdf_sample] if args.pdf_sample else partners
            seconds, queries, made = run(env, sample, html_only=False)
            env.cr.rollback()
            print(
                f"run with wkhtmltopdf on {made} customers: {seconds:.1f} s = {seconds / max(made, 1):.2f} s per "
                f"customer, {queries / max(made, 1):.1f} queries per customer"
            )


if __name__ == "__main__":
    main()
