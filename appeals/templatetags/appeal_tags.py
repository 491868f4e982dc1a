"""Tags used in every row of the appeal lists: rendered in Python (an included template per row
costs more than the rest of the row)."""

from django import template
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext

from appeals.deadlines import regime_of
from appeals.models import Appeal

register = template.Library()


@register.simple_tag
def status_badge(appeal: Appeal):
    return format_html(
        '<span class="status status-{}">{}</span>', appeal.status, appeal.get_status_display()
    )


@register.simple_tag
def deadline(appeal: Appeal):
    """The deadline in words and colour: "3 days left", "due today", "overdue by 2 days"."""
    if appeal.due_at is None:
        return "—"
    if appeal.status not in Appeal.OPEN_STATUSES:
        return formats.date_format(timezone.localtime(appeal.due_at), "d.m.Y")
    now = timezone.now()
    days = (timezone.localdate(appeal.due_at) - timezone.localdate(now)).days
    if appeal.due_at < now:
        late = max(1, -days)
        text = ngettext("overdue by %(days)s day", "overdue by %(days)s days", late) % {
            "days": late
        }
        return format_html('<span class="deadline deadline-overdue">{}</span>', text)
    if days == 0:
        return format_html('<span class="deadline deadline-soon">{}</span>', gettext("due today"))
    text = ngettext("%(days)s day left", "%(days)s days left", days) % {"days": days}
    return format_html(
        '<span class="deadline deadline-{}">{}</span>', "soon" if days <= 3 else "ok", text
    )


@register.simple_tag
def regime_badge(appeal: Appeal):
    """The regime the appeal is reviewed under («59-ФЗ», «Сообщение»), from memory: no query."""
    version = regime_of(appeal)
    if version is None:
        return ""
    return format_html(
        '<abbr class="regime regime-{}" title="{}">{}</abbr>',
        version.regime.kind,
        version.regime.name,
        version.regime.short_name,
    )


def term_text(*, days: int, day_count: str) -> str:
    if day_count == "working":
        return ngettext(
            "the answer within %(days)s working day of registration",
            "the answer within %(days)s working days of registration",
            days,
        ) % {"days": days}
    return ngettext(
        "the answer within %(days)s day of registration",
        "the answer within %(days)s days of registration",
        days,
    ) % {"days": days}


@register.simple_tag
def regime_facts(appeal: Appeal, staff: bool = False):
    """«Обращение по 59-ФЗ: ответ в течение 30 дней со дня регистрации» for the appeal pages;
    staff also read whether the term may be extended and who signs the answer."""
    version = regime_of(appeal)
    if version is None:
        return ""
    parts = [term_text(days=version.answer_days, day_count=version.day_count)]
    if staff:
        if version.extension_allowed:
            parts.append(
                ngettext(
                    "extension by up to %(days)s day",
                    "extension by up to %(days)s days",
                    version.extension_max_days,
                )
                % {"days": version.extension_max_days}
            )
        else:
            parts.append(gettext("no extension"))
        parts.append(gettext("signed by: %(signer)s") % {"signer": version.get_signer_display()})
        if appeal.official_regime_version_id:
            parts.append(gettext("the author is not identified: a 59-FZ appeal once they are"))
    return format_html(
        "<div><dt>{}</dt><dd>{}: {}</dd></div>",
        gettext("Rules of review"),
        version.regime.name,
        "; ".join(parts),
    )


@register.simple_tag
def regime_term(version):
    """The term hint of the filing form: «Обращение по 59-ФЗ: ответ в течение 30 дней …»."""
    text = format_html(
        "{}: {}.",
        version.regime.name,
        term_text(days=version.answer_days, day_count=version.day_count),
    )
    if version.regime.description:
        return format_html('{} <span class="muted">{}</span>', text, version.regime.description)
    return text


@register.simple_tag
def collective_mark(appeal: Appeal):
    """«коллективное, 4 подписи» (the author's signature and the co-signers'), from the row's own
    columns: no query."""
    if appeal.collective_token is None:
        return ""
    count = appeal.cosigners_count + 1
    return format_html(
        ' <span class="collective">{}</span>',
        ngettext("collective, %(count)s signature", "collective, %(count)s signatures", count)
        % {"count": count},
    )


@register.simple_tag
def queue_row(appeal: Appeal, is_head: bool = False):
    """One row of the staff queue: the same markup as a template row, a tenth of its cost (25 rows
    of eight cells each were a third of the queue page's time)."""
    number = appeal.number
    executor = appeal.executor
    cells = []
    if is_head:
        cells.append(
            format_html(
                '<td><input type="checkbox" name="appeal" value="{}" id="pick-{}">'
                '<label for="pick-{}" class="visually-hidden">{}</label></td>',
                appeal.pk,
                appeal.pk,
                appeal.pk,
                gettext("Select %(number)s") % {"number": number},
            )
        )
    cells.append(
        format_html(
            '<td class="nowrap"><a href="{}">{}</a>{}</td><td>{} {}{}{}</td><td>{}</td><td>{}</td>'
            "<td>{}</td><td>{}</td><td>{}</td><td>{}{}</td>",
            reverse("staff:appeal", args=[number]),
            number,
            format_html(' <span class="muted">· {}</span>', gettext("copy"))
            if appeal.copy_of_id
            else "",
            appeal.category.name,
            regime_badge(appeal),
            collective_mark(appeal),
            format_html(
                '<br><span class="muted">{}</span>',
                gettext("addressed to %(official)s") % {"official": appeal.addressee.name},
            )
            if appeal.addressee_id
            else "",
            appeal.municipality.name,
            formats.date_format(timezone.localtime(appeal.submitted_at), "d.m.Y"),
            executor.get_initials_name() if executor is not None else "—",
            status_badge(appeal),
            deadline(appeal),
            appeal.supporters_count,
            format_html(' <span class="muted">· {}</span>', gettext("incident"))
            if appeal.incident_id
            else "",
        )
    )
    return mark_safe("<tr>" + "".join(cells) + "</tr>")  # noqa: S308 — each cell is escaped
