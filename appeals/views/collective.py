"""A collective appeal (59-FZ art. 4): the author's join link and choice of representative, the
co-signer's signature through the link, their read-only page and the withdrawal of a signature."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from appeals import selectors
from appeals.collective_forms import CosignForm, RepresentativeForm
from appeals.models import CoSigner
from appeals.selectors import collective as collective_selectors
from appeals.services import collective
from appeals.views.citizen import _detail_context
from core.actions import attempt, report_outcome
from core.errors import DomainError


@login_required
@require_POST
def collect_signatures(request, number: str):
    """The author makes the appeal collective; its page then shows the link to share."""
    appeal = selectors.get_appeal_for_citizen(user=request.user, number=number)
    report_outcome(
        request,
        lambda: collective.collect_signatures(citizen=request.user, appeal_id=appeal.pk),
        success=_(
            "The appeal is collective: share the link below with those who sign it with you."
        ),
    )
    return redirect(appeal)


@login_required
@require_POST
def choose_representative(request, number: str):
    appeal = selectors.get_appeal_for_citizen(user=request.user, number=number)
    cosigners = collective_selectors.signers(appeal=appeal)
    form = RepresentativeForm(request.POST, author=request.user, cosigners=cosigners)
    if form.is_valid():
        outcome = attempt(
            lambda: collective.choose_representative(
                citizen=request.user, appeal_id=appeal.pk, cosigner_id=form.cosigner_id()
            ),
            form=form,
            field="representative",
        )
        if outcome.ok:
            messages.success(request, _("The representative of the signers is saved."))
            return redirect(appeal)
    context = _detail_context(appeal)
    context["representative_form"] = form
    return render(request, "appeals/detail.html", context, status=400)


def _join_page(request, appeal, *, form=None, status=200):
    user = request.user
    signature = CoSigner.objects.filter(appeal=appeal, citizen=user).first()
    context = {
        "appeal": appeal,
        "signature": signature,
        "own": appeal.citizen_id == user.pk,
        "closed": appeal.status != appeal.Status.SUBMITTED,
        "may_sign": collective.may_sign(user),
        "form": form or CosignForm(),
    }
    if context["closed"] and signature is None and not context["own"]:
        # Past registration nobody new signs: the page says so, and shows nothing of the appeal.
        context["closed_message"] = collective.SigningClosed(appeal).message
        status = 403
    return render(request, "appeals/collective/join.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def join(request, token: str):
    """The join link: the appeal to sign, and the signature (a plain form, no JavaScript)."""
    try:
        appeal = collective.collective_by_token(token)
    except DomainError:
        raise Http404 from None
    if request.method == "GET":
        return _join_page(request, appeal)
    form = CosignForm(request.POST)
    if form.is_valid():
        outcome = attempt(
            lambda: collective.cosign_appeal(
                citizen=request.user, token=token, wants_copy=form.cleaned_data["wants_copy"]
            ),
            form=form,
        )
        if outcome.ok:
            messages.success(
                request,
                _(
                    "You have signed collective appeal %(number)s. It is in your cabinet among "
                    "the appeals you signed."
                )
                % {"number": appeal.number},
            )
            return redirect("appeals:cosigned", number=appeal.number)
    appeal.refresh_from_db()
    return _join_page(request, appeal, form=form, status=400)


@login_required
@require_GET
def cosigned(request, number: str):
    """The co-signer's page of the appeal: read-only (withdrawing and rating are the author's)."""
    appeal = collective_selectors.get_cosigned_appeal(user=request.user, number=number)
    return render(request, "appeals/collective/cosigned.html", {"appeal": appeal})


@login_required
@require_POST
def withdraw_signature(request, number: str):
    appeal = collective_selectors.get_cosigned_appeal(user=request.user, number=number)
    withdrawn = report_outcome(
        request,
        lambda: collective.withdraw_signature(citizen=request.user, appeal_id=appeal.pk),
        success=_("Your signature under appeal %(number)s is withdrawn.")
        % {"number": appeal.number},
    )
    if not withdrawn:
        return redirect("appeals:cosigned", number=number)
    return redirect("appeals:list")
