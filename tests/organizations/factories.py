import factory

from organizations.models import (
    Category,
    Membership,
    Municipality,
    Organization,
    Region,
    RoutingRule,
)
from organizations.validators import inn_check_digits, ogrn_check_digit


def _inn(n: int) -> str:
    prefix = f"41{n:07d}"
    return prefix + inn_check_digits(prefix)


def _ogrn(n: int) -> str:
    prefix = f"10241{n:07d}"
    return prefix + ogrn_check_digit(prefix)


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ["code"]

    code = "41"
    name = "Камчатский край"
    timezone = "Asia/Kamchatka"


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality

    region = factory.SubFactory(RegionFactory)
    name = factory.Sequence(lambda n: f"Муниципальный район № {n}")
    kind = Municipality.Kind.DISTRICT


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Администрация поселения № {n}")
    slug = factory.Sequence(lambda n: f"org-{n}")
    kind = Organization.Kind.MUNICIPAL_ADMINISTRATION
    region = factory.SubFactory(RegionFactory)
    inn = factory.Sequence(_inn)
    ogrn = factory.Sequence(_ogrn)


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    name = factory.Sequence(lambda n: f"Раздел {n}")
    slug = factory.Sequence(lambda n: f"section-{n}")


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    parent = factory.SubFactory(SectionFactory)
    name = factory.Sequence(lambda n: f"Категория {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")
    term_days = 30


class RoutingRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoutingRule

    category = factory.SubFactory(CategoryFactory)
    municipality = factory.SubFactory(MunicipalityFactory)
    region = factory.LazyAttribute(lambda rule: rule.organization.region)
    organization = factory.SubFactory(OrganizationFactory)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    role = Membership.Role.EXECUTOR
    organization = factory.SubFactory(OrganizationFactory)
