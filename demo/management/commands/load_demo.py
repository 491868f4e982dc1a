"""`manage.py load_demo`: Kamchatka Krai demo data for development and demonstrations.

Creates region 41, its 14 municipalities, 769 organizations, the category tree, routing rules for
every category in every municipality, six demo accounts (password «demo12345»), the production
calendar of this and next year and a year of appeal history (--appeals, 3000 by default; the demo
citizen has appeals in several statuses, the moderator a queue, the demo executor open work).
Idempotent: every object is looked up by its natural key and only missing ones are created,
appeals only while the region has none, so a second run changes nothing and existing objects
(and passwords) are never overwritten.

The command lives in the appeals app because it fills appeals too: `organizations` never imports
`appeals`.

Demo accounts with a known password must never reach production: with DEBUG off the command
refuses to run unless --force is given.
"""

import random
import time
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from appeals.deadlines import fill_calendar
from appeals.models import Appeal, CalendarDay
from demo.appeals import DEFAULT_MIX, generate_appeals
from demo.organizations import data
from demo.organizations.plan import (
    ADMIN_FALLBACK_ROLES,
    BATCH_SIZE,
    OrgSpec,
    build_plan,
    plan_level,
)
from organizations.models import (
    Category,
    Membership,
    Municipality,
    Organization,
    Region,
    RoutingRule,
)
from organizations.validators import ogrn_check_digit
from regimes.models import Regime, RegimeRule, RegimeVersion
from regimes.standard import install as install_standard_regimes

DEFAULT_APPEALS = 3000
DEMO_CITIZEN = "citizen@demo.local"
# The demo citizen's own appeals: one of each stage, including an answer waiting for a rating and
# a question from the organization waiting for a reply. All go to the demo executor's organization.
DEMO_CITIZEN_STATUSES = [
    Appeal.Status.CLOSED,
    Appeal.Status.CLOSED,
    Appeal.Status.CLOSED,
    Appeal.Status.REJECTED,
    Appeal.Status.SUBMITTED,
    Appeal.Status.REGISTERED,
    Appeal.Status.IN_PROGRESS,
    Appeal.Status.IN_PROGRESS,
    Appeal.Status.CLARIFICATION,
    Appeal.Status.ANSWERED,
]
MODERATION_QUEUE = 15  # submitted appeals waiting for the demo moderator


