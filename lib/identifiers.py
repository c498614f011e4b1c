"""Norwegian identifiers: organisation number (organisasjonsnummer), fødselsnummer / D-number, MVA number.

The checks are python-stdnum's; this module only adds what a customer register needs on top: accepting the forms
people paste (``NO 988 077 917 MVA``, ``988-077-917``) and telling *why* a number is wrong, so that the Odoo layer can
word a translated message for each reason.
"""

import re

from stdnum.exceptions import InvalidChecksum, ValidationError
from stdnum.no import fodselsnummer as stdnum_fnr
from stdnum.no import orgnr as stdnum_orgnr

# Reasons a number is refused; the Odoo layer maps each to a translated sentence.
REASON_CHARACTERS = "characters"
REASON_LENGTH = "length"
REASON_CHECKSUM = "checksum"
REASON_DATE = "date"

_MVA_NUMBER = re.compile(r"^NO(\d{9})MVA$")

_SEPARATORS = re.compile(r"[\s.\-]")


class InvalidIdentifier(ValueError):
    """Raised with the compacted number and one of the ``REASON_*`` codes."""

    def __init__(self, number, reason):
        super().__init__(f"{number}: {reason}")
        self.number = number
        self.reason = reason


def is_ascii_digits(text):
    """Whether ``text`` is one or more of the digits 0-9.

    ``str.isdigit()`` also says yes to ``²``, ``٣`` (Arabic-Indic three) and other scripts' digits, which are no
    digits of a Norwegian number: ``int()`` turns some of them into numbers, others make it fail.
    """
    return bool(text) and text.isascii() and text.isdigit()


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
    if not is_ascii_digits(compact):
        raise InvalidIdentifier(compact, REASON_CHARACTERS)
    if len(compact) != 9:
        raise InvalidIdentifier(compact, REASON_LENGTH)
    try:
        return stdnum_orgnr.validate(compact)
    except ValidationError as error:
        raise InvalidIdentifier(compact, REASON_CHECKSUM) from error


def compact_fodselsnummer(number):
    """Return the fødselsnummer without spaces, dots or dashes."""
    return _SEPARATORS.sub("", number or "")


def validate_fodselsnummer(number):
    """Return the compact fødselsnummer or D-number, or raise :class:`InvalidIdentifier` saying why it is wrong.

    ``REASON_DATE`` covers numbers whose first six digits are no valid birth date (or one in the future).
    """
    compact = compact_fodselsnummer(number)
    if not is_ascii_digits(compact):
        raise InvalidIdentifier(compact, REASON_CHARACTERS)
    if len(compact) != 11:
        raise InvalidIdentifier(compact, REASON_LENGTH)
    try:
        return stdnum_fnr.validate(compact)
    except InvalidChecksum as error:
        raise InvalidIdentifier(compact, REASON_CHECKSUM) from error
    except ValidationError as error:
        raise InvalidIdentifier(compact, REASON_DATE) from error


def mask_fodselsnummer(number):
    """Show the birth date and hide the personal digits: ``150186 *****``."""
    compact = compact_fodselsnummer(number)
    if len(compact) != 11:
        return "*" * len(compact)
    return f"{compact[:6]} *****"


def mva_number(orgnr):
    """The VAT number of a unit in the Norwegian VAT register: ``NO988077917MVA``."""
    return f"NO{compact_orgnr(orgnr)}MVA"


def orgnr_from_mva(vat):
    """The organisation number inside a Norwegian VAT number, or ``None`` when ``vat`` is not one."""
    match = _MVA_NUMBER.match(_SEPARATORS.sub("", vat or "").upper())
    return match.group(1) if match else None
