import io
import uuid
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from appeals.attachments import (
    MAX_FILES_PER_APPEAL,
    attachment_response,
    check_count,
    store_attachment,
)
from appeals.models import Attachment
from core.errors import DomainError
from core.uploads import AttachmentError, clean_upload, sniff_content_type
from tests.appeals import corpus


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored_bytes(attachment: Attachment) -> bytes:
    with attachment.file.open("rb") as f:
        return f.read()


def test_sniff_decides_by_content():
    assert sniff_content_type(b"\xff\xd8\xff\xe0rest") == "image/jpeg"
    assert sniff_content_type(b"\x89PNG\r\n\x1a\nrest") == "image/png"
    assert sniff_content_type(b"%PDF-1.7\n") == "application/pdf"
    for head in (b"", b"<html>", b"<?xml version", b"<svg", b"GIF89a", b"PK\x03\x04", b"\xff\xd8"):
        assert sniff_content_type(head) is None


@pytest.mark.django_db
def test_jpeg_is_stored_without_any_exif_gps_icc_or_xmp(citizen, media_root):
    upload = corpus.jpeg_with_gps()
    original = Image.open(io.BytesIO(upload.read()))
    assert original.getexif().get_ifd(corpus.GPS_IFD)  # the corpus does carry the location

    attachment = store_attachment(upload=upload, uploaded_by=citizen, draft_key=uuid.uuid4())

    attachment.refresh_from_db()
    assert attachment.content_type == "image/jpeg"
    assert attachment.original_name == "IMG_0001.jpg"
    data = stored_bytes(attachment)
    assert attachment.size == len(data)
    with Image.open(io.BytesIO(data)) as img:
        assert img.format == "JPEG"
        exif = img.getexif()
        assert len(exif) == 0
        assert not exif.get_ifd(corpus.GPS_IFD)
        for key in ("exif", "icc_profile", "xmp", "comment"):
            assert key not in img.info
        assert img.size == (20, 40)  # the EXIF rotation was applied before EXIF was dropped
    assert b"Exif" not in data and b"iPhone" not in data and b"Ivanova" not in data


@pytest.mark.django_db
def test_png_text_chunks_are_gone(citizen):
    attachment = store_attachment(upload=corpus.png_with_text(), uploaded_by=citizen)

    assert attachment.content_type == "image/png"
    data = stored_bytes(attachment)
    with Image.open(io.BytesIO(data)) as img:
        assert img.format == "PNG"
        assert img.mode == "RGBA"
        assert img.text == {}
        assert not {"Author", "Comment", "Description"} & img.info.keys()
    for chunk in (b"tEXt", b"zTXt", b"iTXt", b"Ivanova"):
        assert chunk not in data


@pytest.mark.django_db
def test_pdf_is_kept_as_is(citizen):
    attachment = store_attachment(upload=corpus.pdf(), uploaded_by=citizen)

    assert attachment.content_type == "application/pdf"
    assert attachment.original_name == "complaint.pdf"
    assert stored_bytes(attachment) == corpus.MINIMAL_PDF
    assert attachment.size == len(corpus.MINIMAL_PDF)


@pytest.mark.parametrize(
    ("upload", "code"),
    [
        (corpus.html_as_jpg("photo.jpg"), "type"),
        (corpus.svg_with_script("drawing.svg"), "type"),
        (corpus.svg_with_script("image.png"), "type"),
        (corpus.gif("animation.gif"), "type"),
        (corpus.empty("empty.jpg"), "empty"),
        (corpus.oversized("huge.jpg"), "too_large"),
        (corpus.png_bomb("bomb.png"), "too_many_pixels"),
        (corpus.png_declaring(7000, 7000, "declared.png"), "too_many_pixels"),
        (corpus.png_declaring(20000, 20000, "pillow-bomb.png"), "too_many_pixels"),
    ],
    ids=lambda value: getattr(value, "name", value),
)
def test_refused_files_name_the_file(upload, code):
    with pytest.raises(AttachmentError) as caught:
        clean_upload(upload)

    assert caught.value.code == code
    assert f"«{upload.name}»" in str(caught.value)
    # The services' callers handle every refusal as a DomainError and show its message.
    assert isinstance(caught.value, DomainError)
    assert f"«{upload.name}»" in str(caught.value.message)


