"""Take the pictures of README.md and docs/manual.*.md from the running demo (`make run`) into docs/img/.

    bash dev/screenshots.sh                  # as admin, English interface, into docs/img/
    bash dev/screenshots.sh --lang nb_NO     # the Norwegian interface, into docs/img/nb_NO/

Screens are taken with headless Chromium (through its DevTools protocol), PDFs are fetched from the report
routes and turned into a picture of their first page with pdftoppm. Each picture is a list entry below: a new
screen (the KPI report, duplicates) is one more entry. The demo's dates follow the day it was installed, so the
pictures change from one run to the next; that is expected.
"""

import argparse
import base64
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta

import requests
import websocket

ROOT = pathlib.Path(__file__).resolve().parent.parent
# Where the demo runs and Chromium listens; the environment overrides them (a second demo beside `make run`):
#   KK_SCREENSHOT_BASE=http://localhost:8171 KK_SCREENSHOT_DB=my_demo bash dev/screenshots.sh
DEBUG_PORT = int(os.environ.get("KK_SCREENSHOT_DEBUG_PORT", "9334"))


class Odoo:
    """A JSON-RPC session on the demo server."""

    def __init__(self, base, db, login, password):
        self.base = base
        self.http = requests.Session()
        response = self.http.post(
            f"{base}/web/session/authenticate",
            json={"params": {"db": db, "login": login, "password": password}},
            timeout=60,
        )
        response.raise_for_status()
        if response.json().get("error"):
            sys.exit(f"cannot log in as {login}: {response.json()['error']['data']['message']}")
        self.session_id = self.http.cookies["session_id"]

    def call(self, model, method, *args, **kwargs):
        response = self.http.post(
            f"{self.base}/web/dataset/call_kw",
            json={"params": {"model": model, "method": method, "args": list(args), "kwargs": kwargs}},
            timeout=120,
        )
        response.raise_for_status()
        answer = response.json()
        if answer.get("error"):
            raise RuntimeError(answer["error"]["data"]["message"])
        return answer["result"]

    def ref(self, xmlid):
        module, name = xmlid.split(".")
        [row] = self.call("ir.model.data", "search_read", [("module", "=", module), ("name", "=", name)], ["res_id"])
        return row["res_id"]

    def pdf(self, report, record_id):
        response = self.http.get(f"{self.base}/report/pdf/{report}/{record_id}", timeout=300)
        response.raise_for_status()
        if not response.content.startswith(b"%PDF"):
            raise RuntimeError(f"{report} did not answer with a PDF")
        return response.content


