"""The widget on an organization's own site (another origin on loopback): a citizen files an
appeal through it. With the default SameSite=Lax session cookie the frame has no session and
the form opens in a new window; with SameSite=None; Secure the citizen files inside the frame."""

import json
import re
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import expect

from appeals.models import Appeal
from tests.accounts.factories import PASSWORD, UserFactory
from tests.browser.conftest import AuditedPage, check_document
from tests.organizations.factories import (
    CategoryFactory,
    MunicipalityFactory,
    OrganizationFactory,
    RegionFactory,
    RoutingRuleFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REPORT = "Сообщить о проблеме"
NEW_WINDOW = "Открыть форму в новом окне"
SEND = "Отправить обращение"
SENT = re.compile(r"41-\d{4}-\d{6}")


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 — http.server's signature
        pass


@pytest.fixture
def organization_site(tmp_path, live_server):
    """The organization's own website: a static page on 127.0.0.1 (another site than localhost)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(tmp_path)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield tmp_path, origin
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def elizovo(settings, live_server, organization_site):
    site_dir, origin = organization_site
    region = RegionFactory()
    settings.PLATFORM_REGION_CODE = region.code
    municipality = MunicipalityFactory(region=region, name="Елизовский муниципальный район")
    administration = OrganizationFactory(
        region=region,
        name="Администрация Елизовского муниципального района",
        slug="elizovo",
        widget_origins=origin,
    )
    category = CategoryFactory(name="Уборка снега и наледи", parent__name="Дороги", term_days=10)
    RoutingRuleFactory(
        category=category, municipality=municipality, organization=administration, region=region
    )
    other = CategoryFactory(name="Вывоз мусора", parent__name="ЖКХ")
    RoutingRuleFactory(
        category=other,
        municipality=municipality,
        organization=OrganizationFactory(region=region),
        region=region,
    )
    UserFactory(
        email="anna@example.ru",
        last_name="Иванова",
        first_name="Анна",
        municipality=municipality,
        postal_address="684000, г. Елизово, ул. Ленина, 1",
    )
    (site_dir / "index.html").write_text(
        '<!DOCTYPE html><html lang="ru"><head><meta charset="utf-8"><title>Администрация Елизово</title></head>'
        "<body><main><h1>Администрация Елизовского района</h1><p>Новости района.</p>"
        f'<script src="{live_server.url}/widget.js" data-organization="elizovo" async></script>'
        "</main></body></html>",
        encoding="utf-8",
    )
    return {"origin": origin, "municipality": municipality}


def _fill(form) -> None:
    form.get_by_label("Категория").select_option(label="Уборка снега и наледи — 10 дней")
    form.get_by_label("Муниципальное образование").select_option(
        label="Елизовский муниципальный район"
    )
    form.get_by_label("Адрес проблемы").fill("г. Елизово, ул. Ленина, 12")
    form.get_by_label("Что случилось").fill(
        "Во дворе не убран снег уже неделю, к подъезду не пройти."
    )
    form.get_by_label("обработку персональных данных").check()
    form.get_by_role("button", name=SEND).click()


def _audit_frame(frame, checker) -> None:
    check_document(frame, checker)


def test_without_a_frame_session_the_form_opens_in_a_new_window(browser_page, elizovo):
    page = browser_page.page
    browser_page.log_in("anna@example.ru", PASSWORD)
    page.goto(elizovo["origin"] + "/")
    browser_page.audit()
    page.get_by_role("button", name=REPORT).click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    frame = page.frame_locator("dialog iframe")
    # SameSite=Lax: the frame on another site does not get the session, so it offers a window.
    link = frame.get_by_role("link", name=NEW_WINDOW)
    expect(link).to_be_visible()
    _audit_frame(page.frames[1], browser_page.checker)
    with page.context.expect_page() as opened:
        link.click()
    window = opened.value
    window.wait_for_load_state()
    expect(window.get_by_label("Категория")).to_be_visible()
    options = window.get_by_label("Категория").locator("option").all_inner_texts()
    assert not any("Вывоз мусора" in option for option in options)
    AuditedPage(window, browser_page.checker).audit()
    _fill(window)
    expect(window.get_by_role("heading", level=1)).to_contain_text(SENT)
    AuditedPage(window, browser_page.checker).audit()
    appeal = Appeal.objects.get()
    assert appeal.channel == Appeal.Channel.WIDGET and appeal.citizen.email == "anna@example.ru"
    window.close()


@pytest.fixture
def profile_page(chromium, live_server, tmp_path, html_checker):
    """A browser with a profile (not an incognito-like context, where Chromium blocks every
    third-party cookie), audited like `browser_page`."""
    from tests.browser.conftest import CHROMIUM_ARGS

    profile = tmp_path / "profile"
    (profile / "Default").mkdir(parents=True)
    # The profile's cookie setting "allow third-party cookies" (Chromium's default outside incognito).
    (profile / "Default" / "Preferences").write_text(
        json.dumps({"profile": {"cookie_controls_mode": 0, "block_third_party_cookies": False}})
    )
    context = chromium.browser_type.launch_persistent_context(
        str(profile),
        executable_path=chromium_path(),
        args=CHROMIUM_ARGS,
        locale="ru-RU",
        base_url=live_server.url,
    )
    html_checker.watch(context)
    page = context.pages[0] if context.pages else context.new_page()
    audited = AuditedPage.watch(page, html_checker)
    yield audited
    context.close()
    audited.check()


def chromium_path() -> str:
    from tests.browser.conftest import CHROMIUM

    return CHROMIUM


def test_with_a_frame_session_the_citizen_files_inside_the_frame(profile_page, elizovo, settings):
    settings.SESSION_COOKIE_SAMESITE = "None"
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SAMESITE = "None"
    settings.CSRF_COOKIE_SECURE = True
    page = profile_page.page
    profile_page.log_in("anna@example.ru", PASSWORD)
    page.goto(elizovo["origin"] + "/")
    profile_page.audit()
    page.get_by_role("button", name=REPORT).click()
    frame = page.frame_locator("dialog iframe")
    _fill(frame)
    expect(frame.get_by_role("heading", level=1)).to_contain_text(SENT)
    _audit_frame(page.frames[1], profile_page.checker)
    appeal = Appeal.objects.get()
    assert appeal.channel == Appeal.Channel.WIDGET
    expect(frame.get_by_role("heading", level=1)).to_contain_text(appeal.number)
    assert page.url.startswith(elizovo["origin"])