class Command(BaseCommand):
    help = (
        "Load Kamchatka Krai demo data: region 41, municipalities, 769 organizations, categories, "
        "routing rules, demo accounts (password demo12345), the production calendar and a year of "
        "appeals. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when region 41 already exists (used by `make run`).",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even with DEBUG off. Demo accounts have a published password: never in production.",
        )
        parser.add_argument(
            "--appeals",
            type=int,
            default=DEFAULT_APPEALS,
            metavar="N",
            help=f"Appeals to generate while the region has none (default {DEFAULT_APPEALS}; 0: none).",
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "load_demo создаёт демо-аккаунты с общеизвестным паролем и не запускается при "
                "DEBUG=False. Если это точно не боевая база, повторите с --force."
            )
        if options["if_empty"] and Region.objects.filter(code=data.REGION["code"]).exists():
            self.stdout.write(
                f"Регион {data.REGION['code']} уже есть в базе: демо-данные не загружаются (--if-empty)."
            )
            return

        started = time.monotonic()
        with transaction.atomic():
            region = self.load_region()
            municipalities = self.load_municipalities(region)
            plan = build_plan()
            org_ids = self.load_organizations(region, municipalities, plan)
            leaves = self.load_categories()
            self.load_routing(region, municipalities, plan, org_ids, leaves)
            from demo.places import load_demo_registry

            self.stdout.write(load_demo_registry(municipalities=municipalities, org_ids=org_ids))
            self.load_regimes(leaves)
            from demo.quality import load_demo_quality

            self.stdout.write(load_demo_quality(leaves=leaves))
            from demo.reporting import load_demo_classifier

            self.stdout.write(load_demo_classifier(leaves=leaves))
            self.load_accounts(region, municipalities, org_ids)
            # Answer templates and widget origins of the demo head's organization.
            from demo.appeals.staff_tools import load_demo_staff_tools

            self.stdout.write(
                load_demo_staff_tools(organization_id=org_ids[data.CAPITAL_ADMINISTRATION])
            )
            from citizen_api.demo import load_demo_mobile_client

            self.stdout.write(load_demo_mobile_client())
            self.load_calendar()
            self.load_appeals(region, org_ids, options["appeals"])
            from demo.places import link_demo_queue

            self.stdout.write(link_demo_queue(region=region))
            # Polls, a vote and discussions: after the accounts and the generated residents exist.
            from demo.surveys import load_demo_consultations

            created = load_demo_consultations(region=region)
            self.stdout.write(f"Опросы, голосования и обсуждения: {created or 'уже загружены'}")
        self.run_sweeps()
        self.stdout.write(
            self.style.SUCCESS(f"Демо-данные загружены за {time.monotonic() - started:.1f} с.")
        )

    def run_sweeps(self) -> None:
        """The background sweeps once, as the running platform would have: the demo opens with its
        overdue and due-soon marks and the alerts they caused already in place."""
        from appeals.services import sweeps

        for name, sweep in sweeps.SWEEPS.items():
            done = sweeps.run_recorded(name=name, sweep=sweep)
            self.stdout.write(f"Фоновая проверка {name}: обработано {done}")

    def report(self, title: str, total: int, created: int) -> None:
        self.stdout.write(f"{title}: {total} (создано {created})")

    def load_region(self) -> Region:
        region, created = Region.objects.get_or_create(
            code=data.REGION["code"],
            defaults={"name": data.REGION["name"], "timezone": data.REGION["timezone"]},
        )
        self.stdout.write(f"Регион: {region.name} ({region.code}){' — создан' if created else ''}")
        return region

    def load_municipalities(self, region: Region) -> dict[str, Municipality]:
        existing = {m.name: m for m in Municipality.objects.filter(region=region)}
        missing = [
            Municipality(
                region=region,
                name=row["name"],
                kind=row["kind"],
                centre=row["centre"],
                latitude=Decimal(row["lat"]),
                longitude=Decimal(row["lon"]),
            )
            for row in data.MUNICIPALITIES
            if row["name"] not in existing
        ]
        for municipality in Municipality.objects.bulk_create(missing):
            existing[municipality.name] = municipality
        self.report("Муниципальные образования", len(data.MUNICIPALITIES), len(missing))
        return {row["key"]: existing[row["name"]] for row in data.MUNICIPALITIES}

    def load_organizations(
        self, region: Region, municipalities: dict[str, Municipality], plan: list[OrgSpec]
    ) -> dict[str, int]:
        """Create the organizations missing by slug; returns slug → id for the whole plan."""
        by_slug = {spec.slug: spec for spec in plan}
        ids = dict(Organization.objects.filter(slug__in=by_slug).values_list("slug", "id"))
        missing = sorted(
            (s for s in plan if s.slug not in ids), key=lambda s: plan_level(s, by_slug)
        )
        taken_ogrns = set(
            Organization.objects.exclude(ogrn="")
            .exclude(slug__in=by_slug)
            .values_list("ogrn", flat=True)
        )

        created: list[Organization] = []
        buffer: list[Organization] = []
        pending: set[str] = set()

        def flush() -> None:
            before = len(created) // BATCH_SIZE
            for org in Organization.objects.bulk_create(buffer):
                ids[org.slug] = org.pk
                created.append(org)
            buffer.clear()
            pending.clear()
            if len(created) // BATCH_SIZE > before:
                self.stdout.write(f"  … организации: {len(created)} из {len(missing)}")

        for spec in missing:
            if spec.parent in pending:
                flush()  # the parent needs its primary key first
            buffer.append(
                Organization(
                    slug=spec.slug,
                    name=spec.name,
                    short_name=spec.short_name,
                    kind=spec.kind,
                    region=region,
                    parent_id=ids[spec.parent] if spec.parent else None,
                    inn=spec.inn,
                    ogrn=self.free_ogrn(spec, taken_ogrns),
                    address=spec.address,
                    phone=spec.phone,
                )
            )
            pending.add(spec.slug)
            if len(buffer) == BATCH_SIZE:
                flush()
        if buffer:
            flush()

        through = Organization.municipalities.through
        through.objects.bulk_create(
            [
                through(organization_id=org.pk, municipality_id=municipalities[key].pk)
                for org in created
                for key in by_slug[org.slug].municipalities
            ]
        )
        self.report("Организации", len(plan), len(created))
        return ids

    @staticmethod
    def free_ogrn(spec: OrgSpec, taken: set[str]) -> str:
        """The planned OGRN, or a replacement if an organization outside the demo already has it."""
        ogrn, rng = spec.ogrn, random.Random(f"{data.ID_SEED}-{spec.slug}")
        while ogrn in taken:
            prefix = ogrn[:7] + f"{rng.randrange(100_000):05d}"
            ogrn = prefix + ogrn_check_digit(prefix)
        taken.add(ogrn)
        return ogrn

    def load_categories(self) -> dict[str, Category]:
        """Sections and their categories by slug; returns the leaf categories by slug."""
        existing = {c.slug: c for c in Category.objects.filter(slug__in=self.category_slugs())}
        sections = [
            Category(slug=section["slug"], name=section["name"], position=(n + 1) * 10, parent=None)
            for n, section in enumerate(data.CATEGORY_TREE)
            if section["slug"] not in existing
        ]
        existing.update({c.slug: c for c in Category.objects.bulk_create(sections)})
        leaves = []
        for section in data.CATEGORY_TREE:
            for n, (slug, title, term, _local, _fallback, keywords) in enumerate(
                section["children"]
            ):
                if slug in existing:
                    continue
                leaves.append(
                    Category(
                        parent=existing[section["slug"]],
                        slug=slug,
                        name=title,
                        keywords=keywords,
                        regime=Category.Regime.APPEAL,
                        day_count=Category.DayCount.CALENDAR,
                        term_days=term,
                        is_priority=term == data.PRIORITY_TERM_DAYS,
                        requires_work_on_site=slug in data.WORK_ON_SITE,
                        position=n + 1,
                    )
                )
        existing.update({c.slug: c for c in Category.objects.bulk_create(leaves)})
        # Categories of an earlier load get the proof-of-fix flag too (idempotent).
        Category.objects.filter(slug__in=data.WORK_ON_SITE, requires_work_on_site=False).update(
            requires_work_on_site=True
        )
        leaf_count = sum(len(section["children"]) for section in data.CATEGORY_TREE)
        self.stdout.write(
            f"Категории: {len(data.CATEGORY_TREE) + leaf_count} (разделов — {len(data.CATEGORY_TREE)}, "
            f"категорий — {leaf_count}; создано {len(sections) + len(leaves)})"
        )
        return {
            slug: existing[slug]
            for section in data.CATEGORY_TREE
            for slug, *_ in section["children"]
        }

    @staticmethod
    def category_slugs() -> list[str]:
        slugs = []
        for section in data.CATEGORY_TREE:
            slugs.append(section["slug"])
            slugs += [slug for slug, *_ in section["children"]]
        return slugs

    def load_routing(
        self,
        region: Region,
        municipalities: dict[str, Municipality],
        plan: list[OrgSpec],
        org_ids: dict[str, int],
        leaves: dict[str, Category],
    ) -> None:
        """A region-wide fallback and a rule per municipality for every leaf category."""
        handlers: dict[tuple[str, str], str] = {}
        for spec in plan:  # plan order: the first organization with a role handles it
            for key in spec.municipalities:
                for role in spec.roles:
                    handlers.setdefault((key, role), spec.slug)

        def local_handler(key: str, local: str | tuple[str, ...] | None, fallback: str) -> str:
            if local is None:
                return fallback
            roles = (local,) if isinstance(local, str) else local
            for role in roles:
                if role == "admin":
                    return f"adm-{key}"
                if (key, role) in handlers:
                    return handlers[key, role]
            return f"adm-{key}" if roles[-1] in ADMIN_FALLBACK_ROLES else fallback

        has_fallback = set(
            RoutingRule.objects.filter(region=region, municipality__isnull=True).values_list(
                "category_id", flat=True
            )
        )
        has_local = set(
            RoutingRule.objects.filter(municipality__region=region).values_list(
                "category_id", "municipality_id"
            )
        )
        rules, total = [], 0
        for section in data.CATEGORY_TREE:
            for slug, _title, _term, local, fallback, _keywords in section["children"]:
                category = leaves[slug]
                total += 1
                if category.pk not in has_fallback:
                    rules.append(
                        RoutingRule(
                            region=region, category=category, organization_id=org_ids[fallback]
                        )
                    )
                for key, municipality in municipalities.items():
                    total += 1
                    if (category.pk, municipality.pk) in has_local:
                        continue
                    target = local_handler(key, local, fallback)
                    rules.append(
                        RoutingRule(
                            region=region,
                            category=category,
                            municipality=municipality,
                            organization_id=org_ids[target],
                        )
                    )
        RoutingRule.objects.bulk_create(rules)
        self.report("Правила маршрутизации", total, len(rules))

    def load_regimes(self, leaves: dict[str, Category]) -> None:
        """59-FZ for bodies and administrations (any body without a rule of its own), platform
        messages for the pressing categories, the housing rules at management companies.

        The regimes themselves come with the migrations (regimes/migrations/0002); these are
        the demo's rules of which applies where."""
        install_standard_regimes(Regime, RegimeVersion)  # a database emptied since the migration
        regimes = {regime.code: regime for regime in Regime.objects.all()}
        wanted = [(None, "", "59-fz"), (None, Organization.Kind.MANAGEMENT_COMPANY, "housing")]
        wanted += [
            (category, "", "message") for category in leaves.values() if category.is_priority
        ]
        created = 0
        for category, kind, code in wanted:
            _rule, made = RegimeRule.objects.get_or_create(
                category=category, organization_kind=kind, defaults={"regime": regimes[code]}
            )
            created += made
        self.report("Правила выбора режима рассмотрения", len(wanted), created)

    def load_accounts(
        self, region: Region, municipalities: dict[str, Municipality], org_ids: dict[str, int]
    ) -> None:
        from allauth.account.models import EmailAddress

        User = get_user_model()
        home = municipalities[data.DEMO_ACCOUNT_MUNICIPALITY]
        password_hash = None  # hashed once, only if an account is missing (hashing is slow)
        users_created = roles_created = 0
        for account in data.DEMO_ACCOUNTS:
            user = User.objects.filter(email__iexact=account["email"]).first()
            if user is None:
                password_hash = password_hash or make_password(data.DEMO_PASSWORD)
                create = (
                    User.objects.create_superuser
                    if account.get("superuser")
                    else User.objects.create_user
                )
                user = create(
                    account["email"],
                    None,
                    last_name=account["last_name"],
                    first_name=account["first_name"],
                    patronymic=account["patronymic"],
                    phone=account["phone"],
                    postal_address=account["postal_address"],
                    municipality=home,
                )
                user.password = password_hash
                user.save(update_fields=["password"])
                users_created += 1
            if not EmailAddress.objects.filter(user=user, email__iexact=user.email).exists():
                EmailAddress.objects.create(
                    user=user,
                    email=user.email,
                    verified=True,
                    primary=not EmailAddress.objects.filter(user=user, primary=True).exists(),
                )
            if account["role"]:
                scope, value = account["scope"]
                if scope == "organization":
                    where = {"organization_id": org_ids[value], "region": None}
                else:
                    where = {"region": region, "organization": None}
                _membership, created = Membership.objects.get_or_create(
                    user=user, role=account["role"], **where
                )
                roles_created += created
        staff = sum(1 for account in data.DEMO_ACCOUNTS if account["role"])
        self.report("Демо-пользователи", len(data.DEMO_ACCOUNTS), users_created)
        self.report("Роли сотрудников", staff, roles_created)
        logins = ", ".join(account["email"] for account in data.DEMO_ACCOUNTS)
        self.stdout.write(f"  Входы: {logins}; пароль {data.DEMO_PASSWORD}")

    def load_calendar(self) -> None:
        years = [timezone.localdate().year, timezone.localdate().year + 1]
        created = fill_calendar(years=years)
        total = CalendarDay.objects.filter(date__year__in=years).count()
        self.report(
            f"Производственный календарь {years[0]}–{years[1]}, дней-исключений", total, created
        )

    def load_appeals(self, region: Region, org_ids: dict[str, int], count: int) -> None:
        """A year of history, once: nothing is added while the region has appeals."""
        existing = Appeal.objects.filter(region=region).count()
        if existing:
            self.report("Обращения", existing, 0)
            return
        if count <= 0:
            self.stdout.write("Обращения: не создаются (--appeals 0)")
            return
        citizen = get_user_model().objects.get(email__iexact=DEMO_CITIZEN)
        own = DEMO_CITIZEN_STATUSES[:count]
        executor_org = Organization.objects.get(pk=org_ids[data.CAPITAL_ADMINISTRATION])
        created = generate_appeals(
            count=len(own),
            region=region,
            citizens=[citizen],
            statuses=own,
            organization=executor_org,
            seed=data.ID_SEED + 1,
        )
        rest = count - created
        if rest > 0:
            started = time.monotonic()

            def progress(done: int, total: int) -> None:
                self.stdout.write(
                    f"  … обращения: {done} из {total} ({time.monotonic() - started:.1f} с)"
                )

            # A real queue: about 15 appeals submitted in the last days, whatever the total.
            queue = max(MODERATION_QUEUE - own.count(Appeal.Status.SUBMITTED), 0)
            mix = {
                **DEFAULT_MIX,
                Appeal.Status.SUBMITTED: min(queue / rest, DEFAULT_MIX[Appeal.Status.SUBMITTED]),
            }
            created += generate_appeals(
                count=rest, region=region, mix=mix, seed=data.ID_SEED, progress=progress
            )
        self.report("Обращения", created, created)
        self.stdout.write(
            f"  У {DEMO_CITIZEN}: {len(own)}; в очереди модератора: "
            f"{Appeal.objects.filter(region=region, status=Appeal.Status.SUBMITTED).count()}"
        )
