"""Client for Brønnøysundregistrene's open Enhetsregisteret API (https://data.brreg.no/enhetsregisteret/api).

Pure Python (``requests``, no ``odoo``). Every call has a timeout; connection errors and 5xx answers are retried with
exponential backoff; every answer is turned into typed values or a :class:`BrregError` with a ``kind`` the Odoo layer
turns into a translated message. The register is outside our control, so the parser never trusts a key to exist:
optional keys may be missing, address lines may be ``null`` or empty, a deleted unit answers 200 with three keys.
"""

import time
from dataclasses import dataclass, field
from datetime import date

import requests

BASE_URL = "https://data.brreg.no/enhetsregisteret/api"
ACCEPT_UNIT = "application/vnd.brreg.enhetsregisteret.enhet.v2+json;charset=UTF-8"
ACCEPT_SUBUNIT = "application/vnd.brreg.enhetsregisteret.underenhet.v2+json;charset=UTF-8"
USER_AGENT = "kundekartotek (Odoo addon; customer register)"

# Kinds of failure; the Odoo layer words each one.
ERROR_NOT_FOUND = "not_found"  # 404: no such number
ERROR_REMOVED = "removed"  # 410: removed for legal reasons
ERROR_BAD_REQUEST = "bad_request"  # 400
ERROR_UNAVAILABLE = "unavailable"  # timeout, connection error, 5xx after the retries
ERROR_GARBAGE = "garbage"  # an answer that is not the JSON we expect

# Organisation forms of the public sector (state, county, municipality and their enterprises).
PUBLIC_FORMS = frozenset({"STAT", "FYLK", "KOMM", "SF", "KF", "FKF", "IKS", "ORGL", "KIRK"})


class BrregError(Exception):
    """A look-up that did not give a unit; ``kind`` is one of the ``ERROR_*`` codes."""

    def __init__(self, kind, detail=""):
        super().__init__(f"{kind}: {detail}" if detail else kind)
        self.kind = kind
        self.detail = detail


@dataclass(frozen=True)
class Address:
    lines: tuple = ()
    zip: str = ""
    city: str = ""
    country_code: str = ""
    municipality: str = ""
    municipality_number: str = ""

    @property
    def street(self):
        return self.lines[0] if self.lines else ""

    @property
    def street2(self):
        return ", ".join(self.lines[1:])


@dataclass(frozen=True)
class Unit:
    orgnr: str
    name: str
    form_code: str = ""
    form_name: str = ""
    business_address: Address = None
    postal_address: Address = None
    nace_code: str = ""
    nace_name: str = ""
    website: str = ""
    employees: int = None
    vat_registered: bool = False
    bankrupt: bool = False
    under_liquidation: bool = False
    forced_dissolution: bool = False
    deleted_on: date = None
    parent_orgnr: str = ""
    is_subunit: bool = False
    raw: dict = field(default=None, compare=False, repr=False)

    @property
    def is_public(self):
        return self.form_code in PUBLIC_FORMS

    @property
    def is_active(self):
        return not (self.deleted_on or self.bankrupt or self.under_liquidation or self.forced_dissolution)


@dataclass(frozen=True)
class Update:
    update_id: int
    orgnr: str
    change: str  # Ny, Endring, Sletting, Fjernet
    when: str


def _text(value):
    return value.strip() if isinstance(value, str) else ""


def _date(value):
    try:
        return date.fromisoformat(value) if isinstance(value, str) and value else None
    except ValueError:
        return None


def _dict(value):
    return value if isinstance(value, dict) else {}


def parse_address(data):
    """An address from its JSON object, or ``None``; ``null`` and empty lines are dropped."""
    data = _dict(data)
    if not data:
        return None
    lines = data.get("adresse")
    lines = tuple(_text(line) for line in (lines if isinstance(lines, list) else []) if _text(line))
    return Address(
        lines=lines,
        zip=_text(data.get("postnummer")),
        city=_text(data.get("poststed")),
        country_code=_text(data.get("landkode")) or ("NO" if data.get("land") == "Norge" else ""),
        municipality=_text(data.get("kommune")),
        municipality_number=_text(data.get("kommunenummer")),
    )


