"""The background health page of the platform admin: sweeps, the outbox, failed deliveries."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from appeals import notices
from appeals.selectors import health
from core import outbox
from core.decorators import role_required
from core.input import parse_pks
from organizations import permissions

admin_required = role_required(permissions.is_platform_admin)


@admin_required
@require_GET
def background(request):
    failed = health.with_addresses(
        outbox.with_subjects(
            Paginator(health.failed_notifications(), 50).get_page(request.GET.get("page"))
        )
    )
    return render(
        request,
        "appeals/health.html",
        {
            "sweeps": health.sweep_status(),
            "outbox": health.outbox_status(),
            "marks": health.overdue_marks(),
            "page": failed,
        },
    )


@admin_required
@require_POST
def retry(request):
    ids = parse_pks(request.POST.getlist("notification"))
    if request.POST.get("all") == "1":
        ids = list(health.failed_notifications().values_list("pk", flat=True)[:10000])
    count = notices.retry_failed(actor=request.user, notification_ids=ids)
    messages.success(
        request,
        ngettext(
            "%(count)s notice will be sent again.", "%(count)s notices will be sent again.", count
        )
        % {"count": count},
    )
    return redirect("background_health")
