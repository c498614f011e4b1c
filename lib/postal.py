"""Parser for Posten/Bring's postal code register (``postnummerregister-ansi.txt``).

The file is TAB-separated and encoded in Windows-1252, one postal code a line: postnr (4 digits), poststed,
kommunenr (4 digits), kommunenavn, kategori. Categories: G street addresses, P PO boxes, B both, F several uses,
S service codes (not for addresses).
"""

from dataclasses import dataclass

CATEGORIES = {"G", "P", "B", "F", "S"}
ADDRESS_CATEGORIES = {"G", "B", "F"}  # codes a street address may use
PO_BOX_CATEGORIES = {"P", "B", "F"}


@dataclass(frozen=True)
class PostalCode:
    code: str
    city: str
    municipality_number: str
    municipality: str
    category: str

    @property
    def street_addresses(self):
        return self.category in ADDRESS_CATEGORIES

    @property
    def po_boxes_only(self):
        return self.category == "P"

    @property
    def service_only(self):
        return self.category == "S"


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
