"""Client for Brønnøysundregistrene's open Enhetsregisteret API (https://data.brreg.no/enhetsregisteret/api).

Pure Python (``requests``, no ``odoo``). Every call has a timeout; connection errors and 5xx answers are retried with
exponential backoff; every answer is turned into typed values or a :class:`BrregError` with a ``kind`` the Odoo layer
turns into a translated message. The register is outside our control, so the parser never trusts a key to exist:
optional keys may be missing, address lines may be ``null`` or empty, a deleted unit answers 200 with three keys.
"""

import time
from dataclasses import dataclass, field
from datetime import date
from email.utils import parsedate_to_datetime

import requests

BASE_URL = "https://data.brreg.no/enhetsregisteret/api"
ACCEPT_UNIT = "application/vnd.brreg.enhetsregisteret.enhet.v2+json;charset=UTF-8"
ACCEPT_SUBUNIT = "application/vnd.brreg.enhetsregisteret.underenhet.v2+json;charset=UTF-8"
USER_AGENT = "kundekartotek (Odoo addon; customer register)"

# Kinds of failure; the Odoo layer words each one.
ERROR_NOT_FOUND = "not_found"  # 404: no such number
ERROR_REMOVED = "removed"  # 410: removed for legal reasons
ERROR_BAD_REQUEST = "bad_request"  # 400
ERROR_UNAVAILABLE = "unavailable"  # any requests error, a body that is not JSON, 429 or 5xx after the retries
ERROR_GARBAGE = "garbage"  # JSON that is not what we asked for, or an unexpected status (3xx, 401, ...)

# Errors worth another try: the network or the register may be back a second later. Any other requests error
# (too many redirects, a bad URL or certificate, ...) will not go away by asking again.
TRANSIENT_ERRORS = (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError)
# Answers that say "not now": 429 Too Many Requests and 503 Service Unavailable may carry a Retry-After header.
BUSY_STATUSES = frozenset({429, 503})

# Organisation forms of the public sector (state, county, municipality and their enterprises).
PUBLIC_FORMS = frozenset({"STAT", "FYLK", "KOMM", "SF", "KF", "FKF", "IKS", "ORGL", "KIRK"})


class BrregError(Exception):
    """A look-up that did not give a unit; ``kind`` is one of the ``ERROR_*`` codes."""

    def __init__(self, kind, detail="", retry_after=None):
        super().__init__(f"{kind}: {detail}" if detail else kind)
        self.kind = kind
        self.detail = detail
        self.retry_after = retry_after  # seconds the register asked us to wait (429/503), when it said so


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


def parse_retry_after(value, now=None):
    """Seconds to wait from a ``Retry-After`` header (delay in seconds, or an HTTP date), or ``None``.

    ``now`` (a POSIX timestamp, default the current time) is what an HTTP date is counted from; a date in the past
    means "now" (0). A value that is neither form is ``None``: the caller falls back to its own backoff.
    """
    if not isinstance(value, str) or not value.strip():
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None or when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


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
    """Talks to the register. ``session`` may be any object with ``requests.Session.get``'s signature (tests).

    ``max_wait`` caps the pauses between tries of one request, added up, ``Retry-After`` included: a person may be
    waiting for the answer (the look-up wizard), so a register that asks for a longer pause counts as unavailable at
    once, and the queue cron tries again on its next run.
    """

    def __init__(
        self,
        base_url=BASE_URL,
        timeout=10,
        retries=2,
        backoff=0.5,
        session=None,
        sleep=time.sleep,
        max_wait=5,
        clock=time.time,
    ):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.session = session or requests.Session()
        self.sleep = sleep
        self.max_wait = max_wait
        self.clock = clock

    def _get(self, path, params=None, accept="application/json"):
        """GET with timeout and retries; returns the decoded JSON; raises BrregError when the register fails.

        Every ``requests`` error ends as ``ERROR_UNAVAILABLE`` (after the retries when it may be passing), never as
        an exception of ``requests``: callers handle one exception type.
        """
        url = f"{self.base_url}/{path.lstrip('/')}"
        headers = {"Accept": accept, "User-Agent": USER_AGENT}
        attempt, waited = 0, 0.0
        while True:
            try:
                response = self.session.get(url, params=params, headers=headers, timeout=self.timeout)
            except TRANSIENT_ERRORS as error:
                if attempt >= self.retries:
                    raise BrregError(ERROR_UNAVAILABLE, str(error)) from error
                wait = self.backoff * (2**attempt)
            except requests.RequestException as error:
                raise BrregError(ERROR_UNAVAILABLE, f"{type(error).__name__}: {error}") from error
            else:
                status = response.status_code
                if status < 500 and status not in BUSY_STATUSES:
                    break
                retry_after = None
                if status in BUSY_STATUSES:
                    retry_after = parse_retry_after(
                        (getattr(response, "headers", None) or {}).get("Retry-After"), now=self.clock()
                    )
                if attempt >= self.retries or waited + (retry_after or 0) > self.max_wait:
                    raise BrregError(ERROR_UNAVAILABLE, f"HTTP {status}", retry_after=retry_after)
                wait = self.backoff * (2**attempt) if retry_after is None else retry_after
            wait = min(wait, self.max_wait - waited)
            self.sleep(wait)
            waited += wait
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
        except (ValueError, requests.RequestException) as error:
            # A body that is not JSON (a proxy's or a maintenance page, a cut-off answer) says the register is not
            # answering properly right now, not that the unit is wrong: unavailable, so the queue tries again.
            raise BrregError(ERROR_UNAVAILABLE, "invalid JSON") from error

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
