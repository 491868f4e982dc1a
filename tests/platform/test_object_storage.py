"""Uploads on S3-compatible object storage (issue 18: stateless web nodes, README «Object storage»).

A real S3-protocol server (moto's, in server mode) runs as a process of its own on loopback; each
test gets a private bucket of its own, and the default storage is the one `S3_BUCKET` and the other
`S3_*` variables configure (`settings.object_storage`), pointed at that bucket. Nothing in boto3
is patched: it speaks HTTP to the server.
"""

import io
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
import requests
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from appeals.attachments import store_attachment
from appeals.models import Appeal, Attachment
from appeals.services.sweeps import purge_abandoned_drafts
from feedback_platform.settings import object_storage
from surveys import services as survey_services
from tests import s3server
from tests.accounts.factories import UserFactory
from tests.appeals import conftest as appeals_fixtures
from tests.appeals.factories import filing_form, world_appeal
from tests.harness import free_port
from tests.platform.test_settings import manage
from tests.surveys.factories import SurveyFactory

pytestmark = pytest.mark.django_db
world = appeals_fixtures.world  # one region, a routed category, a person for every role
S = Appeal.Status


@pytest.fixture(scope="module")
def s3_server():
    with s3server.s3_server() as url:
        yield url


@pytest.fixture
def bucket(s3_server, settings, tmp_path):
    bucket = s3server.new_bucket(s3_server)
    settings.MEDIA_ROOT = tmp_path / "media"
    # override_settings resets django's storage handler and default_storage (setting_changed)
    settings.STORAGES = {**settings.STORAGES, "default": object_storage(bucket.environment())}
    return bucket


@pytest.fixture(autouse=True)
def platform_region(settings, world):
    settings.PLATFORM_REGION_CODE = world.region.code


def _photo(name="snow.jpg", size=(640, 480)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 210, 220)).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def _media_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_a_photo_filed_through_the_form_lands_in_the_private_bucket(
    client, world, bucket, settings
):
    client.force_login(world.citizen)
    response = client.post(reverse("appeals:new"), filing_form(world, files=_photo()))

    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert bucket.objects() == {attachment.file.name, attachment.thumbnail.name}
    assert _media_files(settings) == []  # the node's disk holds nothing
    with Image.open(io.BytesIO(bucket.read(attachment.thumbnail.name))) as thumbnail:
        assert thumbnail.format == "JPEG" and max(thumbnail.size) == 320
    for key in bucket.objects():
        grants = bucket.client.get_object_acl(Bucket=bucket.name, Key=key)["Grants"]
        assert [grant["Permission"] for grant in grants] == ["FULL_CONTROL"]
        assert [grant["Grantee"]["Type"] for grant in grants] == ["CanonicalUser"]
        # Nobody reaches an object past the platform: an unsigned request is refused.
        assert requests.get(f"{bucket.endpoint}/{bucket.name}/{key}", timeout=5).status_code == 403


def test_downloads_stream_from_the_bucket_behind_the_access_check(client, world, bucket):
    client.force_login(world.citizen)
    client.post(reverse("appeals:new"), filing_form(world, files=_photo()))
    attachment = Attachment.objects.get()
    download = reverse("appeals:download", args=[attachment.appeal.number, attachment.pk])
    thumbnail = reverse("appeals:thumbnail", args=[attachment.appeal.number, attachment.pk])

    response = client.get(download)
    assert response.status_code == 200
    assert _body(response) == bucket.read(attachment.file.name)
    assert int(response.headers["Content-Length"]) == attachment.size
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["Content-Type"] == "image/jpeg"
    assert response.headers["Cache-Control"] == "private, no-store"
    shown = client.get(thumbnail)
    assert shown.status_code == 200
    assert _body(shown) == bucket.read(attachment.thumbnail.name)

    client.force_login(UserFactory(email="curious@example.ru"))
    assert client.get(download).status_code == 404
    assert client.get(thumbnail).status_code == 404
    client.force_login(world.moderator)
    assert _body(client.get(download)) == bucket.read(attachment.file.name)


def test_staff_of_the_organization_download_a_file_of_its_appeal(client, world, bucket):
    appeal = world_appeal(world, S.IN_PROGRESS)
    attachment = store_attachment(
        upload=_photo("yard.jpg"), uploaded_by=world.citizen, appeal=appeal
    )
    url = reverse("appeals:download", args=[appeal.number, attachment.pk])

    client.force_login(world.executor)
    response = client.get(url)
    assert response.status_code == 200
    assert _body(response) == bucket.read(attachment.file.name)
    assert "yard.jpg" in response.headers["Content-Disposition"]
    client.force_login(UserFactory(email="stranger@example.ru"))
    assert client.get(url).status_code == 404


def test_an_older_image_gets_its_thumbnail_made_from_the_bucket_into_the_bucket(
    client, world, bucket
):
    appeal = world_appeal(world, S.IN_PROGRESS)
    attachment = store_attachment(upload=_photo(), uploaded_by=world.citizen, appeal=appeal)
    bucket.client.delete_object(Bucket=bucket.name, Key=attachment.thumbnail.name)
    Attachment.objects.filter(pk=attachment.pk).update(thumbnail="")  # as stored before thumbnails
    assert bucket.objects() == {attachment.file.name}

    client.force_login(world.citizen)
    response = client.get(reverse("appeals:thumbnail", args=[appeal.number, attachment.pk]))

    assert response.status_code == 200
    attachment.refresh_from_db()
    assert attachment.thumbnail.name.startswith(attachment.file.name)
    assert bucket.objects() == {attachment.file.name, attachment.thumbnail.name}
    assert _body(response) == bucket.read(attachment.thumbnail.name)


