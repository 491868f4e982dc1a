"""The rework criteria every installation starts with (issue 16); editable in the admin.

`install` is used by the data migration, the demo loader and tests whose database was emptied."""

CRITERIA = [
    (
        "formal-reply",
        "Формальная отписка без ответа по существу",
        "Ответ не отвечает на поставленные вопросы: укажите, что сделано или будет сделано по "
        "существу обращения, кем и когда.",
    ),
    (
        "no-completion-date",
        "Нет срока выполнения обещанных работ",
        "Ответ обещает работы, но не называет дату их выполнения: укажите срок.",
    ),
    (
        "no-proof-of-work",
        "Нет фото или акта выполненных работ",
        "Ответ сообщает о выполненных работах без подтверждения: приложите фотографию или акт.",
    ),
    (
        "unexplained-legal-reference",
        "Ссылка на норму права без разъяснения",
        "Ответ ссылается на закон или иной акт, не объясняя, что он значит для заявителя: "
        "разъясните простыми словами.",
    ),
    (
        "third-party-personal-data",
        "Персональные данные третьих лиц в ответе",
        "Ответ раскрывает персональные данные других людей (152-ФЗ): уберите их.",
    ),
]


def install(ReworkCriterion) -> int:  # noqa: N803 — the migration passes its historical model
    """Create the standard criteria missing by code; existing ones are never changed."""
    existing = set(ReworkCriterion.objects.values_list("code", flat=True))
    missing = [
        ReworkCriterion(code=code, title=title, explanation=explanation, order=(n + 1) * 10)
        for n, (code, title, explanation) in enumerate(CRITERIA)
        if code not in existing
    ]
    ReworkCriterion.objects.bulk_create(missing)
    return len(missing)
