"""Backups that restore (README «Backups and restore»): pgBackRest's configuration from the
environment, and the restore drill — a real primary archiving its WAL into a pgBackRest
repository, the site filing appeals with photos into it through gunicorn, and a restore to a point
in time into a fresh cluster that has exactly the appeals, events and attachments filed before it.
"""

import io
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from PIL import Image

from scripts import backup
from tests import s3server
from tests.appeals import conftest as appeals_fixtures
from tests.appeals.background import ROOT, HttpClient, Processes, input_value
from tests.appeals.factories import filing_form
from tests.harness import free_port, session_key_for, wait_for
from tests.pgcluster import FAST, Postgres, as_postgres, postgres_workdir

world = appeals_fixtures.world  # one region, a routed category, a person for every role

S3 = {
    "BACKUP_S3_BUCKET": "feedback-backups",
    "BACKUP_S3_ENDPOINT_URL": "https://minio:9000",
    "BACKUP_S3_REGION": "us-east-1",
    "BACKUP_S3_ACCESS_KEY_ID": "backup",
    "BACKUP_S3_SECRET_ACCESS_KEY": "backup-secret",
    "BACKUP_S3_URI_STYLE": "path",
}


def test_by_default_the_repository_is_a_directory_of_the_database_host():
    general, stanza = backup.options({})

    assert general["repo1-path"] == "/var/lib/pgbackrest"
    assert "repo1-type" not in general  # pgBackRest's default: posix
    assert general["repo1-retention-full"] == "2"
    assert stanza["pg1-path"] == "/var/lib/postgresql/data"
    # The example in ops/ is what the script writes for an empty environment.
    example = ROOT / "ops" / "pgbackrest" / "pgbackrest.conf.example"
    assert example.read_text() == backup.render(general, stanza)