class Browser:
    """Headless Chromium driven over the DevTools protocol, logged in with the session of ``odoo``."""

    def __init__(self, odoo, width, height):
        self.odoo = odoo
        self.profile = tempfile.mkdtemp()
        self.process = subprocess.Popen(
            [
                "chromium",
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--hide-scrollbars",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                f"--user-data-dir={self.profile}",
                f"--remote-debugging-port={DEBUG_PORT}",
                f"--window-size={width},{height}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        pages = []
        for _ in range(100):
            try:
                pages = requests.get(f"http://127.0.0.1:{DEBUG_PORT}/json", timeout=2).json()
                break
            except requests.ConnectionError:
                time.sleep(0.2)
        page = next(p for p in pages if p["type"] == "page")
        self.ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=120)
        self.counter = 0
        host = odoo.base.split("//", 1)[1].split(":")[0].split("/")[0]
        self.send("Network.enable")
        self.send("Network.setCookie", name="session_id", value=odoo.session_id, domain=host, path="/")

    def send(self, method, **params):
        self.counter += 1
        self.ws.send(json.dumps({"id": self.counter, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.counter:
                return message.get("result", {})

    def evaluate(self, script):
        return self.send("Runtime.evaluate", expression=script, awaitPromise=True, returnByValue=True)

    def wait_for(self, selector, timeout=60):
        """Wait until ``selector`` matches and the web client has stopped loading."""
        check = f"!!document.querySelector({json.dumps(selector)}) && !document.querySelector('.o_loading_indicator')"
        for _ in range(timeout * 4):
            if self.evaluate(check).get("result", {}).get("value"):
                time.sleep(1)  # let fonts and images settle
                return
            time.sleep(0.25)
        raise RuntimeError(f"{selector} did not appear")

    def open(self, path, selector):
        self.send("Page.navigate", url=self.odoo.base + path)
        self.wait_for(selector)

    def do_action(self, action, selector):
        """Run an action dict in the web client already open (for actions that carry a context, e.g. a date)."""
        action = json.dumps(action)
        self.evaluate(f"odoo.__WOWL_DEBUG__.root.env.services.action.doAction({action}, {{clearBreadcrumbs: true}})")
        self.wait_for(selector)

    def click(self, selector, then):
        self.evaluate(f"document.querySelector({json.dumps(selector)}).click()")
        self.wait_for(then)

    def resize(self, width, height):
        """Give the page another size (a card with its notebook needs more height than a list)."""
        self.send("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1, mobile=False)

    def shoot(self, output):
        shot = self.send("Page.captureScreenshot", format="png")
        output.write_bytes(base64.b64decode(shot["data"]))

    def close(self):
        self.ws.close()
        self.process.terminate()
        self.process.wait(timeout=30)


def pdf_page(content, output, resolution):
    """The first page of a PDF as a PNG (pdftoppm, from poppler-utils)."""
    with tempfile.TemporaryDirectory() as folder:
        source = pathlib.Path(folder) / "report.pdf"
        source.write_bytes(content)
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                str(resolution),
                "-f",
                "1",
                "-l",
                "1",
                "-singlefile",
                source,
                output.with_suffix(""),
            ],
            check=True,
        )


def last_month_end():
    return date.today().replace(day=1) - timedelta(days=1)


def take(args):
    odoo = Odoo(args.base, args.db, args.login, args.password)
    [user] = odoo.call("res.users", "search_read", [("login", "=", args.login)], ["lang"])
    if args.lang:
        odoo.call("res.users", "write", [user["id"]], {"lang": args.lang})
    try:
        shoot_all(odoo, args)
    finally:
        if args.lang:
            odoo.call("res.users", "write", [user["id"]], {"lang": user["lang"]})


def shoot_all(odoo, args):
    out = ROOT / "docs" / "img" / (args.lang or "")
    out.mkdir(parents=True, exist_ok=True)
    customer = odoo.ref("kundekartotek.res_partner_nordlys_demo")
    person = odoo.ref("kundekartotek.res_partner_private_demo")
    debtor = odoo.ref("kundekartotek.res_partner_stavanger_olje_demo")
    customers = "/odoo/action-kundekartotek.res_partner_action_customer"
    wizard = odoo.call("kundekartotek.ageing.wizard", "create", {"as_of": last_month_end().isoformat()})
    ageing = odoo.call("kundekartotek.ageing.wizard", "action_open", [wizard])
    # What the web client's button call adds to an action before running it.
    ageing.setdefault("views", [[False, mode] for mode in ageing["view_mode"].split(",")])
    reminders = "/odoo/action-kundekartotek.kundekartotek_reminder_action"
    audit = "/odoo/action-kundekartotek.kundekartotek_audit_log_action"
    kpi = "/odoo/action-kundekartotek.kundekartotek_kpi_dashboard_action"
    duplicates = "/odoo/action-kundekartotek.kundekartotek_duplicate_pair_action"
    # The demo's near-duplicates are listed once a scan has run (weekly, or a manager's button): run it now.
    odoo.call("kundekartotek.duplicate.pair", "action_scan", [])
    tall = 1150  # a card with its notebook needs more height than a list
    # (file, page height, how to show it)
    shots = [
        ("customers.png", args.height, lambda b: b.open(customers, ".o_list_view .o_data_row")),
        ("customer_card.png", tall, lambda b: (
            b.open(f"{customers}/{customer}", ".o_form_view .o_notebook"),
            b.click(".o_notebook a[name=kundekartotek]", ".o_field_widget[name=customer_type]"),
        )),
        ("ageing.png", args.height, lambda b: b.do_action(ageing, ".o_list_view .o_group_header")),
        ("privacy_page.png", tall, lambda b: (
            b.open(f"{customers}/{person}", ".o_form_view .o_notebook"),
            b.click(".o_notebook a[name=kk_privacy]", ".o_field_widget[name=consent_ids] .o_data_row"),
        )),
        ("reminders.png", args.height, lambda b: b.open(reminders, ".o_list_view .o_data_row")),
        ("audit_trail.png", args.height, lambda b: b.open(audit, ".o_list_view .o_data_row")),
        ("kpi.png", tall, lambda b: b.open(kpi, ".o_form_view .o_field_widget[name=summary] svg")),
        ("duplicates.png", args.height, lambda b: (
            b.open(duplicates, ".o_list_view .o_group_header"),
            b.click(".o_list_view .o_group_header", ".o_list_view .o_data_row"),
        )),
    ]  # fmt: skip
    browser = Browser(odoo, args.width, args.height)
    try:
        for name, height, show in shots:
            browser.resize(args.width, height)
            show(browser)
            browser.shoot(out / name)
            print(f"{out / name}")
    finally:
        browser.close()
    for name, report, record in (
        ("statement_pdf.png", "kundekartotek.report_statement", customer),
        ("reminder_pdf.png", "kundekartotek.report_reminder", debtor),
    ):
        pdf_page(odoo.pdf(report, record), out / name, args.resolution)
        print(f"{out / name}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", default=os.environ.get("KK_SCREENSHOT_BASE", "http://localhost:8069"))
    parser.add_argument("--db", default=os.environ.get("KK_SCREENSHOT_DB", "kundekartotek"))
    parser.add_argument("--login", default="admin")
    parser.add_argument("--password", default="admin")
    parser.add_argument("--lang", help="take the pictures in this interface language (e.g. nb_NO)")
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=760)
    parser.add_argument("--resolution", type=int, default=60, help="dots per inch of the PDF pictures")
    take(parser.parse_args())


if __name__ == "__main__":
    main()
