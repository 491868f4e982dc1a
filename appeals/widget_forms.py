"""The compact filing form of the embeddable widget: the site's form, narrowed to one organization."""

from django import forms
from django.utils.translation import gettext_lazy as _

from appeals.forms import AppealForm, term_label
from appeals.selectors.widget import widget_categories, widget_municipalities


class WidgetAppealForm(AppealForm):
    """Only the organization's categories and municipalities; no section filter, no uploads, no map
    and no htmx helpers (the frame stays small and works the same without JavaScript)."""

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, region=organization.region, **kwargs)
        del self.fields["section"]
        del self.fields["files"]
        # the frame has no «no exact address» path: an address is required as before
        del self.fields["no_exact_address"]
        del self.fields["place_description"]
        self.fields["address"].required = True
        # No map and no public problems in the frame: a widget appeal stays a private letter.
        # The answer is read in the cabinet (the frame's form has no e-mail choice).
        # The frame's organization is the addressee; its officials are on its public page.
        for name in ("latitude", "longitude", "is_public", "answer_by_email", "addressee"):
            del self.fields[name]
        self.categories = list(widget_categories(organization=organization))
        groups: dict[str, list] = {}
        for category in self.categories:
            groups.setdefault(category.parent.name, []).append(
                (category.pk, f"{category.name} — {term_label(category)}")
            )
        self.fields["category"].choices = [("", _("— choose a category —")), *groups.items()]
        self.fields["municipality"].queryset = widget_municipalities(organization=organization)
        for name in ("category", "text", "address"):
            attrs = self.fields[name].widget.attrs
            for attribute in [a for a in attrs if a.startswith(("hx-", "data-hx-"))]:
                del attrs[attribute]
        self.fields["text"].widget.attrs["rows"] = 5

    def clean_category(self):
        chosen = self.cleaned_data["category"]
        category = next((category for category in self.categories if category.pk == chosen), None)
        if category is None:
            raise forms.ValidationError(_("Choose a category from the list."))
        return category
