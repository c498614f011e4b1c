# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import logging
from datetime import timedelta

from odoo import api, fields, models

from ..lib.brreg import ERROR_UNAVAILABLE, BrregError
from ..lib.identifiers import compact_orgnr

_logger = logging.getLogger(__name__)

PARAM_LAST_UPDATE = "kundekartotek.brreg_last_update_id"
PARAM_REVALIDATE_LAST = "kundekartotek.brreg_revalidate_last_id"


class KundekartotekBrregMonitor(models.AbstractModel):
    """Keeps customers in line with the Brønnøysund register: the daily change feed and the quarterly full pass.

    Both crons report progress through Odoo 18's cron progress API (``ir.cron._notify_progress``): the cron runner
    commits after each call and calls again at once while work remains, so each batch is its own transaction and
    no ``cr.commit()`` is needed here. Where they stand is kept in ``ir.config_parameter``, written in the same
    transaction as the batch, so an interrupted run resumes after the last committed batch.
    """

    _name = "kundekartotek.brreg.monitor"
    _description = "Brønnøysund Register Monitoring"

    @api.model
    def _cron_brreg_changes(self, page_size=1000):
        """Read the register's change feed from the last seen update id and re-check the customers it names.

        The first run starts from yesterday. When the register stops answering, the id stays at the last update
        handled, so the next run picks up the rest.
        """
        # sudo: the crons keep their position in system parameters; no caller input
        params = self.env["ir.config_parameter"].sudo()
        Partner = self.env["res.partner"]
        client = Partner._kk_brreg_client()
        last_id = params.get_param(PARAM_LAST_UPDATE)
        try:
            if last_id:
                updates = client.updates(since_id=int(last_id), size=page_size)
            else:
                since = fields.Datetime.now() - timedelta(days=1)
                updates = client.updates(since_date=since.strftime("%Y-%m-%dT%H:%M:%S.000Z"), size=page_size)
        except BrregError as error:
            _logger.info("Brønnøysund change feed not read (%s); the next run tries again", error.kind)
            return
        updates = sorted(updates, key=lambda update: update.update_id)
        customers = Partner.search(
            [*Partner._kk_brreg_customer_domain(), ("company_registry", "in", list({u.orgnr for u in updates}))]
        ).filtered(lambda p: p._kk_is_norwegian())
        by_orgnr = {}
        for partner in customers:
            by_orgnr.setdefault(compact_orgnr(partner.company_registry), partner.browse())
            by_orgnr[compact_orgnr(partner.company_registry)] |= partner
        seen, interrupted, checked = set(), False, 0
        for update in updates:
            partners = by_orgnr.get(update.orgnr)
            if partners and update.orgnr not in seen:
                try:
                    unit = client.get_unit(update.orgnr)
                except BrregError as error:
                    if error.kind == ERROR_UNAVAILABLE:
                        interrupted = True
                        break
                    partners._kk_brreg_mark_failure(error)
                else:
                    for partner in partners:
                        partner._kk_brreg_process_unit(unit)
                seen.add(update.orgnr)
                checked += len(partners)
            last_id = update.update_id
        if last_id:
            params.set_param(PARAM_LAST_UPDATE, str(last_id))
        more = not interrupted and len(updates) >= page_size
        _logger.info(
            "Brønnøysund change feed: %s updates read up to id %s, %s customers checked%s",
            len(updates),
            last_id,
            checked,
            " (register unavailable, stopped)" if interrupted else "",
        )
        self.env["ir.cron"]._notify_progress(done=len(updates), remaining=1 if more else 0)

    @api.model
    def _cron_brreg_revalidate(self, batch_size=200):
        """Check one batch of every customer with an organisation number in the register (quarterly cron).

        Batches go by id; the last id done is stored, so the pass resumes there after an interruption and starts
        again from the first customer once it has reached the last. When the register is unavailable the pass
        stops and asks to run again in an hour.
        """
        # sudo: the crons keep their position in system parameters; no caller input
        params = self.env["ir.config_parameter"].sudo()
        Partner = self.env["res.partner"]
        last_id = int(params.get_param(PARAM_REVALIDATE_LAST) or 0)
        domain = Partner._kk_brreg_customer_domain()
        batch = Partner.search([*domain, ("id", ">", last_id)], order="id", limit=batch_size)
        norwegian = batch.filtered(lambda p: p._kk_is_norwegian())
        done = norwegian._kk_brreg_check(Partner._kk_brreg_client()) if norwegian else norwegian
        if done != norwegian:
            # Resume just before the first customer not checked.
            not_done = batch.filtered(lambda p: p.id < (norwegian - done)[:1].id)
            last_id = not_done[-1:].id or last_id
            params.set_param(PARAM_REVALIDATE_LAST, str(last_id))
            cron = self.env.ref("kundekartotek.ir_cron_brreg_revalidate", raise_if_not_found=False)
            if cron:
                cron._trigger(at=fields.Datetime.now() + timedelta(hours=1))
            _logger.info("Brønnøysund re-validation paused at id %s: the register is unavailable", last_id)
            self.env["ir.cron"]._notify_progress(done=len(done), remaining=0)
            return
        last_id = batch[-1:].id or last_id
        remaining = Partner.search_count([*domain, ("id", ">", last_id)])
        # A finished pass starts from the first customer next quarter.
        params.set_param(PARAM_REVALIDATE_LAST, str(last_id if remaining else 0))
        _logger.info(
            "Brønnøysund re-validation: %s customers checked up to id %s, %s remaining", len(done), last_id, remaining
        )
        self.env["ir.cron"]._notify_progress(done=len(batch), remaining=remaining)
