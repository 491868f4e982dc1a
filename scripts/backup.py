"""Backups of the platform with pgBackRest (README «Backups and restore»): the database's base
backups and its WAL archive, and the uploaded files when they live on the disk.

    python scripts/backup.py config [--output FILE]    # pgbackrest.conf from the BACKUP_* variables
    python scripts/backup.py postgres [--config FILE]  # the postgresql.conf lines archiving needs
    python scripts/backup.py media                     # DJANGO_MEDIA_ROOT as a .tar.gz in BACKUP_MEDIA_PATH
    python scripts/backup.py restore-media --time T DIR  # the first media archive made at or after T into DIR

The repository is a directory (BACKUP_REPO_PATH) unless BACKUP_S3_BUCKET names a bucket of an
S3-compatible store (pgBackRest speaks to it over HTTPS only). pgBackRest itself does the work:
`pgbackrest --stanza=feedback stanza-create | backup --type=full|diff | restore --type=time`.

Uploaded files: with S3_BUCKET they are in the platform's bucket (turn bucket versioning on: a
deleted or overwritten object is then recoverable); without it they are under DJANGO_MEDIA_ROOT
and `media` archives that directory. Names of uploads are random and never reused, so an archive
made after a point in time holds every file the database of that time refers to.

Standard library only: it runs on the database host, where the platform's packages may not be.
"""

from __future__ import annotations

import argparse
import os
import sys
import tarfile
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

STANZA = "feedback"
CONFIG = "/etc/pgbackrest/pgbackrest.conf"
MEDIA_PREFIX = "media-"
STAMP = "%Y%m%dT%H%M%SZ"


class ConfigurationError(ValueError):
    pass


def _value(env, name: str, default: str = "") -> str:
    return (env.get(name) or "").strip() or default


def options(env) -> tuple[dict[str, str], dict[str, str]]:
    """pgBackRest's options for the environment `env`: ([global] section, the stanza's section)."""
    bucket = _value(env, "BACKUP_S3_BUCKET")
    repo = {
        "repo1-path": _value(
            env, "BACKUP_REPO_PATH", "/pgbackrest" if bucket else "/var/lib/pgbackrest"
        ),
        "repo1-retention-full": _value(env, "BACKUP_RETENTION_FULL", "2"),
    }
    if bucket:
        endpoint = urlsplit(_value(env, "BACKUP_S3_ENDPOINT_URL", "https://s3.amazonaws.com"))
        if endpoint.scheme != "https" or not endpoint.hostname:
            raise ConfigurationError(
                "BACKUP_S3_ENDPOINT_URL must be an https:// address (pgBackRest speaks TLS only), "
                f"not {endpoint.geturl()!r}."
            )
        style = _value(env, "BACKUP_S3_URI_STYLE", "host")
        if style not in {"host", "path"}:
            raise ConfigurationError(f"BACKUP_S3_URI_STYLE must be host or path, not {style!r}.")
        region = _value(env, "BACKUP_S3_REGION")
        key = _value(env, "BACKUP_S3_ACCESS_KEY_ID")
        secret = _value(env, "BACKUP_S3_SECRET_ACCESS_KEY")
        if not (region and key and secret):
            raise ConfigurationError(
                "BACKUP_S3_BUCKET needs BACKUP_S3_REGION, BACKUP_S3_ACCESS_KEY_ID and "
                "BACKUP_S3_SECRET_ACCESS_KEY."
            )
        repo |= {
            "repo1-type": "s3",
            "repo1-s3-bucket": bucket,
            "repo1-s3-endpoint": endpoint.hostname,
            "repo1-s3-region": region,
            "repo1-s3-key": key,
            "repo1-s3-key-secret": secret,
            "repo1-s3-uri-style": style,
        }
        if endpoint.port:
            repo["repo1-storage-port"] = str(endpoint.port)
        if _value(env, "BACKUP_S3_VERIFY_TLS", "1") in {"0", "n", "no", "false"}:
            repo["repo1-storage-verify-tls"] = "n"
        # A key of the repository's own encrypts it at rest in a store run by someone else.
        if cipher := _value(env, "BACKUP_CIPHER_PASS"):
            repo |= {"repo1-cipher-type": "aes-256-cbc", "repo1-cipher-pass": cipher}
    general = {
        **repo,
        "compress-type": "gz",
        "start-fast": "y",
        "log-level-console": "info",
        "log-level-file": "detail",
    }
    stanza = {
        "pg1-path": _value(env, "BACKUP_PG_DATA", "/var/lib/postgresql/data"),
        "pg1-port": _value(env, "BACKUP_PG_PORT", "5432"),
        "pg1-socket-path": _value(env, "BACKUP_PG_SOCKET", "/var/run/postgresql"),
    }
    if user := _value(env, "BACKUP_PG_USER"):  # otherwise libpq's default: the system user
        stanza["pg1-user"] = user
    return general, stanza


