"""The three regimes the law sets, version 1 each. Which categories and bodies they apply to is
decided by regime rules (admin, or the demo): without a rule an appeal keeps its category's term."""

from datetime import UTC, datetime

from django.db import migrations

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
            "assurance": {"web": "identity", "widget": "identity", "api": "identity", "phone": "never"},
        },
        "fallback": "message",
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


def create(apps, schema_editor):
    Regime = apps.get_model("regimes", "Regime")
    RegimeVersion = apps.get_model("regimes", "RegimeVersion")
    for spec in STANDARD:
        fields = {
            key: value for key, value in spec.items() if key not in {"code", "version", "fallback"}
        }
        regime, created = Regime.objects.get_or_create(code=spec["code"], defaults=fields)
        if created:
            RegimeVersion.objects.create(regime=regime, number=1, **spec["version"])
    for spec in STANDARD:
        if spec.get("fallback"):
            Regime.objects.filter(code=spec["code"], fallback__isnull=True).update(
                fallback=Regime.objects.get(code=spec["fallback"])
            )


class Migration(migrations.Migration):
    dependencies = [("regimes", "0001_regimes")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
