"""The embeddable widget: `/widget.js` (the loader an organization pastes into its site) and
`/widget/<slug>/` (the compact filing form it opens in a frame, or in a new window).

The frame may be embedded only by the organization's own sites (CSP `frame-ancestors` from
Organization.widget_origins; every other page keeps `frame-ancestors 'none'`). A frame on another
site gets the citizen's session only when the session cookie is SameSite=None (and the browser
allows third-party cookies, or grants storage access); otherwise the frame shows no form but a
link that opens it in a new window, where the citizen signs in as usual.
"""

import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_GET, require_http_methods
from django_ratelimit.decorators import ratelimit

from appeals import selectors, services
from appeals.models import Appeal
from appeals.selectors.widget import get_widget_organization
from appeals.widget_forms import WidgetAppealForm
from core.actions import attempt


def _filing_rate(group, request) -> str:
    return settings.APPEAL_FILING_RATE


@require_GET
@cache_control(public=True, max_age=3600)
def loader(request):
    """The loader script: no dependencies, a button and a dialog with the form in a frame."""
    return render(
        request, "appeals/widget/loader.js", content_type="text/javascript; charset=utf-8"
    )


def _is_framed(request) -> bool:
    return request.GET.get("embed") == "1" or request.headers.get("Sec-Fetch-Dest") == "iframe"


def _frame_policy(response, organization):
    """Let the organization's own sites (and only them) show this page in a frame."""
    response._csp_replace = {"frame-ancestors": organization.embedding_origins or ["'none'"]}
    return response


@xframe_options_exempt
@require_http_methods(["GET", "POST"])
@ratelimit(key="user_or_ip", rate=_filing_rate, method="POST", block=False)
def widget_form(request, slug: str):
    organization = get_widget_organization(slug=slug)
    framed = _is_framed(request)
    here = reverse("widget_form", kwargs={"slug": organization.slug})
    context = {
        "organization": organization,
        "framed": framed,
        "window_url": here,
        "frame_session": settings.SESSION_COOKIE_SAMESITE == "None",
    }
    user = request.user
    if not user.is_authenticated or not user.has_answer_details:
        if not framed:
            # A window of its own: sign in (or complete the profile) and come back to the form.
            if not user.is_authenticated:
                return redirect_to_login(here)
            messages.info(
                request,
                _("Before filing an appeal, fill in your name and an address for the answer."),
            )
            return redirect(f"{reverse('accounts:profile')}?{urlencode({'next': here})}")
        context["needs_profile"] = user.is_authenticated
        return _frame_policy(render(request, "appeals/widget/sign_in.html", context), organization)

    done = request.GET.get("done", "")
    if request.method == "GET" and done:
        appeal = selectors.citizen_appeals(user=user).filter(number=done).first()
        if appeal is not None:
            return _frame_policy(
                render(request, "appeals/widget/done.html", {**context, "appeal": appeal}),
                organization,
            )

    if request.method == "GET":
        form = WidgetAppealForm(
            organization=organization,
            initial={"idempotency_key": uuid.uuid4(), "municipality": user.municipality_id},
        )
        return _frame_policy(
            render(request, "appeals/widget/form.html", {**context, "form": form}), organization
        )

    form = WidgetAppealForm(request.POST, organization=organization)
    status = 400
    if getattr(request, "limited", False):
        form.is_valid()
        form.add_error(
            None,
            _(
                "You have filed many appeals in a short time. Please try again in an hour; your text is kept below."
            ),
        )
        status = 429
    elif form.is_valid():
        data = form.cleaned_data
        outcome = attempt(
            lambda: services.submit_appeal(
                citizen=user,
                category=data["category"],
                municipality=data["municipality"],
                address=data["address"],
                house=data["house"],
                text=data["text"],
                idempotency_key=data["idempotency_key"],
                channel=Appeal.Channel.WIDGET,
            ),
            form=form,
        )
        if outcome.ok:
            query = {"done": outcome.value.number, **({"embed": "1"} if framed else {})}
            return _frame_policy(redirect(f"{here}?{urlencode(query)}"), organization)
    response = render(request, "appeals/widget/form.html", {**context, "form": form}, status=status)
    return _frame_policy(response, organization)
