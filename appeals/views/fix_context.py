"""What the citizen's appeal page shows of the proof of fix (no query: the page's answers)."""

from appeals.fix_forms import RefuteFixForm
from appeals.services.fixes import answer_to_verify


def for_citizen(appeal, answers) -> dict:
    answer = answer_to_verify(appeal, answers)
    return {
        "fix_answer": answer,
        "refute_form": RefuteFixForm() if answer is not None else None,
    }
