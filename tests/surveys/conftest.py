import pytest

from tests.accounts.factories import UserFactory
from tests.organizations.factories import MunicipalityFactory


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def municipality(region):
    return MunicipalityFactory(region=region, name="Петропавловск-Камчатский городской округ")


@pytest.fixture
def other_municipality(region):
    return MunicipalityFactory(region=region, name="Елизовский муниципальный район")


@pytest.fixture
def resident(municipality):
    """A citizen with a confirmed e-mail living in `municipality`."""
    return UserFactory(
        email="resident@example.ru",
        last_name="Сидорова",
        first_name="Мария",
        municipality=municipality,
    )
