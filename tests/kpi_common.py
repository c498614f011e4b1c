# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""A small posted history whose key figures are worked out by hand (docs/kpi.md), shared by the KPI tests.

Period 1 Jan – 31 Mar 2026 (90 days); the previous period is 3 Oct – 31 Dec 2025. Company currency throughout;
the EUR invoice is 1000 EUR at 2 EUR per unit of company currency = 500.

- Alfa: 1000 on 15 Nov 2025, paid 15 Dec 2025 (30 days); 2000 on 1 Jan 2026 (= date_from), paid 500 on 20 Jan and
  1500 on 31 Mar (= date_to): settled in the period, 89 days; a credit note of 300 on 10 Feb, left open; 5000 in
  the second company on 1 Feb.
- Beta: 777 on 31 Dec 2025 (the day before: previous period); 800 on 31 Mar 2026 (= date_to); 999 on 1 Apr 2026
  (the day after: out).
- Charlie: 1000 EUR (= 500) on 1 Feb 2026, paid in full on 21 Feb (20 days).
- Delta: 400 on 3 Oct 2025 (the previous period's first day), paid 1 Apr 2026 (after the period: not counted).
- Echo: 1000 on 1 Jan 2023 and 1000 on 1 Jan 2025 (731 days apart), each paid a month later.
"""

from odoo import Command

from .receivables_common import ReceivablesCommon

DATE_FROM, DATE_TO = "2026-01-01", "2026-03-31"
YEARS_ECHO = 731 / 365.25


class KpiCommon(ReceivablesCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.eur = cls.setup_other_currency("EUR")  # 2 EUR = 1 company currency from 2017 on
        Partner = cls.env["res.partner"]
        cls.alfa, cls.beta, cls.charlie, cls.delta, cls.echo = (
            Partner.create({"name": name, "is_company": True})
            for name in ("Alfa AS", "Beta AS", "Charlie GmbH", "Delta AS", "Echo AS")
        )
        cls.company_2 = cls.setup_other_company(name="Nøkkel Søster AS")["company"]
        cls.env.user.company_ids += cls.company_2

        alfa_old = cls._invoice(cls.alfa, 1000, "2025-11-15", "2025-11-30")
        cls._pay(alfa_old, 1000, "2025-12-15")
        cls.alfa_invoice = cls._invoice(cls.alfa, 2000, "2026-01-01", "2026-01-31")
        cls._pay(cls.alfa_invoice, 500, "2026-01-20")
        cls._pay(cls.alfa_invoice, 1500, "2026-03-31")
        cls.alfa_refund = cls._invoice(cls.alfa, 300, "2026-02-10", "2026-02-10", move_type="out_refund")

        cls._invoice(cls.beta, 777, "2025-12-31", "2026-01-15")
        cls._invoice(cls.beta, 800, "2026-03-31", "2026-04-15")
        cls._invoice(cls.beta, 999, "2026-04-01", "2026-04-15")

        charlie_invoice = cls._invoice(cls.charlie, 1000, "2026-02-01", "2026-02-28", currency=cls.eur)
        cls._pay(charlie_invoice, 1000, "2026-02-21")

        delta_invoice = cls._invoice(cls.delta, 400, "2025-10-03", "2025-10-31")
        cls._pay(delta_invoice, 400, "2026-04-01")

        for date, paid in (("2023-01-01", "2023-01-31"), ("2025-01-01", "2025-01-31")):
            cls._pay(cls._invoice(cls.echo, 1000, date, date), 1000, paid)

        # The second company's invoice, posted there by its own journal.
        move = (
            cls.env["account.move"]
            .with_company(cls.company_2)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": cls.alfa.id,
                    "invoice_date": "2026-02-01",
                    "journal_id": cls.env["account.journal"]
                    .search([("company_id", "=", cls.company_2.id), ("type", "=", "sale")], limit=1)
                    .id,
                    "invoice_line_ids": [
                        Command.create({"name": "Tjeneste", "price_unit": 5000.0, "quantity": 1, "tax_ids": []})
                    ],
                }
            )
        )
        move.action_post()
        cls.company_2_invoice = move

    @classmethod
    def kpis(cls, date_from=DATE_FROM, date_to=DATE_TO, company_ids=None, user=None):
        Kpi = cls.env["kundekartotek.kpi"]
        if user:
            Kpi = Kpi.with_user(user)
        return Kpi.get_kpis(date_from, date_to, company_ids or [cls.env.company.id])
