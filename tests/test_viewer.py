"""The viewer page in a real browser, offline.

Headless Chromium is driven over the DevTools protocol on a pipe (--remote-debugging-pipe:
NUL-separated JSON on file descriptors 3 and 4), so neither a driver binary nor a Python
package is needed. The network is closed to the browser (a dead proxy, a resolver that
resolves nothing) and every request the page makes is recorded: only the page's own
file: URL and data: URLs may appear.
"""

from __future__ import annotations

import base64
import json
import os
import re
import select
import shutil
import subprocess
import tempfile
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest

from .conftest import require_tool

FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-extensions", "--no-default-browser-check", "--mute-audio",
         "--disable-dev-shm-usage",
         # No way out: a proxy nobody listens on, and no name resolves.
         "--proxy-server=http://127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
         "--host-resolver-rules=MAP * ~NOTFOUND")
LOCAL = re.compile(r"^(file|data|about|blob):")


class Page:
    """One tab: its console errors, requests and dialogs are recorded as they arrive."""

    def __init__(self, browser: Chromium, target: str, session: str):
        self.browser, self.target, self.session = browser, target, session
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.dialogs: list[str] = []

    def send(self, method: str, **params: object) -> dict:
        return self.browser.send(method, params, session=self.session)

    def on_event(self, method: str, params: dict) -> None:
        if method == "Network.requestWillBeSent":
            self.requests.append(params["request"]["url"])
        elif method == "Runtime.consoleAPICalled" and params["type"] in ("error", "assert"):
            self.errors.append(" ".join(str(a.get("value", a.get("description", "")))
                                        for a in params["args"]))
        elif method == "Runtime.exceptionThrown":
            d = params["exceptionDetails"]
            self.errors.append(d.get("exception", {}).get("description") or d["text"])
        elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
            self.errors.append(params["entry"]["text"])
        elif method == "Page.javascriptDialogOpening":
            self.dialogs.append(params["message"])
            # An open dialog blocks the page: dismiss it at once, without waiting.
            self.browser.post("Page.handleJavaScriptDialog", {"accept": False}, self.session)

    def evaluate(self, expression: str) -> object:
        r = self.send("Runtime.evaluate", expression=expression, returnByValue=True,
                      awaitPromise=True)
        if "exceptionDetails" in r:
            raise AssertionError(f"{expression!r} threw: {r['exceptionDetails']}")
        return r["result"].get("value")

    def wait_for(self, expression: str, timeout: float = 20) -> object:
        end = time.monotonic() + timeout
        while True:
            value = self.evaluate(expression)
            if value:
                return value
            if time.monotonic() > end:
                raise AssertionError(f"timed out waiting for {expression!r}; "
                                     f"console errors: {self.errors}")
            time.sleep(0.05)

    def search(self, name: str) -> None:
        """Type `name` into the page's search box, as a user would."""
        self.evaluate(f"(() => {{ const s = document.getElementById('search'); "
                      f"s.value = {json.dumps(name)}; s.dispatchEvent(new Event('change')); }})()")

    def screenshot(self) -> bytes:
        return base64.b64decode(self.send("Page.captureScreenshot", format="png")["data"])

    def close(self) -> None:
        self.browser.send("Target.closeTarget", {"targetId": self.target})


class Chromium:
    """A headless Chromium process and its DevTools pipe."""

    def __init__(self, executable: str, *flags: str):
        self.profile = tempfile.mkdtemp(prefix="kg-chromium-")
        to_browser, self._to_browser = os.pipe()
        self._from_browser, from_browser = os.pipe()

        def pipes_on_3_and_4() -> None:  # in the child, before exec
            a, b = os.dup(to_browser), os.dup(from_browser)
            os.dup2(a, 3)
            os.dup2(b, 4)

        self.log = open(Path(self.profile) / "stderr.log", "wb")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [executable, *FLAGS, *flags, f"--user-data-dir={self.profile}",
             "--remote-debugging-pipe", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=self.log, stderr=self.log, close_fds=False,
            preexec_fn=pipes_on_3_and_4)
        os.close(to_browser)
        os.close(from_browser)
        self._buffer = b""
        self._next_id = 0
        self.pages: dict[str, Page] = {}

    def post(self, method: str, params: dict | None = None, session: str | None = None) -> int:
        self._next_id += 1
        message: dict[str, object] = {"id": self._next_id, "method": method,
                                      "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        return self._next_id

    def send(self, method: str, params: dict | None = None, session: str | None = None,
             timeout: float = 30) -> dict:
        """Send a command and wait for its answer, handing events to their pages meanwhile."""
        wanted = self.post(method, params, session)
        end = time.monotonic() + timeout
        while True:
            message = self._receive(end - time.monotonic(), method)
            if message.get("id") == wanted:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message["result"]
            page = self.pages.get(message.get("sessionId", ""))
            if page is not None and "method" in message:
                page.on_event(message["method"], message["params"])

    def _receive(self, timeout: float, waiting_for: str) -> dict:
        while b"\0" not in self._buffer:
            ready, _, _ = select.select([self._from_browser], [], [], max(timeout, 0))
            if not ready:
                raise TimeoutError(f"Chromium did not answer {waiting_for}")
            chunk = os.read(self._from_browser, 1 << 20)
            if not chunk:
                raise RuntimeError(f"Chromium exited: {self.stderr()[-2000:]}")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(raw)

    def stderr(self) -> str:
        return (Path(self.profile) / "stderr.log").read_text("utf-8", "replace")

    def open(self, url: str, width: int = 1400, height: int = 900) -> Page:
        """A new tab with recording on, then navigated to `url` (loaded when this returns)."""
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget",
                            {"targetId": target, "flatten": True})["sessionId"]
        page = self.pages[session] = Page(self, target, session)
        for domain in ("Page", "Runtime", "Network", "Log"):
            page.send(f"{domain}.enable")
        page.send("Emulation.setDeviceMetricsOverride", width=width, height=height,
                  deviceScaleFactor=1, mobile=False)
        page.send("Page.navigate", url=url)
        page.wait_for("document.readyState === 'complete'")
        return page

    def close(self) -> None:
        try:
            self.send("Browser.close", timeout=5)
        except (OSError, RuntimeError, TimeoutError):
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        for fd in (self._to_browser, self._from_browser):
            os.close(fd)
        self.log.close()
        shutil.rmtree(self.profile, ignore_errors=True)