def test_with_a_bucket_the_repository_is_in_the_object_storage():
    general, _stanza = backup.options(
        {**S3, "BACKUP_S3_VERIFY_TLS": "0", "BACKUP_CIPHER_PASS": "k"}
    )

    assert general["repo1-type"] == "s3"
    assert general["repo1-s3-bucket"] == "feedback-backups"
    assert general["repo1-s3-endpoint"] == "minio"
    assert general["repo1-storage-port"] == "9000"
    assert general["repo1-s3-uri-style"] == "path"
    assert general["repo1-storage-verify-tls"] == "n"
    assert general["repo1-path"] == "/pgbackrest"
    assert general["repo1-cipher-type"] == "aes-256-cbc"
    assert "repo1-storage-verify-tls" not in backup.options(S3)[0]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"BACKUP_S3_ENDPOINT_URL": "http://minio:9000"}, "must be an https:// address"),
        ({"BACKUP_S3_URI_STYLE": "paths"}, "must be host or path"),
        ({"BACKUP_S3_SECRET_ACCESS_KEY": ""}, "needs BACKUP_S3_REGION"),
    ],
)
def test_a_bucket_misconfigured_is_refused_with_the_reason(change, message):
    result = subprocess.run(  # noqa: S603 — our own interpreter and script
        [sys.executable, "scripts/backup.py", "config"],
        cwd=ROOT,
        env={**os.environ, **S3, **change},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2 and message in result.stderr, result.stderr


def test_the_backup_profile_backs_up_with_the_configuration_and_archiving_on():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert services["backup"]["profiles"] == ["backup"]
    assert "pgbackrest" in " ".join(services["backup"]["entrypoint"])
    command = " ".join(services["db"]["command"])
    assert "archive_mode=${BACKUP_ARCHIVE_MODE:-off}" in command
    assert "archive-push %p" in command and "archive_timeout=60" in command
    for name in ("db", "backup"):
        assert {"source": "pgbackrest", "target": backup.CONFIG} in services[name]["configs"]
    assert ":/etc/pgbackrest" not in str(services["web"])


def test_the_media_archive_for_a_moment_is_the_first_made_after_it(tmp_path):
    media = tmp_path / "media"
    (media / "attachments").mkdir(parents=True)
    env = {"DJANGO_MEDIA_ROOT": str(media), "BACKUP_MEDIA_PATH": str(tmp_path / "repo")}
    (media / "attachments" / "a.jpg").write_bytes(b"first")
    backup.archive_media(env, now=datetime(2026, 12, 1, 3, 0, tzinfo=UTC))
    (media / "attachments" / "b.jpg").write_bytes(b"second")
    backup.archive_media(env, now=datetime(2026, 12, 2, 3, 0, tzinfo=UTC))

    restored = tmp_path / "restored"
    archive = backup.restore_media(env, datetime(2026, 12, 1, 12, 0, tzinfo=UTC), restored)

    assert archive.name == "media-20261202T030000Z.tar.gz"
    assert (restored / "attachments" / "a.jpg").read_bytes() == b"first"
    assert backup.archive_media({**env, "S3_BUCKET": "media"}) is None
    with pytest.raises(FileNotFoundError):
        backup.media_archive_for(env, datetime(2026, 12, 3, tzinfo=UTC))


def _photo(shade: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (shade, 120, 200)).save(buffer, "JPEG")
    return buffer.getvalue()


class Drill:
    """A primary archiving into a pgBackRest repository in `workdir`, and pgBackRest run on it."""

    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.config = workdir / "pgbackrest.conf"
        self.primary = Postgres(workdir / "primary", free_port())
        self.restored = Postgres(workdir / "restored", free_port())
        general, stanza = backup.options(
            {
                "BACKUP_REPO_PATH": str(workdir / "repo"),
                "BACKUP_PG_DATA": str(self.primary.datadir),
                "BACKUP_PG_PORT": str(self.primary.port),
                "BACKUP_PG_SOCKET": str(workdir),
                "BACKUP_PG_USER": "postgres",
            }
        )
        general |= {"log-path": str(workdir / "log"), "lock-path": str(workdir / "lock")}
        (workdir / "log").mkdir()
        self.config.write_text(backup.render(general, stanza))
        if os.geteuid() == 0:
            for path in (self.config, workdir / "log"):
                subprocess.run(["chown", "postgres:postgres", str(path)], check=True)  # noqa: S603,S607

    def pgbackrest(self, *args: str) -> str:
        command = as_postgres(
            ["pgbackrest", f"--config={self.config}", f"--stanza={backup.STANZA}", *args]
        )
        result = subprocess.run(command, capture_output=True, text=True, timeout=300)  # noqa: S603
        assert result.returncode == 0, (command, result.stdout[-3000:], result.stderr[-3000:])
        return result.stdout


def _file(client: HttpClient, world, shade: int) -> None:
    status, _location, html = client.request("GET", "/appeals/new/")
    assert status == 200, html[:500]
    form = filing_form(world, csrfmiddlewaretoken=input_value(html, "csrfmiddlewaretoken"))
    photo = (f"yard-{shade}.jpg", _photo(shade), "image/jpeg")
    status, location, html = client.request("POST", "/appeals/new/", form, files={"files": photo})
    assert status == 302, (status, html[:1500])


APPEALS = (
    "SELECT a.number, count(DISTINCT e.id), array_agg(DISTINCT f.file) "
    "FROM appeals_appeal a LEFT JOIN appeals_event e ON e.appeal_id = a.id "
    "LEFT JOIN appeals_attachment f ON f.appeal_id = a.id GROUP BY a.number ORDER BY a.number"
)


@pytest.fixture(params=["disk", "bucket"])
def uploads(request, tmp_path):
    """Where the site stores the photos: DJANGO_MEDIA_ROOT, archived by scripts/backup.py media,
    or a bucket of an S3 server of the test's own (versioned in production, not backed up here)."""
    if request.param == "disk":
        yield {}
        return
    with s3server.s3_server() as url:
        yield s3server.new_bucket(url).environment()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_restore_to_a_point_in_time_has_everything_filed_before_it(world, uploads, tmp_path):
    session = session_key_for(world.citizen)  # in the test database, copied to the primary
    media = tmp_path / "media"
    processes = Processes(tmp_path)
    stages = {}
    clock = time.monotonic()
    with postgres_workdir("fp-backup-") as workdir:
        drill = Drill(workdir)
        primary, restored = drill.primary, drill.restored
        try:
            primary.init(backup.postgres_settings(str(drill.config)) + FAST)
            primary.start()
            primary.load_test_database()
            stages["primary and load"] = time.monotonic() - clock
            drill.pgbackrest("stanza-create")
            started = time.monotonic()
            drill.pgbackrest("--type=full", "backup")
            full_backup = time.monotonic() - started

            env = {
                **os.environ,
                "DATABASE_URL": primary.url(),
                "DJANGO_DEBUG": "1",
                "DJANGO_MEDIA_ROOT": str(media),
                "CACHE_KEY_PREFIX": f"backup-{primary.port}",
                "PLATFORM_REGION_CODE": world.region.code,
                "APPEAL_FILING_RATE": "100000/m",
                "PYTHONUNBUFFERED": "1",
                **uploads,
            }
            port = free_port()
            clock = time.monotonic()
            processes.web("web", env, port)
            stages["web"] = time.monotonic() - clock
            clock = time.monotonic()
            citizen = HttpClient(port)
            citizen.cookies["sessionid"] = session

            for shade in (10, 20, 30):
                _file(citizen, world, shade)
            before = primary.query(APPEALS)
            (moment,) = primary.query("SELECT clock_timestamp()")[0]
            time.sleep(1)  # the next commit is past the target however coarse the clocks
            for shade in (40, 50):
                _file(citizen, world, shade)
            filed = primary.query(APPEALS)
            assert len(before) == 3 and len(filed) == 5
            assert all(events >= 1 and len(files) == 1 and files[0] for _n, events, files in filed)
            # The segment holding the later commits goes to the repository now, not in a minute.
            (segment,) = primary.query("SELECT pg_walfile_name(pg_switch_wal())")[0]
            wait_for(
                lambda: (
                    primary.query("SELECT last_archived_wal FROM pg_stat_archiver")[0][0] >= segment
                ),
                timeout=60,
                message="the WAL segment archived",
            )
            stages["filing and archiving"] = time.monotonic() - clock
            media_env = {
                "DJANGO_MEDIA_ROOT": str(media),
                "BACKUP_MEDIA_PATH": str(workdir / "media"),
            }
            media_archive = backup.archive_media({**media_env, **uploads})
            processes.stop()
            primary.stop("immediate")  # the primary and its disk are lost

            started = time.monotonic()
            restored.datadir.mkdir(mode=0o700)
            if os.geteuid() == 0:
                subprocess.run(["chown", "postgres:postgres", str(restored.datadir)], check=True)  # noqa: S603,S607
            drill.pgbackrest(
                f"--pg1-path={restored.datadir}",
                "--type=time",
                f"--target={moment.astimezone(UTC):%Y-%m-%d %H:%M:%S.%f}+00",
                "--target-action=promote",
                "--archive-mode=off",  # the restored copy must not push into the same archive
                "restore",
            )
            restored.start()
            wait_for(
                lambda: restored.query("SELECT pg_is_in_recovery()") == [(False,)],
                timeout=120,
                message="the restored cluster promoted",
            )
            restore_seconds = time.monotonic() - started
            if uploads:  # the files never left the bucket, and no node's disk holds any
                assert media_archive is None and not media.exists()
                store = s3server.client(uploads["S3_ENDPOINT_URL"])

                def read(name: str) -> bytes:
                    return store.get_object(Bucket=uploads["S3_BUCKET"], Key=name)["Body"].read()
            else:
                restored_media = tmp_path / "restored-media"
                used = backup.restore_media(media_env, moment, restored_media)
                assert used == media_archive

                def read(name: str) -> bytes:
                    assert (restored_media / name).read_bytes() == (media / name).read_bytes()
                    return (restored_media / name).read_bytes()

            # Exactly the appeals filed before the moment, each with its events and attachment,
            # and the attachment's photo there to read.
            assert restored.query(APPEALS) == before
            for _number, _events, (name,) in before:
                with Image.open(io.BytesIO(read(name))) as image:
                    assert image.format == "JPEG"
            stages |= {"full backup": full_backup, "restore and promotion": restore_seconds}
            size = restored.query("SELECT pg_database_size('fp')")[0][0] / 2**20
            where = "bucket" if uploads else "disk"
            print(f"restore drill (uploads on the {where}, a {size:.0f} MB database):", end=" ")
            print({name: round(seconds, 1) for name, seconds in stages.items()})
        finally:
            processes.stop()
            restored.kill()
            primary.kill()
