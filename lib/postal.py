"""Parser for Posten/Bring's postal code register (``postnummerregister-ansi.txt``).

The file is TAB-separated and encoded in Windows-1252, one postal code a line: postnr (4 digits), poststed,
kommunenr (4 digits), kommunenavn, kategori. Categories: G street addresses, P PO boxes, B both, F several uses,
S service codes (not for addresses).
"""

import re
from dataclasses import dataclass

import requests

CATEGORIES = {"G", "P", "B", "F", "S"}
CATEGORY_PO_BOXES = "P"
CATEGORY_SERVICE = "S"


@dataclass(frozen=True)
class PostalCode:
    code: str
    city: str
    municipality_number: str
    municipality: str
    category: str


def parse_register(content):
    """Parse the register file (``bytes`` in Windows-1252, or ``str``); returns ``(codes, rejected_line_numbers)``.

    A malformed line is reported by its number, not allowed to stop the import of the 5 000 good ones.
    """
    if isinstance(content, bytes):
        content = content.decode("cp1252")
    codes, rejected = [], []
    for number, line in enumerate(content.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split("\t")]
        if len(parts) < 5:
            rejected.append(number)
            continue
        code, city, municipality_number, municipality, category = parts[:5]
        if not (len(code) == 4 and code.isascii() and code.isdigit() and city and category in CATEGORIES):
            rejected.append(number)
            continue
        codes.append(PostalCode(code, city, municipality_number, municipality, category))
    return codes, rejected


# --- Address check --------------------------------------------------------------------------------------------------
# Reasons an address does not fit the register; the Odoo layer words each one as a translated sentence.
REASON_UNKNOWN = "unknown"
REASON_SERVICE = "service"
REASON_PO_BOX_ONLY = "po_box_only"
REASON_CITY = "city"

# "Postboks 12", "PB 12", "Pb. 12", "P.O. Box 12", "PO Box 12": the word, then a space or the number; not a street
# that merely starts with the same letters ("Pbveien", "Postbokshaugen").
_PO_BOX = re.compile(r"^(postboks|pb\.?|p\.\s?o\.\s?box|po\s?box)(\s|\d|$)", re.IGNORECASE)


def is_po_box(street):
    """Whether a street line is a PO box address (``Postboks 123``, ``PB 12``, ``P.O. Box 5``)."""
    return bool(street) and bool(_PO_BOX.match(street.strip()))


def check_address(postal, city, street):
    """What is wrong with an address whose postcode the register lists as ``postal`` (``None``: not listed).

    ``postal`` is anything with ``category`` and ``city``: a :class:`PostalCode` or a register record.

    Returns ``(reason, city_suggestion)``, ``(None, None)`` when the address fits. The town is compared without
    regard to case or surrounding spaces; a PO box postcode refuses a street address, not a PO box line.
    """
    if postal is None:
        return REASON_UNKNOWN, None
    if postal.category == CATEGORY_SERVICE:
        return REASON_SERVICE, None
    if postal.category == CATEGORY_PO_BOXES and street and not is_po_box(street):
        return REASON_PO_BOX_ONLY, None
    if city and city.strip().casefold() != postal.city.casefold():
        return REASON_CITY, postal.city
    return None, None


# --- Download -------------------------------------------------------------------------------------------------------
class RegisterUnavailable(Exception):
    """The register could not be downloaded (network error, timeout, HTTP error); nothing should change."""


def download_register(url, get, timeout=30):
    """The register file's bytes from ``url``; ``get`` is ``requests.get`` (passed in so that tests feed answers).

    Every failure of the request, HTTP status or transport, is one :class:`RegisterUnavailable`.
    """
    try:
        response = get(url, timeout=timeout)
        response.raise_for_status()
    except requests.RequestException as error:
        raise RegisterUnavailable(str(error)) from error
    return response.content
