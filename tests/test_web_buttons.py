# Copyright 2026 Kundekartotek contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Every button, action and report of the module, pressed the way the web client presses it.

Nothing here is listed by hand: the buttons come from the arch of the module's views, the actions and reports from
its ``ir.actions.*`` records (``ir.model.data``, module ``kundekartotek``), so a button added tomorrow is pressed by
this test tomorrow. Each one is pressed as the least privileged role that sees it (the arch ``get_views`` gives that
user, i.e. the button's, its parents' and the view's ``groups``; a menu's groups for menu actions; an action's
``groups_id`` for bindings), on the fixtures below, through the routes the browser uses:

* ``/web/dataset/call_button`` with the context the client builds (user context, the opening action's context,
  the button's ``context``), then whatever the answer is, followed as the client follows it: a window action loads
  its views (``get_views``) and its records (``web_search_read`` / ``web_read``), a wizard opens (``onchange``,
  ``web_save``) and its own buttons are pressed in turn, a report is downloaded through ``/report/download`` with
  the exact ``data`` / ``context`` the client's ``downloadReport`` posts, a URL is fetched;
* ``/web/action/load`` (and ``/web/action/run`` for server actions) for every action, with the ``active_*``
  context of the Action / Print menu for bound ones.

A clean ``UserError`` / ``ValidationError`` / ``AccessError`` / ``RedirectWarning`` is an answer (a button may have
nothing to do); any other exception, an HTTP error, a report that is not a PDF holding the customer's name, or a
button that no fixture reaches fails the test. Every press runs in a savepoint that is rolled back, so buttons do
not see each other's effects (anonymising the customer does not spoil the next button).
"""

import base64
import html
import json
import re
from contextlib import contextmanager
from datetime import timedelta
from unittest.mock import patch
from urllib.parse import quote

from freezegun import freeze_time
from lxml import etree

from odoo import Command, fields, http
from odoo.tests import HttpCase, tagged
from odoo.tools import SQL, mute_logger
from odoo.tools.safe_eval import datetime, dateutil, safe_eval, time

from ..lib.brreg import parse_unit
from .brreg_fakes import recorded, routing_client
from .receivables_common import pdf_text

MODULE = "kundekartotek"
CLEAN_ERRORS = {
    "odoo.exceptions.UserError",
    "odoo.exceptions.ValidationError",
    "odoo.exceptions.AccessError",
    "odoo.exceptions.RedirectWarning",
}
# From the least to the most privileged: a button is pressed as the first of these who sees it.
ROLES = [
    ("clerk", ["kundekartotek.group_user"]),
    ("invoicing clerk", ["kundekartotek.group_user", "account.group_account_invoice"]),
    ("auditor", ["kundekartotek.group_auditor"]),
    ("privacy officer", ["kundekartotek.group_privacy_officer"]),
    ("manager", ["kundekartotek.group_manager", "account.group_account_invoice"]),
    ("administrator", ["base.group_system", "account.group_account_manager", "kundekartotek.group_manager"]),
]
# What a user types into a wizard before pressing its buttons: the required fields that have no default
# (``partner``: the customer of the fixtures).
WIZARD_INPUT = {
    "kundekartotek.renumber": lambda partner: {"reason": "Røyktest"},
    "kundekartotek.credit.override": lambda partner: {"reason": "Røyktest"},
    "kundekartotek.consent.wizard": lambda partner: {"text_version": "Nyhetsbrev 2026-01"},
    "kundekartotek.gdpr.export": lambda partner: {"partner_id": partner.id},
    "kundekartotek.postal.import": lambda partner: {
        "register_file": base64.b64encode("0150\tOSLO\t0301\tOSLO\tG\r\n".encode("cp1252")).decode(),
        "filename": "postnummerregister-ansi.txt",
    },
}
# Keys the client drops from the current context before it runs the next action (action_service.js CTX_KEY_REGEX).
CTX_KEY_REGEX = re.compile(
    r"^(?:(?:default_|search_default_|show_).+|.+_view_ref|group_by|active_id|active_ids|orderedBy)$"
)
MAX_DEPTH = 4
CUSTOMER = "Røykprøve Kunde AS"


@tagged("post_install", "-at_install")
class TestWebButtons(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.company = env.company
        cls.company.kk_brreg_enrichment = "suggest"
        # wkhtmltopdf fetches the report's CSS from the server, which is busy serving the download (the test server
        # handles one request at a time): point it at a closed port so that it renders without waiting.
        env["ir.config_parameter"].sudo().set_param("report.url", "http://127.0.0.1:9")
        env["res.lang"]._activate_lang("nb_NO")
        cls.users = []
        for role, groups in ROLES:
            cls.users.append(
                env["res.users"]
                .with_context(no_reset_password=True)
                .create(
                    {
                        "name": f"Røyk {role}",
                        "login": f"kk_smoke_{role.replace(' ', '_')}",
                        "email": f"{role.replace(' ', '.')}@fjellheim.example",
                        "lang": "nb_NO",
                        "tz": "Europe/Oslo",
                        "company_id": cls.company.id,
                        "company_ids": [Command.set(cls.company.ids)],
                        "groups_id": [Command.set([env.ref(group).id for group in groups])],
                    }
                )
            )
        cls.role_of = dict(zip(cls.users, (role for role, _groups in ROLES), strict=True))
        cls._create_fixtures()

    @classmethod
    def _create_fixtures(cls):
        """A customer with everything its buttons act on: an overdue posted invoice, a reminder, a category,
        a contact, a register suggestion; a draft invoice; the ageing rows."""
        env = cls.env
        today = fields.Date.context_today(env["res.partner"])
        cls.category = env["kundekartotek.customer.category"].create({"name": "Røyk", "code": "RØYK"})
        cls.customer = env["res.partner"].create(
            {
                "name": CUSTOMER,
                "is_company": True,
                "country_id": env.ref("base.no").id,
                "company_registry": "988077917",
                "email": "faktura@royk.example",
                "street": "Kirkegata 1",
                "zip": "0150",
                "city": "Oslo",
                "customer_rank": 1,
                "customer_category_id": cls.category.id,
            }
        )
        cls.contact = env["res.partner"].create(
            {"name": "Rita Røyk", "parent_id": cls.customer.id, "email": "rita@royk.example"}
        )
        journal = env["account.journal"].search(
            [*env["account.journal"]._check_company_domain(cls.company), ("type", "=", "sale")], limit=1
        )
        invoice_values = {
            "move_type": "out_invoice",
            "journal_id": journal.id,
            "partner_id": cls.customer.id,
            "invoice_date": today - timedelta(days=60),
            "invoice_date_due": today - timedelta(days=30),
            "invoice_line_ids": [Command.create({"name": "Røyktest", "quantity": 1, "price_unit": 1000})],
        }
        cls.invoice = env["account.move"].create(invoice_values)
        cls.invoice.action_post()
        cls.draft_invoice = env["account.move"].create(dict(invoice_values, invoice_date=today))
        with freeze_time(today - timedelta(days=20)):  # old enough for the card's reminder buttons to send another
            cls.customer.with_context(kk_reminder_channel="letter").action_kk_send_reminder()
        cls.customer._kk_brreg_process_unit(parse_unit(recorded("brreg_unit.json").json()))
        twins = env["res.partner"].create(
            [{"name": "Tvilling Knapp AS", "is_company": True}, {"name": "Tvilling Knapp A/S", "is_company": True}]
        )
        env["kundekartotek.duplicate.pair"]._kk_scan()
        as_of = {"kk_as_of": fields.Date.to_string(today)}
        cls.records = {
            "res.partner": cls.customer,
            "account.move": cls.draft_invoice | cls.invoice,
            "kundekartotek.reminder": env["kundekartotek.reminder"].search([("partner_id", "=", cls.customer.id)]),
            "kundekartotek.customer.category": cls.category,
            "kundekartotek.number.scheme": env["kundekartotek.number.scheme"].search(
                [("company_id", "in", [cls.company.id, False])], limit=1
            ),
            "kundekartotek.audit.log": env["kundekartotek.audit.log"].search(
                [("partner_id", "=", cls.customer.id)], limit=1
            ),
            "kundekartotek.audit.save": env["kundekartotek.audit.save"].search(
                [("partner_id", "=", cls.customer.id)], limit=1
            ),
            "kundekartotek.ageing.report": env["kundekartotek.ageing.report"]
            .with_context(**as_of)
            .search([("partner_id", "=", cls.customer.id)], limit=1),
            # The opening row: its id is the same for any period, so the button finds it with the client's context.
            "kundekartotek.ledger.line": env["kundekartotek.ledger.line"].search(
                [("partner_id", "=", cls.customer.id), ("kind", "=", "opening")]
            ),
            "kundekartotek.consent": env["kundekartotek.consent"],
            "kundekartotek.access.log": env["kundekartotek.access.log"],
            "kundekartotek.postal.code": env["kundekartotek.postal.code"].search([], limit=1),
            "kundekartotek.sales.analysis": env["kundekartotek.sales.analysis"].search(
                [("move_id", "=", cls.invoice.id)], limit=1
            ),
            "kundekartotek.sales.customer": env["kundekartotek.sales.customer"].search(
                [("partner_id", "=", cls.customer.id)], limit=1
            ),
            "kundekartotek.review": env["kundekartotek.review"]
            .sudo()
            .create({"kind": "cleanup", "period": "2026", "partner_id": cls.customer.id, "company_id": cls.company.id}),
            "kundekartotek.import.run": cls._import_run_fixture(),
            "kundekartotek.duplicate.pair": env["kundekartotek.duplicate.pair"].search(
                [("partner_a_id", "=", twins[0].id)]
            ),
        }

    @classmethod
    def _import_run_fixture(cls):
        """A customer list read and mapped, made by the clerk (who sees only their own imports)."""
        content = "Navn;Organisasjonsnummer\r\nRøyk Import AS;988077917\r\n".encode("cp1252")
        run = (
            cls.env["kundekartotek.import.run"]
            .with_user(cls.users[0])
            .create({"file": base64.b64encode(content), "filename": "kunder.csv"})
        )
        run.action_read_file()
        return run.with_user(cls.env.user)

    def setUp(self):
        super().setUp()
        # The register is never asked: every look-up answers from recorded JSON.
        register = routing_client(
            {
                "enheter/988077917": recorded("brreg_unit.json"),
                "enheter": recorded("brreg_search.json"),
                "underenheter": recorded("brreg_subunits.json"),
            }
        )
        patcher = patch.object(type(self.env["res.partner"]), "_kk_brreg_client", return_value=register)
        patcher.start()
        self.addCleanup(patcher.stop)
        self.problems = []
        self.clean_errors = []
        self.pressed = set()
        self.printed = set()
        self.current_user = None
        self.savepoints = 0

    # Discovery ------------------------------------------------------------------------------------------------------
    def _module_records(self, model):
        data = self.env["ir.model.data"].search([("module", "=", MODULE), ("model", "=", model)])
        return self.env[model].browse(data.mapped("res_id")).exists()

    def _module_buttons(self):
        """``{(model, type, name)}`` of the buttons the module's own views declare (their own arch, not core's)."""
        buttons = set()
        for view in self._module_records("ir.ui.view").filtered(lambda v: v.type in ("form", "list", "kanban")):
            for node, model in self._buttons_of(etree.fromstring(view.arch_db), view.model):
                buttons.add((model, node.get("type"), node.get("name")))
        return buttons

    def _buttons_of(self, arch, model):
        """``(button node, model it acts on)`` for each object/action button; a sub-view's buttons act on its model."""
        found = []

        def walk(node, model):
            for child in node.iterchildren(tag=etree.Element):
                if child.tag == "button" and child.get("type") in ("object", "action") and child.get("name"):
                    found.append((child, model))
                field = self.env[model]._fields.get(child.get("name")) if child.tag == "field" else None
                walk(child, field.comodel_name if field is not None and field.relational else model)

        walk(arch, model)
        return found

    def _root_views(self):
        """The views the client asks for that show a module button: the module's own, or the views it extends."""
        roots = self.env["ir.ui.view"]
        for view in self._module_records("ir.ui.view").filtered(lambda v: v.type in ("form", "list", "kanban")):
            if not self._buttons_of(etree.fromstring(view.arch_db), view.model):
                continue
            while view.mode == "extension" and view.inherit_id:
                view = view.inherit_id
            roots |= view
        return roots

    def _who_sees(self, module_buttons):
        """``{(model, type, name, context, header_always): (user, view, ids)}``: the first role that sees each."""
        seen = {}
        for view in self._root_views():
            for user in self.users:
                Model = self.env[view.model].with_user(user)
                if not Model.has_access("read"):
                    continue
                arch = etree.fromstring(Model.get_views([(view.id, view.type)])["views"][view.type]["arch"])
                for node, model in self._buttons_of(arch, view.model):
                    key = (model, node.get("type"), node.get("name"))
                    if key not in module_buttons:
                        continue
                    always = node.getparent().tag == "header" and node.get("display") == "always"
                    seen.setdefault((*key, node.get("context") or "", always), (user, view))
        return seen

    # HTTP -------------------------------------------------------------------------------------------------------
    def _login(self, user):
        if self.current_user != user:
            self.authenticate(user.login, user.login)
            self.current_user = user

    def _user_context(self, user):
        return {"lang": user.lang, "tz": user.tz, "uid": user.id, "allowed_company_ids": [self.company.id]}

    def _rpc(self, route, params, where):
        """A JSON-RPC call as the client makes it. Returns ``(ok, result)``; a clean user error is ``(False, None)``."""
        response = self.url_open(
            route,
            data=json.dumps({"jsonrpc": "2.0", "method": "call", "id": 1, "params": params}),
            headers={"Content-Type": "application/json"},
            timeout=60,
        )
        if response.status_code != 200:
            self.problems.append(f"{where}: HTTP {response.status_code} from {route}")
            return False, None
        answer = response.json()
        if "error" in answer:
            data = answer["error"].get("data") or {}
            if data.get("name") in CLEAN_ERRORS and (data.get("message") or "").strip():
                self.clean_errors.append((where, data["name"]))
                return False, None
            debug = (data.get("debug") or "").strip().splitlines()[-3:]
            self.problems.append(f"{where}: {data.get('name')}: {data.get('message')} {' | '.join(debug)}")
            return False, None
        return True, answer.get("result")

    def _call_kw(self, model, method, args, kwargs, where):
        return self._rpc(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": args, "kwargs": kwargs},
            where,
        )

    @contextmanager
    def _rolled_back(self):
        """Whatever the requests inside write is undone afterwards (the test server shares our transaction)."""
        self.env.flush_all()
        self.savepoints += 1
        name = f"kk_smoke_{self.savepoints}"
        self.env.cr.execute(SQL("SAVEPOINT %s", SQL.identifier(name)))
        try:
            yield
        finally:
            self.env.cr.execute(SQL("ROLLBACK TO SAVEPOINT %s", SQL.identifier(name)))
            self.env.invalidate_all()

    # Pressing and following -------------------------------------------------------------------------------------
    def _eval(self, expression, user, extra=None):
        if not isinstance(expression, str):
            return expression
        today = fields.Date.context_today(self.env["res.partner"].with_user(user))
        values = {
            **self._user_context(user),
            "context_today": lambda: datetime.datetime.combine(today, datetime.time()),
            "current_company_id": self.company.id,
            "time": time,
            "datetime": datetime,
            "relativedelta": dateutil.relativedelta.relativedelta,
            "active_id": False,
            "active_ids": [],
            "active_model": False,
            **(extra or {}),
        }
        return safe_eval(expression, values)

    def _press(self, user, model, name, ids, context, chain, where):
        """Press one button as the client does, then follow its answer."""
        self.pressed.add((model, name))
        with self._rolled_back():
            self._login(user)
            ok, action = self._rpc(
                f"/web/dataset/call_button/{model}/{name}",
                {"model": model, "method": name, "args": [ids], "kwargs": {"context": context}},
                where,
            )
            if ok and isinstance(action, dict):
                # doActionButton: the current context without the keys that belong to the current action, the
                # active record, then the action's own context.
                current = {key: value for key, value in context.items() if not CTX_KEY_REGEX.match(key)}
                active = {"active_model": model}
                if len(ids) == 1:
                    active.update(active_id=ids[0], active_ids=ids)
                self._follow(user, action, {**current, **active}, [*chain, (model, name)], where)

    def _press_action_button(self, user, action_id, record, context, chain, where):
        """A ``type="action"`` button: the client loads the action with the record as the active one."""
        self.pressed.add((record._name, action_id))
        with self._rolled_back():
            self._login(user)
            extra = {"active_id": record.id, "active_ids": record.ids, "active_model": record._name}
            ok, action = self._rpc("/web/action/load", {"action_id": action_id, "context": {**context, **extra}}, where)
            if ok and action:
                self._follow(user, action, {**context, **extra}, chain, where)

    def _follow(self, user, action, context, chain, where):
        """Do what the client does with an action a button or a menu gave."""
        kind = action.get("type")
        action_context = self._eval(action.get("context") or {}, user, context)
        context = {**self._user_context(user), **context, **action_context}
        where = f"{where} → {kind} {action.get('res_model') or action.get('report_name') or action.get('tag') or ''}"
        if len(chain) > MAX_DEPTH:
            return
        if kind == "ir.actions.report":
            self._download(user, action, context, where)
        elif kind == "ir.actions.act_url":
            self._fetch(action["url"], where)
        elif kind == "ir.actions.act_window":
            self._open_window(user, action, context, chain, where)
        elif kind == "ir.actions.server":
            ok, result = self._rpc("/web/action/run", {"action_id": action["id"], "context": context}, where)
            if ok and isinstance(result, dict):
                self._follow(user, result, context, chain, where)
        elif kind not in ("ir.actions.client", "ir.actions.act_window_close"):
            self.problems.append(f"{where}: the client cannot run an action of type {kind!r}")

    def _open_window(self, user, action, context, chain, where):
        model = action["res_model"]
        views = [list(view) for view in action.get("views") or []] or [
            [False, mode] for mode in (action.get("view_mode") or "list,form").split(",")
        ]
        search_view = action.get("search_view_id")
        if action.get("target") != "new" and not action.get("res_id"):
            views.append([search_view[0] if isinstance(search_view, list) else search_view or False, "search"])
        options = {"action_id": action.get("id") or False, "load_filters": True, "toolbar": True}
        ok, result = self._call_kw(
            model, "get_views", [], {"views": views, "options": options, "context": context}, where
        )
        if not ok:
            return
        first = views[0][1]
        form = result["views"].get("form")
        model_fields = result["models"][model]["fields"]
        spec = self._specification(form["arch"], model_fields) if form else {}
        res_id = action.get("res_id")
        if first != "form" and not res_id:
            domain = self._eval(action.get("domain") or [], user, context)
            self._call_kw(
                model,
                "web_search_read",
                [],
                {"domain": domain, "specification": {"display_name": {}}, "limit": 80, "context": context},
                where,
            )
            return
        if not res_id:
            if not self.env[model]._transient:
                ok, _values = self._call_kw(model, "onchange", [[], {}, [], spec], {"context": context}, where)
                return
            # A wizard: the client asks for its defaults, the user fills it in, the client saves it.
            ok, _values = self._call_kw(model, "onchange", [[], {}, [], spec], {"context": context}, where)
            if not ok:
                return
            vals = WIZARD_INPUT[model](self.customer) if model in WIZARD_INPUT else {}
            ok, saved = self._call_kw(model, "web_save", [[], vals], {"specification": {}, "context": context}, where)
            if not ok:
                return
            res_id = saved[0]["id"]
        ok, records = self._call_kw(model, "web_read", [[res_id]], {"specification": spec, "context": context}, where)
        if not ok or not form or not self.env[model]._transient:
            return
        record = records[0]
        for name, value in record.items():
            if value and model_fields.get(name, {}).get("type") == "binary":
                # The download link of a file field (a wizard's result file).
                self._fetch_file(f"/web/content/{model}/{res_id}/{name}?download=true", f"{where} → {name}")
        for report in self._module_records("ir.actions.report"):
            if report.model == model and report.report_name not in self.printed:
                # A report of the wizard itself (no Print menu on a dialog): the report route prints it by id.
                report_action = {"report_name": report.report_name, "report_type": report.report_type}
                self._download(user, report_action, {**context, "active_ids": [res_id]}, f"{where} → print")
        # The wizard is on screen: press its buttons, and the buttons of its lines (e.g. "Select" on a result).
        self._press_wizard_buttons(user, model, res_id, record, form["arch"], model_fields, context, chain, where)

    def _press_wizard_buttons(self, user, model, res_id, record, form_arch, model_fields, context, chain, where):
        """Press the buttons of a wizard on screen (object buttons, and action buttons of the settings page)."""
        arch = etree.fromstring(form_arch)
        done = set(chain)
        # The settings page holds every app's settings: the module's own buttons are the ones to press there.
        own = self._module_buttons() if model == "res.config.settings" else None
        for node, button_model in self._buttons_of(arch, model):
            if (button_model, node.get("name")) in done:
                continue
            if own is not None and (button_model, node.get("type"), node.get("name")) not in own:
                continue
            if node.get("type") == "action" and button_model == model:
                done.add((button_model, node.get("name")))
                label = f"{where} → {button_model}.{node.get('name')}"
                wizard = self.env[model].browse(res_id)
                # In the chain: an action that opens this page again does not press the same button again.
                pressed = [*chain, (button_model, node.get("name"))]
                self._press_action_button(user, int(node.get("name")), wizard, context, pressed, label)
                continue
            if node.get("type") != "object":
                continue
            done.add((button_model, node.get("name")))
            ids = [res_id] if button_model == model else self._line_ids(node, arch, record, model_fields)
            if ids:
                button_context = {**context, **self._eval(node.get("context") or "{}", user, {"id": res_id})}
                label = f"{where} → {button_model}.{node.get('name')}"
                self._press(user, button_model, node.get("name"), ids[:1], button_context, chain, label)

    def _line_ids(self, node, arch, record, model_fields):
        """The ids of the one2many lines whose list holds ``node``."""
        for field in node.iterancestors("field"):
            if field.getparent() is not None and not list(field.iterancestors("field")):
                return [line["id"] for line in record.get(field.get("name")) or []]
        return []

    def _specification(self, arch, model_fields):
        """What the form reads (``web_read``): its own fields, relational ones with their display name."""
        spec = {}
        for node in etree.fromstring(arch).iter("field"):
            name = node.get("name")
            if name not in model_fields or any(True for _parent in node.iterancestors("field")):
                continue
            relational = model_fields[name]["type"] in ("many2one", "one2many", "many2many")
            spec[name] = {"fields": {"display_name": {}}} if relational else {}
        return spec

    def _fetch(self, url, where):
        if not url.startswith("/"):
            return None
        response = self.url_open(url, timeout=60)
        if response.status_code != 200:
            self.problems.append(f"{where}: HTTP {response.status_code} for {url}")
            return None
        return response

    def _fetch_file(self, url, where):
        """A downloaded file; a PDF must name the customer, as the reports do."""
        response = self._fetch(url, where)
        if response is not None and response.content.startswith(b"%PDF"):
            if CUSTOMER not in pdf_text(response.content):
                self.problems.append(f"{where}: the PDF does not name the customer {CUSTOMER} ({url})")

    def _report_url(self, action, action_context):
        """``getReportUrl(action, "pdf")`` of web/static/src/webclient/actions/reports/utils.js."""
        url = f"/report/pdf/{action['report_name']}"
        if action.get("data"):
            options = quote(json.dumps(action["data"]))
            return f"{url}?options={options}&context={quote(json.dumps(action_context))}"
        if action_context.get("active_ids"):
            url += "/" + ",".join(map(str, action_context["active_ids"]))
        return url

    def _download(self, user, action, context, where):
        """``downloadReport``: POST ``/report/download`` with ``data = [url, report_type]`` and the context."""
        self.printed.add(action["report_name"])
        # The action's context holds the user's context too: the button was called with it (doActionButton).
        url = self._report_url(action, context)
        # force_report_rendering: in test mode Odoo would hand back HTML instead of running wkhtmltopdf.
        download_context = {**context, "force_report_rendering": True}
        with mute_logger("odoo.addons.base.models.ir_actions_report"):
            response = self.url_open(
                "/report/download",
                data={
                    "data": json.dumps([url, action["report_type"]]),
                    "context": json.dumps(download_context),
                    "token": "dummy-because-api-expects-one",
                    "csrf_token": http.Request.csrf_token(self),
                },
                timeout=120,
            )
        if response.status_code != 200 or not response.content.startswith(b"%PDF"):
            # A failed report comes back as the serialised error, HTML-escaped JSON, which the client shows.
            try:
                error = json.loads(html.unescape(response.text))["data"]
            except (ValueError, KeyError, TypeError):
                error = {"name": f"HTTP {response.status_code}, not a PDF", "message": response.text[:200]}
            if error.get("name") in CLEAN_ERRORS and (error.get("message") or "").strip():
                return error["name"]
            self.problems.append(f"{where}: {error.get('name')}: {error.get('message')} (report {url[:80]})")
            return error.get("name")
        # The key figures are the company's (their top customers depend on the whole history, the demo's too): that
        # report must name the company; every other report is about the customer.
        expected = self.env.company.name if "kundekartotek.report_kpi" in url else CUSTOMER
        if expected not in pdf_text(response.content):
            self.problems.append(f"{where}: the PDF does not name {expected} (report {url})")
        return "pdf"

    # The tests ------------------------------------------------------------------------------------------------------
    def test_every_button_of_the_module_works_as_the_browser_presses_it(self):
        module_buttons = self._module_buttons()
        self.assertTrue(module_buttons, "the module's views declare buttons")
        seen = self._who_sees(module_buttons)
        # Open the customers the way the menu does, to press with the same context.
        customers_action = self.env.ref("kundekartotek.res_partner_action_customer")
        for (model, kind, name, button_context, always), (user, _view) in sorted(
            seen.items(), key=lambda item: (item[0][0], item[0][2], item[0][3])
        ):
            if self.env[model]._transient:
                continue  # pressed from inside the wizard, once it has been opened (below)
            records = self.records.get(model)
            if records is None:
                self.problems.append(f"{model}.{name}: no fixture record; add one to _create_fixtures")
                continue
            context = self._user_context(user)
            if model == "res.partner":
                context.update(self._eval(customers_action.context, user))
            context.update(self._eval(button_context or "{}", user, {"id": records[:1].id}))
            where = f"{model}.{name} as {self.role_of[user]}"
            for ids in ([[]] if always else []) + [[record.id] for record in records]:
                if kind == "action":
                    self._press_action_button(user, int(name), records.browse(ids), context, [], where)
                else:
                    self._press(user, model, name, ids, context, [], where)
        # Wizards and their buttons: opened through the module's actions (menus, Action menu) and, above, from
        # the buttons that open them.
        self._load_module_actions()
        for model, kind, name in sorted(module_buttons):
            if (model, name) not in self.pressed and (kind != "action" or (model, int(name)) not in self.pressed):
                self.problems.append(f"{model}.{name}: no fixture or action reaches this button")
        for report in self._module_records("ir.actions.report"):
            if report.report_name not in self.printed:
                self.problems.append(f"report {report.report_name}: never printed")
        if self.problems:
            self.fail("\n".join(["Buttons that do not work as the browser calls them:", *self.problems]))

    def _load_module_actions(self):
        """Every window, report and server action of the module, loaded as the first role that reaches it."""
        menus = self.env["ir.ui.menu"].search([("action", "!=", False)])
        menu_action_ids = {menu.action.id for menu in menus}
        for action in self._module_actions():
            user = self._first_user_reaching(action, menus)
            if not user:
                self.problems.append(f"action {action.xml_id}: no role can open it")
                continue
            binding = action.binding_model_id.model
            records = self.records.get(binding) if binding else None
            context = {}
            if records:
                context = {"active_id": records[:1].id, "active_ids": records[:1].ids, "active_model": binding}
            where = f"action {action.xml_id} as {self.role_of[user]}"
            with self._rolled_back():
                self._login(user)
                ok, loaded = self._rpc(
                    "/web/action/load",
                    {"action_id": action.id, "context": {**self._user_context(user), **context}},
                    where,
                )
                if not ok:
                    continue
                if action.type == "ir.actions.report" and not records:
                    # Not in a Print menu: printed by buttons; printed here only when no button did.
                    if action.report_name not in self.printed and self.records.get(action.model):
                        records = self.records[action.model][:1]
                        context = {"active_id": records.id, "active_ids": records.ids, "active_model": action.model}
                    else:
                        continue
                reachable = bool(binding) or action.id in menu_action_ids
                if action.type == "ir.actions.act_window" and loaded.get("target") == "new" and not reachable:
                    # Opened only by a button, with the context that button gives: loading it is the check here.
                    continue
                errors = len(self.clean_errors)
                self._follow(user, loaded, context, [], where)
                if binding and any(name == "odoo.exceptions.AccessError" for _w, name in self.clean_errors[errors:]):
                    # The Action and Print menus list only what the role's groups allow (groups_id): an entry that
                    # answers "not allowed" is offered to the wrong people.
                    self.problems.append(f"{where}: offered in the Action/Print menu, then refused (AccessError)")

    def _module_actions(self):
        actions = []
        for model in ("ir.actions.act_window", "ir.actions.report", "ir.actions.server", "ir.actions.client"):
            records = self._module_records(model)
            if model == "ir.actions.server":
                records = records.filtered(lambda action: action.usage != "ir_cron")  # run by the scheduler only
            actions += list(records)
        return actions

    def _first_user_reaching(self, action, menus):
        """The first role with a visible menu to the action, else (bound or button-opened) with access to it."""
        action_menus = menus.filtered(lambda menu: menu.action and menu.action.id == action.id)
        specific = action
        for user in self.users:
            if action_menus:
                if action_menus & self.env["ir.ui.menu"].with_user(user).search([("id", "in", action_menus.ids)]):
                    return user
                continue
            groups = specific.groups_id
            if groups and not groups & user.groups_id:
                continue
            model = (
                getattr(specific, "res_model", None)
                or getattr(specific, "model_name", None)
                or getattr(specific, "model", None)
                or specific.binding_model_id.model
            )
            if model in self.env and self.env[model].with_user(user).has_access("read"):
                return user
        return None

    def test_ageing_pdf_downloads_through_the_report_route(self):
        """The ageing wizard's PDF button, pressed and downloaded exactly as the browser does (it crashed there)."""
        user = self.users[1]  # invoicing clerk: sees the ageing menu
        self._login(user)
        context = self._user_context(user)
        ok, saved = self._call_kw(
            "kundekartotek.ageing.wizard", "web_save", [[], {}], {"specification": {}, "context": context}, "save"
        )
        self.assertTrue(ok, self.problems)
        self._press(user, "kundekartotek.ageing.wizard", "action_print_pdf", [saved[0]["id"]], context, [], "PDF")
        self.assertEqual(self.printed, {"kundekartotek.report_ageing"})
        self.assertFalse(self.problems, "\n".join(self.problems))

    def test_hand_edited_ageing_options_give_a_clear_error(self):
        """The options ride in the download URL, where anyone can edit them: bad ones are a message, not a crash."""
        user = self.users[1]
        self._login(user)
        report = {"report_name": "kundekartotek.report_ageing", "report_type": "qweb-pdf"}
        for options in ({"kk_edges": "90,60,30"}, {"kk_as_of": "31.02.2026"}, {"kk_edges": ["x"]}):
            with self.subTest(options=options):
                action = dict(report, data={"kk_options": options})
                self.assertEqual(
                    self._download(user, action, self._user_context(user), "edited"), "odoo.exceptions.UserError"
                )
        # Unknown keys, foreign companies and a wrong "age by" are ignored, not obeyed.
        action = dict(report, data={"kk_options": {"kk_company_ids": [999999], "kk_age_by": "x", "evil": 1}})
        self.assertEqual(self._download(user, action, self._user_context(user), "ignored"), "pdf")
        self.assertFalse(self.problems, "\n".join(self.problems))
