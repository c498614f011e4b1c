"""Take a screenshot of a page of the running `make run` server, logged in as admin, for the README.

.venv/bin/python dev/screenshot.py /odoo/action-kundekartotek.res_partner_action_customer out.png
"""

import base64
import json
import subprocess
import sys
import tempfile
import time

import requests
import websocket

BASE = "http://localhost:8069"


def session_id(db="kundekartotek", login="admin", password="admin"):
    response = requests.post(
        f"{BASE}/web/session/authenticate",
        json={"params": {"db": db, "login": login, "password": password}},
        timeout=30,
    )
    response.raise_for_status()
    return response.cookies["session_id"]


def main(path, output, script=None, width=1400, height=900, wait=10):
    profile = tempfile.mkdtemp()
    browser = subprocess.Popen(
        [
            "chromium",
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile}",
            "--remote-debugging-port=9333",
            f"--window-size={width},{height}",
            "about:blank",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(50):
            try:
                pages = requests.get("http://127.0.0.1:9333/json", timeout=2).json()
                break
            except requests.ConnectionError:
                time.sleep(0.2)
        page = next(p for p in pages if p["type"] == "page")
        ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=30)
        counter = iter(range(1, 1000))

        def call(method, **params):
            ident = next(counter)
            ws.send(json.dumps({"id": ident, "method": method, "params": params}))
            while True:
                message = json.loads(ws.recv())
                if message.get("id") == ident:
                    return message.get("result", {})

        call("Network.enable")
        call("Network.setCookie", name="session_id", value=session_id(), domain="localhost", path="/")
        call("Page.navigate", url=BASE + path)
        time.sleep(wait)
        if script:  # e.g. open a tab before the picture is taken
            call("Runtime.evaluate", expression=script)
            time.sleep(2)
        shot = call("Page.captureScreenshot", format="png")
        with open(output, "wb") as handle:
            handle.write(base64.b64decode(shot["data"]))
    finally:
        browser.terminate()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], *sys.argv[3:4])
