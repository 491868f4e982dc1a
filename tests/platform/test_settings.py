"""Start-up and deployment checks, run in fresh processes with production-like environments."""

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "x7!" + "k" * 60 + "production-like-secret",
    "DJANGO_ALLOWED_HOSTS": "pos.kamgov.example",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://pos.kamgov.example",
    "DJANGO_SITE_URL": "https://pos.kamgov.example",
}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_check_is_clean_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    "missing", ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DJANGO_SITE_URL"]
)
def test_production_refuses_to_start_without(missing):
    env = {k: v for k, v in PRODUCTION.items() if k != missing}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert missing in result.stderr


def test_every_model_change_has_a_migration():
    result = manage("makemigrations", "--check", "--dry-run", env={"DJANGO_DEBUG": "1"})
    assert result.returncode == 0, result.stdout + result.stderr


def test_russian_catalogue_is_complete():
    catalogue = polib.pofile(str(ROOT / "locale/ru/LC_MESSAGES/django.po"))
    assert len(catalogue) > 100
    assert [entry.msgid for entry in catalogue.untranslated_entries()] == []
    assert [entry.msgid for entry in catalogue.fuzzy_entries()] == []
    # A message defined twice (two people appending the same string) is a fatal error for GNU
    # msgfmt and a silent coin toss for polib: the later translation wins.
    keys = Counter((entry.msgctxt, entry.msgid) for entry in catalogue)
    assert [key for key, n in keys.items() if n > 1] == []
    # Russian has four plural forms here (the header's nplurals): a missing one shows English.
    forms = int(catalogue.metadata["Plural-Forms"].split("nplurals=")[1].split(";")[0])
    short = [e.msgid for e in catalogue if e.msgid_plural and len(e.msgstr_plural) != forms]
    assert short == []


