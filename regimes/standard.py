"""The three regimes the law sets, version 1 each (installed by migration 0002, and again by the
demo and the tests on a database that was emptied). Which categories and bodies they apply to is
decided by regime rules: without a rule an appeal keeps its category's own term."""

from datetime import UTC, datetime

ALL_OUTCOMES = ["supported", "measures_taken", "explained", "not_supported"]
STANDARD = [
    {
        "code": "59-fz",
        "name": "Обращение по Федеральному закону № 59-ФЗ",
        "short_name": "59-ФЗ",
        "kind": "appeal",
        "description": (
            "Обращение гражданина: регистрация в течение 3 дней, ответ по существу в течение "
            "30 дней со дня регистрации; срок может быть продлён не более чем на 30 дней с "
            "уведомлением."
        ),
        "version": {
            "valid_from": datetime(2006, 5, 2, tzinfo=UTC),
            "registration_days": 3,
            "answer_days": 30,
            "day_count": "calendar",
            "extension_allowed": True,
            "extension_max_days": 30,
            "forwarding_days": 7,
            "outcomes": ALL_OUTCOMES,
            "notices": ["registered", "forwarded", "extended", "answered"],
            "signer": "head",
            # 547-FZ (in force 30.03.2025): an electronic appeal from an identified person only;
            # a phone call is not a 59-FZ channel at all. Paper letters and visits: staff check.
            "assurance": {
                "web": "identity",
                "widget": "identity",
                "api": "identity",
                "phone": "never",
            },
        },
        "fallback": "message",
        # Later versions: the first one's rules with these changes (regimes/migrations/0003).
        "amendments": [
            {
                # 59-FZ art. 11: the citizen is told when the appeal is left without an answer, as
                # of registration, forwarding, extension and the answer. The same law since 2006:
                # in force from the same day, so every appeal registered from now on has it.
                "number": 2,
                "notices": ["registered", "forwarded", "extended", "answered", "left_unanswered"],
            }
        ],
    },
    {
        "code": "message",
        "name": "Сообщение платформы обратной связи",
        "short_name": "Сообщение",
        "kind": "message",
        "description": (
            "Сообщение о проблеме: ответ в течение 10 дней; не является обращением по 59-ФЗ."
        ),
        "version": {
            "valid_from": datetime(2020, 1, 1, tzinfo=UTC),
            "registration_days": 1,
            "answer_days": 10,
            "day_count": "calendar",
            "extension_allowed": False,
            "extension_max_days": 10,
            "forwarding_days": 3,
            "outcomes": ["measures_taken", "explained", "not_supported"],
            "notices": ["registered", "answered"],
            "signer": "executor",
        },
    },
    {
        "code": "housing",
        "name": "Правила управления многоквартирными домами",
        "short_name": "Жилищные",
        "kind": "housing",
        "description": (
            "Обращение к управляющей организации: ответ в течение 10 рабочих дней "
            "(Правила, утв. постановлением Правительства РФ № 416)."
        ),
        "version": {
            "valid_from": datetime(2013, 5, 15, tzinfo=UTC),
            "registration_days": 1,
            "answer_days": 10,
            "day_count": "working",
            "extension_allowed": False,
            "extension_max_days": 10,
            "forwarding_days": 3,
            "outcomes": ALL_OUTCOMES,
            "notices": ["registered", "answered"],
            "signer": "head",
        },
    },
]


def install(Regime, RegimeVersion) -> None:  # noqa: N803 — the migration passes its historical models
    """Create the standard regimes that are missing (idempotent). Only the fields the given models
    have are written, so the migration's historical models keep working as the data grows."""
    regime_fields = {f.name for f in Regime._meta.get_fields()}
    version_fields = {f.name for f in RegimeVersion._meta.get_fields()}
    for spec in STANDARD:
        fields = {
            key: value
            for key, value in spec.items()
            if key in regime_fields and key not in {"code", "fallback"}
        }
        regime, created = Regime.objects.get_or_create(code=spec["code"], defaults=fields)
        if created:
            version = {k: v for k, v in spec["version"].items() if k in version_fields}
            RegimeVersion.objects.create(regime=regime, number=1, **version)
        install_amendments(RegimeVersion, regime, spec)
    for spec in STANDARD:
        if spec.get("fallback"):
            Regime.objects.filter(code=spec["code"], fallback__isnull=True).update(
                fallback=Regime.objects.get(code=spec["fallback"])
            )


def install_amendments(RegimeVersion, regime, spec) -> None:  # noqa: N803 — historical model
    """Create the later versions of a standard regime that are missing (idempotent): the first
    version's rules with the amendment's changes. A regime whose first version was changed by an
    administrator keeps it; the amendment starts from the law's text (STANDARD)."""
    version_fields = {f.name for f in RegimeVersion._meta.get_fields()}
    for amendment in spec.get("amendments", ()):
        if RegimeVersion.objects.filter(regime=regime, number=amendment["number"]).exists():
            continue
        rules = {**spec["version"], **amendment}
        RegimeVersion.objects.create(
            regime=regime, **{k: v for k, v in rules.items() if k in version_fields}
        )