@pytest.fixture(scope="module")
def browser():
    chrome = Chromium(require_tool("chromium"))
    yield chrome
    chrome.close()


# How much of the graph's canvas is painted (not transparent), as a fraction.
INK = """(() => {
  const c = document.querySelector("#network canvas");
  if (!c || !c.width || !c.height) return 0;
  const px = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
  let ink = 0;
  for (let i = 3; i < px.length; i += 4) if (px[i] > 0) ink++;
  return ink / (c.width * c.height);
})()"""

# The smallest distance between two nodes' centres, in canvas units.
SPREAD = """(() => {
  const p = Object.values(network.getPositions());
  let min = Infinity;
  for (let i = 0; i < p.length; i++) for (let j = i + 1; j < p.length; j++)
    min = Math.min(min, Math.hypot(p[i].x - p[j].x, p[i].y - p[j].y));
  return [p.length, min];
})()"""


def assert_offline_and_clean(page: Page) -> None:
    assert page.errors == []
    assert page.dialogs == []
    assert [u for u in page.requests if not LOCAL.match(u)] == []


def test_seed_graph_renders(seed_build, browser):
    _, out = seed_build
    page = browser.open((out / "graph.html").as_uri())
    try:
        page.wait_for("window.kgReady === true")
        total = page.evaluate("DATA.nodes.length")
        assert total > 10
        assert page.evaluate("nodes.length") == total  # all of them in vis-network
        assert page.evaluate("document.getElementById('count').textContent").startswith(
            f"{total} entities, ")
        page.wait_for("window.kgStable === true")
        assert page.wait_for(f"{INK} > 0.01")  # nodes, edges and labels on the canvas
        count, closest = page.evaluate(SPREAD)
        assert count == total and closest > 5  # laid out, not piled on one spot
        # The search box finds an entity and shows its facts.
        page.search("Antony Blinken")
        details = page.evaluate("document.getElementById('details').textContent")
        assert "Antony Blinken" in details and "Secretary of State" in details
        assert_offline_and_clean(page)
    finally:
        page.close()


class _Resources(HTMLParser):
    """Every URL-valued attribute, and the text of style elements."""

    URL_ATTRS = {"src", "href", "action", "formaction", "poster", "data", "srcset",
                 "background", "xlink:href", "manifest", "ping"}

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[tuple[str, str, str]] = []
        self.styles: list[str] = []
        self.csp: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in self.URL_ATTRS and value:
                self.urls.append((tag, name, value))
            if name == "style" and value:
                self.styles.append(value)
        attributes = dict(attrs)
        if tag == "meta" and (attributes.get("http-equiv") or "").lower() == \
                "content-security-policy":
            self.csp.append(attributes.get("content") or "")
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.styles.append(data)


def test_page_refers_to_nothing_outside_itself(seed_build):
    """Static check of graph.html: no external src/href, no remote CSS, a strict CSP.
    URLs inside the JSON data (articles' links) are data, not resources."""
    _, out = seed_build
    parser = _Resources()
    parser.feed((out / "graph.html").read_text("utf-8"))
    external = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:)?//", re.IGNORECASE)
    assert [u for u in parser.urls if external.match(u[2])] == []
    remote_css = re.compile(r"url\(\s*['\"]?\s*(?!data:)[^)'\"\s]|@import", re.IGNORECASE)
    assert [m.group(0) for css in parser.styles for m in remote_css.finditer(css)] == []
    assert len(parser.csp) == 1
    policy = {d.split()[0]: d.split()[1:] for d in parser.csp[0].split(";") if d.strip()}
    assert policy["default-src"] == ["'none'"]
    assert policy["connect-src"] == ["'none'"]