def render(general: dict[str, str], stanza: dict[str, str], name: str = STANZA) -> str:
    lines = ["# pgBackRest for the feedback platform: made by `python scripts/backup.py config`."]
    lines += ["[global]", *(f"{key}={value}" for key, value in general.items()), ""]
    lines += [f"[{name}]", *(f"{key}={value}" for key, value in stanza.items()), ""]
    return "\n".join(lines)


def postgres_settings(config: str = CONFIG, stanza: str = STANZA) -> str:
    """What postgresql.conf needs: every finished WAL segment pushed to the repository, and a
    segment finished at least once a minute however quiet the site is (the RPO)."""
    return (
        "wal_level = replica\n"
        "archive_mode = on\n"
        f"archive_command = 'pgbackrest --config={config} --stanza={stanza} archive-push %p'\n"
        "archive_timeout = 60\n"
    )


def media_path(env) -> Path:
    repo = _value(env, "BACKUP_REPO_PATH", "/var/lib/pgbackrest")
    return Path(_value(env, "BACKUP_MEDIA_PATH", str(Path(repo) / "media")))


def archive_media(env, *, now: datetime | None = None) -> Path | None:
    """DJANGO_MEDIA_ROOT as media-<UTC time>.tar.gz in BACKUP_MEDIA_PATH, keeping the newest
    BACKUP_MEDIA_KEEP archives; None (nothing to do) when the files are in a bucket."""
    if _value(env, "S3_BUCKET"):
        return None
    root = Path(_value(env, "DJANGO_MEDIA_ROOT", "/data/media"))
    target = media_path(env)
    target.mkdir(parents=True, exist_ok=True)
    stamp = (now or datetime.now(UTC)).strftime(STAMP)
    archive = target / f"{MEDIA_PREFIX}{stamp}.tar.gz"
    partial = archive.with_suffix(".partial")
    with tarfile.open(partial, "w:gz") as tar:
        tar.add(root, arcname=".")
    partial.rename(archive)  # a half-written archive never looks like a finished one
    keep = int(_value(env, "BACKUP_MEDIA_KEEP", "14"))
    for old in sorted(target.glob(f"{MEDIA_PREFIX}*.tar.gz"))[:-keep]:
        old.unlink()
    return archive


def media_archive_for(env, moment: datetime) -> Path:
    """The first media archive made at or after `moment`."""
    wanted = moment.astimezone(UTC).strftime(STAMP)
    for archive in sorted(media_path(env).glob(f"{MEDIA_PREFIX}*.tar.gz")):
        if archive.name.removeprefix(MEDIA_PREFIX).removesuffix(".tar.gz") >= wanted:
            return archive
    raise FileNotFoundError(f"no media archive in {media_path(env)} made after {wanted}")


def restore_media(env, moment: datetime, target: Path) -> Path:
    archive = media_archive_for(env, moment)
    target.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive) as tar:
        tar.extractall(target, filter="data")
    return archive


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    config = commands.add_parser("config", help="write pgbackrest.conf")
    config.add_argument("--output", type=Path, help="the file (default: standard output)")
    postgres = commands.add_parser("postgres", help="print the postgresql.conf lines")
    postgres.add_argument("--config", default=CONFIG)
    commands.add_parser("media", help="archive DJANGO_MEDIA_ROOT")
    restore = commands.add_parser("restore-media", help="unpack the media archive for a time")
    restore.add_argument("--time", required=True, type=datetime.fromisoformat)
    restore.add_argument("target", type=Path)
    args = parser.parse_args(argv)
    try:
        if args.command == "config":
            text = render(*options(os.environ))
            if args.output:
                args.output.write_text(text)
            else:
                sys.stdout.write(text)
        elif args.command == "postgres":
            sys.stdout.write(postgres_settings(args.config))
        elif args.command == "media":
            archive = archive_media(os.environ)
            print(archive or "S3_BUCKET is set: the files are in the bucket (keep versioning on)")
        else:
            moment = args.time if args.time.tzinfo else args.time.replace(tzinfo=UTC)
            print(restore_media(os.environ, moment, args.target))
    except (ConfigurationError, FileNotFoundError) as error:
        print(f"backup: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
