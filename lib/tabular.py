"""Reading customer lists exported by other systems: CSV in any delimiter and encoding, or XLSX.

Norwegian accounting systems and Excel write CSV as UTF-8 (with or without a byte-order mark) or Windows-1252
(Excel's "CSV" on a Norwegian Windows), separated by semicolons (the comma is the decimal sign) or commas or tabs.
The reader sniffs both, so the user does not have to know. Everything comes back as text: a cell's meaning is the
mapping's business, and a customer number must keep its leading zeros.
"""

import csv
import datetime
import io
import re

DELIMITERS = ";,\t|"
SAMPLE_SIZE = 64 * 1024


class UnreadableFile(ValueError):
    """The file is neither CSV nor XLSX that can be read; ``reason`` is one of ``empty``, ``xlsx``."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


def decode(content):
    """``(text, encoding)``: UTF-8 with a byte-order mark, UTF-8, else Windows-1252 (Excel's CSV)."""
    if content.startswith(b"\xef\xbb\xbf"):
        return content[3:].decode("utf-8"), "utf-8-sig"
    try:
        return content.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        # cp1252 leaves five bytes undefined; latin-1 reads them (as control characters) instead of failing.
        try:
            return content.decode("cp1252"), "cp1252"
        except UnicodeDecodeError:
            return content.decode("latin-1"), "latin-1"


def sniff_delimiter(text):
    """The delimiter of a CSV text: the candidate that splits the first lines into the same number of fields."""
    sample = text[:SAMPLE_SIZE]
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        first = sample.splitlines()[0] if sample.splitlines() else ""
        counts = {delimiter: first.count(delimiter) for delimiter in DELIMITERS}
        best = max(counts, key=counts.get)
        return best if counts[best] else ";"


def is_xlsx(content):
    return content[:4] == b"PK\x03\x04"


def read_table(content):
    """``(headers, rows, details)``: the first row as headers, the other rows as lists of text.

    ``details`` says what was found (``format``, ``encoding``, ``delimiter``). Rows with no text at all are left
    out, but counted in the row numbers a user sees (``rows`` holds ``(row_number, cells)``, the header is row 1).
    """
    if not content:
        raise UnreadableFile("empty")
    if is_xlsx(content):
        table, details = _read_xlsx(content), {"format": "xlsx"}
    else:
        text, encoding = decode(content)
        delimiter = sniff_delimiter(text)
        table = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
        details = {"format": "csv", "encoding": encoding, "delimiter": delimiter}
    if not table:
        raise UnreadableFile("empty")
    headers = [cell.strip() for cell in table[0]]
    rows = []
    for number, cells in enumerate(table[1:], start=2):
        cells = [cell.strip() for cell in cells]
        if any(cells):
            rows.append((number, cells + [""] * (len(headers) - len(cells))))
    return headers, rows, details


def _read_xlsx(content):
    import openpyxl  # only for XLSX files; Odoo's own requirements install it

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises zipfile, KeyError and its own errors for a broken file
        raise UnreadableFile("xlsx") from error
    try:
        sheet = workbook.worksheets[0]
        return [[_cell_text(value) for value in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


def _cell_text(value):
    """A cell as the user sees it: 10001.0 → ``10001`` (Excel stores every number as a float), dates as ISO."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10] if not getattr(value, "hour", 0) else value.isoformat(sep=" ")
    return str(value)


_AMOUNT = re.compile(r"^-?\d+(\.\d+)?$")


def parse_amount(text):
    """A number as Norwegians and their systems write it: ``10 000,50``, ``10.000,50``, ``10000.50``, ``kr 500``.

    Returns a float, or raises ``ValueError``.
    """
    value = re.sub(r"[\s\u00a0\u202f']|kr|NOK", "", text or "", flags=re.IGNORECASE)
    if "," in value and "." in value:
        # The last separator is the decimal sign; the other groups thousands.
        if value.rfind(",") > value.rfind("."):
            value = value.replace(".", "").replace(",", ".")
        else:
            value = value.replace(",", "")
    elif "," in value:
        value = value.replace(",", ".")
    if not _AMOUNT.match(value):
        raise ValueError(text)
    return float(value)


_DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y", "%d/%m/%Y", "%d-%m-%Y")


def parse_date(text):
    """A date as Norwegian systems and Excel write it: ``31.01.2026``, ``31.01.26``, ``31/01/2026``, ``2026-01-31``
    (an XLSX date cell reads as the last; a time of day after it is ignored).

    Returns a ``datetime.date``, or raises ``ValueError``.
    """
    value = (text or "").strip()
    if len(value) > 10 and value[4:5] == "-" and value[10:11] in (" ", "T"):
        value = value[:10]
    for pattern in _DATE_FORMATS:
        try:
            return datetime.datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    raise ValueError(text)
