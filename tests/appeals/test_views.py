import io
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from appeals.models import Appeal, Attachment
from tests.accounts.factories import UserFactory
from tests.appeals.factories import filing_form, make_appeal, world_appeal

pytestmark = pytest.mark.django_db
S = Appeal.Status


@pytest.fixture(autouse=True)
def platform_region(settings, world):
    settings.PLATFORM_REGION_CODE = world.region.code


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _photo(name="snow.jpg") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 210, 220)).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


_form = filing_form


def _appeal(world, status, **fields):
    return world_appeal(world, status, **fields)


def test_filing_asks_for_the_profile_first(client, world):
    incomplete = UserFactory(email="noname@example.ru", last_name="", first_name="")
    client.force_login(incomplete)
    response = client.get(reverse("appeals:new"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:profile")) and "next=" in response.url


def test_form_shows_the_terms_of_the_categories(client, world):
    client.force_login(world.citizen)
    page = client.get(reverse("appeals:new")).content.decode()
    assert "Уборка снега и наледи — 10 дней" in page
    assert 'name="idempotency_key"' in page


def test_citizen_files_an_appeal_and_lands_on_its_page(client, world):
    client.force_login(world.citizen)
    response = client.post(reverse("appeals:new"), _form(world, files=_photo()))
    appeal = Appeal.objects.get()
    assert response.status_code == 302 and response.url == appeal.get_absolute_url()
    assert appeal.status == S.SUBMITTED and appeal.attachments.count() == 1
    page = client.get(response.url).content.decode()
    assert appeal.number in page and "snow.jpg" in page


def test_double_submission_makes_one_appeal(client, world):
    client.force_login(world.citizen)
    data = _form(world)
    first = client.post(reverse("appeals:new"), data)
    second = client.post(reverse("appeals:new"), data)
    assert Appeal.objects.count() == 1
    assert first.url == second.url


def test_a_form_with_errors_keeps_the_text_and_the_uploaded_file(client, world):
    client.force_login(world.citizen)
    key = str(uuid.uuid4())
    response = client.post(
        reverse("appeals:new"),
        _form(world, consent=None, idempotency_key=key, files=_photo("yard.jpg")),
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Во дворе не убран снег" in page
    assert "yard.jpg" in page  # kept as a draft, listed, not asked again
    assert (
        "Без согласия на обработку персональных данных обращение не может быть рассмотрено." in page
    )
    response = client.post(reverse("appeals:new"), _form(world, idempotency_key=key))
    appeal = Appeal.objects.get()
    assert [a.original_name for a in appeal.attachments.all()] == ["yard.jpg"]


def test_a_bad_file_is_refused_with_its_name_and_the_text_survives(client, world):
    client.force_login(world.citizen)
    fake = SimpleUploadedFile(
        "photo.jpg", b"<html><script>alert(1)</script></html>", content_type="image/jpeg"
    )
    response = client.post(reverse("appeals:new"), _form(world, files=fake))
    assert response.status_code == 400
    page = response.content.decode()
    assert "photo.jpg" in page and "Во дворе не убран снег" in page
    assert not Appeal.objects.exists()


def test_dependent_category_select_and_term_hint(client, world):
    client.force_login(world.citizen)
    options = client.get(
        reverse("appeals:category_options"),
        {"section": world.category.parent_id},
        HTTP_HX_REQUEST="true",
    )
    assert "Уборка снега и наледи" in options.content.decode()
    hint = client.get(
        reverse("appeals:term"), {"category": world.category.pk}, HTTP_HX_REQUEST="true"
    )
    assert "10 дней" in hint.content.decode()


def test_the_term_hint_stays_after_a_form_error(client, world):
    client.force_login(world.citizen)
    response = client.post(reverse("appeals:new"), _form(world, consent=None, text="коротко"))
    assert response.status_code == 400
    page = response.content.decode()
    hint = page[page.index('id="term-hint"') :].split("</p>", 1)[0]
    assert "Срочный вопрос." in hint and "Срок ответа — 10 дней со дня регистрации." in hint
    no_category = client.post(reverse("appeals:new"), _form(world, category=""))
    hint = no_category.content.decode().split('id="term-hint"', 1)[1].split("</p>", 1)[0]
    assert "дн" not in hint  # no category, no term


def test_the_address_field_is_restored_by_the_browser_on_back(client, world):
    client.force_login(world.citizen)
    page = client.get(reverse("appeals:new")).content.decode()
    address = page[page.index('name="address"') :].split(">", 1)[0]
    assert "autocomplete" not in address  # autocomplete="off" fields are not restored
    assert 'hx-get="' not in page.replace('data-hx-get="', "")  # valid HTML: data-hx-* only


def test_similar_open_appeals_are_suggested_without_private_details(client, world):
    other = UserFactory(email="neighbour@example.ru")
    make_appeal(
        S.REGISTERED,
        organization=world.organization,
        citizen=other,
        category=world.category,
        municipality=world.municipality,
        region=world.region,
        text="Снег во дворе не убирают, сугробы выше колена",
        address="ул. Тайная, 7",
    )
    client.force_login(world.citizen)
    response = client.get(
        reverse("appeals:similar"),
        {
            "category": world.category.pk,
            "municipality": world.municipality.pk,
            "text": "снег во дворе",
        },
    )
    page = response.content.decode()
    assert "Похожие обращения уже рассматриваются" in page
    assert "ул. Тайная" not in page  # a private appeal shows no address


def test_my_appeals_costs_the_same_for_2_or_20_rows(client, world):
    client.force_login(world.citizen)
    for _ in range(2):
        _appeal(world, S.REGISTERED)
    client.get(reverse("appeals:list"))  # a warm process: the layout's data is cached
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("appeals:list"))
    for _ in range(18):
        _appeal(world, S.IN_PROGRESS)
    with CaptureQueriesContext(connection) as many:
        assert client.get(reverse("appeals:list")).status_code == 200
    assert len(many) == len(few)


def test_another_citizens_appeal_is_a_404(client, world):
    appeal = _appeal(world, S.REGISTERED)
    client.force_login(UserFactory(email="curious@example.ru"))
    assert client.get(appeal.get_absolute_url()).status_code == 404


def test_files_are_downloads_for_those_who_may_see_them(client, world):
    client.force_login(world.citizen)
    client.post(reverse("appeals:new"), _form(world, files=_photo()))
    attachment = Attachment.objects.get()
    url = reverse("appeals:download", args=[attachment.appeal.number, attachment.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    client.force_login(UserFactory(email="curious@example.ru"))
    assert client.get(url).status_code == 404
    client.force_login(world.moderator)
    assert client.get(url).status_code == 200


def test_citizen_answers_a_clarification_request(client, world):
    appeal = _appeal(world, S.CLARIFICATION)
    client.force_login(world.citizen)
    assert "Организация просит уточнить" in client.get(appeal.get_absolute_url()).content.decode()
    response = client.post(
        reverse("appeals:reply", args=[appeal.number]), {"text": "Дом 12, подъезд 2."}
    )
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == S.IN_PROGRESS


def test_a_clarification_reply_carries_files_like_the_filing_form(client, world, tmp_path):
    appeal = _appeal(world, S.CLARIFICATION)
    client.force_login(world.citizen)
    page = client.get(appeal.get_absolute_url()).content.decode()
    assert 'enctype="multipart/form-data"' in page and 'name="files"' in page
    assert "можно добавить ещё 5 файлов" in page
    pdf = SimpleUploadedFile("schema.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    response = client.post(
        reverse("appeals:reply", args=[appeal.number]),
        {"text": "Дом 12, подъезд 2, фото приложено.", "files": [_photo("porch.jpg"), pdf]},
    )
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == S.IN_PROGRESS
    files = {a.original_name: a for a in Attachment.objects.filter(appeal=appeal)}
    assert set(files) == {"porch.jpg", "schema.pdf"}
    assert files["porch.jpg"].uploaded_by == world.citizen and files["porch.jpg"].thumbnail
    with files["porch.jpg"].file.open("rb") as stored, Image.open(stored) as img:
        assert img.format == "JPEG" and not img.getexif()  # re-encoded like any upload
    client.force_login(world.executor)
    staff_page = client.get(reverse("staff:appeal", args=[appeal.number])).content.decode()
    assert "porch.jpg" in staff_page and "schema.pdf" in staff_page


def test_a_refused_reply_file_keeps_the_text_and_the_good_file(client, world):
    appeal = _appeal(world, S.CLARIFICATION)
    client.force_login(world.citizen)
    key = str(uuid.uuid4())
    fake = SimpleUploadedFile("photo.jpg", b"<html><script>alert(1)</script>", "image/jpeg")
    response = client.post(
        reverse("appeals:reply", args=[appeal.number]),
        {"text": "Дом 12, подъезд 2.", "draft_key": key, "files": [_photo("porch.jpg"), fake]},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert body.count("Файл «photo.jpg» не является файлом JPEG, PNG или PDF.") == 1
    assert "Дом 12, подъезд 2." in body
    assert "Уже прикреплённые файлы" in body and "porch.jpg" in body  # kept, not asked again
    assert f'value="{key}"' in body
    appeal.refresh_from_db()
    assert appeal.status == S.CLARIFICATION
    assert not Attachment.objects.filter(appeal=appeal).exists()

    response = client.post(
        reverse("appeals:reply", args=[appeal.number]),
        {"text": "Дом 12, подъезд 2.", "draft_key": key},
    )
    assert response.status_code == 302
    assert [a.original_name for a in Attachment.objects.filter(appeal=appeal)] == ["porch.jpg"]


def test_a_reply_draft_can_be_removed_and_a_bad_id_is_ignored(client, world):
    appeal = _appeal(world, S.CLARIFICATION)
    client.force_login(world.citizen)
    key = str(uuid.uuid4())
    url = reverse("appeals:reply", args=[appeal.number])
    client.post(url, {"text": "", "draft_key": key, "files": [_photo("porch.jpg")]})
    draft = Attachment.objects.get(draft_key=key)
    response = client.post(
        url, {"text": "Дом 12.", "draft_key": key, "remove_draft": [str(draft.pk), "²", "x"]}
    )
    assert response.status_code == 302
    assert not Attachment.objects.filter(appeal=appeal).exists()
    assert not Attachment.objects.filter(pk=draft.pk).exists()


def test_a_reply_keeps_the_five_files_limit_of_the_appeal(client, world):
    appeal = _appeal(world, S.CLARIFICATION)
    for n in range(4):
        Attachment.objects.create(
            appeal=appeal,
            uploaded_by=world.citizen,
            file=f"attachments/x{n}",
            original_name=f"x{n}.pdf",
            content_type="application/pdf",
            size=10,
        )
    client.force_login(world.citizen)
    assert "можно добавить ещё 1 файл" in client.get(appeal.get_absolute_url()).content.decode()
    response = client.post(
        reverse("appeals:reply", args=[appeal.number]),
        {"text": "Дом 12, подъезд 2.", "files": [_photo("a.jpg"), _photo("b.jpg")]},
    )
    assert response.status_code == 400
    assert "не более 5 файлов" in response.content.decode()
    appeal.refresh_from_db()
    assert appeal.status == S.CLARIFICATION
    assert Attachment.objects.filter(appeal=appeal).count() == 4


def test_rating_with_errors_comes_back_with_a_message(client, world):
    appeal = _appeal(world, S.ANSWERED)
    client.force_login(world.citizen)
    response = client.post(reverse("appeals:rate", args=[appeal.number]), {"solved": "yes"})
    assert response.status_code == 400
    response = client.post(
        reverse("appeals:rate", args=[appeal.number]), {"score": "2", "solved": "no"}
    )
    appeal.refresh_from_db()
    assert appeal.status == S.IN_PROGRESS and appeal.review_round == 1


# --- moderation -----------------------------------------------------------------------------------


def test_moderation_queue_is_for_moderators(client, world):
    client.force_login(world.citizen)
    assert client.get(reverse("moderation:home")).status_code == 403


def test_moderation_queue_costs_the_same_for_3_or_25_rows(client, world):
    client.force_login(world.moderator)
    for _ in range(3):
        _appeal(world, S.SUBMITTED)
    client.get(reverse("moderation:home"))  # a warm process: the layout's data is cached
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("moderation:home"))
    for _ in range(22):
        _appeal(world, S.SUBMITTED)
    with CaptureQueriesContext(connection) as many:
        page = client.get(reverse("moderation:home")).content.decode()
    assert len(many) == len(few)
    assert world.organization.name in page  # the routed organization is shown on each row


def test_moderator_accepts_with_a_plain_form(client, world):
    appeal = _appeal(world, S.SUBMITTED)
    client.force_login(world.moderator)
    response = client.post(reverse("moderation:accept", args=[appeal.number]))
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == S.REGISTERED and appeal.organization == world.organization


def test_moderator_rejects_through_htmx_and_gets_the_row_back(client, world):
    appeal = _appeal(world, S.SUBMITTED)
    client.force_login(world.moderator)
    response = client.post(
        reverse("moderation:reject", args=[appeal.number]),
        {"ground": "spam"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert f'id="row-{appeal.number}"' in response.content.decode()
    appeal.refresh_from_db()
    assert appeal.status == S.REJECTED


def test_reject_without_a_ground_explains_itself(client, world):
    appeal = _appeal(world, S.SUBMITTED)
    client.force_login(world.moderator)
    response = client.post(reverse("moderation:reject", args=[appeal.number]), {"ground": ""})
    assert response.status_code == 400
    appeal.refresh_from_db()
    assert appeal.status == S.SUBMITTED


def test_moderator_changes_the_organization_on_the_review_page(client, world):
    appeal = _appeal(world, S.SUBMITTED)
    client.force_login(world.moderator)
    assert client.get(reverse("moderation:review", args=[appeal.number])).status_code == 200
    client.post(
        reverse("moderation:accept", args=[appeal.number]),
        {"organization": world.other_organization.pk, "category": world.category.pk, "comment": ""},
    )
    appeal.refresh_from_db()
    assert appeal.organization == world.other_organization


def test_notifications_page_and_unread_badge(client, world):
    appeal = _appeal(world, S.SUBMITTED)
    from appeals import services

    services.reject_appeal(moderator=world.moderator, appeal_id=appeal.pk, ground="spam")
    client.force_login(world.citizen)
    home = client.get("/").content.decode()
    assert 'class="badge">1' in home
    page = client.get(reverse("notifications:list")).content.decode()
    assert appeal.number in page
    client.post(reverse("notifications:list"))
    assert 'class="badge">1' not in client.get("/").content.decode()


def test_filing_is_rate_limited_per_citizen_and_keeps_the_text(client, world, settings):
    settings.APPEAL_FILING_RATE = "2/h"
    client.force_login(world.citizen)
    for _ in range(2):
        assert client.post(reverse("appeals:new"), _form(world)).status_code == 302
    response = client.post(
        reverse("appeals:new"), _form(world, text="Третье обращение за час: снова не убран снег.")
    )
    assert response.status_code == 429
    assert "Третье обращение за час" in response.content.decode()
    assert Appeal.objects.count() == 2
