"""The API docs render with the vendored Swagger UI under the site's strict CSP (no CDN), in Russian."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_api_docs_render_without_csp_violations(browser_page, live_server):
    page = browser_page.page
    outside = []
    page.on(
        "request",
        lambda request: (
            outside.append(request.url)
            if not request.url.startswith((live_server.url, "data:", "blob:"))
            else None
        ),
    )
    page.goto("/api/docs/")
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible()
    expect(page.get_by_text("/open311/v2/requests.{format}").first).to_be_visible()
    browser_page.audit()
    assert outside == []


def test_api_docs_speak_russian(browser_page):
    page = browser_page.page
    page.goto("/api/docs/")
    expect(page.get_by_text("Услуги (services) — это категории платформы")).to_be_visible()
    operation = page.locator(".opblock", has_text="Список заявок").first
    expect(operation).to_be_visible()
    operation.locator(".opblock-summary").click()
    expect(operation.get_by_text("Параметры", exact=True).first).to_be_visible()
    expect(
        operation.get_by_text("Номера через запятую; отменяют все остальные аргументы.")
    ).to_be_visible()
    expect(operation.get_by_text("Ответы", exact=True).first).to_be_visible()
    browser_page.audit()
