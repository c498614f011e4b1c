"""Customer number patterns and Norwegian region codes: pure Python, no ``odoo`` import.

A pattern is literal text with tokens in braces:

========== ====================================================================================
``{type}``   customer type letter: ``B`` business, ``P`` private, ``O`` public sector
``{region}`` two-digit county code (fylkesnummer) taken from the Norwegian postcode
``{year}``   the year of assignment, four digits; ``{yy}`` the same year in two digits
``{seq}``    the running number; ``{seq:4}`` pads it with zeros to 4 digits (never truncates)
========== ====================================================================================

A pattern holds exactly one ``{seq}``. Every distinct value of the other tokens has its own running number, so
``{type}{seq:4}`` gives ``B0001`` and ``P0001`` side by side, and ``{year}`` starts again each year.

Errors are reported as reason codes (``InvalidPattern.reason``): the Odoo layer words them as translated sentences.
"""

import re
from dataclasses import dataclass

TYPE_LETTERS = {"business": "B", "private": "P", "public": "O"}

TOKENS = ("type", "region", "year", "yy", "seq")
# Tokens that split the running number: each distinct value has its own sequence.
KEY_TOKENS = ("type", "region", "year")
MAX_WIDTH = 12

REGION_UNKNOWN = "00"

REASON_EMPTY = "empty"
REASON_NO_SEQUENCE = "no_sequence"
REASON_SEVERAL_SEQUENCES = "several_sequences"
REASON_UNKNOWN_TOKEN = "unknown_token"
REASON_WIDTH = "width"
REASON_CHARACTERS = "characters"

_TOKEN_RE = re.compile(r"\{([^{}]*)\}")
_TOKEN_BODY_RE = re.compile(r"^([a-z]+)(?::([0-9]+))?$")
_LITERAL_RE = re.compile(r"^[A-Za-z0-9\-./_]*$")

# Norwegian postcodes are handed out by area: the first two of the four digits tell the county. The table maps
# ranges of those two digits to the county number (fylkesnummer) of the 2024 county structure. It is a deliberate
# simplification: a few border municipalities (for example Vestby, Etne) share a range with the neighbouring county
# and get its code. A customer number only needs a stable, readable region, not a legal address.
_POSTCODE_REGIONS = (
    (0, 12, "03"),  # Oslo
    (13, 14, "32"),  # Akershus: Bærum, Asker, Follo
    (15, 18, "31"),  # Østfold
    (19, 21, "32"),  # Akershus: Romerike
    (22, 29, "34"),  # Innlandet
    (30, 30, "33"),  # Buskerud: Drammen
    (31, 32, "39"),  # Vestfold
    (33, 36, "33"),  # Buskerud
    (37, 39, "40"),  # Telemark
    (40, 43, "11"),  # Rogaland
    (44, 49, "42"),  # Agder
    (50, 54, "46"),  # Vestland: Bergen, Hordaland
    (55, 55, "11"),  # Rogaland: Haugesund, Karmøy
    (56, 59, "46"),  # Vestland: Hordaland
    (60, 66, "15"),  # Møre og Romsdal
    (67, 69, "46"),  # Vestland: Sogn og Fjordane
    (70, 79, "50"),  # Trøndelag
    (80, 89, "18"),  # Nordland
    (90, 94, "55"),  # Troms
    (95, 99, "56"),  # Finnmark
)


class InvalidPattern(ValueError):
    """A number pattern that cannot be used; ``reason`` is one of the ``REASON_*`` codes."""

    def __init__(self, reason, pattern, detail=""):
        super().__init__(f"{reason}: {pattern!r} {detail}".strip())
        self.reason = reason
        self.pattern = pattern
        self.detail = detail


@dataclass(frozen=True)
class Part:
    """One piece of a parsed pattern: literal text, or a token with an optional zero-padding width."""

    token: str = ""
    text: str = ""
    width: int = 0


def parse_pattern(pattern):
    """Split ``pattern`` into :class:`Part` objects, or raise :class:`InvalidPattern`."""
    if not pattern or not pattern.strip():
        raise InvalidPattern(REASON_EMPTY, pattern or "")
    parts = []
    position = 0
    for match in _TOKEN_RE.finditer(pattern):
        parts.extend(_literal(pattern, pattern[position : match.start()]))
        body = match.group(1).strip().lower()
        token_match = _TOKEN_BODY_RE.match(body)
        if not token_match or token_match.group(1) not in TOKENS:
            raise InvalidPattern(REASON_UNKNOWN_TOKEN, pattern, match.group(0))
        name, width = token_match.group(1), token_match.group(2)
        if width is not None and (name != "seq" or not 1 <= int(width) <= MAX_WIDTH):
            raise InvalidPattern(REASON_WIDTH, pattern, match.group(0))
        parts.append(Part(token=name, width=int(width or 0)))
        position = match.end()
    parts.extend(_literal(pattern, pattern[position:]))
    sequences = sum(1 for part in parts if part.token == "seq")
    if not sequences:
        raise InvalidPattern(REASON_NO_SEQUENCE, pattern)
    if sequences > 1:
        raise InvalidPattern(REASON_SEVERAL_SEQUENCES, pattern)
    return tuple(parts)


def _literal(pattern, text):
    if not text:
        return []
    if not _LITERAL_RE.match(text):
        raise InvalidPattern(REASON_CHARACTERS, pattern, text)
    return [Part(text=text)]


def key_tokens(parts):
    """The tokens of a parsed pattern that split the running number (``yy`` counts as ``year``)."""
    names = {"year" if part.token == "yy" else part.token for part in parts}
    return tuple(name for name in KEY_TOKENS if name in names)


def sequence_key(parts, type_letter="", region="", year=0):
    """A stable text naming the running number a customer draws from, e.g. ``type=B;region=03`` (``""`` if one)."""
    values = {"type": type_letter, "region": region, "year": str(year)}
    return ";".join(f"{name}={values[name]}" for name in key_tokens(parts))


def render(parts, seq, type_letter="", region="", year=0):
    """The customer number for running number ``seq`` and the given token values."""
    values = {"type": type_letter, "region": region, "year": f"{year:04d}", "yy": f"{year % 100:02d}"}
    out = []
    for part in parts:
        if not part.token:
            out.append(part.text)
        elif part.token == "seq":
            out.append(str(seq).zfill(part.width))
        else:
            out.append(values[part.token])
    return "".join(out)


def type_letter(customer_type):
    """``B``, ``P`` or ``O`` for a customer type; business when the type is not known yet."""
    return TYPE_LETTERS.get(customer_type or "", TYPE_LETTERS["business"])


def region_from_postcode(postcode):
    """The two-digit county code for a Norwegian 4-digit postcode, or ``None`` when it is not one."""
    compact = (postcode or "").strip().replace(" ", "")
    if len(compact) != 4 or not (compact.isascii() and compact.isdigit()):
        return None
    prefix = int(compact[:2])
    for low, high, region in _POSTCODE_REGIONS:
        if low <= prefix <= high:
            return region
    return None  # pragma: no cover - the table covers 00-99
