"""The layering of the apps, checked on the source: import circles cannot come back.

core/ is the shared kernel and imports no app of the platform; organizations knows nothing of
appeals or surveys; surveys and partners reach appeals only through its services and selectors;
no app imports the project package (feedback_platform), which imports the apps.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PLATFORM_APPS = {
    "accounts",
    "organizations",
    "places",
    "regimes",
    "outages",
    "appeals",
    "surveys",
    "partners",
    "analytics",
    "citizen_api",
    "demo",
    "feedback_platform",
}
APPS = sorted(PLATFORM_APPS - {"feedback_platform"})


def modules(package: str) -> list[Path]:
    return sorted(path for path in (ROOT / package).rglob("*.py") if "migrations" not in path.parts)


def imported(path: Path) -> set[str]:
    """Every module name the file imports, at any depth (imports inside functions count too)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
            # `from appeals import models` imports appeals.models
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def violations(package: str, refused) -> list[str]:
    return [
        f"{path.relative_to(ROOT)}: {name}"
        for path in modules(package)
        for name in sorted(imported(path))
        if refused(name)
    ]


def top(name: str) -> str:
    return name.split(".", 1)[0]


def test_the_walk_sees_the_modules_and_their_imports():
    assert ROOT / "core" / "outbox.py" in modules("core")
    assert "core.models" in imported(ROOT / "core" / "outbox.py")
    assert "appeals.models" in imported(ROOT / "appeals" / "workflow.py")


def test_core_imports_no_app_of_the_platform():
    assert violations("core", lambda name: top(name) in PLATFORM_APPS) == []


def test_organizations_imports_nothing_from_appeals_or_surveys():
    assert violations("organizations", lambda name: top(name) in {"appeals", "surveys"}) == []


def test_places_imports_only_core_and_organizations_of_the_platform():
    allowed = {"core", "organizations", "places"}
    assert violations("places", lambda name: top(name) in PLATFORM_APPS - allowed) == []


def test_regimes_know_only_the_organizations():
    # The legal rules are reference data: appeals read them, they read nothing of appeals.
    allowed = {"core", "organizations", "regimes"}
    assert violations("regimes", lambda name: top(name) in PLATFORM_APPS - allowed) == []


def test_outages_know_only_the_organizations_and_the_address_registry():
    # Appeals link to outages and show them; outages read nothing of appeals.
    allowed = {"core", "organizations", "places", "outages"}
    assert violations("outages", lambda name: top(name) in PLATFORM_APPS - allowed) == []


def _appeals_internals(name: str) -> bool:
    parts = name.split(".")
    if parts[0] != "appeals":
        return False
    return len(parts) == 1 or parts[1] not in {"services", "selectors"}


@pytest.mark.parametrize("package", ["surveys", "partners"])
def test_surveys_and_partners_reach_appeals_only_through_services_and_selectors(package):
    # `from appeals import services` names appeals and appeals.services: only the second counts.
    def refused(name: str) -> bool:
        return _appeals_internals(name) and name != "appeals"

    assert violations(package, refused) == []


def test_the_citizen_api_calls_no_view_of_the_site():
    # An interface beside the site's views: it shares their services, selectors, forms and limits,
    # never a view (what both need moves out of the view).
    def refused(name: str) -> bool:
        return top(name) in PLATFORM_APPS - {"citizen_api"} and ".views" in name

    assert violations("citizen_api", refused) == []


@pytest.mark.parametrize("package", APPS)
def test_no_app_imports_the_project_package(package):
    assert violations(package, lambda name: top(name) == "feedback_platform") == []


@pytest.mark.parametrize("package", [app for app in APPS if app != "demo"])
def test_no_app_imports_the_demo(package):
    assert violations(package, lambda name: top(name) == "demo") == []
