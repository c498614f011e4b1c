# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Stand-ins for the HTTP session of ``lib.brreg.BrregClient``: recorded JSON, never the network.

Plain Python (no models, no database), shared by the plain pytest of ``lib/`` and the Odoo tests.
"""

import json
import pathlib

import requests

from odoo.addons.kundekartotek.lib import brreg

DATA = pathlib.Path(__file__).parent / "lib" / "data"


class FakeResponse:
    def __init__(self, status_code=200, body=None, text=None, headers=None):
        self.status_code = status_code
        self._body = body
        self.text = text if text is not None else json.dumps(body)
        self.headers = headers or {}

    def json(self):
        if self._body is None:
            try:
                return json.loads(self.text)
            except json.JSONDecodeError as error:
                # What requests.Response.json raises on a body that is not JSON.
                raise requests.exceptions.JSONDecodeError(error.msg, error.doc, error.pos) from error
        return self._body


class FakeSession:
    """Answers each GET with the next item: a FakeResponse, or an exception to raise."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.calls = []

    def get(self, url, params=None, headers=None, timeout=None):
        self.calls.append({"url": url, "params": params, "headers": headers, "timeout": timeout})
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


class RoutingSession(FakeSession):
    """Answers by the end of the URL (``"enheter/988077917"``), whatever order the code asks in.

    A route may hold one answer (given every time) or a list (one per call, the last one repeated).
    """

    def __init__(self, routes):
        super().__init__()
        self.routes = routes

    def get(self, url, params=None, headers=None, timeout=None):
        self.calls.append({"url": url, "params": params, "headers": headers, "timeout": timeout})
        path = url.split("/api/", 1)[-1]
        if path not in self.routes:
            raise AssertionError(f"unexpected request to {path}")
        answer = self.routes[path]
        if isinstance(answer, list):
            answer = answer.pop(0) if len(answer) > 1 else answer[0]
        if isinstance(answer, Exception):
            raise answer
        return answer

    def paths(self):
        return [call["url"].split("/api/", 1)[-1] for call in self.calls]


def recorded(name, status=200):
    """A response carrying the recorded JSON file ``tests/lib/data/<name>``."""
    return FakeResponse(status, json.loads((DATA / name).read_text(encoding="utf-8")))


def client(*answers):
    """A client that answers from ``answers`` in order and never waits between retries."""
    return brreg.BrregClient(session=FakeSession(*answers), sleep=lambda seconds: None)


def routing_client(routes):
    """A client that answers by URL from ``routes`` and never waits between retries."""
    return brreg.BrregClient(session=RoutingSession(routes), sleep=lambda seconds: None)
