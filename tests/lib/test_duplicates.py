"""Plain pytest for lib/duplicates.py: normalisation, name similarity, the pair score and its threshold."""

import pytest

from odoo.addons.kundekartotek.lib import duplicates as dup


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Hansen & Sønn AS", "hansen og sonn A/S"),
        ("Bjørnstad Bygg A.S.", "BJOERNSTAD BYGG"),
        ("Åsen Transport ASA", "Aasen Transp."),
        ("Åsen Transport ASA", "Asen Transport Aksjeselskap"),
        ("Nord Bygg A. S.", "Bygg Nord"),
        ("Kjøkken Co Norway AS", "Kjøkken Company Norge"),
        ("Brødrene Dahl DA", "Brdr. Dahl ANS"),
        ("AS Vinmonopolet", "Vinmonopolet AS"),
        ("Berg-Hansen ENK", "Berg Hansen"),
        ("Sæther SA", "Saether"),
    ],
)
def test_names_that_normalise_alike(first, second):
    assert dup.normalise_name(first) == dup.normalise_name(second)
    assert dup.name_similarity(first, second) == 1.0


def test_a_legal_form_alone_is_kept_as_the_name():
    assert dup.normalise_name("AS") == "as"
    assert dup.normalise_name("") == ""
    assert dup.normalise_name(None) == ""


def test_word_order_does_not_matter_but_words_do():
    assert dup.normalise_name("Ola Nordmann") == dup.normalise_name("Nordmann, Ola")
    assert dup.normalise_name("Ola Nordmann") != dup.normalise_name("Kari Nordmann")


@pytest.mark.parametrize(
    ("typed", "e164"),
    [
        ("22 33 44 55", "+4722334455"),
        ("+47 22 33 44 55", "+4722334455"),
        ("0047 22334455", "+4722334455"),
        ("4722334455", "+4722334455"),
        ("(+47) 913-45-678", "+4791345678"),
        ("+46 8 123 456 78", "+46812345678"),
        ("0046812345678", "+46812345678"),
        ("ring meg", ""),
        ("123", ""),
        ("", ""),
        (None, ""),
    ],
)
def test_phone_to_e164(typed, e164):
    assert dup.normalise_phone(typed) == e164


@pytest.mark.parametrize(
    ("typed", "normal"),
    [
        (" Post@Firma.NO ", "post@firma.no"),
        ("mailto:post@firma.no", "post@firma.no"),
        ("Firma AS <Post@Firma.no>", "post@firma.no"),
        ("ikke en adresse", ""),
        (None, ""),
    ],
)
def test_email(typed, normal):
    assert dup.normalise_email(typed) == normal


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Storgata 12 B", "storgt. 12b"),
        ("Parkveien 3", "Parkvn. 3"),
        ("Parkveien 3", "Parkvegen 3"),
        ("Kongens gate 1", "Kongens gt. 1"),
        ("Øvre Slottsgate 4", "Oevre Slottsgata 4"),
        ("Åsveien 98", "Åsvn. 98"),  # two letters before the suffix are a street name
    ],
)
def test_street_spellings(first, second):
    assert dup.normalise_street(first) == dup.normalise_street(second)


def test_a_street_suffix_needs_a_name_before_it():
    # One letter before "gata" is no street name of its own: "Agata" stays as typed.
    assert dup.normalise_street("Agata 1") == "agata 1"
    assert dup.normalise_street("Asgata 1") == "asgate 1"


def test_same_address_needs_the_same_house_number():
    assert dup.same_address(dup.normalise_street("Storgata 12 B"), dup.normalise_street("Storgt. 12b"))
    assert dup.same_address("storgate 12", "storgaet 12")  # a typo in the street name
    assert not dup.same_address("storgate 12", "storgate 13")
    assert not dup.same_address("storgate 12", "storgate 112")
    assert not dup.same_address("storgate 12", "kirkegate 12")
    assert not dup.same_address("", "")
    assert dup.house_number("olav tryggvasons gate 1a") == "1"
    assert dup.house_number("solbakken") == ""


def test_postcode_and_accounts():
    assert dup.normalise_postcode("150") == "0150"
    assert dup.normalise_postcode(" 0150 ") == "0150"
    assert dup.normalise_postcode("sw1a 1aa", "GB") == "SW1A1AA"
    assert dup.normalise_bank_account("NO93 8601 1117 947") == "86011117947"
    assert dup.normalise_bank_account("8601.11.17947") == "86011117947"
    assert dup.normalise_vat("NO 988 077 917 MVA") == "NO988077917MVA"


def test_trigram_similarity_is_pg_trgm_similarity():
    # SELECT similarity('hansen bygg', 'hansen byg') gives 0.7692308 in PostgreSQL 15 (10 of 13 trigrams).
    assert dup.trigram_similarity("hansen bygg", "hansen byg") == pytest.approx(10 / 13)
    assert dup.trigram_similarity("", "x") == 0.0


def test_jaro_winkler_reference_values():
    # The textbook examples (Winkler 1990).
    assert dup.jaro_winkler("martha", "marhta") == pytest.approx(0.9611, abs=1e-4)
    assert dup.jaro_winkler("dixon", "dicksonx") == pytest.approx(0.8133, abs=1e-4)
    assert dup.jaro_winkler("abc", "xyz") == 0.0