def test_messages_are_clear():
    with pytest.raises(AttachmentError, match="больше 10 МБ"):
        clean_upload(corpus.oversized())
    with pytest.raises(AttachmentError, match="не более 40 мегапикселей"):
        clean_upload(corpus.png_bomb())
    with pytest.raises(AttachmentError, match="пустой"):
        clean_upload(corpus.empty())
    with pytest.raises(AttachmentError, match="не является файлом JPEG, PNG или PDF"):
        clean_upload(corpus.html_as_jpg())


def test_size_is_checked_before_reading():
    class Unreadable(SimpleUploadedFile):
        def read(self, *args, **kwargs):
            raise AssertionError("an oversized file must not be read")

    upload = Unreadable("huge.jpg", b"\xff\xd8\xff" + bytes(11 * 1024 * 1024))
    with pytest.raises(AttachmentError) as caught:
        clean_upload(upload)
    assert caught.value.code == "too_large"


def test_broken_image_cannot_be_read():
    data = corpus.jpeg_with_gps().read()
    truncated = SimpleUploadedFile("broken.jpg", data[: len(data) // 2])
    with pytest.raises(AttachmentError, match="«broken.jpg» не удаётся прочитать как изображение"):
        clean_upload(truncated)


def test_extension_follows_the_real_type():
    png_named_jpg = SimpleUploadedFile("scan.jpg", corpus.png_with_text().read())
    _, content_type, name = clean_upload(png_named_jpg)
    assert (content_type, name) == ("image/png", "scan.png")

    _, _, name = clean_upload(SimpleUploadedFile("Заявление", corpus.MINIMAL_PDF))
    assert name == "Заявление.pdf"

    _, _, name = clean_upload(SimpleUploadedFile("акт v1.2", corpus.MINIMAL_PDF))
    assert name == "акт v1.2.pdf"


@pytest.mark.parametrize(
    ("client_name", "safe_name"),
    [
        ("../../etc/passwd.jpg", "passwd.jpg"),
        ("..\\..\\windows\\system.ini.jpg", "system.ini.jpg"),
        ("C:\\Users\\anna\\Desktop\\яма на Ленина.jpeg", "яма на Ленина.jpg"),
        ("evil\u202egnp.jpg", "evilgnp.jpg"),
        ("line\r\nbreak\x00.jpg", "linebreak.jpg"),
        ('a<b>c:"d"|e?*.jpg', "a_b_c__d__e__.jpg"),
        ("...", "file.jpg"),
        ("\u202e\u200f", "file.jpg"),
    ],
)
def test_client_names_become_safe_basenames(client_name, safe_name):
    upload = corpus.jpeg_with_gps(name=client_name)
    _, _, name = clean_upload(upload)
    assert name == safe_name


def test_long_names_are_truncated_keeping_the_extension():
    _, _, name = clean_upload(corpus.jpeg_with_gps(name="я" * 300 + ".jpg"))
    assert len(name) == 150
    assert name.endswith("я.jpg")


@pytest.mark.django_db
def test_stored_name_is_random(citizen, media_root):
    first = store_attachment(
        upload=corpus.jpeg_with_gps("passport_ivanova.jpg"), uploaded_by=citizen
    )
    second = store_attachment(
        upload=corpus.jpeg_with_gps("passport_ivanova.jpg"), uploaded_by=citizen
    )

    assert first.original_name == "passport_ivanova.jpg"
    for attachment in (first, second):
        assert attachment.file.name.startswith("attachments/")
        assert "passport" not in attachment.file.name and "ivanova" not in attachment.file.name
        assert (Path(media_root) / attachment.file.name).is_file()
    assert first.file.name != second.file.name


@pytest.mark.django_db
def test_refused_file_leaves_nothing_behind(citizen, media_root):
    with pytest.raises(AttachmentError):
        store_attachment(upload=corpus.html_as_jpg(), uploaded_by=citizen)

    assert not Attachment.objects.exists()
    assert not any(Path(media_root).rglob("*"))


def test_count_limit():
    check_count(existing=0, adding=MAX_FILES_PER_APPEAL)
    check_count(existing=4, adding=1)
    with pytest.raises(AttachmentError, match="не более 5 файлов") as caught:
        check_count(existing=5, adding=1)
    assert caught.value.code == "too_many"
    with pytest.raises(AttachmentError):
        check_count(existing=3, adding=3)


@pytest.mark.django_db
def test_response_is_a_sandboxed_download(citizen):
    attachment = store_attachment(upload=corpus.pdf("жалоба.pdf"), uploaded_by=citizen)

    response = attachment_response(attachment)
    try:
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment;")
        assert (
            "filename*=utf-8''%D0%B6%D0%B0%D0%BB%D0%BE%D0%B1%D0%B0.pdf"
            in response["Content-Disposition"]
        )
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
        assert response["Cache-Control"] == "private, no-store"
        assert b"".join(response.streaming_content) == corpus.MINIMAL_PDF
    finally:
        response.close()


@pytest.mark.django_db
def test_response_for_an_image(citizen):
    attachment = store_attachment(upload=corpus.png_with_text("scheme.png"), uploaded_by=citizen)

    response = attachment_response(attachment)
    try:
        assert response["Content-Type"] == "image/png"
        assert response["Content-Disposition"] == 'attachment; filename="scheme.png"'
    finally:
        response.close()


def test_large_photo_is_downscaled():
    buffer = io.BytesIO()
    Image.new("RGB", (6000, 3000), (10, 20, 30)).save(buffer, "JPEG")
    content, _, _ = clean_upload(SimpleUploadedFile("wide.jpg", buffer.getvalue()))
    with Image.open(content) as img:
        assert img.size == (4096, 2048)


# --- Thumbnails ------------------------------------------------------------------------------


def _photo(name: str = "yard.jpg", size=(2400, 1600)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (120, 130, 140)).save(buffer, "JPEG", quality=95)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def _appeal_with_photo(world):
    from tests.appeals.factories import make_appeal

    appeal = make_appeal(
        "in_progress",
        organization=world.organization,
        executor=world.executor,
        citizen=world.citizen,
        category=world.category,
        municipality=world.municipality,
        region=world.region,
    )
    photo = store_attachment(upload=_photo(), uploaded_by=world.citizen, appeal=appeal)
    return appeal, photo


@pytest.mark.django_db
def test_an_image_gets_a_smaller_thumbnail_beside_it_on_upload(citizen, media_root):
    photo = store_attachment(upload=_photo(), uploaded_by=citizen, draft_key=uuid.uuid4())
    pdf = store_attachment(upload=corpus.pdf(), uploaded_by=citizen, draft_key=uuid.uuid4())

    photo.refresh_from_db()
    assert photo.thumbnail.name == f"{photo.file.name}-thumb.jpg"  # beside the file
    thumbnail = (Path(media_root) / photo.thumbnail.name).read_bytes()
    assert len(thumbnail) < photo.size
    with Image.open(io.BytesIO(thumbnail)) as img:
        assert img.format == "JPEG" and max(img.size) <= 320 and img.size == (320, 213)
    assert not pdf.thumbnail


@pytest.mark.django_db
def test_a_png_with_transparency_gets_a_jpeg_thumbnail(citizen):
    buffer = io.BytesIO()
    Image.new("RGBA", (800, 800), (255, 0, 0, 0)).save(buffer, "PNG")
    upload = SimpleUploadedFile("plan.png", buffer.getvalue())
    attachment = store_attachment(upload=upload, uploaded_by=citizen)
    with attachment.thumbnail.open("rb") as f, Image.open(f) as img:
        assert img.format == "JPEG" and img.size == (320, 320)


@pytest.mark.django_db
def test_the_thumbnail_is_behind_the_attachments_access_check(client, world):
    from django.urls import reverse

    from tests.accounts.factories import UserFactory

    appeal, photo = _appeal_with_photo(world)
    url = reverse("appeals:thumbnail", args=[appeal.number, photo.pk])

    client.force_login(world.citizen)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content) == photo.thumbnail.open("rb").read()
    client.force_login(world.executor)
    assert client.get(url).status_code == 200
    client.force_login(UserFactory(email="neighbour@example.ru"))
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to the login page


@pytest.mark.django_db
def test_a_pdf_has_no_thumbnail(client, world):
    from django.urls import reverse

    appeal, _photo_file = _appeal_with_photo(world)
    pdf = store_attachment(upload=corpus.pdf(), uploaded_by=world.citizen, appeal=appeal)
    client.force_login(world.citizen)
    assert client.get(reverse("appeals:thumbnail", args=[appeal.number, pdf.pk])).status_code == 404


@pytest.mark.django_db
def test_an_older_image_gets_its_thumbnail_once_on_the_first_request(client, world, media_root):
    from django.urls import reverse

    appeal, photo = _appeal_with_photo(world)
    photo.thumbnail.delete(save=False)
    Attachment.objects.filter(pk=photo.pk).update(thumbnail="")  # stored before thumbnails
    url = reverse("appeals:thumbnail", args=[appeal.number, photo.pk])
    client.force_login(world.citizen)

    assert client.get(url).status_code == 200
    photo.refresh_from_db()
    first = photo.thumbnail.name
    assert first and (Path(media_root) / first).is_file()
    assert client.get(url).status_code == 200
    photo.refresh_from_db()
    assert photo.thumbnail.name == first
    assert len(list(Path(media_root).rglob("*-thumb*"))) == 1


@pytest.mark.django_db
def test_pages_show_the_thumbnail_opening_the_full_image(client, world):
    from django.urls import reverse

    appeal, photo = _appeal_with_photo(world)
    thumbnail = reverse("appeals:thumbnail", args=[appeal.number, photo.pk])
    full = reverse("appeals:download", args=[appeal.number, photo.pk]) + "?view=1"
    image = f'<a href="{full}"><img src="{thumbnail}" alt="Фото «yard.jpg»: открыть полностью"'
    client.force_login(world.citizen)
    assert image in client.get(reverse("appeals:detail", args=[appeal.number])).content.decode()
    client.force_login(world.executor)
    assert image in client.get(reverse("staff:appeal", args=[appeal.number])).content.decode()

    response = client.get(full)
    assert response["Content-Disposition"].startswith("inline;")  # the photo, in the browser
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    response.close()


@pytest.mark.django_db
def test_a_pdf_is_never_shown_inline(citizen):
    attachment = store_attachment(upload=corpus.pdf(), uploaded_by=citizen)
    response = attachment_response(attachment, inline=True)
    assert response["Content-Disposition"].startswith("attachment;")
    response.close()


@pytest.mark.django_db
def test_abandoned_drafts_lose_their_thumbnails_too(
    citizen, media_root, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    from appeals.services.sweeps import purge_abandoned_drafts

    photo = store_attachment(upload=_photo(), uploaded_by=citizen, draft_key=uuid.uuid4())
    Attachment.objects.filter(pk=photo.pk).update(created_at=timezone.now() - timedelta(days=2))
    with django_capture_on_commit_callbacks(execute=True):
        assert purge_abandoned_drafts() == 1
    assert not any(p.is_file() for p in Path(media_root).rglob("*"))