def parse_unit(data, subunit=False):
    """A :class:`Unit` from the JSON of a unit or sub-unit; raises ``BrregError(ERROR_GARBAGE)`` without a number."""
    if not isinstance(data, dict):
        raise BrregError(ERROR_GARBAGE, "not a JSON object")
    orgnr = _text(data.get("organisasjonsnummer"))
    if not orgnr:
        raise BrregError(ERROR_GARBAGE, "no organisasjonsnummer")
    form = _dict(data.get("organisasjonsform"))
    nace = _dict(data.get("naeringskode1"))
    employees = data.get("antallAnsatte")
    business = data.get("beliggenhetsadresse") if subunit else data.get("forretningsadresse")
    deleted_on = _date(data.get("slettedato")) or (_date(data.get("nedleggelsesdato")) if subunit else None)
    return Unit(
        orgnr=orgnr,
        name=_text(data.get("navn")),
        form_code=_text(form.get("kode")),
        form_name=_text(form.get("beskrivelse")),
        business_address=parse_address(business),
        postal_address=parse_address(data.get("postadresse")),
        nace_code=_text(nace.get("kode")),
        nace_name=_text(nace.get("beskrivelse")),
        website=_text(data.get("hjemmeside")),
        employees=employees if isinstance(employees, int) else None,
        vat_registered=data.get("registrertIMvaregisteret") is True,
        bankrupt=data.get("konkurs") is True,
        under_liquidation=data.get("underAvvikling") is True,
        forced_dissolution=data.get("underTvangsavviklingEllerTvangsopplosning") is True,
        deleted_on=deleted_on,
        parent_orgnr=_text(data.get("overordnetEnhet")),
        is_subunit=subunit,
        raw=data,
    )


def parse_units(items, subunit=False):
    """The units of a list answer; an item that is not a unit is skipped, not allowed to spoil the page."""
    units = []
    for item in items if isinstance(items, list) else []:
        try:
            units.append(parse_unit(item, subunit=subunit))
        except BrregError:
            continue
    return units


class BrregClient:
    """Talks to the register. ``session`` may be any object with ``requests.Session.get``'s signature (tests)."""

    def __init__(self, base_url=BASE_URL, timeout=10, retries=2, backoff=0.5, session=None, sleep=time.sleep):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.session = session or requests.Session()
        self.sleep = sleep

    def _get(self, path, params=None, accept="application/json"):
        """GET with timeout and retries; returns ``(status, json)``; raises BrregError when the register fails."""
        url = f"{self.base_url}/{path.lstrip('/')}"
        headers = {"Accept": accept, "User-Agent": USER_AGENT}
        attempt = 0
        while True:
            try:
                response = self.session.get(url, params=params, headers=headers, timeout=self.timeout)
            except (requests.ConnectionError, requests.Timeout) as error:
                if attempt >= self.retries:
                    raise BrregError(ERROR_UNAVAILABLE, str(error)) from error
            else:
                if response.status_code < 500:
                    break
                if attempt >= self.retries:
                    raise BrregError(ERROR_UNAVAILABLE, f"HTTP {response.status_code}")
            self.sleep(self.backoff * (2**attempt))
            attempt += 1
        if response.status_code == 404:
            raise BrregError(ERROR_NOT_FOUND)
        if response.status_code == 410:
            raise BrregError(ERROR_REMOVED)
        if response.status_code == 400:
            raise BrregError(ERROR_BAD_REQUEST, response.text[:200])
        if response.status_code != 200:
            raise BrregError(ERROR_GARBAGE, f"HTTP {response.status_code}")
        try:
            return response.json()
        except ValueError as error:
            raise BrregError(ERROR_GARBAGE, "invalid JSON") from error

    def get_unit(self, orgnr):
        """One main unit (enhet). A deleted unit comes back with ``deleted_on`` set."""
        return parse_unit(self._get(f"enheter/{orgnr}", accept=ACCEPT_UNIT))

    def get_subunit(self, orgnr):
        """One sub-unit (underenhet), e.g. a shop or branch of a company."""
        return parse_unit(self._get(f"underenheter/{orgnr}", accept=ACCEPT_SUBUNIT), subunit=True)

    def get_subunits(self, parent_orgnr, size=100):
        """The sub-units of a main unit (first page of ``size``)."""
        data = self._get("underenheter", params={"overordnetEnhet": parent_orgnr, "size": size})
        return parse_units(_dict(_dict(data).get("_embedded")).get("underenheter"), subunit=True)

    def search(self, name, size=20, page=0):
        """Units whose name matches; an empty answer has no ``_embedded`` key and gives ``[]``."""
        data = self._get("enheter", params={"navn": name, "size": size, "page": page})
        return parse_units(_dict(_dict(data).get("_embedded")).get("enheter"))

    def updates(self, since_id=None, since_date=None, size=1000):
        """The change feed, oldest first, from after ``since_id`` (or from ``since_date``, an ISO timestamp)."""
        params = {"size": size}
        if since_id is not None:
            params["oppdateringsid"] = since_id + 1
        else:
            params["dato"] = since_date or "2000-01-01T00:00:00.000Z"
        data = self._get("oppdateringer/enheter", params=params)
        items = _dict(_dict(data).get("_embedded")).get("oppdaterteEnheter")
        result = []
        for item in items if isinstance(items, list) else []:
            item = _dict(item)
            if isinstance(item.get("oppdateringsid"), int) and _text(item.get("organisasjonsnummer")):
                result.append(
                    Update(
                        update_id=item["oppdateringsid"],
                        orgnr=_text(item["organisasjonsnummer"]),
                        change=_text(item.get("endringstype")),
                        when=_text(item.get("dato")),
                    )
                )
        return result
