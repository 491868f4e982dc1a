"""A resident's subscriptions to outages of an area, and the unsubscribe link of every notice.

The link carries a signed token of one subscription: it works from the letter without signing in
(as an e-mail's unsubscribe link must), asks once, and stops that subscription only.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.actions import run_form
from organizations.selectors import request_region
from outages import selectors, services
from outages.forms import SubscriptionForm


def _page(request, form, *, status=200):
    subscriptions = [
        (subscription, selectors.unsubscribe_token(subscription))
        for subscription in selectors.subscriptions_of(user=request.user)
    ]
    return render(
        request,
        "outages/subscriptions.html",
        {"form": form, "subscriptions": subscriptions},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def subscriptions(request):
    region = request_region(request)
    if request.method != "POST":
        form = SubscriptionForm(
            region=region, initial={"municipality": request.user.municipality_id}
        )
        return _page(request, form)

    def subscribed(subscription):
        messages.success(
            request,
            _("Subscribed: you will be told of new outages for «%(area)s».")
            % {
                "area": subscription.house.label
                if subscription.house
                else subscription.municipality
            },
        )
        return redirect("outages:subscriptions")

    return run_form(
        request,
        SubscriptionForm(request.POST, region=region),
        action=lambda data: services.subscribe(
            user=request.user, municipality=data["municipality"], house=data["house"]
        ),
        success=subscribed,
        failure=lambda form: _page(request, form, status=400),
    )


@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    subscription = selectors.subscription_by_token(token)
    if request.method == "POST" and subscription is not None:
        services.unsubscribe(subscription_id=subscription.pk)
        messages.success(request, _("You are unsubscribed: no more notices for this area."))
        if request.user.is_authenticated:
            return redirect("outages:subscriptions")
        return redirect("outages:list")
    return render(
        request,
        "outages/unsubscribe.html",
        {"subscription": subscription, "token": token},
    )