def test_production_collectstatic_builds_the_manifest(tmp_path):
    # The manifest storage follows every url() and sourceMappingURL: a vendored file pointing at a
    # file we did not vendor would break the production image build.
    result = manage(
        "collectstatic",
        "--noinput",
        "-v",
        "0",
        env={**PRODUCTION, "DJANGO_STATIC_ROOT": str(tmp_path)},
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert (tmp_path / "staticfiles.json").exists()
    assert list((tmp_path / "vendor" / "chartjs").glob("chart.umd.min.*.js"))


def _print_settings(expression: str, *, env: dict[str, str]) -> subprocess.CompletedProcess:
    return manage("shell", "-c", f"from django.conf import settings; print({expression})", env=env)


@pytest.mark.parametrize("site_url", ["http://127.0.0.1:8000", "http://127.0.0.1:8000/", " "])
def test_production_refuses_the_development_site_url(site_url):
    result = manage("check", env={**PRODUCTION, "DJANGO_SITE_URL": site_url})
    assert result.returncode != 0
    assert "DJANGO_SITE_URL" in result.stderr


def test_production_links_use_the_configured_site_url():
    result = _print_settings(
        "settings.SITE_URL", env={**PRODUCTION, "DJANGO_SITE_URL": "https://pos.kamgov.example/"}
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "https://pos.kamgov.example"


def _devstack_exec(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SITE_URL", "HOST", "PORT"}}
    return subprocess.run(
        [sys.executable, "scripts/devstack.py", "exec", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


PRINT_SITE_URL = [
    sys.executable,
    "manage.py",
    "shell",
    "-c",
    "from django.conf import settings; print(settings.SITE_URL)",
]


def test_devstack_derives_the_site_url_from_host_and_port():
    result = _devstack_exec(*PRINT_SITE_URL, env={"HOST": "127.0.0.1", "PORT": "8765"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "http://127.0.0.1:8765"


def test_devstack_keeps_a_site_url_that_is_given():
    result = _devstack_exec(
        *PRINT_SITE_URL, env={"PORT": "8765", "DJANGO_SITE_URL": "https://pos.example.ru"}
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "https://pos.example.ru"


# --- Redis database numbers and brokers -----------------------------------------------------------

STORE_AND_QUEUE = (
    "from django.core.cache import cache; from feedback_platform.celery import app; "
    "cache.set('probe', 'x', 60); "
    "app.send_task('appeals.send_pending_notifications', retry=False); print('done')"
)


@pytest.fixture
def own_redis(tmp_path):
    from tests.appeals.background import RedisServer

    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


def _keys_by_db(port: int) -> dict[int, list[str]]:
    import redis

    found = {}
    for db in range(16):
        keys = redis.Redis(port=port, db=db).keys("*")
        if keys:
            found[db] = sorted(key.decode() for key in keys)
    return found


def test_two_installations_on_one_redis_keep_their_queue_and_cache_apart(own_redis):
    for db in (3, 4):
        env = {"DJANGO_DEBUG": "1", "REDIS_URL": f"redis://127.0.0.1:{own_redis.port}/{db}"}
        result = manage("shell", "-c", STORE_AND_QUEUE, env=env)
        assert result.returncode == 0, result.stderr
    keys = _keys_by_db(own_redis.port)
    assert set(keys) == {3, 4}  # nothing in databases 0 and 1
    for db in (3, 4):
        assert "sweeps" in keys[db]  # the task's queue (the relay is a sweep)
        assert any(key.endswith(":probe") for key in keys[db])  # the cache


def test_cache_and_broker_urls_override_redis_url(own_redis):
    base = f"redis://127.0.0.1:{own_redis.port}"
    env = {
        "DJANGO_DEBUG": "1",
        "REDIS_URL": f"{base}/5",
        "CACHE_URL": f"{base}/6",
        "CELERY_BROKER_URL": f"{base}/7",
    }
    result = manage("shell", "-c", STORE_AND_QUEUE, env=env)
    assert result.returncode == 0, result.stderr
    keys = _keys_by_db(own_redis.port)
    assert set(keys) == {6, 7}
    assert "sweeps" in keys[7]
    assert any(key.endswith(":probe") for key in keys[6])


def test_clearing_the_cache_keeps_the_task_queue_in_the_same_database(own_redis):
    env = {"DJANGO_DEBUG": "1", "REDIS_URL": f"redis://127.0.0.1:{own_redis.port}/3"}
    script = STORE_AND_QUEUE + "; cache.clear()"
    result = manage("shell", "-c", script, env=env)
    assert result.returncode == 0, result.stderr
    left = _keys_by_db(own_redis.port)[3]
    assert "sweeps" in left
    assert not [key for key in left if key.endswith(":probe")]


def test_rabbitmq_broker_is_accepted():
    # RabbitMQ runs on the machine (guest/guest): the worker's connection is made, not only parsed.
    script = (
        "from feedback_platform.celery import app; conn = app.connection_for_write(); "
        "conn.ensure_connection(max_retries=1); "
        "print(conn.transport.driver_type, app.conf.broker_transport_options)"
    )
    env = {"DJANGO_DEBUG": "1", "CELERY_BROKER_URL": "amqp://guest:guest@127.0.0.1:5672//"}
    result = manage("shell", "-c", script, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "amqp {}"


def test_a_broker_url_of_another_kind_is_refused():
    result = manage(
        "check", env={"DJANGO_DEBUG": "1", "CELERY_BROKER_URL": "postgres://127.0.0.1/queue"}
    )
    assert result.returncode != 0
    assert "CELERY_BROKER_URL" in result.stderr


# --- Language cookie --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_language_switch_sets_a_lax_cookie_for_a_year(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    cookie = response.cookies["django_language"]
    assert cookie.value == "en"
    assert cookie["samesite"] == "Lax"
    assert cookie["max-age"] == 365 * 24 * 60 * 60


def _compose_environment(given: dict[str, str]) -> dict[str, str]:
    """x-app's environment in docker-compose.yml, interpolated as `docker compose` does."""
    import re

    import yaml

    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    pattern = re.compile(r"\$\{(\w+)(?::([?-])((?:[^{}]|\$\{[^}]*\})*))?\}")

    def interpolate(text: str) -> str:
        def one(match):
            name, kind, rest = match.groups()
            if given.get(name):
                return given[name]
            assert kind != "?", f"docker compose refuses to start without {name}: {rest}"
            return interpolate(rest or "")

        return pattern.sub(one, text)

    return {
        name: interpolate(str(value)) for name, value in compose["x-app"]["environment"].items()
    }


def test_docker_compose_gives_production_everything_it_needs():
    env = _compose_environment(
        {
            "DJANGO_SECRET_KEY": PRODUCTION["DJANGO_SECRET_KEY"],
            "DJANGO_ALLOWED_HOSTS": "pos.kamgov.example",
            "DJANGO_SITE_URL": "https://pos.kamgov.example",
            "POSTGRES_PASSWORD": "secret",
        }
    )
    assert env["DJANGO_DEBUG"] == "0"
    assert env["DJANGO_SITE_URL"] == "https://pos.kamgov.example"
    assert env["DJANGO_CSRF_TRUSTED_ORIGINS"] == "https://pos.kamgov.example"
    result = _print_settings(
        "settings.SITE_URL, settings.CACHES['default']['LOCATION'], settings.CELERY_BROKER_URL",
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == (
        "https://pos.kamgov.example redis://redis:6379/0 redis://redis:6379/0"
    )


def test_docker_compose_refuses_to_start_without_the_site_url():
    with pytest.raises(AssertionError, match="DJANGO_SITE_URL"):
        _compose_environment(
            {
                "DJANGO_SECRET_KEY": "x",
                "DJANGO_ALLOWED_HOSTS": "pos.kamgov.example",
                "POSTGRES_PASSWORD": "secret",
            }
        )


def test_readme_lists_every_environment_variable_the_settings_and_devstack_read():
    import re

    read = set()
    for path in ("feedback_platform/settings.py", "scripts/devstack.py", "scripts/backup.py"):
        source = (ROOT / path).read_text()
        read |= set(
            re.findall(
                r"(?:os\.environ\.get|os\.environ\.setdefault|env_bool|env_list|env\.get|"
                r"env\.setdefault|os\.environ\[|env\[|_value\(env,)\(?\s*\"([A-Z][A-Z0-9_]+)\"",
                source,
            )
        )
    assert {"DJANGO_SITE_URL", "CACHE_URL", "CELERY_BROKER_URL", "HOST", "PORT"} <= read
    assert {"BACKUP_REPO_PATH", "BACKUP_S3_BUCKET"} <= read
    operators = (ROOT / "README.md").read_text().split("## For operators", 1)[1]
    table = operators.split("### Production shape", 1)[0]
    assert sorted(name for name in read if f"`{name}`" not in table) == []


def test_a_replica_url_adds_a_replica_that_tests_mirror_and_none_without_it():
    expression = (
        "sorted(settings.DATABASES), settings.DATABASES.get('replica', {}).get('TEST', {}).get('MIRROR'), "
        "getattr(settings, 'DATABASE_ROUTERS', [])"
    )
    replica = "postgres://reader@replica.internal:5433/feedback"
    result = _print_settings(expression, env={"DJANGO_DEBUG": "1", "DATABASE_REPLICA_URL": replica})
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == (
        "['default', 'replica'] default ['core.replica.ReplicaRouter']"
    )
    result = _print_settings(expression, env={"DJANGO_DEBUG": "1", "DATABASE_REPLICA_URL": ""})
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "['default'] None []"
