"""The answer quality gate of the demo (issue 16): the five standard rework criteria, and two
categories whose every answer the regional moderator reviews before release (the others: the
QUALITY_SAMPLE_PERCENT sample). Idempotent like the rest of `load_demo`."""

from organizations.models import Category
from quality.models import ReviewedCategory, ReworkCriterion
from quality.standard import install

# «Отсутствие отопления» and «Протечка кровли»: answers that promise work most often do so
# without a date, and work done without a photo or act.
DEMO_REVIEWED_CATEGORIES = ("no-heating", "roof-leak")


def load_demo_quality(*, leaves: dict[str, Category]) -> str:
    criteria = install(ReworkCriterion)
    reviewed = 0
    for slug in DEMO_REVIEWED_CATEGORIES:
        if slug in leaves:
            _row, created = ReviewedCategory.objects.get_or_create(category=leaves[slug])
            reviewed += created
    return (
        f"Проверка качества ответов: критериев возврата создано {criteria}, "
        f"категорий со сплошной проверкой создано {reviewed}"
    )
