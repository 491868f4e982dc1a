"""The thematic classifier: loading an edition, mapping categories, the heading an appeal carries."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from appeals import services
from appeals.models import Appeal
from core.errors import DomainError
from reporting.models import Topic
from reporting.services import map_categories
from tests.appeals.factories import world_appeal
from tests.organizations.factories import CategoryFactory

pytestmark = pytest.mark.django_db
S = Appeal.Status


def _load(tmp_path, text: str, *args) -> str:
    path = tmp_path / "classifier.csv"
    path.write_text(text, encoding="utf-8")
    out = io.StringIO()
    call_command("import_classifier", str(path), *args, stdout=out)
    return out.getvalue()


EDITION = (
    "\ufeffкод;наименование\n"
    "0005;Жилищно-коммунальная сфера\n"
    "0005.0005;Жилище\n"
    "0005.0005.0056;Коммунальное хозяйство\n"
    "0005.0005.0056.1153;Перебои в электроснабжении\n"
    "0005.0005.0056.1155;Перебои в водоснабжении\n"
)


def test_an_edition_loads_with_its_hierarchy_and_a_new_one_updates_and_retires(tmp_path):
    assert "создано 5" in _load(tmp_path, EDITION)
    question = Topic.objects.get(code="0005.0005.0056.1153")
    assert question.parent.code == "0005.0005.0056" and question.parent.parent.parent.code == "0005"
    assert question.level == 4 and question.section_code == "0005"
    assert "создано 0, обновлено 0" in _load(tmp_path, EDITION)  # loading twice changes nothing
    renamed = EDITION.replace("Перебои в водоснабжении\n", "Перебои в холодном водоснабжении\n")
    renamed = renamed.replace("0005.0005.0056.1153;Перебои в электроснабжении\n", "")
    out = _load(tmp_path, renamed, "--deactivate-missing")
    assert "обновлено 1" in out and "выведено из редакции 1" in out
    assert Topic.objects.get(code="0005.0005.0056.1155").name == "Перебои в холодном водоснабжении"
    assert not Topic.objects.get(code="0005.0005.0056.1153").is_active  # kept for its appeals


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("code,name\n0005.0005.0056.1153,Перебои\n", "нет вышестоящей рубрики «0005.0005.0056»"),
        ("code;name\n5.5.56;Перебои\n", "Строка 2: «5.5.56» — не код классификатора"),
        ("code;name\n0005;\n", "Строка 2: нужны код и наименование"),
        ("рубрика;текст\n0005;ЖКХ\n", "В первой строке должны быть названия столбцов"),
    ],
)
def test_a_bad_file_is_refused_with_the_line_and_nothing_is_loaded(tmp_path, text, message):
    with pytest.raises(CommandError, match=message):
        _load(tmp_path, text)
    assert not Topic.objects.exists()


def test_registration_gives_the_appeal_its_categorys_heading(client, tmp_path, world):
    _load(tmp_path, EDITION)
    map_categories(mapping={world.category.pk: "0005.0005.0056.1155"})
    appeal = world_appeal(world, S.SUBMITTED)
    services.accept_appeal(moderator=world.moderator, appeal_id=appeal.pk)
    appeal.refresh_from_db()
    assert appeal.topic.code == "0005.0005.0056.1155"
    client.force_login(world.executor)
    page = client.get(reverse("staff:appeal", args=[appeal.number])).content.decode()
    assert (
        "Рубрика классификатора" in page and "0005.0005.0056.1155 Перебои в водоснабжении" in page
    )
    other = CategoryFactory(parent=world.category.parent)
    unmapped = world_appeal(world, S.SUBMITTED, category=other)
    services.accept_appeal(
        moderator=world.moderator, appeal_id=unmapped.pk, organization=world.organization
    )
    unmapped.refresh_from_db()
    assert unmapped.topic is None  # reported «without a classifier heading» until mapped


def test_a_section_cannot_be_mapped(tmp_path, world):
    _load(tmp_path, EDITION)
    with pytest.raises(DomainError):
        map_categories(mapping={world.category.parent_id: "0005.0005.0056.1155"})
