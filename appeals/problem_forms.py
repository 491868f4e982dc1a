"""Forms of the public problems: the filter of /problems/ and the moderator's public-text check."""

from django import forms
from django.utils.translation import gettext_lazy as _

from appeals.models import TEXT_MAX_LENGTH, Appeal
from appeals.selectors.public import PUBLIC_STATUSES, ProblemFilters
from core.fields import InMemoryModelChoiceField
from core.input import BoundedDateField
from organizations.models import Category, Municipality
from organizations.selectors import leaf_category_list, region_municipalities, section_list


def _sections_and_categories() -> list[Category]:
    """Each section (all its categories), then its categories."""
    children: dict[int, list[Category]] = {}
    for category in leaf_category_list():
        children.setdefault(category.parent_id, []).append(category)
    rows = []
    for section in section_list():
        rows.append(section)
        rows.extend(children.get(section.pk, []))
    return rows


def _category_label(category: Category) -> str:
    return category.name if category.parent_id is None else f"— {category.name}"


class ProblemFilterForm(forms.Form):
    """A GET filter: every field optional; a bad value is reported and that filter left out."""

    category = InMemoryModelChoiceField(
        queryset=Category.objects.none(),
        required=False,
        label=_("Category"),
        empty_label=_("— all categories —"),
    )
    municipality = InMemoryModelChoiceField(
        queryset=Municipality.objects.none(),
        required=False,
        label=_("Municipality"),
        empty_label=_("— all —"),
    )
    status = forms.ChoiceField(
        required=False,
        label=_("Status"),
        choices=[
            ("", _("— any —")),
            *[(status.value, status.label) for status in PUBLIC_STATUSES],
        ],
    )
    date_from = BoundedDateField(
        required=False, label=_("Filed from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = BoundedDateField(
        required=False, label=_("Filed until"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, region=None, **kwargs):
        kwargs.setdefault("auto_id", "filter_%s")
        super().__init__(*args, **kwargs)
        self.region = region
        self.fields["category"].set_objects(_sections_and_categories())
        self.fields["category"].label_from_instance = _category_label
        self.fields["municipality"].set_objects(region_municipalities(region=region))

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end of the period is before its start."))
        return cleaned

    def filters(self) -> ProblemFilters:
        """The valid part of the filter (call after is_valid())."""
        data = getattr(self, "cleaned_data", {})
        valid = {name: data.get(name) for name in self.fields if name not in self.errors}
        category, municipality = valid.get("category"), valid.get("municipality")
        return ProblemFilters(
            region_id=self.region.pk if self.region is not None else None,
            category_id=category.pk if category else None,
            municipality_id=municipality.pk if municipality else None,
            status=valid.get("status") or "",
            date_from=valid.get("date_from"),
            date_to=valid.get("date_to"),
        )


class PublicTextForm(forms.Form):
    text = forms.CharField(
        label=_("Public text"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Shown on the public page of the problem. Remove personal data of other people: "
            "names, phone numbers, flat numbers, car plates. The author's name and contacts are "
            "never shown."
        ),
    )

    def __init__(self, *args, appeal: Appeal | None = None, **kwargs):
        kwargs.setdefault("auto_id", "id_public_%s")
        super().__init__(*args, **kwargs)
        if appeal is not None and not self.is_bound:
            self.initial["text"] = appeal.public_text or appeal.text


class WithholdTextForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the text is not published"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_withhold_%s")
        super().__init__(*args, **kwargs)
