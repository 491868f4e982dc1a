"""Browser harness: Playwright drives Debian's Chromium against pytest-django's live server.

Every page a test visits is audited (`AuditedPage.audit`); a test that leaves a visited page
unaudited fails. An audit checks the page's HTML with the Nu HTML Checker (vnu.jar from the npm
package pinned in tests/browser/package.json, run as one HTTP service on loopback for the whole
session) and fails on any error, then runs axe-core (vendored) in the three modes people use —
standard, «Версия для слабовидящих» and a 360 px phone — and fails on any serious or critical
violation.
"""

import contextlib
import copy
import email
import hashlib
import json
import os
import re
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from email.message import Message
from importlib import import_module
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from playwright.sync_api import BrowserContext, Frame, Page, Response, expect, sync_playwright
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.harness import free_port, mail_text

HERE = Path(__file__).parent
AXE_SOURCE = (HERE / "vendor" / "axe.min.js").read_text()
VNU_JAR = HERE / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
PHONE = {"width": 360, "height": 740}
CHROMIUM = os.environ.get("PLAYWRIGHT_CHROMIUM_EXECUTABLE", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def _allow_orm_beside_playwright():
    # Playwright's sync API keeps an event loop in the test thread; Django would refuse ORM calls
    # made there (fixtures, assertions) although they are plain synchronous code.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture(scope="session")
def chromium(_allow_orm_beside_playwright):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install chromium (.ci/run does it)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class HtmlChecker:
    """The Nu HTML Checker as one JVM for the session: vnu's HTTP service on a loopback port."""

    def __init__(self):
        java = shutil.which("java")
        if not java:
            pytest.fail("java not found: apt-get install default-jre-headless (.ci/run does it)")
        if not VNU_JAR.exists():
            pytest.fail(f"{VNU_JAR} missing: run `npm ci --ignore-scripts` in {HERE} (make test)")
        self.url = f"http://127.0.0.1:{free_port()}/?out=json"
        self.process = subprocess.Popen(  # noqa: S603 — fixed argv, no shell
            [
                java,
                "-Xss1m",
                "-Dnu.validator.servlet.bind-address=127.0.0.1",
                "-cp",
                str(VNU_JAR),
                "nu.validator.servlet.Main",
                self.url.split(":")[2].split("/")[0],
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.results: dict[str, list[dict]] = {}
        self.documents: dict[Frame, Response] = {}
        self._wait_until_up()

    def watch(self, context: BrowserContext) -> None:
        """Keep the last document each frame of the context received, to check it as sent."""

        def record(response: Response) -> None:
            request = response.request
            if request.resource_type != "document" or 300 <= response.status < 400:
                return
            # A pop-up's first request comes before its frame exists: that one is checked as shown.
            with contextlib.suppress(PlaywrightError):
                self.documents[request.frame] = response

        context.on("response", record)

    def _wait_until_up(self) -> None:
        deadline = time.monotonic() + 120
        while True:
            try:
                self.errors("<!DOCTYPE html><html lang=en><title>up</title></html>")
                return
            except (urllib.error.URLError, ConnectionError):
                if self.process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("the Nu HTML Checker did not start")
                time.sleep(0.2)  # polling for the port to open, not a fixed wait

    def errors(self, html: str) -> list[dict]:
        """vnu's errors (not warnings) for one document; each distinct document is checked once."""
        key = hashlib.sha256(html.encode()).hexdigest()
        if key not in self.results:
            request = urllib.request.Request(  # noqa: S310 — our own loopback service
                self.url,
                data=html.encode(),
                headers={"Content-Type": "text/html; charset=utf-8"},
            )
            with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
                messages = json.load(response)["messages"]
            self.results[key] = [
                {
                    "line": m.get("lastLine"),
                    "message": m["message"],
                    "extract": m.get("extract", "").strip(),
                }
                for m in messages
                if m["type"] in ("error", "non-document-error")
            ]
        return self.results[key]

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


@pytest.fixture(scope="session")
def html_checker():
    checker = HtmlChecker()
    yield checker
    checker.stop()


_SHOWN_HTML = """() => {
  const root = document.documentElement.cloneNode(true);
  root.querySelectorAll("[data-third-party-markup]").forEach((node) => node.replaceChildren());
  return "<!DOCTYPE html>" + root.outerHTML;
}"""

# The low-vision mode is the class the A11Y_COOKIE puts on <html> (templates/base.html); toggling
# it in place audits the same document without requesting the page again (a re-request would
# repeat side effects and consume one-time messages).
_AXE_RUN = """async (lowVision) => {
  const root = document.documentElement;
  const had = root.classList.contains("low-vision");
  root.classList.toggle("low-vision", lowVision);
  await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
  try {
    return await axe.run(document, {resultTypes: ["violations"]});
  } finally {
    root.classList.toggle("low-vision", had);
  }
}"""


def check_document(document: Page | Frame, checker: HtmlChecker) -> None:
    """Check a page or a frame with vnu, then axe in the standard, low-vision and 360 px modes;
    fail on any HTML error, on any serious or critical violation and on a page wider than a
    360 px phone."""
    page = document.page if isinstance(document, Frame) else document
    frame = document if isinstance(document, Frame) else document.main_frame
    document.wait_for_load_state("load")
    problems = {}
    # As sent: the parser's own errors (stray end tags, duplicate attributes) vanish from the DOM.
    sent = checker.documents.get(frame)
    if sent is not None and sent.url == document.url:
        html_errors = checker.errors(sent.text())
        if html_errors:
            problems["vnu (as sent)"] = html_errors
    # As shown: fragments htmx swapped in; markup a vendored widget builds is not ours to check.
    html = document.evaluate(_SHOWN_HTML)
    html_errors = checker.errors(html)
    if html_errors:
        problems["vnu (as shown)"] = html_errors
    document.evaluate(AXE_SOURCE)
    for mode in ("standard", "low-vision", "360px"):
        viewport = page.viewport_size
        if mode == "360px":
            page.set_viewport_size(PHONE)
        try:
            result = document.evaluate(_AXE_RUN, mode == "low-vision")
            if mode == "360px" and document is page:
                width = page.evaluate("document.scrollingElement.scrollWidth")
                if width > PHONE["width"]:
                    problems["360px"] = f"the page scrolls sideways: {width} px wide"
        finally:
            if mode == "360px":
                page.set_viewport_size(viewport)
        blocking = [
            {
                "id": v["id"],
                "impact": v["impact"],
                "help": v["help"],
                "nodes": [n["target"] for n in v["nodes"]][:5],
            }
            for v in result["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        if blocking:
            problems[f"axe {mode}"] = blocking
    if problems and os.environ.get("AUDIT_DUMP"):
        print(html)
    assert not problems, (
        f"audit of {document.url}:\n{json.dumps(problems, ensure_ascii=False, indent=1)}"
    )


def page_admin_landing(page: Page) -> bool:
    """After the login form: did this person land in Django's admin (a platform admin does)?"""
    with contextlib.suppress(PlaywrightTimeoutError):  # a refused login stays on the form
        page.wait_for_url(lambda url: not _path(url).startswith("/accounts/login/"), timeout=5_000)
    return _path(page.url).startswith("/admin/")


@dataclass
class AuditedPage:
    """A page plus the pages it has visited and which of them were audited."""

    page: Page
    checker: HtmlChecker
    base_url: str = ""
    visited: list[str] = field(default_factory=list)
    audited: set[str] = field(default_factory=set)
    csp_violations: list[str] = field(default_factory=list)

    def audit(self) -> None:
        """Audit the current page (`check_document`)."""
        check_document(self.page, self.checker)
        self.audited.add(_path(self.page.url))

    def sign_in(self, user) -> None:
        """Sign in with a session cookie made the way the test client's force_login makes it
        (the login form has its own journeys)."""
        engine = import_module(settings.SESSION_ENGINE)
        session = engine.SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        self.page.context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": session.session_key,
                    "url": self.base_url,
                }
            ]
        )

    def log_in(self, email: str, password: str) -> None:
        """Sign in through the login form; every page on the way is audited."""
        page = self.page
        page.goto("/accounts/login/")
        self.audit()
        page.get_by_label("Адрес электронной почты").fill(email)
        page.get_by_label("Пароль:", exact=True).fill(password)
        page.get_by_role("button", name="Войти").click()
        if page_admin_landing(page):
            return  # a platform admin lands in Django's admin, whose markup is Django's own
        expect(page.get_by_role("navigation", name="Главное меню")).to_contain_text("Профиль")
        self.audit()

    @classmethod
    def watch(cls, page: Page, checker: "HtmlChecker", base_url: str = "") -> "AuditedPage":
        """Follow `page`: every page it navigates to, every CSP violation it reports."""
        page.set_default_timeout(10_000)
        audited = cls(page, checker, base_url)
        page.on(
            "framenavigated",
            lambda frame: (
                audited.visited.append(_path(frame.url)) if frame == page.main_frame else None
            ),
        )
        page.on(
            "console",
            lambda message: (
                audited.csp_violations.append(message.text)
                if "Content Security Policy" in message.text
                else None
            ),
        )
        return audited

    def check(self) -> None:
        """At the end of a test: every visited page was audited, and no CSP violation."""
        # Django's admin (where a platform admin lands) is Django's markup, not audited here.
        unaudited = sorted(
            path
            for path in set(self.visited) - self.audited - {""}
            if not path.startswith("/admin/")
        )
        assert not unaudited, f"pages visited without an accessibility audit: {unaudited}"
        assert not self.csp_violations, self.csp_violations

    def log_out(self) -> None:
        menu = self.page.get_by_role("navigation", name="Главное меню")
        menu.get_by_role("button", name="Выйти").click()
        expect(menu.get_by_role("link", name="Войти")).to_be_visible()
        self.audit()


def _path(url: str) -> str:
    return urlsplit(url).path


@pytest.fixture(autouse=True)
def unreachable_tiles(settings):
    """Maps ask a closed loopback port for their tiles: no test reaches the Internet, and every
    page with a map is audited the way it looks when the tile server is down. The port is allowed
    in the CSP, so a refused tile is a network error, not a policy violation."""
    origin = f"http://127.0.0.1:{free_port()}"
    settings.MAP_TILE_URL = f"{origin}/{{z}}/{{x}}/{{y}}.png"
    policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    policy["DIRECTIVES"]["img-src"] = [*policy["DIRECTIVES"]["img-src"], origin]
    settings.CONTENT_SECURITY_POLICY = policy
    return origin


@pytest.fixture
def browser_page(chromium, live_server, html_checker):
    context = chromium.new_context(locale="ru-RU", base_url=live_server.url)
    html_checker.watch(context)
    page = context.new_page()
    audited = AuditedPage.watch(page, html_checker, live_server.url)
    yield audited
    context.close()
    audited.check()


class _Collector:
    def __init__(self):
        self.messages: list[Message] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 — aiosmtpd's hook name
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"


@dataclass
class SmtpSink:
    handler: _Collector
    host: str
    port: int

    @property
    def messages(self) -> list[Message]:
        return self.handler.messages

    def body(self, message: Message) -> str:
        return mail_text(message)

    def link(self, message: Message, pattern: str) -> str:
        match = re.search(pattern, self.body(message))
        assert match, self.body(message)
        return match.group(0)


@pytest.fixture
def smtp_sink(settings):
    """A real SMTP server on loopback; the live server sends its mail there."""
    handler = _Collector()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = controller.hostname
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    try:
        yield SmtpSink(handler, controller.hostname, controller.port)
    finally:
        controller.stop()