def test_different_first_names_are_not_similar_names():
    """Households share a surname: a different first name must keep the names below the name floor."""
    assert dup.name_similarity("Ola Hansen", "Kari Hansen") < dup.NAME_FLOOR
    assert dup.name_similarity("Ola Hansen", "Ola Jensen") < dup.NAME_FLOOR
    assert dup.name_similarity("O. Nordmann", "Ola Nordmann") == pytest.approx(0.95)
    assert dup.name_similarity("Nordbygg AS", "Nord Bygg") >= 0.9


def test_exact_keys_each_give_their_reason():
    base = {"name": "Alpha AS"}
    other = {"name": "Omega Holding"}
    cases = [
        ("orgnr", "988077917", "988 077 917", dup.ORGNR),
        ("fodselsnummer", "01017012345", "010170 12345", dup.FODSELSNUMMER),
        ("vat", "NO988077917MVA", "no 988077917 mva", dup.VAT),
        ("email", "post@alpha.no", "POST@alpha.no", dup.EMAIL),
        ("phone", "22 33 44 55", "+4722334455", dup.PHONE),
    ]
    for field, value_a, value_b, reason in cases:
        score, reasons = dup.score_pair({**base, field: value_a}, {**other, field: value_b})
        assert reasons == [reason], field
        assert score == dup.WEIGHTS[reason], field
    score, reasons = dup.score_pair(
        {**base, "bank_accounts": ["NO93 8601 1117 947"]}, {**other, "bank_accounts": ["86011117947"]}
    )
    assert (score, reasons) == (dup.WEIGHTS[dup.BANK_ACCOUNT], [dup.BANK_ACCOUNT])


def test_mobile_matches_phone():
    score, reasons = dup.score_pair({"name": "A", "mobile": "913 45 678"}, {"name": "B", "phone": "+47 91345678"})
    assert reasons == [dup.PHONE]


def test_different_organisation_numbers_are_never_likely():
    same = {"name": "Hansen Bygg AS", "email": "post@hansenbygg.no", "phone": "22334455", "is_company": True}
    score, reasons = dup.score_pair({**same, "orgnr": "988077917"}, {**same, "orgnr": "988077925"})
    assert score == dup.CONFLICT_CAP
    assert not dup.is_likely(score)
    assert dup.ORGNR_DIFFERS in reasons
    score, reasons = dup.score_pair({**same, "fodselsnummer": "01017012345"}, {**same, "fodselsnummer": "02017012345"})
    assert score == dup.CONFLICT_CAP
    assert dup.FODSELSNUMMER_DIFFERS in reasons


def test_the_same_company_name_is_likely_the_same_person_name_is_not():
    company = dup.score_pair(
        {"name": "Hansen Bygg AS", "is_company": True}, {"name": "HANSEN BYGG A/S", "is_company": True}
    )
    person = dup.score_pair({"name": "Ola Hansen"}, {"name": "ola hansen"})
    assert company == (dup.WEIGHTS[dup.NAME_EXACT], [dup.NAME_EXACT])
    assert dup.is_likely(company[0])
    assert person == (dup.NAME_MAX, [dup.NAME_EXACT])
    assert not dup.is_likely(person[0])


def test_threshold_edges():
    """LIKELY is inclusive: just below is not likely, at and just above are."""
    assert not dup.is_likely(dup.LIKELY - 0.0001)
    assert dup.is_likely(dup.LIKELY)
    assert dup.is_likely(dup.LIKELY + 0.0001)


def test_real_pairs_around_the_threshold():
    # 0.775: a household (home phone and address) with another first name stays below.
    household = dup.score_pair(
        {"name": "Ola Hansen", "phone": "22334455", "street": "Storgata 1", "zip": "0150"},
        {"name": "Kari Hansen", "phone": "+47 22 33 44 55", "street": "Storgt. 1", "zip": "150"},
    )
    assert household == (0.775, [dup.PHONE, dup.ADDRESS])
    assert not dup.is_likely(household[0])
    # 0.8 exactly: the initial of the first name (name similarity 0.95) at the same address.
    at = dup.score_pair(
        {"name": "Ola Nordmann", "street": "Storgata 1", "zip": "0150"},
        {"name": "O. Nordmann", "street": "Storgt. 1", "zip": "0150"},
    )
    assert at == (0.8, [dup.NAME_SIMILAR, dup.ADDRESS])
    assert dup.is_likely(at[0])
    # Same, another street in the same postcode: postcode only, below.
    below = dup.score_pair(
        {"name": "Ola Nordmann", "street": "Storgata 1", "zip": "0150"},
        {"name": "O. Nordmann", "street": "Kirkegata 9", "zip": "0150"},
    )
    assert below == (0.66, [dup.NAME_SIMILAR, dup.POSTCODE])
    # An e-mail on its own is above.
    above = dup.score_pair({"name": "A", "email": "ola@nordmann.no"}, {"name": "B", "email": "Ola@Nordmann.no"})
    assert above == (0.85, [dup.EMAIL])
    assert dup.is_likely(above[0])


def test_empty_values_are_no_evidence():
    score, reasons = dup.score_pair({"name": "", "email": "", "phone": "", "zip": ""}, {"name": "", "zip": ""})
    assert (score, reasons) == (0.0, [])


def test_clusters_are_connected_components():
    assert dup.clusters([(1, 2), (2, 3), (7, 8), (5, 3)]) == {1: 1, 2: 1, 3: 1, 5: 1, 7: 7, 8: 7}
    assert dup.clusters([]) == {}
