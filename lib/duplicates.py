# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Duplicate detection of customers: normalisation of names, e-mails, phones and addresses, and a pair score.

Pure Python (no ``odoo``), so the rules are tested alone and the benchmark calibrates exactly what the module runs.
A partner is a plain dict with any of the keys ``name``, ``is_company``, ``orgnr``, ``fodselsnummer``, ``vat``,
``email``, ``phone``, ``mobile``, ``bank_accounts`` (list), ``street``, ``zip``, ``country_code``.

:func:`score_pair` returns a score between 0 and 1 and reason codes; the Odoo layer words the codes (translated).
A pair is *likely* a duplicate when its score is at least :data:`LIKELY` (see docs/benchmarks.md for how it was
calibrated).
"""

import functools
import re
import unicodedata

import phonenumbers

# A pair at or above this score is a likely duplicate. Calibrated on bench/bench_duplicates.py seed 1 (see
# docs/benchmarks.md); every exact key alone but a shared phone reaches it, a near-identical name needs one more hint.
LIKELY = 0.8

# Reason codes.
ORGNR = "orgnr"
FODSELSNUMMER = "fodselsnummer"
VAT = "vat"
EMAIL = "email"
PHONE = "phone"
BANK_ACCOUNT = "bank_account"
NAME_EXACT = "name_exact"
NAME_SIMILAR = "name_similar"
ADDRESS = "address"
POSTCODE = "postcode"
ORGNR_DIFFERS = "orgnr_differs"
FODSELSNUMMER_DIFFERS = "fodselsnummer_differs"

# How much each kind of evidence weighs on its own (NAME_EXACT: two companies of the same name), combined as a
# noisy OR: 1 - product of (1 - weight).
# A shared phone is the weakest exact key: switchboards, families and accountants share numbers.
WEIGHTS = {
    ORGNR: 0.97,
    FODSELSNUMMER: 0.97,
    VAT: 0.95,
    BANK_ACCOUNT: 0.9,
    EMAIL: 0.85,
    PHONE: 0.55,
    NAME_EXACT: 0.85,
    ADDRESS: 0.5,
    POSTCODE: 0.15,
}
# Two different organisation numbers (or fødselsnumre) are two legal persons: such a pair is never likely.
CONFLICT_CAP = 0.5
# Name similarity below this adds nothing; at 1.0 an identical name weighs NAME_MAX.
NAME_FLOOR = 0.75
NAME_MAX = 0.75
NAME_SIMILAR_MIN = 0.85
# Two streets with the same house number are one street from this Jaro-Winkler similarity on.
STREET_MIN = 0.95
# Two words are the same word mistyped from this Jaro-Winkler similarity on; an initial counts INITIAL_MATCH.
TOKEN_MIN = 0.85
INITIAL_MATCH = 0.9

# Legal forms (Enhetsregisteret's organisasjonsform), dropped at either end of a name.
LEGAL_FORMS = {
    "as",
    "asa",
    "aksjeselskap",
    "allmennaksjeselskap",
    "enk",
    "enkeltpersonforetak",
    "da",
    "ans",
    "sa",
    "ba",
    "nuf",
    "ks",
    "sf",
    "iks",
    "stiftelse",
    "ltd",
    "gmbh",
    "ab",
    "aps",
    "inc",
}
# Words that say nothing about which customer it is.
STOPWORDS = {"og", "and", "the", "i", "v", "ved"}
# Common abbreviations and variants, each to one spelling (after transliteration).
ABBREVIATIONS = {
    "co": "co",
    "comp": "co",
    "company": "co",
    "kompani": "co",
    "norway": "norge",
    "noreg": "norge",
    "nor": "norge",
    "brdr": "brodrene",
    "brodr": "brodrene",
    "bros": "brodrene",
    "brothers": "brodrene",
    "sonner": "sonn",
    "son": "sonn",
    "sons": "sonn",
    "eiendommer": "eiendom",
    "eiendomsselskap": "eiendom",
    "eiend": "eiendom",
    "holdings": "holding",
    "hold": "holding",
    "intl": "international",
    "int": "international",
    "internasjonal": "international",
    "serv": "service",
    "services": "service",
    "tjenester": "service",
    "consult": "consulting",
    "konsulent": "consulting",
    "transp": "transport",
    "entr": "entreprenor",
    "entreprenorforretning": "entreprenor",
    "regnsk": "regnskap",
    "regnskapskontor": "regnskap",
    "st": "sankt",
    "avd": "avdeling",
    "dr": "doktor",
    "mek": "mekaniske",
    "verksted": "verksted",
    "vrksted": "verksted",
    "bilverksted": "bilverksted",
}
STREET_WORDS = {
    "gata": "gate",
    "gaten": "gate",
    "gt": "gate",
    "veien": "vei",
    "vegen": "vei",
    "veg": "vei",
    "vn": "vei",
    "v": "vei",
    "plassen": "plass",
    "pl": "plass",
    "allé": "alle",
    "alleen": "alle",
    "postboks": "postboks",
    "pb": "postboks",
    "boks": "postboks",
}
STREET_SUFFIXES = (
    ("gata", "gate"),
    ("gaten", "gate"),
    ("gt", "gate"),
    ("veien", "vei"),
    ("vegen", "vei"),
    ("veg", "vei"),
    ("vn", "vei"),
)
_TRANSLIT = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "ä": "ae", "ö": "o", "ü": "u", "ß": "ss", "&": " og "})
# Spelled-out forms of æ/ø/å, brought to the same letters as the transliteration above.
_DIGRAPHS = (("aa", "a"), ("oe", "o"))
# Dots and slashes join what they separate (A/S, A.S.); every other non-word character separates words.
_JOINERS = re.compile(r"[./']")
_SEPARATORS = re.compile(r"[\W_]+")
_DIGITS = re.compile(r"\d+")
_STREET_NUMBER = re.compile(r"(\d+)\s+([a-z])\b")


def _fold(text):
    """Lowercase, æ/ø/å and their spelled-out forms to one spelling, accents dropped."""
    text = unicodedata.normalize("NFKC", text or "").lower().translate(_TRANSLIT)
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    for digraph, letter in _DIGRAPHS:
        text = text.replace(digraph, letter)
    return text


def name_tokens(name):
    """The words of a name that tell customers apart, in their order: folded, abbreviations expanded, legal forms
    (at either end) and stop words dropped."""
    words = _SEPARATORS.sub(" ", _JOINERS.sub("", _fold(name))).split()
    words = [ABBREVIATIONS.get(word, word) for word in words if word not in STOPWORDS]
    # "A. S." becomes "a s" after the dots go; read it as "as".
    joined = " ".join(words)
    joined = re.sub(r"(^| )a s($| )", r"\1as\2", joined)
    words = joined.split()
    while len(words) > 1 and words[-1] in LEGAL_FORMS:
        words.pop()
    while len(words) > 1 and words[0] in LEGAL_FORMS:
        words.pop(0)
    return words


def normalise_name(name):
    """The duplicate key of a name: its tokens sorted, so word order does not matter ("" for no name).

    Stored on the partner and indexed with trigrams: two names whose keys are close are candidates."""
    return " ".join(sorted(name_tokens(name)))


def normalise_email(email):
    """E-mail address compared case-insensitively, without spaces, ``mailto:`` or angle brackets."""
    email = (email or "").strip().lower()
    email = email.removeprefix("mailto:")
    match = re.search(r"<([^>]+)>", email)
    if match:
        email = match.group(1)
    email = email.strip().strip(".")
    return email if "@" in email else ""


def normalise_phone(phone, region="NO"):
    """Phone number in E.164 (``+4722334455``); Norwegian when it carries no country code. "" when it is no number."""
    phone = (phone or "").strip()
    if not phone:
        return ""
    # 0047 and 47 followed by eight digits are common ways of writing +47.
    digits = re.sub(r"[^\d+]", "", phone)
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    elif region == "NO" and len(digits) == 10 and digits.startswith("47"):
        digits = "+" + digits
    try:
        number = phonenumbers.parse(digits, region)
    except phonenumbers.NumberParseException:
        return ""
    if not phonenumbers.is_possible_number(number):
        return ""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_postcode(postcode, country_code="NO"):
    """Norwegian postcodes as four digits (``0150``); others as typed, without spaces, upper case."""
    postcode = re.sub(r"\s+", "", postcode or "").upper()
    if (country_code or "NO").upper() == "NO" and postcode.isdigit() and len(postcode) <= 4:
        return postcode.zfill(4)
    return postcode


def normalise_street(street):
    """A street address compared across spellings: ``Storgata 12 B`` and ``storgt. 12b`` give ``storgate 12b``."""
    text = _SEPARATORS.sub(" ", _fold(street).replace(".", " "))
    text = _STREET_NUMBER.sub(r"\1\2", text)
    words = []
    for word in text.split():
        if word in STREET_WORDS:
            words.append(STREET_WORDS[word])
            continue
        # Storgata, Storgt -> storgate; Parkveien, Parkvn -> parkvei (the suffix written together with the name).
        for suffix, replacement in STREET_SUFFIXES:
            if word.endswith(suffix) and len(word) > len(suffix) + 1:
                word = word[: -len(suffix)] + replacement
                break
        words.append(word)
    return " ".join(words)


def house_number(street):
    """The first run of digits of a street address ("" without one); the scan blocks on it in SQL the same way."""
    match = _DIGITS.search(street or "")
    return match.group(0) if match else ""


def same_address(street_a, street_b):
    """Two normalised streets (in one postcode) are one address: the same house number and the street name alike
    (Jaro-Winkler at least :data:`STREET_MIN`: a typo, not another street). ``Storgata 12`` is not ``Storgata 13``."""
    if not street_a or not street_b or house_number(street_a) != house_number(street_b):
        return False
    return street_a == street_b or jaro_winkler(street_a, street_b) >= STREET_MIN


def normalise_orgnr(number):
    """Organisation number digits only (``988 077 917`` -> ``988077917``)."""
    return re.sub(r"\D", "", number or "")


def normalise_vat(vat):
    """VAT number upper case, without spaces, dots or dashes (``NO 988 077 917 MVA`` -> ``NO988077917MVA``)."""
    return re.sub(r"[\s.\-]", "", vat or "").upper()


def normalise_bank_account(account):
    """Account number compared by its digits; a Norwegian IBAN compares as its 11-digit account number."""
    compact = re.sub(r"[\s.\-]", "", account or "").upper()
    if compact.startswith("NO") and len(compact) == 15:
        return compact[4:]
    return re.sub(r"[^0-9A-Z]", "", compact)


def trigrams(text):
    """The trigrams pg_trgm builds of a text: each word padded with two spaces before and one after."""
    grams = set()
    for word in text.split():
        padded = f"  {word} "
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return grams


def trigram_similarity(a, b):
    """pg_trgm's ``similarity``: shared trigrams over all trigrams of both."""
    ga, gb = trigrams(a), trigrams(b)
    if not ga or not gb:
        return 0.0
    return len(ga & gb) / len(ga | gb)


