"""The installable web app in Chromium: the install criteria (a valid manifest, a service worker
controlling the page), the offline page, an appeal written without a connection that waits on the
device under «Ожидает отправки» and is filed once when the connection returns — its 3000×2000
photo made 1600 px on the device."""

import io

import pytest
from django.conf import settings
from PIL import Image
from playwright.sync_api import expect

from appeals.models import Appeal, Attachment
from tests.browser.pwa import make_villager, wait_controlled

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def citizen(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return make_villager(settings)


def test_the_app_can_be_installed_and_shows_the_offline_page(browser_page, citizen):
    page = browser_page.page
    browser_page.sign_in(citizen)
    page.goto("/")
    manifest = page.evaluate(
        "fetch(document.querySelector('link[rel=manifest]').href).then((r) => r.json())"
    )
    assert manifest["name"] == "Платформа обратной связи"
    assert (manifest["start_url"], manifest["display"]) == ("/", "standalone")
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    assert any(icon.get("purpose") == "maskable" for icon in manifest["icons"])
    for icon in manifest["icons"]:
        status = page.evaluate(f"fetch({icon['src']!r}).then((r) => r.status)")
        assert status == 200
    assert page.evaluate("navigator.serviceWorker.ready.then((r) => r.active.scriptURL)").endswith(
        "/sw.js"
    )
    wait_controlled(page)
    browser_page.audit()

    page.context.set_offline(True)
    page.goto("/appeals/")
    expect(page.get_by_role("heading", level=1, name="Нет соединения")).to_be_visible()
    # The copy on the device is nobody's: no name of the person signed in.
    expect(page.get_by_text("Анна")).to_have_count(0)
    expect(page.get_by_role("link", name="Войти")).to_be_visible()
    browser_page.audit()
    page.context.set_offline(False)
    page.goto("/appeals/")
    expect(page.get_by_role("heading", level=1, name="Мои обращения")).to_be_visible()
    browser_page.audit()


def _photo_3000x2000() -> bytes:
    buffer = io.BytesIO()
    image = Image.linear_gradient("L").resize((3000, 2000)).convert("RGB")
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def test_an_appeal_written_offline_waits_on_the_device_and_is_filed_once(browser_page, citizen):
    page = browser_page.page
    browser_page.sign_in(citizen)
    page.goto("/appeals/new/")
    wait_controlled(page)
    page.get_by_label("Категория").select_option(label="Уборка снега и наледи — 10 дней")
    page.get_by_label("Муниципальное образование").select_option(
        label="Мильковский муниципальный округ"
    )
    page.get_by_label("Адрес проблемы").fill("с. Мильково, ул. Ленинская, 12")
    page.get_by_label("Что случилось").fill("Дорогу к школе не чистят от снега третий день.")
    page.get_by_label("Фотографии или документы").set_input_files(
        {"name": "snow.jpg", "mimeType": "image/jpeg", "buffer": _photo_3000x2000()}
    )
    page.get_by_label("обработку персональных данных", exact=False).check()

    page.context.set_offline(True)
    page.get_by_role("button", name="Отправить обращение").click()
    queue = page.get_by_role("region", name="Ожидает отправки")
    expect(queue).to_be_visible()
    expect(queue.get_by_role("listitem")).to_have_count(1)
    expect(queue).to_contain_text("Дорогу к школе не чистят")
    expect(queue.get_by_role("button", name="Отправить сейчас")).to_be_visible()
    expect(page.get_by_label("Что случилось")).to_have_value("")  # the form is free again
    assert not Appeal.objects.exists()
    browser_page.audit()
    # The entry as stored, to send it a second time below.
    stored = page.evaluate(
        """() => new Promise((done) => {
          indexedDB.open("pos-offline-drafts").onsuccess = (event) => {
            event.target.result.transaction("drafts").objectStore("drafts").getAll()
              .onsuccess = (e) => done(e.target.result.length);
          };
        })"""
    )
    assert stored == 1
    page.evaluate(
        """() => new Promise((done) => {
          indexedDB.open("pos-offline-drafts").onsuccess = (event) => {
            event.target.result.transaction("drafts").objectStore("drafts").getAll()
              .onsuccess = (e) => { window.__kept = e.target.result[0]; done(); };
          };
        })"""
    )

    page.context.set_offline(False)  # the `online` event sends it
    expect(
        page.get_by_text("Обращение, сохранённое на этом устройстве, отправлено.")
    ).to_be_visible()
    expect(queue.get_by_role("listitem")).to_have_count(0)
    appeal = Appeal.objects.get()
    assert appeal.text == "Дорогу к школе не чистят от снега третий день."
    assert appeal.citizen == citizen
    browser_page.audit()

    # Sent again (another tab, a lost answer): the same key files nothing new.
    page.evaluate(
        """() => new Promise((done) => {
          indexedDB.open("pos-offline-drafts").onsuccess = (event) => {
            const tx = event.target.result.transaction("drafts", "readwrite");
            tx.objectStore("drafts").put(window.__kept);
            tx.oncomplete = () => done();
          };
        })"""
    )
    page.goto("/appeals/")  # each page with the queue sends what waits
    expect(
        page.get_by_text("Обращение, сохранённое на этом устройстве, отправлено.")
    ).to_be_visible()
    assert Appeal.objects.count() == 1
    expect(page.get_by_role("link", name=appeal.number)).to_have_count(1)
    browser_page.audit()

    # The photo went as a Blob of the entry, made smaller on the device before it was stored.
    attachment = Attachment.objects.get(appeal=appeal)
    with Image.open(settings.MEDIA_ROOT / attachment.file.name) as image:
        assert max(image.size) <= 1600
        assert image.size == (1600, 1067)


def test_a_large_photo_is_made_smaller_before_it_is_sent(browser_page, citizen):
    page = browser_page.page
    browser_page.sign_in(citizen)
    page.goto("/appeals/new/")
    browser_page.audit()
    page.get_by_label("Категория").select_option(label="Уборка снега и наледи — 10 дней")
    page.get_by_label("Муниципальное образование").select_option(
        label="Мильковский муниципальный округ"
    )
    page.get_by_label("Адрес проблемы").fill("с. Мильково, ул. Ленинская, 12")
    page.get_by_label("Что случилось").fill("Дорогу к школе не чистят от снега третий день.")
    original = _photo_3000x2000()
    page.get_by_label("Фотографии или документы").set_input_files(
        {"name": "snow.jpg", "mimeType": "image/jpeg", "buffer": original}
    )
    # The chosen file is replaced by the smaller one on the device.
    size = page.evaluate(
        """(limit) => new Promise((done) => {
          const input = document.querySelector("input[name=files]");
          const check = () => input.files[0].size < limit
            ? done(input.files[0].size) : setTimeout(check, 50);
          check();
        })""",
        len(original),
    )
    assert size < len(original)
    page.get_by_label("обработку персональных данных", exact=False).check()
    page.get_by_role("button", name="Отправить обращение").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("41-")
    browser_page.audit()
    attachment = Attachment.objects.get()
    with Image.open(settings.MEDIA_ROOT / attachment.file.name) as image:
        assert image.size == (1600, 1067)
