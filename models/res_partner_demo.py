# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Demo data of the module (demo/), never called by the product itself.

The demo company gets its history from code rather than XML records: on a database where accounting is installed
together with the module, the chart of accounts (and so the journals) only exists after every module has loaded,
and two years of invoices and payments relative to today cannot be written as fixed records. The generator is
seeded, so every install gets the same customers, amounts and payment habits; only the dates follow today.
"""

import logging
import random
from datetime import timedelta

from dateutil.relativedelta import relativedelta
from stdnum.no import kontonr, orgnr

from odoo import Command, api, fields, models
from odoo.exceptions import UserError

from .res_partner_brreg import brreg_queue_suspended

_logger = logging.getLogger(__name__)

DEMO_SEED = 15
# The organisation numbers the tests create customers with: never handed to a demo customer.
RESERVED_ORGNR = {"988077917", "926018159", "883016610", "818609132", "899603087", "846281940", "819935181"}
PLACES = [
    ("0150", "Oslo"),
    ("0153", "Oslo"),
    ("2609", "Lillehammer"),
    ("3044", "Drammen"),
    ("4306", "Sandnes"),
    ("5013", "Bergen"),
    ("6800", "Førde"),
    ("7011", "Trondheim"),
    ("9008", "Tromsø"),
    ("4006", "Stavanger"),
    ("1606", "Fredrikstad"),
    ("8006", "Bodø"),
    ("2317", "Hamar"),
    ("4610", "Kristiansand S"),
    ("3110", "Tønsberg"),
    ("6002", "Ålesund"),
]
STREETS = ["Storgata", "Kirkegata", "Kongens gate", "Strandgata", "Industriveien", "Havnegata", "Skolegata",
           "Jernbanegata", "Fjordveien", "Sjøgata", "Elvegata", "Bakkeveien"]  # fmt: skip
PREFIXES = ["Fjordkyst", "Nordkapp", "Tinde", "Granitt", "Elvebakken", "Solsiden", "Havbris", "Bjørke", "Furulund",
            "Skagerak", "Trollheim", "Kvitfjell", "Lofot", "Midtnorsk", "Sørlandets", "Innlandet", "Polarlys",
            "Fosen", "Hardanger", "Romsdal", "Glomma", "Vesterålen", "Jæren", "Ryfylke", "Valdres"]  # fmt: skip
TRADES = ["Bygg", "Elektro", "Transport", "Rørservice", "Maskin", "Eiendom", "Marine", "Data", "Mat", "Handel",
          "Verksted", "Entreprenør", "Design", "Trevare", "Kjøling", "Maling", "Regnskap", "Logistikk"]  # fmt: skip
FIRST_NAMES = ["Kari", "Ola", "Ingrid", "Lars", "Sigrid", "Nils", "Marit", "Anders", "Solveig", "Erik", "Astrid",
               "Jon", "Liv", "Per", "Hilde", "Knut", "Berit", "Tor", "Randi", "Eirik"]  # fmt: skip
LAST_NAMES = ["Hansen", "Johansen", "Olsen", "Larsen", "Andersen", "Pedersen", "Nilsen", "Kristiansen", "Jensen",
              "Karlsen", "Haugen", "Berg", "Dahl", "Lie", "Bakken", "Solberg", "Strand", "Moen"]  # fmt: skip
SOLE_TRADES = ["Rørlegger", "Snekker", "Frisør", "Fotograf", "Maler", "Elektriker", "Regnskapsfører", "Gartner"]
MUNICIPALITIES = ["Vestvik kommune", "Nordby kommune", "Haugland kommune", "Skogvik kommune"]
LINE_TEXTS = ["Konsulenttimer", "Servicebesøk", "Varelevering", "Månedlig abonnement", "Prosjektarbeid", "Materialer",
              "Rådgivning", "Frakt og emballasje", "Installasjon", "Vedlikeholdsavtale"]  # fmt: skip
# How a customer pays: the share of invoices paid on time, how late the others are (days), and what is left open.
HABITS = {
    "prompt": {"late_share": 0.05, "late_days": (3, 12), "open_share": 0.0},
    "late": {"late_share": 0.7, "late_days": (8, 45), "open_share": 0.0},
    "partial": {"late_share": 0.5, "late_days": (10, 40), "open_share": 0.5},
    "bad": {"late_share": 1.0, "late_days": (40, 120), "open_share": 0.35},
}
# Rates in units of the currency for one NOK, as res.currency.rate holds them.
DEMO_RATES = {"base.EUR": 1 / 11.65, "base.SEK": 1 / 0.99}


def _orgnr_from(rng, first_digit, used):
    """A fresh, valid (MOD11) Norwegian organisation number starting with ``first_digit``."""
    while True:
        body = f"{first_digit}{rng.randrange(10**7):07d}"
        for check in range(10):
            number = f"{body}{check}"
            if orgnr.is_valid(number) and number not in used and number not in RESERVED_ORGNR:
                used.add(number)
                return number


def _account_number_from(rng):
    """A valid (MOD11) Norwegian bank account number, grouped as it is printed (``1503 12 34567``)."""
    while True:
        body = f"1{rng.randrange(10**9):09d}"
        for check in range(10):
            if kontonr.is_valid(f"{body}{check}"):
                number = f"{body}{check}"
                return f"{number[:4]} {number[4:6]} {number[6:]}"


class ResPartner(models.Model):
    _inherit = "res.partner"

    @api.model
    def _kk_demo_norwegian(self):
        """Bokmål for the Norwegian demo customers and the accountant where it is loaded (``make run`` loads it);
        the demo does not load it itself, so that a database used for the tests stays in the tests' language."""
        return "nb_NO" if self._kk_bokmal_installed() else "en_US"

    @api.model
    def _kk_demo_create_checked(self, vals_list):
        """Create demo customers whose register status is set by the demo: no register check is queued."""
        with brreg_queue_suspended(self.env):
            return self.create(vals_list)

    def _kk_demo_write_checked(self, vals):
        with brreg_queue_suspended(self.env):
            return self.write(vals)

    @api.model
    def _kk_create_demo_invoices(self, specs):
        """Demo data only: post customer invoices given as (partner id, days ago, days overdue, text, qty, price).

        Skipped when the company has no sales journal yet (the chart of accounts is loaded after the modules).
        """
        journal = self._kk_demo_journal("sale")
        if not journal:
            _logger.info("No sales journal yet: demo invoices skipped")
            return
        today = fields.Date.context_today(self)
        moves = self.env["account.move"]
        for partner_id, days_ago, days_overdue, text, quantity, price in specs:
            invoice_date = today - timedelta(days=days_ago)
            moves |= moves.create(
                {
                    "move_type": "out_invoice",
                    "journal_id": journal.id,
                    "partner_id": partner_id,
                    "invoice_date": invoice_date,
                    "invoice_date_due": today - timedelta(days=days_overdue) if days_overdue else False,
                    "invoice_line_ids": [Command.create({"name": text, "quantity": quantity, "price_unit": price})],
                }
            )
        moves.action_post()

    @api.model
    def _kk_demo_journal(self, kind):
        return self.env["account.journal"].search(
            [*self.env["account.journal"]._check_company_domain(self.env.company), ("type", "=", kind)], limit=1
        )

    @api.model
    def _kk_create_demo_company_history(self):
        """Demo data only: the main company's details, about 60 customers and two years of their history.

        Customers (companies, sole traders, private persons, municipalities, a bankrupt one, one being wound up,
        near-duplicates, foreign ones in EUR and SEK), then invoices, credit notes, payments (on time, late,
        partial, missing), reminders and a manager's credit override, in date order, so that the credit policy
        judges each invoice against the balance of its day. Skipped without a chart of accounts, like the
        invoices above.
        """
        if not (self._kk_demo_journal("sale") and self._kk_demo_journal("bank")):
            _logger.info("No sales or bank journal yet: demo history skipped")
            return
        # Norwegian customers and the accountant read Bokmål where it is loaded (`make run` loads it); the demo does
        # not load it itself: a database used for the tests stays in the language the tests are written in.
        rng = random.Random(DEMO_SEED)
        today = fields.Date.context_today(self)
        used = set(self.search([("company_registry", "!=", False)]).mapped("company_registry"))
        self._kk_demo_company(rng, used)
        customers = self._kk_demo_customers(rng, used, today)
        # Hundreds of invoices and payments: without "created" and tracking messages in their chatters, which
        # nobody reads in a demo and which cost install time (notes such as the credit override's are still posted).
        self.with_context(tracking_disable=True, mail_create_nolog=True, mail_notrack=True)._kk_demo_history(
            rng, customers, today
        )
        self._kk_demo_accountant()
        _logger.info("Demo history created: %s customers", len(customers))

    @api.model
    def _kk_demo_company(self, rng, used):
        """Address, organisation number, VAT number, bank account and document layout of the main company, so
        that statements and reminders print with sender details and without the layout wizard."""
        company = self.env.ref("base.main_company")
        number = _orgnr_from(rng, 9, used)
        # An invented number: not queued for the register check (see _kk_demo_customers).
        with brreg_queue_suspended(self.env):
            company.write(
                {
                    "street": "Karl Johans gate 12",
                    "zip": "0150",
                    "city": "Oslo",
                    "country_id": self.env.ref("base.no").id,
                    "company_registry": number,
                    "vat": f"NO{number}MVA",
                    "phone": "+47 22 33 44 55",
                    "email": "post@fjellheim-regnskap.example",
                    "website": "https://fjellheim-regnskap.example",
                    "external_report_layout_id": self.env.ref("web.external_layout_standard").id,
                }
            )
        bank = self.env["res.partner.bank"].create(
            {"acc_number": _account_number_from(rng), "partner_id": company.partner_id.id, "allow_out_payment": True}
        )
        journal = self._kk_demo_journal("bank")
        if not journal.bank_account_id:
            journal.bank_account_id = bank
        for xmlid, rate in DEMO_RATES.items():
            currency = self.env.ref(xmlid)
            currency.active = True
            self.env["res.currency.rate"].create(
                {
                    "currency_id": currency.id,
                    "company_id": company.id,
                    "name": fields.Date.context_today(self) - relativedelta(years=8),
                    "rate": rate,
                }
            )

    @api.model
    def _kk_demo_customers(self, rng, used, today):
        """Create the demo customers; return ``[(partner, profile)]`` for the history, the XML ones included."""
        norway = self.env.ref("base.no")
        categories = {
            code: self.env.ref(f"kundekartotek.customer_category_{code}_demo")
            for code in ("wholesale", "public", "retail")
        }
        names = iter(rng.sample([f"{p} {t}" for p in PREFIXES for t in TRADES], 40))
        people = iter(rng.sample([(f, s) for f in FIRST_NAMES for s in LAST_NAMES], 30))

        def address():
            zip_code, city = rng.choice(PLACES)
            return {"street": f"{rng.choice(STREETS)} {rng.randint(1, 120)}", "zip": zip_code, "city": city}

        def email_of(name):
            stem = "".join(ch for ch in name.lower().replace(" ", "-") if ch.isascii() and (ch.isalnum() or ch == "-"))
            return f"post@{stem}.example"

        specs = []  # (vals, profile, xml name)
        for index in range(22):
            name = f"{next(names)} AS"
            tier = rng.choice("aabbbcc")
            specs.append(
                (
                    {
                        "name": name,
                        "is_company": True,
                        "company_registry": _orgnr_from(rng, 9, used),
                        "email": email_of(name),
                        "customer_category_id": categories["wholesale" if tier == "a" else "retail"].id,
                        "value_tier": tier,
                        "payment_class": "credit",
                        "credit_limit": rng.choice([250000, 300000, 400000] if tier == "a" else [100000, 150000]),
                        **address(),
                    },
                    rng.choice(["prompt", "prompt", "prompt", "late", "late", "partial"]),
                    f"as_{index + 1:02d}",
                )
            )
        for index in range(3):
            name = f"{next(names)} ASA"
            specs.append(
                (
                    {
                        "name": name,
                        "is_company": True,
                        "company_registry": _orgnr_from(rng, 9, used),
                        "email": email_of(name),
                        "customer_category_id": categories["wholesale"].id,
                        "value_tier": "a",
                        "payment_class": "credit",
                        "credit_limit": 400000,
                        **address(),
                    },
                    "prompt" if index else "late",
                    f"asa_{index + 1:02d}",
                )
            )
        for index in range(6):
            first, last = next(people)
            specs.append(
                (
                    {
                        "name": f"{SOLE_TRADES[index]} {first} {last}",
                        "is_company": True,
                        "company_registry": _orgnr_from(rng, 9, used),
                        "brreg_form_code": "ENK",
                        "email": f"{first.lower()}@{last.lower()}-{SOLE_TRADES[index].lower()}.example",
                        "customer_category_id": categories["retail"].id,
                        "value_tier": "c",
                        "payment_class": "credit",
                        **address(),
                    },
                    rng.choice(["prompt", "late", "partial"]),
                    f"enk_{index + 1:02d}",
                )
            )
        for index in range(8):
            first, last = next(people)
            specs.append(
                (
                    {
                        "name": f"{first} {last}",
                        "email": f"{first.lower()}.{last.lower()}@example.com",
                        "phone": f"+47 9{rng.randrange(10**7):07d}",
                        "value_tier": "c",
                        "payment_class": "cash" if index % 2 else "credit",
                        **address(),
                    },
                    "late" if index == 3 else "prompt",
                    f"person_{index + 1:02d}",
                )
            )
        for index, name in enumerate(MUNICIPALITIES):
            specs.append(
                (
                    {
                        "name": name,
                        "is_company": True,
                        "customer_type": "public",
                        "company_registry": _orgnr_from(rng, 9, used),
                        "brreg_form_code": "KOMM",
                        "email": f"postmottak@{name.split()[0].lower()}.kommune.example",
                        "customer_category_id": categories["public"].id,
                        "value_tier": "a",
                        "payment_class": "credit",
                        **address(),
                    },
                    "late" if index == 1 else "prompt",
                    f"municipality_{index + 1:02d}",
                )
            )
        for status, name, form in (
            ("bankrupt", "Konkursbo Vestlandsfrakt AS", "AS"),
            ("under_liquidation", "Solnedgang Reiser AS", "AS"),
        ):
            specs.append(
                (
                    {
                        "name": name,
                        "is_company": True,
                        "company_registry": _orgnr_from(rng, 9, used),
                        "brreg_form_code": form,
                        "brreg_status": status,
                        "email": email_of(name),
                        "customer_category_id": categories["retail"].id,
                        "value_tier": "b",
                        "payment_class": "risk",
                        "credit_policy": "block",
                        **address(),
                    },
                    "bad",
                    status,
                )
            )
        # Near-duplicates of customers in demo/res_partner_demo.xml, as a second entry typed in a hurry would be.
        for xmlid, vals in (
            ("res_partner_nordlys_demo", {"name": "Nordlys Elektro A/S", "street": "Kirkegt. 14"}),
            ("res_partner_bergen_bygg_demo", {"name": "Bryggen Bygg & Anlegg AS", "email": False}),
            ("res_partner_kommune_demo", {"name": "Fjordvik Kommune", "street": "Rådhusplassen 1"}),
            ("res_partner_private_demo", {"name": "Ola Nordman", "street": "Bjørnstjerne Bjørnsons gt. 7"}),
            ("res_partner_trondheim_data_demo", {"name": "Nidaros Data AS", "company_registry": False}),
        ):
            original = self.env.ref(f"kundekartotek.{xmlid}")
            specs.append(
                (
                    {
                        "name": vals["name"],
                        "is_company": original.is_company,
                        "company_registry": vals.get("company_registry", original.company_registry),
                        "email": vals.get("email", original.email),
                        "phone": original.phone,
                        "street": vals.get("street", original.street),
                        "zip": original.zip,
                        "city": original.city,
                        "value_tier": original.value_tier,
                        "payment_class": original.payment_class,
                    },
                    "none",
                    f"duplicate_{xmlid.removeprefix('res_partner_').removesuffix('_demo')}",
                )
            )
        foreign = (
            ("de", "EUR", "Hanseatische Holzhandel GmbH", "HRB 104 512", "Speicherstadt 4", "20457", "Hamburg"),
            ("nl", "EUR", "Van der Berg Logistiek B.V.", "24301187", "Maasboulevard 80", "3011 TX", "Rotterdam"),
            ("fi", "EUR", "Saimaan Metalli Oy", "2469714-6", "Satamatie 3", "53900", "Lappeenranta"),
            ("se", "SEK", "Malmö Fiskexport AB", "556703-2841", "Hamnplan 2", "211 22", "Malmö"),
        )
        for index, (country, currency, name, registry, street, zip_code, city) in enumerate(foreign):
            specs.append(
                (
                    {
                        "name": name,
                        "is_company": True,
                        "company_registry": registry,
                        "email": email_of(name),
                        "street": street,
                        "zip": zip_code,
                        "city": city,
                        "country_id": self.env.ref(f"base.{country}").id,
                        "value_tier": "b",
                        "payment_class": "credit",
                        "customer_category_id": categories["wholesale"].id,
                        "credit_limit": 300000,
                    },
                    f"foreign:base.{currency}",
                    f"foreign_{index + 1:02d}",
                )
            )
        # A former customer whose last invoice is old enough to be erased (bokføringsloven: 5 years after the year).
        specs.append(
            (
                {"name": "Arne Gammelsæter", "email": "arne.gammelsaeter@example.com", "payment_class": "cash",
                 "value_tier": "c", "zip": "2609", "city": "Lillehammer", "street": "Sigrid Undsets veg 9"},
                "former",
                "former_customer",
            )
        )  # fmt: skip
        vals_list = []
        for vals, _profile, _xml in specs:
            vals.setdefault("country_id", norway.id)
            vals.update(customer_rank=1, lang=self._kk_demo_norwegian() if vals["country_id"] == norway.id else "en_US")
            if vals.get("company_registry") and vals["country_id"] == norway.id:
                vals.update(brreg_state="ok", brreg_checked_at=fields.Datetime.now())
                vals.setdefault("brreg_form_code", "ASA" if vals["name"].endswith("ASA") else "AS")
                vals.setdefault("brreg_status", "active")
            vals_list.append(vals)
        # The register is not asked during the install: the demo has no network, and the statuses are set above.
        partners = self._kk_demo_create_checked(vals_list)
        self.env["ir.model.data"]._update_xmlids(
            [
                {"xml_id": f"kundekartotek.res_partner_{xml}_demo", "record": partner, "noupdate": True}
                for partner, (_vals, _profile, xml) in zip(partners, specs, strict=True)
            ]
        )
        self._kk_demo_contacts(rng, partners.filtered("is_company")[:12])
        self._kk_demo_consents(rng, partners.filtered(lambda p: not p.is_company and p.email), today)
        profiles = {
            "res_partner_nordlys_demo": "late",
            "res_partner_bergen_bygg_demo": "prompt",
            "res_partner_trondheim_data_demo": "partial",
            "res_partner_stavanger_olje_demo": "bad",
            "res_partner_tromso_fisk_demo": "late",
            "res_partner_kommune_demo": "prompt",
            "res_partner_frisor_demo": "prompt",
            "res_partner_private_demo": "prompt",
            "res_partner_swedish_demo": "foreign:base.SEK",
        }
        existing = [(self.env.ref(f"kundekartotek.{xmlid}"), profile) for xmlid, profile in profiles.items()]
        for partner, _profile in existing:
            if partner.country_id == norway:
                vals = {"lang": self._kk_demo_norwegian()}
                if partner.company_registry:
                    vals.update(brreg_state="ok", brreg_checked_at=fields.Datetime.now(), brreg_status="active")
                partner._kk_demo_write_checked(vals)
        return existing + [(partner, spec[1]) for partner, spec in zip(partners, specs, strict=True)]

    @api.model
    def _kk_demo_contacts(self, rng, companies):
        """A contact person for the invoices of some companies, so that cards show contacts and roll-ups."""
        vals_list = []
        for company in companies:
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            vals_list.append(
                {
                    "name": f"{first} {last}",
                    "parent_id": company.id,
                    "type": "invoice",
                    "function": rng.choice(["Økonomisjef", "Daglig leder", "Innkjøper", "Regnskapsmedarbeider"]),
                    "email": f"{first.lower()}.{last.lower()}@{company.email.split('@')[1]}",
                }
            )
        self.create(vals_list)

    @api.model
    def _kk_demo_consents(self, rng, people, today):
        """A consent history for each private person: given on the web or by phone, some later withdrawn."""
        Consent = self.env["kundekartotek.consent"]
        admin = self.env.ref("base.user_admin")
        for index, person in enumerate(people):
            given = fields.Datetime.to_datetime(today) - timedelta(days=rng.randint(200, 600), hours=-10)
            Consent.create(
                {
                    "partner_id": person.id,
                    "purpose": "email",
                    "state": "given",
                    "source": rng.choice(["web_form", "phone", "paper", "in_person"]),
                    "text_version": "Nyhetsbrev 2025-01",
                    "date": given,
                    "user_id": admin.id,
                }
            )
            if index % 3 == 1:
                Consent.create(
                    {
                        "partner_id": person.id,
                        "purpose": "email",
                        "state": "withdrawn",
                        "source": "email",
                        "note": "Ba om å bli fjernet fra nyhetsbrevet.",
                        "date": given + timedelta(days=rng.randint(30, 150)),
                        "user_id": admin.id,
                    }
                )
            if index % 3 == 2:
                Consent.create(
                    {
                        "partner_id": person.id,
                        "purpose": "sms",
                        "state": "given",
                        "source": "phone",
                        "wording": "Ja takk til tilbud på SMS fra Fjellheim Regnskap AS.",
                        "date": given + timedelta(days=rng.randint(10, 90)),
                        "user_id": admin.id,
                    }
                )

    @api.model
    def _kk_demo_events(self, rng, customers, today):
        """What happens to each customer over two years, as ``[(date, order, kind, data)]``: invoices following
        the customer's rhythm, now and then a credit note, and payments as the customer's habit has them."""
        events = []
        for partner, profile in customers:
            if profile == "none":
                continue
            if profile == "former":
                date = today - relativedelta(years=7, months=2)
                invoice = {"partner": partner, "date": date, "due": date + timedelta(days=14), "currency": False,
                           "lines": [("Regnskapsbistand, årsoppgjør", 1, 6500.0)]}  # fmt: skip
                events.append((date, 0, "invoice", invoice))
                events.append((date + timedelta(days=10), 2, "payment", (invoice, 1.0)))
                continue
            currency = profile.split(":")[1] if profile.startswith("foreign:") else False
            habit = HABITS["late" if currency else profile]
            big = partner.value_tier == "a"
            every = rng.choice([60, 90, 120]) if partner.is_company else rng.choice([150, 240])
            terms = 30 if partner.is_company else 14
            date = today - timedelta(days=730 - rng.randint(0, 40))
            while date < today:
                lines = [
                    (rng.choice(LINE_TEXTS), rng.randint(1, 8), float(rng.randrange(800, 9000 if big else 4000, 50)))
                    for _i in range(rng.randint(1, 3))
                ]
                if not partner.is_company:  # a private customer's invoice: one line, a few hours or items
                    lines = [(lines[0][0], rng.randint(1, 3), lines[0][2])]
                if currency:
                    lines = [(text, qty, round(price / 25, 2)) for text, qty, price in lines]
                invoice = {"partner": partner, "date": date, "due": date + timedelta(days=terms), "currency": currency,
                           "lines": lines}  # fmt: skip
                events.append((date, 0, "invoice", invoice))
                if rng.random() < 0.06:
                    events.append((date + timedelta(days=rng.randint(2, 12)), 1, "refund", invoice))
                late = rng.random() < habit["late_share"]
                paid_on = invoice["due"] + timedelta(
                    days=rng.randint(*habit["late_days"]) if late else -rng.randint(0, 10)
                )
                recent = (today - date).days < 150
                if recent and rng.random() < habit["open_share"]:
                    # Partial payers pay half; bad payers nothing: the rest stays open and overdue.
                    if profile == "partial":
                        events.append((paid_on, 2, "payment", (invoice, 0.5)))
                elif paid_on <= today:
                    events.append((paid_on, 2, "payment", (invoice, 1.0)))
                date += timedelta(days=every + rng.randint(-7, 7))
        return events

    @api.model
    def _kk_demo_history(self, rng, customers, today):
        """Invoices, credit notes and payments over two years, processed in date order; then reminders and a
        credit override."""
        events = self._kk_demo_events(rng, customers, today)
        events.sort(key=lambda event: (event[0], event[1]))
        moves = {}
        for date, _order, kind, data in events:
            if date > today:
                continue
            if kind == "invoice":
                move = self._kk_demo_post(data, "out_invoice", data["lines"])
                if move:
                    moves[id(data)] = move
            elif kind == "refund" and id(data) in moves:
                invoice = moves[id(data)]
                text, _qty, price = data["lines"][0]
                refund = self._kk_demo_post(
                    dict(data, date=date, due=date), "out_refund", [(f"Kreditnota: prisavslag, {text.lower()}", 1,
                                                                    round(price * 0.2, 2))]
                )  # fmt: skip
                if refund:
                    (invoice | refund).line_ids.filtered(
                        lambda line: line.account_id.account_type == "asset_receivable" and not line.reconciled
                    ).reconcile()
            elif kind == "payment" and id(data[0]) in moves:
                self._kk_demo_pay(moves[id(data[0])], date, data[1])
        self._kk_demo_reminders(customers, today)
        self._kk_demo_credit_override(today)

    @api.model
    def _kk_demo_post(self, data, move_type, lines):
        """Create and post one invoice or credit note; ``False`` when the customer's credit policy blocks it (the
        demo then leaves it out, as a clerk would)."""
        vals = {
            "move_type": move_type,
            "journal_id": self._kk_demo_journal("sale").id,
            "partner_id": data["partner"].id,
            "invoice_date": data["date"],
            "invoice_payment_term_id": False,
            "invoice_date_due": data["due"],
            "invoice_line_ids": [Command.create({"name": t, "quantity": q, "price_unit": p}) for t, q, p in lines],
        }
        if data["currency"]:
            vals["currency_id"] = self.env.ref(data["currency"]).id
        move = self.env["account.move"].create(vals)
        try:
            with self.env.cr.savepoint():
                move._post(soft=False)
        except UserError:
            _logger.info("Demo invoice for %s left out: over its credit limit", data["partner"].name)
            move.unlink()
            return False
        return move

    @api.model
    def _kk_demo_pay(self, invoice, date, share):
        """Register a payment of ``share`` of what is still open on ``invoice`` at ``date`` in the bank journal."""
        if invoice.payment_state in ("paid", "in_payment", "reversed") or invoice.currency_id.is_zero(
            invoice.amount_residual
        ):
            return
        amount = invoice.currency_id.round(invoice.amount_residual * share)
        wizard = (
            self.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create(
                {
                    "payment_date": date,
                    "amount": amount,
                    "journal_id": self._kk_demo_journal("bank").id,
                    "payment_difference_handling": "open",
                }
            )
        )
        wizard._create_payments()

    @api.model
    def _kk_demo_reminders(self, customers, today):
        """Past reminders (purringer) of customers with overdue items, as a monthly reminder run would have sent
        them: level 1, then one level up while the same items stay unpaid."""
        company = self.env.company
        Statement = self.env["report.kundekartotek.report_statement"]
        debtors = self.browse([partner.id for partner, profile in customers if profile in ("late", "partial", "bad")])
        previous = {}
        for months_back in range(11, -1, -1):
            run_date = today - relativedelta(months=months_back, day=20) if months_back else today - timedelta(days=3)
            statements = Statement._kk_statements(debtors, run_date, company, overdue_only=True)
            for debtor in debtors:
                statement = statements[debtor.id]
                if company.currency_id.compare_amounts(statement["total"]["residual"], 0) <= 0:
                    continue
                lines = self.env["account.move.line"].union(*(item["line"] for item in statement["lines"]))
                last = previous.get(debtor.id)
                level = last.level + 1 if last and last.line_ids & lines else 1
                reminder = self.env["kundekartotek.reminder"].create(
                    {
                        "partner_id": debtor.id,
                        "company_id": company.id,
                        "date": run_date,
                        "level": min(level, 3),
                        "amount": statement["total"]["residual"],
                        "payment_deadline": run_date + timedelta(days=company.kk_reminder_payment_days),
                        "channel": "email",
                        "user_id": self.env.ref("base.user_admin").id,
                        "line_ids": [Command.set(lines.ids)],
                        "invoice_refs": ", ".join(sorted({item["number"] for item in statement["lines"]})),
                    }
                )
                previous[debtor.id] = reminder

    @api.model
    def _kk_demo_credit_override(self, today):
        """An invoice over a blocked customer's limit, posted by the administrator through the override wizard."""
        customer = self.env.ref("kundekartotek.res_partner_nordlys_demo")
        admin = self.env.ref("base.user_admin")
        headroom = customer.credit_limit - customer.with_company(self.env.company).credit
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "journal_id": self._kk_demo_journal("sale").id,
                "partner_id": customer.id,
                "invoice_date": today - timedelta(days=2),
                "invoice_line_ids": [
                    Command.create({"name": "Ny hovedtavle, lager Alnabru", "quantity": 1,
                                    "price_unit": max(headroom, 0.0) + 15000.0})
                ],
            }
        )  # fmt: skip
        wizard = (
            self.env["kundekartotek.credit.override"]
            .with_user(admin)
            .create(
                {
                    "res_model": "account.move",
                    "res_id": invoice.id,
                    "reason": "Betaling lovet innen 14 dager, avtalt med daglig leder.",
                }
            )
        )
        wizard.action_confirm()

    @api.model
    def _kk_demo_accountant(self):
        """A second demo user: a Norwegian accountant (Kundekartotek user and Invoicing) with the Norwegian
        interface (activated by the caller if the install did not load it)."""
        user = (
            self.env["res.users"]
            .with_context(no_reset_password=True)
            .create(
                {
                    "name": "Ingrid Bakke",
                    "login": "regnskap",
                    "password": "regnskap",
                    "email": "ingrid.bakke@fjellheim-regnskap.example",
                    "lang": self._kk_demo_norwegian(),
                    "tz": "Europe/Oslo",
                    "groups_id": [
                        Command.link(self.env.ref("base.group_user").id),
                        Command.link(self.env.ref("kundekartotek.group_user").id),
                        Command.link(self.env.ref("account.group_account_invoice").id),
                    ],
                }
            )
        )
        self.env["ir.model.data"]._update_xmlids(
            [{"xml_id": "kundekartotek.user_accountant_demo", "record": user, "noupdate": True}]
        )
