"""Headless Chromium (the OS's package) driven by Selenium through the OS's chromedriver, and
the console's screen as the browser received it.

textual-serve's page keeps its xterm.js terminal in a closure and draws it on a canvas, so the
text is not in the DOM. A script installed before the page loads records every byte the
websocket delivers to xterm.js (and the terminal size the page asked for); `screen()` replays
them into pyte, a VT100 screen, which gives the rows a user sees.
"""

from __future__ import annotations

import base64
import shutil
import time
from typing import Any

import pyte

CHROMIUM = ("chromium", "chromium-browser", "google-chrome")

RECORDER = """
(() => {
  const Native = window.WebSocket;
  const record = {chunks: [], size: null};
  window.__hmcTerminal = record;
  function Recording(url, protocols) {
    const ws = protocols === undefined ? new Native(url) : new Native(url, protocols);
    const query = new URL(url).searchParams;
    record.size = [Number(query.get("width")), Number(query.get("height"))];
    const send = ws.send.bind(ws);
    ws.send = (data) => {
      try {
        const message = JSON.parse(data);
        if (message[0] === "resize") record.size = [message[1].width, message[1].height];
      } catch (e) {}
      return send(data);
    };
    ws.addEventListener("message", (event) => {
      if (typeof event.data !== "string") record.chunks.push(new Uint8Array(event.data));
    });
    return ws;
  }
  Recording.prototype = Native.prototype;
  for (const name of ["CONNECTING", "OPEN", "CLOSING", "CLOSED"]) Recording[name] = Native[name];
  window.WebSocket = Recording;
})();
"""

DRAIN = """
const record = window.__hmcTerminal;
if (!record) return null;
let text = "";
for (const chunk of record.chunks.splice(0)) {
  for (let i = 0; i < chunk.length; i += 8192)
    text += String.fromCharCode.apply(null, chunk.subarray(i, i + 8192));
}
return [btoa(text), record.size];
"""


def browser_missing() -> str | None:
    """Why the browser test cannot run here, or None."""
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -e '.[test]')"
    if not any(shutil.which(name) for name in CHROMIUM):
        return "no chromium here (Debian: apt-get install chromium chromium-driver)"
    if not shutil.which("chromedriver"):
        return "no chromedriver here (Debian: apt-get install chromium-driver)"
    return None


def start_browser(width: int = 1400, height: int = 900) -> Any:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                f"--window-size={width},{height}", "--no-first-run",
                "--ignore-certificate-errors"):  # the service's self-signed certificate
        options.add_argument(arg)
    binary = next(path for name in CHROMIUM if (path := shutil.which(name)))
    options.binary_location = binary
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": RECORDER})
    return driver


class Screen:
    """The console's screen as the page's terminal shows it."""

    def __init__(self) -> None:
        self.screen = pyte.Screen(80, 24)
        self.stream = pyte.ByteStream(self.screen)

    def update(self, driver: Any) -> list[str]:
        drained = driver.execute_script(DRAIN)
        if drained:
            data, size = drained
            if size and size[0] and size[1] and (size[0], size[1]) != (
                    self.screen.columns, self.screen.lines):
                self.screen.resize(lines=size[1], columns=size[0])
            self.stream.feed(base64.b64decode(data))
        return list(self.screen.display)

    def wait_for(self, driver: Any, predicate: Any, timeout: float = 30.0) -> list[str]:
        deadline = time.monotonic() + timeout
        while True:
            rows = self.update(driver)
            if predicate(rows):
                return rows
            if time.monotonic() > deadline:
                raise AssertionError("screen never matched:\n" + "\n".join(rows))
            time.sleep(0.1)


def row_of(rows: list[str], name: str) -> str:
    """The overview row whose first word is the partition `name` ("" if not shown)."""
    return next((row for row in rows if row.split()[:1] == [name]), "")