PAYLOADS = ("<img src=x onerror=alert(1)>", "<script>alert(2)</script>",
            "<svg onload=\"window.kgPwned=1\">")
HOSTILE = f"""Border clash {PAYLOADS[2]} escalates

Russia accused Ukraine of aggression {PAYLOADS[0]} and {PAYLOADS[1]} on Monday. The foreign \
ministry in Moscow said the attack near the border had been planned in Kyiv.

On Tuesday, Russia accused Ukraine of aggression, citing {PAYLOADS[0]} and {PAYLOADS[1]} as \
evidence. Ukraine rejected the claims.
"""


def test_markup_in_articles_is_shown_as_text_and_never_runs(browser, tmp_path):
    from kg.exports import write_all
    from kg.pipeline import build

    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "hostile.txt").write_text(HOSTILE, encoding="utf-8")
    result = build([tmp_path / "articles"])
    out = tmp_path / "out"
    write_all(result, out)
    html = (out / "graph.html").read_text("utf-8")
    data = json.loads(re.search(r'<script id="kg-data" type="application/json">(.*?)</script>',
                                html, re.DOTALL).group(1))
    hostile = [e for e in data["edges"] if any(
        PAYLOADS[0] in f["evidence"] and PAYLOADS[1] in f["evidence"] for f in e["facts"])]
    assert hostile, "the test article should give an edge whose evidence holds the markup"
    for payload in PAYLOADS:  # only ever escaped inside the page's source
        assert payload not in html

    page = browser.open((out / "graph.html").as_uri())
    try:
        page.wait_for("window.kgReady === true")
        label = next(n["label"] for n in data["nodes"] if n["id"] == hostile[0]["from"])
        page.search(label)
        details = page.evaluate("document.getElementById('details').textContent")
        assert PAYLOADS[0] in details and PAYLOADS[1] in details  # the text, literally
        assert PAYLOADS[2] in details  # the article's title, with each fact
        page.evaluate("new Promise(r => setTimeout(r, 300))")  # time for any onerror to fire
        assert page.evaluate("document.querySelectorAll('img, svg, iframe, object').length") == 0
        assert page.evaluate("document.scripts.length") == 3  # data, vis-network, viewer
        assert page.evaluate("typeof window.kgPwned") == "undefined"
        assert_offline_and_clean(page)  # no alert() dialog, no CSP error, no request
    finally:
        page.close()


def test_filters_and_neighbourhood_highlight(seed_build, browser):
    _, out = seed_build
    page = browser.open((out / "graph.html").as_uri())
    try:
        page.wait_for("window.kgReady === true")
        hidden = ("edges.get({filter: e => e.hidden}).map(e => edgeById.get(e.id).type)")
        before = page.evaluate(hidden)
        assert "officialOf" not in before
        # Untick one type: exactly its edges disappear.
        page.evaluate("(() => { const box = typeBoxes.find(b => b.value === 'officialOf');"
                      " box.checked = false; box.dispatchEvent(new Event('change')); })()")
        after = page.evaluate(hidden)
        assert set(after) - set(before) == {"officialOf"}
        # Untick a class: its nodes disappear.
        page.evaluate("(() => { const box = classBoxes.find(b => b.value === 'Person');"
                      " box.checked = false; box.dispatchEvent(new Event('change')); })()")
        assert page.evaluate("nodes.get({filter: n => n.hidden}).every(n => n.type === 'Person')"
                             " && nodes.get({filter: n => n.hidden}).length > 3")
        # A date range hides events outside it.
        page.evaluate("(() => { const s = document.getElementById('since'); s.value = '2030';"
                      " s.dispatchEvent(new Event('input')); })()")
        assert page.evaluate("edges.get({filter: e => !e.hidden}).every("
                             "e => edgeById.get(e.id).dates.some(([d]) => !d || d >= '2030'))")
        assert page.evaluate("edges.get({filter: e => e.hidden}).length") > 0
        # An entity's panel then counts the facts of each edge that fall in the range.
        page.evaluate("showNode('alliance/nato')")
        assert "facts in the date range" in page.evaluate(
            "document.getElementById('details').textContent")
        # Clicking an entity greys out everything but its neighbourhood.
        page.evaluate("highlight('alliance/nato')")
        grey = page.evaluate("nodes.get({filter: n => n.color === '#e2e8f0'}).map(n => n.id)")
        near = page.evaluate("network.getConnectedNodes('alliance/nato')")
        assert grey and "alliance/nato" not in grey and not set(near) & set(grey)
        assert_offline_and_clean(page)
    finally:
        page.close()
