"""Forms of a collective appeal: a co-signer's signature, the author's choice of representative."""

from django import forms
from django.utils.translation import gettext_lazy as _

from appeals.forms import CONSENT_TEXT

AUTHOR = "author"


class CosignForm(forms.Form):
    wants_copy = forms.BooleanField(
        label=_("Send me a copy of the answer"),
        required=False,
        help_text=_(
            "The answer is addressed to the representative of the signers; with this ticked you "
            "receive a copy too, in your cabinet and by e-mail."
        ),
    )
    consent = forms.BooleanField(label=CONSENT_TEXT, required=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consent"].error_messages["required"] = _(
            "Without consent to personal data processing your signature cannot be added."
        )


class RepresentativeForm(forms.Form):
    """The representative among the signers: the author or one of the co-signers."""

    representative = forms.ChoiceField(label=_("Representative of the signers"))

    def __init__(self, *args, author=None, cosigners=(), **kwargs):
        super().__init__(*args, **kwargs)
        author_name = author.get_initials_name() if author is not None else ""
        self.fields["representative"].choices = [
            (AUTHOR, _("%(name)s (the author)") % {"name": author_name}),
            *(
                (str(signature.pk), signature.citizen.get_initials_name())
                for signature in cosigners
            ),
        ]
        self.fields["representative"].help_text = _(
            "The answer is addressed to the representative; co-signers who asked get a copy."
        )
        chosen = next((s for s in cosigners if s.is_representative), None)
        self.fields["representative"].initial = str(chosen.pk) if chosen else AUTHOR
        self.fields["representative"].error_messages["invalid_choice"] = _(
            "Choose the representative among the signers of the appeal."
        )

    def cosigner_id(self) -> int | None:
        value = self.cleaned_data["representative"]
        return None if value == AUTHOR else int(value)