def jaro_winkler(a, b, prefix_scale=0.1):
    """Jaro-Winkler similarity of two strings (1.0 = equal); forgiving of typos and transpositions."""
    if a == b:
        return 1.0 if a else 0.0
    la, lb = len(a), len(b)
    if not la or not lb:
        return 0.0
    window = max(max(la, lb) // 2 - 1, 0)
    matched_a = [False] * la
    matched_b = [False] * lb
    matches = 0
    for i, char in enumerate(a):
        for j in range(max(0, i - window), min(lb, i + window + 1)):
            if not matched_b[j] and b[j] == char:
                matched_a[i] = matched_b[j] = True
                matches += 1
                break
    if not matches:
        return 0.0
    transpositions = 0
    j = 0
    for i in range(la):
        if matched_a[i]:
            while not matched_b[j]:
                j += 1
            if a[i] != b[j]:
                transpositions += 1
            j += 1
    jaro = (matches / la + matches / lb + (matches - transpositions / 2) / matches) / 3
    prefix = 0
    for char_a, char_b in zip(a[:4], b[:4], strict=False):
        if char_a != char_b:
            break
        prefix += 1
    return jaro + prefix * prefix_scale * (1 - jaro)


@functools.lru_cache(maxsize=200_000)
def _token_similarity(a, b):
    """Two words: Jaro-Winkler when it says "the same word, mistyped" (at least :data:`TOKEN_MIN`), else 0; an
    initial (``o``) matches a word starting with it (``ola``). Cached: a scan compares the same words again and again.

    Below TOKEN_MIN the words are different words (``hansen`` / ``jensen``, ``per`` / ``geir``), and partial credit
    for them would make every two persons with one shared surname look alike."""
    if len(a) == 1 or len(b) == 1:
        return INITIAL_MATCH if a[0] == b[0] else 0.0
    similarity = jaro_winkler(a, b)
    return similarity if similarity >= TOKEN_MIN else 0.0


def _one_way(tokens_a, tokens_b):
    """How well the words of ``tokens_a`` are found in ``tokens_b``, on average: each word counts the same, so that
    a different first name weighs as much as the shared surname."""
    return sum(max(_token_similarity(t, other) for other in tokens_b) for t in tokens_a) / len(tokens_a)


def _name_parts(name):
    """What name comparison needs of one name, computed once: words, sorted key, trigrams."""
    tokens = tuple(name_tokens(name))
    key = " ".join(sorted(tokens))
    return {"tokens": tokens, "sorted": tuple(sorted(tokens)), "key": key, "trigrams": trigrams(key)}


def name_similarity(name_a, name_b):
    """Similarity of two names between 0 and 1, after normalisation (suffixes, case, æøå, word order).

    The best of: the words matched one to one (typos, word order, initials), both directions averaged so that an
    extra word costs; the names written together when they have a different number of words (``Nordbygg`` against
    ``Nord Bygg``); pg_trgm's trigram similarity of the keys. Names may be given as :func:`_name_parts` results.
    """
    a = name_a if isinstance(name_a, dict) else _name_parts(name_a)
    b = name_b if isinstance(name_b, dict) else _name_parts(name_b)
    if not a["tokens"] or not b["tokens"]:
        return 0.0
    if a["sorted"] == b["sorted"]:
        return 1.0
    words = (_one_way(a["tokens"], b["tokens"]) + _one_way(b["tokens"], a["tokens"])) / 2
    together = 0.0
    if len(a["tokens"]) != len(b["tokens"]):
        together = jaro_winkler("".join(a["tokens"]), "".join(b["tokens"]))
    union = len(a["trigrams"] | b["trigrams"])
    trigram = len(a["trigrams"] & b["trigrams"]) / union if union else 0.0
    # Jaro-Winkler of whole names over-rates names sharing a prefix; trust it less than the word match.
    return max(words, together - 0.05, trigram)


def partner_keys(partner):
    """The normalised keys of one partner dict, computed once when a partner is compared with many."""
    country = partner.get("country_code") or "NO"
    phones = {normalise_phone(partner.get(field)) for field in ("phone", "mobile")} - {""}
    banks = {normalise_bank_account(account) for account in partner.get("bank_accounts") or ()} - {""}
    return {
        "name": _name_parts(partner.get("name")),
        "is_company": bool(partner.get("is_company")),
        "orgnr": normalise_orgnr(partner.get("orgnr")),
        "fodselsnummer": normalise_orgnr(partner.get("fodselsnummer")),
        "vat": normalise_vat(partner.get("vat")),
        "email": normalise_email(partner.get("email")),
        "phones": phones,
        "banks": banks,
        "street": normalise_street(partner.get("street")),
        "zip": normalise_postcode(partner.get("zip"), country),
    }


def score_pair(partner_a, partner_b):
    """Score how likely two partners are one customer: ``(score between 0 and 1, [reason codes])``.

    Each kind of evidence has a weight (:data:`WEIGHTS`, name similarity scaled from :data:`NAME_FLOOR`); weights
    combine as a noisy OR, so independent hints add up but never exceed 1. Two different organisation numbers or
    fødselsnumre cap the score at :data:`CONFLICT_CAP` (below :data:`LIKELY`): they are two legal persons whatever
    else they share. Partners may be given as dicts or as :func:`partner_keys` results (key ``"banks"``).
    """
    a = partner_a if "banks" in partner_a else partner_keys(partner_a)
    b = partner_b if "banks" in partner_b else partner_keys(partner_b)
    weights = []
    reasons = []
    conflict = []

    def exact(code, value_a, value_b):
        if value_a and value_b:
            if value_a == value_b:
                weights.append(WEIGHTS[code])
                reasons.append(code)
            elif code in (ORGNR, FODSELSNUMMER):
                conflict.append(ORGNR_DIFFERS if code == ORGNR else FODSELSNUMMER_DIFFERS)

    exact(ORGNR, a["orgnr"], b["orgnr"])
    exact(FODSELSNUMMER, a["fodselsnummer"], b["fodselsnummer"])
    exact(VAT, a["vat"], b["vat"])
    exact(EMAIL, a["email"], b["email"])
    if a["phones"] & b["phones"]:
        weights.append(WEIGHTS[PHONE])
        reasons.append(PHONE)
    if a["banks"] & b["banks"]:
        weights.append(WEIGHTS[BANK_ACCOUNT])
        reasons.append(BANK_ACCOUNT)
    similarity = name_similarity(a["name"], b["name"])
    if similarity == 1.0 and a["is_company"] and b["is_company"]:
        # Enhetsregisteret registers one company per name: the same company name is the same company.
        weights.append(WEIGHTS[NAME_EXACT])
        reasons.append(NAME_EXACT)
    elif similarity >= NAME_FLOOR:
        weights.append(NAME_MAX * (similarity - NAME_FLOOR) / (1 - NAME_FLOOR))
        if similarity == 1.0:
            reasons.append(NAME_EXACT)
        elif similarity >= NAME_SIMILAR_MIN:
            reasons.append(NAME_SIMILAR)
    if a["zip"] and a["zip"] == b["zip"]:
        if same_address(a["street"], b["street"]):
            weights.append(WEIGHTS[ADDRESS])
            reasons.append(ADDRESS)
        else:
            weights.append(WEIGHTS[POSTCODE])
            reasons.append(POSTCODE)
    remaining = 1.0
    for weight in weights:
        remaining *= 1 - weight
    score = 1 - remaining
    if conflict:
        score = min(score, CONFLICT_CAP)
        reasons.extend(conflict)
    return round(score, 4), reasons


def is_likely(score):
    """Whether a pair's score makes it a likely duplicate (at or above :data:`LIKELY`)."""
    return score >= LIKELY


def clusters(pairs):
    """Connected components of pairs ``(id_a, id_b)``: ``{id: smallest id of its component}`` (union-find)."""
    parent = {}

    def find(node):
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for id_a, id_b in pairs:
        root_a, root_b = find(id_a), find(id_b)
        if root_a != root_b:
            parent[max(root_a, root_b)] = min(root_a, root_b)
    return {node: find(node) for node in parent}
