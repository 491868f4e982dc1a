import pytest
from django.db import IntegrityError

from accounts.models import User
from tests.organizations.factories import MunicipalityFactory


@pytest.mark.django_db
def test_email_is_the_login_and_is_stored_lowercase():
    user = User.objects.create_user("Ivan.Petrov@Example.RU", "s3cret-pass-41")
    assert user.email == "ivan.petrov@example.ru"
    assert user.check_password("s3cret-pass-41")
    assert not user.is_staff and not user.is_superuser


@pytest.mark.django_db
def test_email_is_unique_whatever_its_case():
    User.objects.create_user("anna@example.ru", "x")
    with pytest.raises(IntegrityError):
        User.objects.create(email="ANNA@example.ru")


@pytest.mark.django_db
def test_full_name_is_surname_name_patronymic():
    user = User(
        email="a@example.ru", last_name="Иванова", first_name="Анна", patronymic="Сергеевна"
    )
    assert user.get_full_name() == "Иванова Анна Сергеевна"
    assert str(user) == "Иванова Анна Сергеевна"


@pytest.mark.django_db
def test_display_timezone_follows_the_region_of_residence():
    municipality = MunicipalityFactory(region__timezone="Asia/Kamchatka")
    user = User.objects.create_user("r@example.ru", "x", municipality=municipality)
    assert User.objects.get(pk=user.pk).display_timezone == "Asia/Kamchatka"
    assert User(email="n@example.ru").display_timezone is None


def test_initials_name_for_lists():
    assert (
        User(
            email="a@example.ru",
            last_name="Петров",
            first_name="Дмитрий",
            patronymic="Александрович",
        ).get_initials_name()
        == "Петров Д. А."
    )
    assert User(email="a@example.ru").get_initials_name() == "a@example.ru"
