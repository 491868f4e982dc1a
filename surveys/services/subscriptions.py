"""Opt-in notices: new consultations in my municipality, final reports of discussions I commented on."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from appeals.notifications import notify
from surveys.models import Comment, Subscription
from surveys.services.common import audit


@transaction.atomic
def update_subscription(*, user, new_in_municipality: bool, discussion_reports: bool) -> Subscription:
    subscription, _created = Subscription.objects.select_for_update().get_or_create(user=user)
    subscription.new_in_municipality = new_in_municipality
    subscription.discussion_reports = discussion_reports
    subscription.updated_at = timezone.now()
    subscription.save()
    audit(actor=user, action="surveys.subscription", new_in_municipality=new_in_municipality,
          discussion_reports=discussion_reports)
    return subscription


def _item_url(item) -> str:
    return item.get_absolute_url()


def notify_new_item(*, item, template: str) -> int:
    """Tell subscribed residents of the item's audience; call inside the publishing transaction."""
    residents = get_user_model().objects.filter(
        is_active=True, consultation_subscription__new_in_municipality=True,
        municipality__region_id=item.region_id,
    )
    if item.audience == "municipalities":
        residents = residents.filter(municipality__in=item.municipalities.all())
    context = {"title": item.title, "url": _item_url(item), "organization": item.organization.name}
    count = 0
    for resident in residents.order_by("pk").iterator(chunk_size=500):
        notify(recipient=resident, template=template, context=context)
        count += 1
    return count


def notify_report(*, discussion) -> int:
    """Tell the subscribed authors of the discussion's comments that its final report is out."""
    authors = get_user_model().objects.filter(
        is_active=True, consultation_subscription__discussion_reports=True,
        pk__in=Comment.objects.filter(discussion=discussion).values("author_id"),
    )
    context = {"title": discussion.title, "url": reverse("discussions:report", args=[discussion.pk])}
    count = 0
    for author in authors.order_by("pk"):
        notify(recipient=author, template="discussion_report", context=context)
        count += 1
    return count
