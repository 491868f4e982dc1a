"""Fill in the organizations of old accept, make_official and redirect events (reporting 0002).

Before the events carried them (commit 66c6c02), an accept or make_official event named no
organization and a redirect named only where the appeal went, not where it came from; the
Decree 171 ledger (reporting/report.py) reads both. Each appeal's holder is replayed from what
is known — every redirect's target, the appeal's present organization, values already recorded —
walking its timeline backwards; where that leaves the sender of a redirect open, its actor's only
organization (an executor of one organization, or the head of one without subordinates) is taken;
then forwards from the organization the «registered» notice to the citizen named (its context
keeps the name; one organization of that name in the region). A value that cannot be told is left
out, as before. Only missing keys are written: running it again
changes nothing.

Written for the migration's historical models (passed in), so it also runs on the live ones.
"""

from django.db import transaction

BATCH = 500
ORG_ACTIONS = ("accept", "make_official", "redirect")
REGISTRATIONS = ("accept", "make_official")


def _only_organization(Membership, Organization, user_id, cache: dict):  # noqa: N803
    if user_id is None:
        return None
    if user_id not in cache:
        rows = list(
            Membership.objects.filter(user_id=user_id, role__in=("executor", "head")).values_list(
                "organization_id", "role"
            )
        )
        found = None
        if len({org for org, _role in rows}) == 1:
            org, role = rows[0]
            heads = any(r == "head" for _o, r in rows)
            if not heads or not Organization.objects.filter(parent_id=org).exists():
                found = org
        cache[user_id] = found
    return cache[user_id]


def _fill(appeal_org, events, *, sender_of, registered_at) -> list:
    """The events of one appeal (in order) given the missing organizations; returns the changed.

    Backwards from the present holder (each redirect's target is known, its sender becomes the
    holder before it), then forwards from the registrations (the organization the «registered»
    notice named, `registered_at`) for the senders still open.
    """
    original = {id(event): dict(event.data or {}) for event in events}
    datas = {id(event): dict(event.data or {}) for event in events}
    holder = appeal_org  # who holds the appeal after the event being looked at
    for event in reversed(events):
        data = datas[id(event)]
        if event.action == "redirect":
            if "organization" not in data and holder is not None:
                data["organization"] = holder
            if data.get("from") is None:
                sender = sender_of(event)
                if sender is not None:
                    data["from"] = sender
            holder = data.get("from")
        elif "organization" in data:
            holder = data["organization"]
        elif holder is not None:
            data["organization"] = holder
    holder = None
    for event in events:
        data = datas[id(event)]
        if event.action == "redirect":
            if "from" not in data and holder is not None:
                data["from"] = holder
            holder = data.get("organization")
            continue
        if "organization" not in data:
            known = holder if event.action == "make_official" else registered_at(event)
            if known is not None:
                data["organization"] = known
        holder = data.get("organization", holder)
    changed = []
    for event in events:
        if datas[id(event)] != original[id(event)]:
            event.data = datas[id(event)]
            changed.append(event)
    return changed


def backfill_event_organizations(  # noqa: N803 — the migration passes its historical models
    Appeal, Event, Membership, Organization, Notification, *, batch=BATCH
) -> int:
    """Fill the missing organizations of old registration and redirect events; returns how many
    events were completed. Batched by appeal, each batch written in its own transaction."""
    registrations = (
        Event.objects.filter(action__in=REGISTRATIONS)
        .exclude(data__has_key="organization")
        .values_list("appeal_id", flat=True)
    )
    redirects = (
        Event.objects.filter(action="redirect")
        .exclude(data__has_keys=["organization", "from"])
        .values_list("appeal_id", flat=True)
    )
    appeal_ids = sorted(set(registrations) | set(redirects))
    members: dict = {}
    organizations: dict = {}

    def sender_of(event):
        return _only_organization(Membership, Organization, event.actor_id, members)

    done = 0
    for start in range(0, len(appeal_ids), batch):
        ids = appeal_ids[start : start + batch]
        rows = Appeal.objects.filter(pk__in=ids).values_list("pk", "organization_id", "region_id")
        holders = {pk: org for pk, org, _region in rows}
        regions = {pk: region for pk, _org, region in rows}
        # The «registered» notice named the organization an appeal was registered at.
        named: dict[int, set] = {}
        for appeal_id, context in Notification.objects.filter(
            appeal_id__in=ids, template="registered"
        ).values_list("appeal_id", "context"):
            if isinstance(context, dict) and context.get("organization"):
                named.setdefault(appeal_id, set()).add(context["organization"])

        def registered_at(event, named=named, regions=regions):
            names = named.get(event.appeal_id, set())
            if event.action != "accept" or len(names) != 1:
                return None
            key = (regions.get(event.appeal_id), next(iter(names)))
            if key not in organizations:
                found = list(
                    Organization.objects.filter(region_id=key[0], name=key[1]).values_list(
                        "pk", flat=True
                    )[:2]
                )
                organizations[key] = found[0] if len(found) == 1 else None
            return organizations[key]

        timelines: dict[int, list] = {pk: [] for pk in ids}
        for event in Event.objects.filter(appeal_id__in=ids, action__in=ORG_ACTIONS).order_by(
            "appeal_id", "created_at", "pk"
        ):
            timelines[event.appeal_id].append(event)
        changed = []
        for pk, events in timelines.items():
            changed += _fill(
                holders.get(pk), events, sender_of=sender_of, registered_at=registered_at
            )
        with (
            transaction.atomic()
        ):  # one short transaction a batch: a large table is not locked long
            Event.objects.bulk_update(changed, ["data"], batch_size=batch)
        done += len(changed)
    return done
