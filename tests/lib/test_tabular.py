"""Plain pytest for lib/tabular.py: reading exports of other systems."""

import datetime
import io

import openpyxl
import pytest

from odoo.addons.kundekartotek.lib import tabular

ROWS = [["Kundenummer", "Navn", "Poststed"], ["00017", "Ærlig Øl AS", "Tromsø"], ["18", "Blåbær ENK", "Ås"]]


def csv_bytes(delimiter, encoding, bom=False):
    text = "\r\n".join(delimiter.join(row) for row in ROWS) + "\r\n"
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode(encoding)


@pytest.mark.parametrize("delimiter", [";", ",", "\t", "|"])
@pytest.mark.parametrize(("encoding", "bom"), [("utf-8", False), ("utf-8", True), ("cp1252", False)])
def test_csv_in_any_delimiter_and_encoding(delimiter, encoding, bom):
    headers, rows, details = tabular.read_table(csv_bytes(delimiter, encoding, bom))
    assert headers == ROWS[0]
    assert [cells for _number, cells in rows] == ROWS[1:]
    assert [number for number, _cells in rows] == [2, 3]
    assert details["delimiter"] == delimiter
    assert details["encoding"] == ("utf-8-sig" if bom else encoding)


def test_xlsx_numbers_as_text_without_float_tail():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Kundenummer", "Navn"])
    sheet.append([10001, "Fjord AS"])
    sheet.append([None, None])
    sheet.append(["00017", "Ærlig Øl AS"])
    output = io.BytesIO()
    workbook.save(output)
    headers, rows, details = tabular.read_table(output.getvalue())
    assert details == {"format": "xlsx"}
    assert headers == ["Kundenummer", "Navn"]
    assert rows == [(2, ["10001", "Fjord AS"]), (4, ["00017", "Ærlig Øl AS"])]


def test_unreadable_files():
    with pytest.raises(tabular.UnreadableFile):
        tabular.read_table(b"")
    with pytest.raises(tabular.UnreadableFile):
        tabular.read_table(b"PK\x03\x04 not a workbook")


@pytest.mark.parametrize(
    ("text", "amount"),
    [("10 000,50", 10000.5), ("10.000,50", 10000.5), ("10,000.50", 10000.5), ("kr 500", 500.0), ("-7", -7.0)],
)
def test_amounts_as_norwegians_write_them(text, amount):
    assert tabular.parse_amount(text) == amount


@pytest.mark.parametrize("text", ["", "ti tusen", "1,2,3"])
def test_amounts_refused(text):
    with pytest.raises(ValueError):
        tabular.parse_amount(text)


@pytest.mark.parametrize(
    "text",
    ["31.01.2026", "31.01.26", "31/01/2026", "31-01-2026", "2026-01-31", "2026-01-31 00:00:00", " 2026-01-31 "],
)
def test_dates_as_norwegians_and_excel_write_them(text):
    assert tabular.parse_date(text) == datetime.date(2026, 1, 31)


@pytest.mark.parametrize("text", ["", "31.02.2026", "2026-13-01", "i går", "31.01", "01/31/2026"])
def test_dates_refused(text):
    with pytest.raises(ValueError):
        tabular.parse_date(text)