def test_abandoned_drafts_leave_the_bucket(world, bucket, django_capture_on_commit_callbacks):
    attachment = store_attachment(
        upload=_photo(), uploaded_by=world.citizen, draft_key=uuid.uuid4()
    )
    assert len(bucket.objects()) == 2

    with django_capture_on_commit_callbacks(execute=True):
        assert purge_abandoned_drafts(now=attachment.created_at + timedelta(days=2)) == 1

    assert bucket.objects() == set()


def test_a_survey_picture_is_served_from_the_bucket(client, head, organization, bucket):
    survey = SurveyFactory(organization=organization, published_at=timezone.now())
    survey = survey_services.update_survey(
        actor=head, survey_id=survey.pk, image=_photo("park.jpg")
    )
    assert bucket.objects() == {survey.image.name}

    response = client.get(reverse("surveys:image", args=[survey.pk]))

    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("image/")
    assert _body(response) == bucket.read(survey.image.name)


def test_a_discussed_document_is_downloaded_from_the_bucket(client, head, organization, bucket):
    now = timezone.now()
    discussion = survey_services.create_discussion(
        actor=head,
        organization=organization,
        title="Правила благоустройства",
        opens_at=now,
        closes_at=now + timedelta(days=30),
        document=SimpleUploadedFile(
            "Проект.pdf", b"%PDF-1.4 draft", content_type="application/pdf"
        ),
    )
    assert bucket.objects() == {discussion.document.name}

    client.force_login(head)  # a draft: its organizers see it
    response = client.get(reverse("discussions:document", args=[discussion.pk]))

    assert response.status_code == 200
    assert _body(response) == b"%PDF-1.4 draft"
    assert "attachment" in response.headers["Content-Disposition"]
    client.force_login(UserFactory(email="resident@example.ru"))
    assert client.get(reverse("discussions:document", args=[discussion.pk])).status_code == 404


def test_the_storage_makes_only_signed_short_lived_links(bucket):
    name = default_storage.save("attachments/probe", ContentFile(b"probe"))
    url = default_storage.url(name)

    assert "X-Amz-Signature=" in url and "X-Amz-Expires=60" in url
    assert requests.get(url, timeout=5).content == b"probe"
    assert requests.get(url.split("?")[0], timeout=5).status_code == 403
    # file_overwrite off: a second file under a taken name gets a name of its own
    assert default_storage.save("attachments/probe", ContentFile(b"other")) != name


def test_another_node_configured_from_the_environment_shares_the_files(bucket):
    """Two web nodes: a process of its own, given only the `S3_*` variables, reads what this one
    stored and stores what this one then reads through a fresh storage, with no file between them."""
    name = default_storage.save("attachments/from-node-a", ContentFile("с узла А".encode()))
    code = (
        "from django.core.files.base import ContentFile\n"
        "from django.core.files.storage import storages\n"
        "s = storages['default']\n"
        "print(type(s).__name__, s.default_acl, s.file_overwrite)\n"
        f"print(s.open({name!r}).read().decode())\n"
        "print(s.save('attachments/from-node-b', ContentFile('с узла Б'.encode())))\n"
    )
    result = manage("shell", "-c", code, env={"DJANGO_DEBUG": "1", **bucket.environment()})

    assert result.returncode == 0, result.stderr
    described, read, stored = result.stdout.splitlines()[-3:]
    assert described.split() == ["S3Storage", "private", "False"]
    assert read == "с узла А"
    fresh = storages.create_storage(object_storage(bucket.environment()))
    assert fresh.open(stored).read().decode() == "с узла Б"


def test_a_misspelt_addressing_style_stops_the_start(bucket):
    env = {"DJANGO_DEBUG": "1", **bucket.environment(), "S3_ADDRESSING_STYLE": "paths"}
    result = manage("check", env=env)

    assert result.returncode != 0
    assert "S3_ADDRESSING_STYLE must be path, virtual or auto, not 'paths'" in result.stderr


def test_without_a_bucket_the_files_stay_on_the_disk(settings, tmp_path):
    assert object_storage({}) is None
    assert object_storage({"S3_BUCKET": "  ", "S3_ENDPOINT_URL": "http://minio:9000"}) is None
    settings.MEDIA_ROOT = tmp_path
    name = default_storage.save("attachments/probe", ContentFile(b"probe"))
    assert (tmp_path / name).read_bytes() == b"probe"


def test_healthz_reports_the_bucket_and_a_lost_store_only_degrades(client, bucket, settings):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "database": "ok",
        "redis": "ok",
        "broker": "ok",
        "storage": "ok",
        "status": "ok",
    }

    # The store refuses connections (another endpoint: the check is remembered per bucket).
    gone = {**bucket.environment(), "S3_ENDPOINT_URL": f"http://127.0.0.1:{free_port()}"}
    settings.STORAGES = {**settings.STORAGES, "default": object_storage(gone)}
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["storage"] == "unavailable"
    assert response.json()["status"] == "degraded"

    # A bucket that does not exist (a typo in S3_BUCKET) is as bad as no store.
    typo = {**bucket.environment(), "S3_BUCKET": bucket.name + "-typo"}
    settings.STORAGES = {**settings.STORAGES, "default": object_storage(typo)}
    assert client.get("/healthz").json()["storage"] == "unavailable"
