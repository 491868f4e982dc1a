"""The answer as a printable letter (PDF): for a paper letter's answer by post, and for any
citizen who wants it on paper. The organization's details, the addressee, who signed."""

from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _

from appeals.models import Answer, Appeal
from appeals.services.common import local_date
from core.letters import Letter, render_pdf
from core.regions import site_url
from organizations.selectors import region_code_of


def answer_letter(*, appeal: Appeal, answer: Answer) -> Letter:
    organization = answer.organization
    details = [
        organization.name,
        organization.address,
        " ".join(
            part
            for part in (
                organization.inn and _("INN %(inn)s") % {"inn": organization.inn},
                organization.ogrn and _("OGRN %(ogrn)s") % {"ogrn": organization.ogrn},
            )
            if part
        ),
        " · ".join(part for part in (organization.phone, organization.email) if part),
    ]
    citizen = appeal.citizen
    addressee = [citizen.get_full_name() or citizen.email]
    if citizen.postal_address:
        addressee.append(citizen.postal_address)
    elif citizen.can_receive_email:
        addressee.append(citizen.email)
    signer = answer.signed_by or answer.author
    position = (
        _("Head of the organization") if answer.signed_by_id else _("Executor")
    )  # the signer the regime names, or the executor where none is named
    return Letter(
        title=_("Answer to appeal %(number)s") % {"number": appeal.number},
        sender_lines=[line for line in details if line],
        addressee_lines=addressee,
        date_line=_("%(date)s to appeal No. %(number)s")
        % {"date": local_date(appeal, answer.created_at), "number": appeal.number},
        subject=_("Answer to your appeal No. %(number)s of %(date)s")
        % {"number": appeal.number, "date": local_date(appeal, appeal.submitted_at)},
        body=answer.text
        + (
            "\n\n"
            + _("Result of the review: %(outcome)s.") % {"outcome": answer.get_outcome_display()}
            if answer.outcome
            else ""
        ),
        signature=[(position, signer.get_initials_name())],
        footer_lines=[
            _("Executor: %(name)s") % {"name": answer.author.get_initials_name()},
            _("The appeal and its history: %(path)s")
            % {
                "path": site_url(region_code=region_code_of(region_id=appeal.region_id))
                + appeal.get_absolute_url()
            },
        ],
    )


def letter_response(*, appeal: Appeal, answer_id: int) -> HttpResponse:
    """The PDF of one of `appeal`'s answers (from its prefetched answers); another id is a 404."""
    answer = next((a for a in appeal.answers.all() if a.pk == answer_id), None)
    if answer is None:
        raise Http404
    response = HttpResponse(
        render_pdf(answer_letter(appeal=appeal, answer=answer)), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="answer-{appeal.number}.pdf"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
