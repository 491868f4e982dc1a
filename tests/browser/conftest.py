"""Browser harness: Playwright drives Debian's Chromium against pytest-django's live server.

Every page a test visits is checked with axe-core (vendored from the npm package): a test that
leaves a visited page unaudited fails, and so does any serious or critical violation.
"""

import email
import json
import os
import re
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from aiosmtpd.controller import Controller
from playwright.sync_api import Page, expect, sync_playwright

from tests.harness import free_port, mail_text

AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()
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


@dataclass
class AuditedPage:
    """A page plus the pages it has visited and the axe results for each."""

    page: Page
    visited: list[str] = field(default_factory=list)
    audited: set[str] = field(default_factory=set)
    csp_violations: list[str] = field(default_factory=list)

    def audit(self) -> None:
        """Run axe-core on the current page; fail on serious or critical violations."""
        self.page.wait_for_load_state("load")
        self.page.evaluate(AXE_SOURCE)
        result = self.page.evaluate(
            "async () => await axe.run(document, {resultTypes: ['violations']})"
        )
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
        if blocking and os.environ.get("AXE_DUMP"):
            print(self.page.content())
        assert not blocking, (
            f"axe on {self.page.url}:\n{json.dumps(blocking, ensure_ascii=False, indent=1)}"
        )
        self.audited.add(_path(self.page.url))

    def log_in(self, email: str, password: str) -> None:
        """Sign in through the login form; every page on the way is audited."""
        page = self.page
        page.goto("/accounts/login/")
        self.audit()
        page.get_by_label("Адрес электронной почты").fill(email)
        page.get_by_label("Пароль:", exact=True).fill(password)
        page.get_by_role("button", name="Войти").click()
        expect(page.get_by_role("navigation", name="Главное меню")).to_contain_text("Профиль")
        self.audit()

    @classmethod
    def watch(cls, page: Page) -> "AuditedPage":
        """Follow `page`: every page it navigates to, every CSP violation it reports."""
        page.set_default_timeout(10_000)
        audited = cls(page)
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
        unaudited = sorted(set(self.visited) - self.audited - {""})
        assert not unaudited, f"pages visited without an accessibility audit: {unaudited}"
        assert not self.csp_violations, self.csp_violations

    def log_out(self) -> None:
        menu = self.page.get_by_role("navigation", name="Главное меню")
        menu.get_by_role("button", name="Выйти").click()
        expect(menu.get_by_role("link", name="Войти")).to_be_visible()
        self.audit()


def _path(url: str) -> str:
    return urlsplit(url).path


@pytest.fixture
def browser_page(chromium, live_server):
    context = chromium.new_context(locale="ru-RU", base_url=live_server.url)
    page = context.new_page()
    audited = AuditedPage.watch(page)
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
