#!/usr/bin/env python3
# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Duplicate detection: precision, recall and F1 at the documented threshold; scan and check times at scale.

A seeded generator of Norwegian customers (companies and persons, addresses, postcodes, phones, e-mails,
organisation numbers, bank accounts) injects duplicates of some of them: typos, abbreviations, legal-form variants,
æøå spelled out or dropped, swapped words, initials, moved addresses, other phone formats, identifiers left out. It
also makes the cases that must *not* be found: households (same address and home phone, other first name),
namesakes in other towns, companies of one family name and trade in other towns.

Two modes:

* ``--pure``: no database. Candidates are every pair sharing a name word or an exact key (as the fallback search
  does), scored by ``lib.duplicates``; prints precision, recall and F1 at ``LIKELY``. For calibration.
* default: in an Odoo database (``-c CONFIG -d kk_bench_dq``): the generated customers are inserted in batches,
  ``kundekartotek.duplicate.pair.action_scan()`` runs (timed), precision/recall/F1 are read from the stored pairs,
  then ``res.partner._kk_likely_duplicates()`` is timed for duplicates of existing customers. ``--keep`` keeps the
  customers (the next run with ``--reuse`` skips the insert).

    .venv/bin/python bench/bench_duplicates.py --pure --customers 5000 --seed 1
    .venv/bin/python bench/bench_duplicates.py -c .odoo/odoo-test.cfg -d kk_bench_dq --customers 100000 --seed 2
