"""Pages travel compressed: brotli where the browser accepts it (a fifth smaller than gzip on the
filing form), gzip otherwise, and the CSRF token masked afresh in each (BREACH)."""

import gzip

import brotli
import pytest

pytestmark = pytest.mark.django_db


def test_a_page_goes_as_brotli_where_the_browser_takes_it(client):
    plain = client.get("/").content
    response = client.get("/", headers={"Accept-Encoding": "gzip, deflate, br, zstd"})
    assert response["Content-Encoding"] == "br"
    assert "Accept-Encoding" in response["Vary"]
    assert brotli.decompress(response.content).startswith(b"<!DOCTYPE html>")
    assert len(response.content) < len(gzip.compress(plain, 6))


def test_gzip_for_a_browser_without_brotli_and_nothing_for_one_without_either(client):
    response = client.get("/", headers={"Accept-Encoding": "gzip"})
    assert response["Content-Encoding"] == "gzip"
    assert gzip.decompress(response.content).startswith(b"<!DOCTYPE html>")
    assert not client.get("/").has_header("Content-Encoding")


def test_the_csrf_token_differs_in_every_compressed_page(client):
    def token(response) -> bytes:
        page = brotli.decompress(response.content)
        return page.split(b'name="csrfmiddlewaretoken" value="')[1].split(b'"')[0]

    first = client.get("/", headers={"Accept-Encoding": "br"})
    second = client.get("/", headers={"Accept-Encoding": "br"})
    assert token(first) != token(second)


def test_the_filing_form_gets_the_best_quality_and_other_pages_a_fast_one(client, citizen):
    client.force_login(citizen)
    for url, best in (("/appeals/new/", True), ("/appeals/", False)):
        response = client.get(url, headers={"Accept-Encoding": "br"})
        page = brotli.decompress(response.content)
        fastest = brotli.compress(page, quality=5, mode=brotli.MODE_TEXT)
        if best:
            assert len(response.content) < 0.95 * len(fastest)
        else:
            assert len(response.content) == len(fastest)
