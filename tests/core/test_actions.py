"""core.actions: a refused service call comes back once, in the form, with the input kept."""

from pathlib import Path

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpResponse
from django.test import RequestFactory
from django_htmx.middleware import HtmxDetails

from core.actions import attempt, done, report_outcome, run_form
from core.errors import DomainError

TEMPLATES_DIR = Path(__file__).parent / "templates"
REFUSAL = "Такое имя уже занято в этом городе."


class NameForm(forms.Form):
    name = forms.CharField(max_length=20)
    town = forms.CharField(required=False)


class NameTaken(DomainError):
    field = "name"


class TownClosed(DomainError):
    pass


@pytest.fixture(autouse=True)
def test_templates(settings):
    settings.TEMPLATES = [
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "OPTIONS": {
                "loaders": [
                    (
                        "template_partials.loader.Loader",
                        [("django.template.loaders.filesystem.Loader", [TEMPLATES_DIR])],
                    )
                ],
                "builtins": [],
            },
        }
    ]


def _post(data, *, htmx=False):
    headers = {"HX-Request": "true"} if htmx else {}
    request = RequestFactory().post("/names/", data, headers=headers)
    request._messages = CookieStorage(request)
    request.htmx = HtmxDetails(request)
    return request


def _run(request, raise_error=None, calls=None):
    def action(data):
        (calls if calls is not None else []).append(data)
        if raise_error is not None:
            raise raise_error
        return data["name"]

    return run_form(
        request,
        NameForm(request.POST),
        action=action,
        success=lambda name: done(request, f"Сохранено: {name}", "/names/done/"),
        template="core_tests/form.html",
        fragment="core_tests/form.html#name-form",
        context={"note": "подсказка"},
        fields={TownClosed: "town"},
    )


def test_success_redirects_with_the_message():
    request = _post({"name": "Иван", "town": "Елизово"})
    response = _run(request)
    assert response.status_code == 302 and response.url == "/names/done/"
    assert [str(m) for m in get_messages(request)] == ["Сохранено: Иван"]


def test_refusal_is_shown_once_in_the_form_and_the_input_is_kept():
    request = _post({"name": "Иван", "town": "Елизово"})
    response = _run(request, DomainError(REFUSAL))
    body = response.content.decode()
    assert response.status_code == 400
    assert body.count(REFUSAL) == 1
    assert 'class="errorlist nonfield"' in body
    assert 'value="Иван"' in body and 'value="Елизово"' in body
    assert 'id="page"' in body and "подсказка" in body  # the whole page, not the fragment
    assert list(get_messages(request)) == []  # not repeated as a message


def test_refusal_lands_on_the_field_the_error_names():
    request = _post({"name": "Иван", "town": "Елизово"})
    response = _run(request, NameTaken(REFUSAL))
    body = response.content.decode()
    assert body.count(REFUSAL) == 1
    assert 'class="errorlist nonfield"' not in body
    assert body.index(REFUSAL) > body.index('for="id_name"')
    assert body.index(REFUSAL) < body.index('for="id_town"')


def test_refusal_lands_on_the_field_the_view_maps_its_class_to():
    request = _post({"name": "Иван", "town": "Елизово"})
    body = _run(request, TownClosed(REFUSAL)).content.decode()
    assert body.count(REFUSAL) == 1
    assert body.index(REFUSAL) > body.index('for="id_town"')


def test_invalid_form_never_calls_the_service():
    calls = []
    request = _post({"name": "", "town": "Елизово"})
    response = _run(request, calls=calls)
    assert response.status_code == 400 and calls == []
    assert "Обязательное поле." in response.content.decode()
    assert 'value="Елизово"' in response.content.decode()


def test_htmx_request_gets_the_fragment():
    request = _post({"name": "Иван", "town": "Елизово"}, htmx=True)
    response = _run(request, DomainError(REFUSAL))
    body = response.content.decode()
    assert response.status_code == 400
    assert body.lstrip().startswith('<form method="post" id="name-form">')
    assert 'id="page"' not in body and body.count(REFUSAL) == 1
    assert 'value="Иван"' in body
    assert "HX-Request" in response["Vary"]


def test_failure_builds_its_own_page():
    request = _post({"name": "Иван"})
    response = run_form(
        request,
        NameForm(request.POST),
        action=lambda data: (_ for _ in ()).throw(DomainError(REFUSAL)),
        success=lambda result: HttpResponse("сделано"),
        failure=lambda form: HttpResponse(form.non_field_errors()[0], status=409),
    )
    assert (response.status_code, response.content.decode()) == (409, REFUSAL)


def test_attempt_without_a_form_gives_the_refusal():
    outcome = attempt(lambda: (_ for _ in ()).throw(DomainError(REFUSAL)))
    assert not outcome.ok and outcome.message == REFUSAL and outcome.value is None
    assert attempt(lambda: 7).value == 7


def test_report_outcome_shows_success_or_refusal_as_a_message():
    request = _post({})
    assert report_outcome(request, lambda: None, success="Готово.") is True

    def refuse():
        raise DomainError(REFUSAL)

    assert report_outcome(request, refuse, success="Готово.") is False
    assert [(m.level_tag, str(m)) for m in get_messages(request)] == [
        ("success", "Готово."),
        ("error", REFUSAL),
    ]