"""

import argparse
import collections
import itertools
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from lib import duplicates as dup  # noqa: E402

FIRST_NAMES = (
    "Ola Kari Per Anne Lars Ingrid Jon Marit Nils Silje Knut Hilde Bjørn Ragnhild Erik Solveig Håkon Åse Øyvind "
    "Tone Jørgen Kjersti Arne Berit Geir Gro Terje Liv Sigurd Randi Trond Marte Ståle Torill Espen Ingeborg Ørjan "
    "Synnøve Magnus Nora Henrik Emma Sondre Ida Vegard Tuva Aksel Maja Eirik Sunniva Håvard Mathilde Kjetil Åsne"
).split()
SURNAMES = (
    "Hansen Johansen Olsen Larsen Andersen Pedersen Nilsen Kristiansen Jensen Karlsen Johnsen Pettersen Eriksen "
    "Berg Haugen Hagen Johannessen Andreassen Jacobsen Dahl Jørgensen Halvorsen Henriksen Lund Sørensen Jakobsen "
    "Moen Gundersen Iversen Strand Solberg Svendsen Eide Knutsen Martinsen Paulsen Bakken Kristoffersen Mathisen "
    "Lie Amundsen Nguyen Rasmussen Ali Lunde Solheim Berge Moe Nygård Bakke Kristensen Fredriksen Holm Lien "
    "Hauge Christensen Andresen Nielsen Knudsen Evensen Sæther Aas Myhre Hanssen Ahmed Haugland Thomassen Sivertsen "
    "Simonsen Danielsen Berntsen Sandvik Rønning Arnesen Antonsen Næss Vik Haug Ellingsen Thorsen Edvardsen Birkeland "
    "Isaksen Gulbrandsen Ruud Aasen Strøm Myklebust Tangen Ødegård Eliassen Helland Bøe Jenssen Aune Mikkelsen "
    "Tveit Brekke Abrahamsen Madsen Våge Fjeld Grønli Åsheim Østby Bråten Løvås Tveiten Økland Rønneberg"
).split()
PLACES = (
    "Nord Sør Vest Øst Fjord Dal Fjell Berg Skog Strand Vik Nes Øy Bakke Haug Elv Sjø Lys Stor Ny Gammel Midt "
    "Oslo Bergen Trondheim Stavanger Tromsø Drammen Kristiansand Fredrikstad Ålesund Bodø Molde Hamar Lillehammer "
    "Gjøvik Tønsberg Sandefjord Larvik Skien Arendal Haugesund Harstad Narvik Kongsberg Halden Moss Askøy Asker "
    "Bærum Sola Sandnes Voss Røros Florø Førde Leknes Alta Kirkenes Vadsø Mo Mosjøen Steinkjer Levanger Stjørdal"
).split()
TRADES = (
    "Bygg Rør Elektro Maskin Transport Regnskap Eiendom Consulting Service Bil Data Frisør Maling Tre Snekker "
    "Entreprenør Anlegg Kjøkken Bakeri Fisk Sjømat Handel Import Møbler Hage Blomster Tannlegekontor Legesenter "
    "Advokatfirma Revisjon Reklame Design Media Trykkeri Sport Sykkel Optikk Apotek Kafé Restaurant Hotell Camping "
    "Mekaniske Verksted Rørlegger Taktekking Betong Stål Glass Utleie Renhold Vakt Logistikk Shipping Oppdrett "
    "Holding Invest Kapital Energi Solenergi Ventilasjon Elektronikk IT Programvare Bemanning Kurs Musikk Foto"
).split()
FORMS = ("AS", "AS", "AS", "AS", "ASA", "ENK", "DA", "ANS", "SA")
STREETS = (
    "Storgata|Kirkegata|Kongens gate|Dronningens gate|Parkveien|Skolegata|Strandveien|Jernbanegata|Torggata|"
    "Industriveien|Fjellveien|Bakkegata|Sjøgata|Nedre Storgate|Øvre Slottsgate|Bygdøy allé|Trondheimsveien|"
    "Markveien|Grensen|Løkkeveien|Solbakken|Tollbugata|Rådhusgata|Havnegata|Elvegata|Kongsvegen|Fjordvegen|"
    "Åsveien|Granveien|Bjørkeveien|Furuveien|Rognveien|Lindeveien|Eikeveien|Hasselveien|Lønneveien|Gamle Drammensvei|"
    "Ringveien|Bekkeveien|Myrveien|Steinveien|Åkerveien|Engveien|Hagegata|Kjøpmannsgata|Olav Tryggvasons gate"
).split("|")
# Postcode ranges of towns (first, last, town): a register spreads over thousands of postcodes, most in the cities.
POSTCODE_RANGES = (
    (150, 1299, "Oslo"),
    (150, 1299, "Oslo"),
    (1300, 1399, "Bærum"),
    (1400, 1449, "Ski"),
    (1500, 1599, "Moss"),
    (1600, 1639, "Fredrikstad"),
    (1700, 1799, "Sarpsborg"),
    (2000, 2099, "Lillestrøm"),
    (2300, 2349, "Hamar"),
    (2600, 2659, "Lillehammer"),
    (2800, 2849, "Gjøvik"),
    (3000, 3059, "Drammen"),
    (3100, 3189, "Tønsberg"),
    (3200, 3239, "Sandefjord"),
    (3250, 3299, "Larvik"),
    (3600, 3629, "Kongsberg"),
    (3700, 3739, "Skien"),
    (4000, 4099, "Stavanger"),
    (4300, 4329, "Sandnes"),
    (4600, 4699, "Kristiansand"),
    (4800, 4849, "Arendal"),
    (5000, 5259, "Bergen"),
    (5000, 5259, "Bergen"),
    (5500, 5549, "Haugesund"),
    (6000, 6099, "Ålesund"),
    (6400, 6449, "Molde"),
    (7000, 7099, "Trondheim"),
    (7000, 7099, "Trondheim"),
    (7600, 7629, "Levanger"),
    (8000, 8049, "Bodø"),
    (8500, 8529, "Narvik"),
    (9000, 9049, "Tromsø"),
    (9400, 9429, "Harstad"),
    (9500, 9519, "Alta"),
)
MAIL_DOMAINS = ("gmail.com", "online.no", "hotmail.com", "outlook.com", "yahoo.no", "live.no", "icloud.com")
WEIGHTS_ORGNR = (3, 2, 7, 6, 5, 4, 3, 2)
ABBREVIATE = {
    "Brødrene": "Brdr.",
    "Sønn": "Søn",
    "&": "og",
    "og": "&",
    "Eiendom": "Eiendommer",
    "Consulting": "Consult",
    "Service": "Services",
    "Transport": "Transp.",
    "Holding": "Holdings",
    "Norge": "Norway",
    "Regnskap": "Regnskapskontor",
}
SUFFIX_VARIANTS = ("AS", "A/S", "A.S.", "A.S", "as", "Aksjeselskap", "")


def orgnr(rng):
    """A valid (MOD11) organisation number."""
    while True:
        digits = [rng.choice((8, 9))] + [rng.randrange(10) for _ in range(7)]
        check = 11 - sum(d * w for d, w in zip(digits, WEIGHTS_ORGNR, strict=True)) % 11
        if check == 11:
            check = 0
        if check < 10:
            return "".join(map(str, digits)) + str(check)


def slug(text):
    return dup._SEPARATORS.sub("", dup._fold(text))


def phone(rng, mobile):
    first = rng.choice("49") if mobile else rng.choice("23567")
    return first + "".join(str(rng.randrange(10)) for _ in range(7))


def format_phone(rng, number):
    """One of the ways people write a Norwegian number."""
    style = rng.randrange(6)
    if style == 0:
        return number
    if style == 1:
        return f"+47 {number[:3]} {number[3:5]} {number[5:]}"
    if style == 2:
        return f"{number[:2]} {number[2:4]} {number[4:6]} {number[6:]}"
    if style == 3:
        return f"0047{number}"
    if style == 4:
        return f"+47{number}"
    return f"{number[:3]} {number[3:5]} {number[5:]}"


def company_name(rng):
    form = rng.choice(FORMS)
    pattern = rng.randrange(7)
    if pattern == 0:
        base = f"{rng.choice(SURNAMES)} {rng.choice(TRADES)}"
    elif pattern == 1:
        base = f"{rng.choice(PLACES)} {rng.choice(TRADES)}"
    elif pattern == 2:
        base = f"{rng.choice(PLACES)}{rng.choice(TRADES).lower()}"
    elif pattern == 3:
        base = f"{rng.choice(SURNAMES)} & Sønn"
    elif pattern == 4:
        base = f"Brødrene {rng.choice(SURNAMES)}"
    elif pattern == 5:
        base = f"{rng.choice(PLACES)} {rng.choice(TRADES)} og {rng.choice(TRADES)}"
    else:
        base = f"{rng.choice(SURNAMES)} {rng.choice(TRADES)} {rng.choice(PLACES)}"
    return f"{base} {form}"


def address(rng):
    first, last, city = rng.choice(POSTCODE_RANGES)
    postcode = f"{rng.randint(first, last):04d}"
    number = f"{rng.randrange(1, 120)}"
    if rng.random() < 0.15:
        number += f" {rng.choice('ABCD')}"
    return {"street": f"{rng.choice(STREETS)} {number}", "zip": postcode, "city": city}


def make_entity(rng):
    """One customer as it would be registered once (a dict of res.partner values plus ``bank``)."""
    if rng.random() < 0.6:
        name = company_name(rng)
        partner = {
            "name": name,
            "is_company": True,
            "orgnr": orgnr(rng) if rng.random() < 0.75 else "",
            "email": f"post@{slug(name.rsplit(' ', 1)[0])[:20]}.no" if rng.random() < 0.8 else "",
            "phone": phone(rng, mobile=False) if rng.random() < 0.8 else "",
        }
    else:
        first, last = rng.choice(FIRST_NAMES), rng.choice(SURNAMES)
        name = f"{first} {last}"
        if rng.random() < 0.2:
            name = f"{first} {rng.choice(FIRST_NAMES)} {last}"
        partner = {
            "name": name,
            "is_company": False,
            "orgnr": "",
            "email": (
                f"{slug(first)}.{slug(last)}{rng.randrange(100)}@{rng.choice(MAIL_DOMAINS)}"
                if rng.random() < 0.7
                else ""
            ),
            "phone": phone(rng, mobile=True) if rng.random() < 0.85 else "",
        }
    partner.update(address(rng))
    partner["bank"] = "".join(str(rng.randrange(10)) for _ in range(11)) if rng.random() < 0.3 else ""
    return partner


def typo(rng, text):
    letters = [i for i, c in enumerate(text) if c.isalpha()]
    if len(letters) < 4:
        return text
    i = rng.choice(letters[1:])
    kind = rng.randrange(4)
    if kind == 0:
        return text[:i] + text[i + 1 :]
    if kind == 1 and i + 1 < len(text):
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    if kind == 2:
        return text[:i] + text[i] + text[i:]
    return text[:i] + rng.choice("aeiounrst") + text[i + 1 :]


def mutate_name(rng, name, is_company):
    """One to two of the changes people make when they register a customer a second time."""
    kinds = ["typo", "translit", "swap", "case"] + (["suffix", "abbrev"] if is_company else ["initial", "drop_middle"])
    for kind in rng.sample(kinds, rng.choice((1, 1, 2))):
        words = name.split()
        if kind == "typo":
            name = typo(rng, name)
        elif kind == "translit":
            table = rng.choice(({"æ": "ae", "ø": "oe", "å": "aa"}, {"æ": "a", "ø": "o", "å": "a"}))
            for char, spelled in list(table.items()):
                table[char.upper()] = spelled.capitalize()
            name = "".join(table.get(c, c) for c in name)
        elif kind == "swap" and len(words) >= 2:
            words[0], words[1] = words[1], words[0]
            name = " ".join(words)
        elif kind == "case":
            name = name.upper() if rng.random() < 0.5 else name.lower()
        elif kind == "suffix" and words[-1] in FORMS:
            name = " ".join([*words[:-1], rng.choice(SUFFIX_VARIANTS)]).strip()
        elif kind == "abbrev":
            name = " ".join(ABBREVIATE.get(w, w) for w in words)
        elif kind == "initial" and len(words) >= 2:
            name = " ".join([f"{words[0][0]}.", *words[1:]])
        elif kind == "drop_middle" and len(words) == 3:
            name = f"{words[0]} {words[2]}"
    return name


def mutate_street(rng, street):
    variants = (
        ("gata", "gt."),
        ("gata", "gaten"),
        ("veien", "vn."),
        ("veien", "vegen"),
        (" gate", "gt."),
    )
    for old, new in rng.sample(variants, len(variants)):
        if old in street:
            return street.replace(old, new, 1)
    return street.lower()


def make_duplicate(rng, original):
    """A second registration of ``original``: the name changed, some identifiers left out or written otherwise."""
    copy = dict(original)
    copy["name"] = mutate_name(rng, original["name"], original["is_company"])
    if copy["orgnr"] and rng.random() < 0.5:
        copy["orgnr"] = ""
    if copy["email"]:
        roll = rng.random()
        if roll < 0.35:
            copy["email"] = ""
        elif roll < 0.6:
            copy["email"] = copy["email"].upper()
    if copy["phone"]:
        roll = rng.random()
        copy["phone"] = "" if roll < 0.3 else format_phone(rng, copy["phone"])
    roll = rng.random()
    if roll < 0.25:
        copy.update(address(rng))  # moved
    elif roll < 0.35:
        copy.update(street="", zip="", city="")
    elif roll < 0.7:
        copy["street"] = mutate_street(rng, copy["street"])
    if copy["bank"] and rng.random() < 0.5:
        copy["bank"] = ""
    return copy


def generate(customers, seed, duplicate_rate=0.08):
    """``customers`` partner dicts (each with ``entity``, the real customer it is); duplicates and look-alikes."""
    rng = random.Random(seed)
    partners = []
    company_names = set()
    used = set()
    entity = 0
    while len(partners) < customers:
        entity += 1
        original = make_entity(rng)
        if not unique_identifiers(original, used):
            continue
        if original["is_company"]:
            keys = company_keys(original["name"])
            if keys & company_names:  # Enhetsregisteret: one company per name
                continue
            company_names.update(keys)
        original["entity"] = entity
        partners.append(original)
        roll = rng.random()
        if roll < duplicate_rate:
            for _ in range(rng.choice((1, 1, 1, 2))):
                partners.append(make_duplicate(rng, original))
        elif roll < duplicate_rate + 0.03 and not original["is_company"]:
            # Household: same address and home phone, another person.
            entity += 1
            other = dict(original, entity=entity, email="", bank="", orgnr="")
            first = rng.choice([n for n in FIRST_NAMES if n != original["name"].split()[0]])
            other["name"] = f"{first} {original['name'].split()[-1]}"
            partners.append(other)
        elif roll < duplicate_rate + 0.05:
            # Namesake elsewhere: same name, nothing else in common.
            entity += 1
            other = make_entity(rng)
            if not unique_identifiers(other, used):
                continue
            other.update(name=original["name"], is_company=original["is_company"], entity=entity)
            if original["is_company"]:
                other["name"] = original["name"].replace(original["name"].split()[-1], rng.choice(PLACES), 1)
                keys = company_keys(other["name"])
                if keys & company_names:
                    continue
                company_names.update(keys)
            if other["email"]:
                other["email"] = (
                    f"post@{slug(other['name'].rsplit(' ', 1)[0])[:20]}.no"
                    if other["is_company"]
                    else f"{slug(other['name'])}{rng.randrange(100)}@{rng.choice(MAIL_DOMAINS)}"
                )
            partners.append(other)
    return partners[:customers]


def unique_identifiers(partner, used):
    """Whether the new customer's identifiers are its own: an organisation number, e-mail address, phone number or
    bank account belongs to one customer (households share theirs on purpose, below). Random draws would otherwise
    give two companies one organisation number, which cannot happen, and count the pair as a false positive."""
    keys = {
        (field, dup.normalise_email(partner[field]) if field == "email" else partner[field])
        for field in ("orgnr", "email", "phone", "bank")
        if partner[field]
    }
    if keys & used:
        return False
    used.update(keys)
    return True


def company_keys(name):
    """Two company names that normalise alike, or that read alike written together, cannot both be registered."""
    tokens = dup.name_tokens(name)
    return {" ".join(sorted(tokens)), "".join(tokens), slug(name.rsplit(" ", 1)[0])[:20]}


def as_lib(partner):
    return {
        "name": partner["name"],
        "is_company": partner["is_company"],
        "orgnr": partner["orgnr"],
        "email": partner["email"],
        "phone": partner["phone"],
        "street": partner["street"],
        "zip": partner["zip"],
        "bank_accounts": [partner["bank"]] if partner["bank"] else [],
    }


def true_pairs(partners, ids):
    by_entity = collections.defaultdict(list)
    for partner, pid in zip(partners, ids, strict=True):
        by_entity[partner["entity"]].append(pid)
    return {tuple(sorted(p)) for members in by_entity.values() for p in itertools.combinations(members, 2)}


def report(found, truth, label):
    hits = len(found & truth)
    precision = hits / len(found) if found else 0.0
    recall = hits / len(truth) if truth else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    print(
        f"{label}: true pairs {len(truth)}, found {len(found)}, correct {hits}, "
        f"precision {precision:.4f}, recall {recall:.4f}, F1 {f1:.4f} (LIKELY = {dup.LIKELY})"
    )
    return f1


def pure(args):
    """Candidates by shared name word or exact key, scored by lib.duplicates: the rules alone, without a database."""
    partners = generate(args.customers, args.seed)
    keys = [dup.partner_keys(as_lib(p)) for p in partners]
    blocks = collections.defaultdict(list)
    for index, (partner, key) in enumerate(zip(partners, keys, strict=True)):
        for token in set(dup.name_tokens(partner["name"])):
            blocks["n" + token].append(index)
        for field in ("orgnr", "email"):
            if key[field]:
                blocks[field + key[field]].append(index)
        for value in key["phones"]:
            blocks["p" + value].append(index)
        for value in key["banks"]:
            blocks["b" + value].append(index)
    candidates = set()
    for members in blocks.values():
        if len(members) <= args.block_limit:
            candidates.update(itertools.combinations(members, 2))
    start = time.perf_counter()
    scored = {pair: dup.score_pair(keys[pair[0]], keys[pair[1]]) for pair in candidates}
    elapsed = time.perf_counter() - start
    truth = true_pairs(partners, range(len(partners)))
    found = {pair for pair, (score, _reasons) in scored.items() if dup.is_likely(score)}
    print(f"{len(partners)} customers, seed {args.seed}, {len(candidates)} candidate pairs scored in {elapsed:.1f} s")
    f1 = report(found, truth, "pure")
    if args.verbose:
        missed = sorted(truth - found)[: args.verbose]
        wrong = sorted(found - truth)[: args.verbose]
        for label, pairs in (("missed", missed), ("wrong", wrong)):
            for i, j in pairs:
                print(label, scored.get((i, j)), "|", as_lib(partners[i]), "|", as_lib(partners[j]))
    return f1


def insert(env, partners, batch=5000):
    """Customers through SQL in batches (the ORM would take an hour at 100 000), then the duplicate keys."""
    from odoo.tools import SQL

    ids = []
    norway = env.ref("base.no").id
    company = env.company.id
    for start in range(0, len(partners), batch):
        chunk = partners[start : start + batch]
        rows = [
            SQL(
                "(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, true, 'contact', 1, 'ask', now(), now())",
                p["name"],
                p["name"],
                p["is_company"],
                p["orgnr"] or None,
                p["email"] or None,
                p["phone"] or None,
                p["street"] or None,
                p["zip"] or None,
                p["city"] or None,
                norway,
                company,
            )
            for p in chunk
        ]
        env.cr.execute(
            SQL(
                "INSERT INTO res_partner (name, complete_name, is_company, company_registry, email, phone, street, zip,"
                " city, country_id, company_id, active, type, customer_rank, autopost_bills, create_date, write_date)"
                " VALUES %s RETURNING id",
                SQL(", ").join(rows),
            )
        )
        chunk_ids = [row[0] for row in env.cr.fetchall()]
        ids.extend(chunk_ids)
        env.cr.execute(SQL("UPDATE res_partner SET commercial_partner_id = id WHERE id = ANY(%s)", chunk_ids))
        banks = [(pid, p["bank"]) for pid, p in zip(chunk_ids, chunk, strict=True) if p["bank"]]
        if banks:
            env.cr.execute(
                SQL(
                    "INSERT INTO res_partner_bank (partner_id, acc_number, sanitized_acc_number, company_id, active,"
                    " allow_out_payment) VALUES %s",
                    SQL(", ").join(SQL("(%s, %s, %s, %s, true, false)", pid, acc, acc, company) for pid, acc in banks),
                )
            )
        env["res.partner"].browse(chunk_ids)._kk_update_dup_keys()
        env.cr.commit()  # a bench: keep each batch
        print(f"  inserted {len(ids)}", flush=True)
    return ids


def in_odoo(args):
    sys.path.insert(0, os.environ.get("ODOO_SRC", "/opt/odoo/18.0"))
    import odoo
    from odoo.tools import SQL

    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database])
    registry = odoo.modules.registry.Registry(args.database)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        partners = generate(args.customers, args.seed)
        if args.reuse:
            cr.execute(SQL("SELECT id FROM res_partner WHERE customer_rank = 1 AND create_uid IS NULL ORDER BY id"))
            ids = [row[0] for row in cr.fetchall()]
            assert len(ids) == len(partners), "--reuse needs the customers of a run with the same size and seed"
        else:
            ids = insert(env, partners)
            # What autovacuum does on a live register after a bulk load: statistics, GIN pending list merged.
            with odoo.sql_db.db_connect(args.database).cursor() as maintenance:
                maintenance._cnx.autocommit = True
                maintenance.execute(SQL("VACUUM ANALYZE res_partner"))
                maintenance.execute(SQL("VACUUM ANALYZE res_partner_bank"))
        pair_model = env["kundekartotek.duplicate.pair"]
        print(f"pg_trgm: {env['res.partner']._kk_has_trigram()}")
        start = time.perf_counter()
        pair_model.action_scan()
        scan = time.perf_counter() - start
        cr.commit()
        cr.execute(
            SQL(
                "SELECT partner_a_id, partner_b_id FROM kundekartotek_duplicate_pair WHERE score >= %s"
                " AND partner_a_id = ANY(%s)",
                dup.LIKELY,
                ids,
            )
        )
        found = {tuple(row) for row in cr.fetchall()}
        print(f"full scan of {len(ids)} customers: {scan:.1f} s")
        report(found, true_pairs(partners, ids), "scan")
        rng = random.Random(args.seed + 1000)
        timings = []
        for index in rng.sample(range(len(partners)), args.checks):
            vals = make_duplicate(rng, partners[index])
            vals = {
                "name": vals["name"],
                "company_registry": vals["orgnr"],
                "email": vals["email"],
                "phone": vals["phone"],
                "street": vals["street"],
                "zip": vals["zip"],
            }
            start = time.perf_counter()
            env["res.partner"]._kk_likely_duplicates(vals)
            timings.append((time.perf_counter() - start) * 1000)
        timings.sort()
        print(
            f"_kk_likely_duplicates at {len(ids)} customers, {args.checks} checks:"
            f" median {statistics.median(timings):.1f} ms,"
            f" 95th percentile {timings[int(len(timings) * 0.95) - 1]:.1f} ms, max {timings[-1]:.1f} ms"
        )
        if not args.keep:
            cr.execute(SQL("DELETE FROM kundekartotek_duplicate_pair"))
            cr.execute(SQL("DELETE FROM res_partner_bank WHERE partner_id = ANY(%s)", ids))
            cr.execute(SQL("DELETE FROM res_partner WHERE id = ANY(%s)", ids))
            cr.commit()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=2)
    parser.add_argument("--pure", action="store_true", help="no database: the scoring rules alone")
    parser.add_argument("--block-limit", type=int, default=300)
    parser.add_argument("--verbose", type=int, default=0, help="print this many missed and wrong pairs")
    parser.add_argument("-c", "--config")
    parser.add_argument("-d", "--database", default="kk_bench_dq")
    parser.add_argument("--checks", type=int, default=200)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--reuse", action="store_true")
    args = parser.parse_args()
    if args.pure:
        pure(args)
    else:
        in_odoo(args)


if __name__ == "__main__":
    main()
