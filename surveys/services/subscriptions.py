"""Opt-in notices: new consultations in my municipality, final reports of discussions I commented on."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core.outbox import notify
from surveys.models import Comment, Discussion, Subscription, Survey
from surveys.services.common import audit


@transaction.atomic
def update_subscription(
    *, user, new_in_municipality: bool, discussion_reports: bool
) -> Subscription:
    subscription, _created = Subscription.objects.select_for_update().get_or_create(user=user)
    subscription.new_in_municipality = new_in_municipality
    subscription.discussion_reports = discussion_reports
    subscription.updated_at = timezone.now()
    subscription.save()
    audit(
        actor=user,
        action="surveys.subscription",
        new_in_municipality=new_in_municipality,
        discussion_reports=discussion_reports,
    )
    return subscription


def notify_new_item(*, item, template: str) -> int:
    """Tell the subscribed residents of the item's audience (in-app and e-mail, through the outbox)."""
    residents = get_user_model().objects.filter(
        is_active=True,
        consultation_subscription__new_in_municipality=True,
        municipality__region_id=item.region_id,
    )
    if item.audience == "municipalities":
        residents = residents.filter(municipality__in=item.municipalities.all())
    context = {
        "title": item.title,
        "url": item.get_absolute_url(),
        "organization": item.organization.name,
    }
    count = 0
    for resident in residents.order_by("pk").iterator(chunk_size=500):
        notify(recipient=resident, template=template, context=context)
        count += 1
    return count


def notify_report(*, discussion) -> int:
    """Tell the subscribed authors of the discussion's comments that its final report is out."""
    authors = get_user_model().objects.filter(
        is_active=True,
        consultation_subscription__discussion_reports=True,
        pk__in=Comment.objects.filter(discussion=discussion).values("author_id"),
    )
    context = {
        "title": discussion.title,
        "url": reverse("discussions:report", args=[discussion.pk]),
    }
    count = 0
    for author in authors.order_by("pk"):
        notify(recipient=author, template="discussion_report", context=context)
        count += 1
    return count


TEMPLATES = ((Survey, "survey_published"), (Discussion, "discussion_published"))


def notify_published_consultations(*, batch: int = 20) -> int:
    """The sweep: tell subscribers about newly published, still open items; returns how many items.

    Safe to run twice or concurrently: each item is claimed under a row lock (skip_locked) and
    marked in the same transaction as its notifications, so it is announced exactly once. An item
    that closed before the sweep reached it is not announced.
    """
    done = 0
    for model, template in TEMPLATES:
        while True:
            with transaction.atomic():
                item = (
                    model.objects.select_for_update(skip_locked=True, of=("self",))
                    .select_related("organization")
                    .filter(
                        published_at__isnull=False,
                        audience_notified_at__isnull=True,
                        closes_at__gt=timezone.now(),
                    )
                    .order_by("published_at", "pk")
                    .first()
                )
                if item is None or done >= batch:
                    break
                recipients = notify_new_item(item=item, template=template)
                model.objects.filter(pk=item.pk).update(audience_notified_at=timezone.now())
                audit(
                    actor=None,
                    action=f"{model._meta.model_name}.announce",
                    item=item.pk,
                    recipients=recipients,
                )
                done += 1
    return done
