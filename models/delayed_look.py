# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""A look one thread of the process makes shortly after a commit, for every commit of that moment: the audit trail's
sealing (``kundekartotek_audit_log._ProcessSealer``) and the warn policy's duplicate search
(``res_partner_duplicates``). Process-local; what it looks at is in the database, so a process that stops before
its look leaves it to any later look or the scheduled job (docs/operations.md)."""

import logging
import threading

from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry

_logger = logging.getLogger(__name__)


class DelayedLook:
    """Call ``model``'s ``method`` as superuser in a cursor of its own, ``delay()`` seconds after the first commit
    that asks (:meth:`schedule`); one look scheduled at a time per instance (one instance per database). The method
    commits what it does; a failure is logged (``failure``: the warning), never raised."""

    def __init__(self, model, method, delay, failure):
        self.model, self.method, self.delay, self.failure = model, method, delay, failure
        self.timer = None
        self.timer_lock = threading.Lock()

    def schedule(self, dbname):
        """Look ``delay()`` seconds from now, unless a look is already scheduled."""
        with self.timer_lock:
            if self.timer is None:
                self.timer = threading.Timer(self.delay(), self._look, args=(dbname,))
                self.timer.name = f"kundekartotek {self.method} {dbname}"
                self.timer.daemon = True  # a stopping server does not wait: a later look or the job does it
                self.timer.start()

    def look_now(self, dbname):
        """The look, in this thread, now (a delay of 0: the tests)."""
        self._run(dbname)

    def _look(self, dbname):
        with self.timer_lock:
            self.timer = None  # a commit from now on schedules the next look
        threading.current_thread().dbname = dbname  # for the log lines
        self._run(dbname)

    def _run(self, dbname):
        registry = Registry.registries.get(dbname)
        if registry is None or not registry.ready:  # dropped (database deleted or unloaded), or loading
            return
        try:
            with registry.cursor() as cr:
                getattr(api.Environment(cr, SUPERUSER_ID, {})[self.model], self.method)()
        except Exception:  # noqa: BLE001 - no connection now; what waits is in the database
            _logger.warning(self.failure, exc_info=True)


_looks = {}  # (class, database name) -> instance
_looks_lock = threading.Lock()


def look_of(cls, dbname):
    """The one ``cls`` (a subclass of :class:`DelayedLook` that knows its model and method) of database ``dbname``
    in this process."""
    with _looks_lock:
        look = _looks.get((cls, dbname))
        if look is None:
            look = _looks[(cls, dbname)] = cls()
        return look
