"""Start-up and deployment checks, run in fresh processes with production-like environments."""

import os
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "x7!" + "k" * 60 + "production-like-secret",
    "DJANGO_ALLOWED_HOSTS": "pos.kamgov.example",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://pos.kamgov.example",
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


@pytest.mark.parametrize("missing", ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS"])
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
