"""Norwegian identifiers: organisation number (organisasjonsnummer).

The checks are python-stdnum's; this module only adds what a customer register needs on top: accepting the forms
people paste (``NO 988 077 917 MVA``, ``988-077-917``) and telling *why* a number is wrong, so that the Odoo layer can
word a translated message for each reason.
"""

import re

from stdnum.exceptions import ValidationError
from stdnum.no import orgnr as stdnum_orgnr

# Reasons a number is refused; the Odoo layer maps each to a translated sentence.
REASON_CHARACTERS = "characters"
REASON_LENGTH = "length"
REASON_CHECKSUM = "checksum"

_SEPARATORS = re.compile(r"[\s.\-]")


class InvalidIdentifier(ValueError):
    """Raised with the compacted number and one of the ``REASON_*`` codes."""

    def __init__(self, number, reason):
        super().__init__(f"{number}: {reason}")
        self.number = number
        self.reason = reason


def compact_orgnr(number):
    """Return the organisation number without separators, country prefix or ``MVA`` suffix.

    People paste the VAT form (``NO 988 077 917 MVA``) into the organisation number as often as the bare one.
    """
    number = _SEPARATORS.sub("", number or "").upper()
    if number.startswith("NO"):
        number = number[2:]
    if number.endswith("MVA"):
        number = number[:-3]
    return number


def validate_orgnr(number):
    """Return the compact organisation number, or raise :class:`InvalidIdentifier` saying why it is wrong."""
    compact = compact_orgnr(number)
    # Characters first, then length, then checksum: the order in which a person would look for the mistake.
    if not compact.isdigit():
        raise InvalidIdentifier(compact, REASON_CHARACTERS)
    if len(compact) != 9:
        raise InvalidIdentifier(compact, REASON_LENGTH)
    try:
        return stdnum_orgnr.validate(compact)
    except ValidationError as error:
        raise InvalidIdentifier(compact, REASON_CHECKSUM) from error


def format_orgnr(number):
    """Return a valid organisation number grouped as ``988 077 917``; anything else unchanged."""
    compact = compact_orgnr(number)
    if stdnum_orgnr.is_valid(compact):
        return stdnum_orgnr.format(compact)
    return number
