from datetime import timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import AuditEvent
from core.models import Notification
from core.outbox import render
from organizations.models import Membership
from surveys import selectors, services
from surveys.errors import DomainError
from surveys.models import Comment, Subscription
from surveys.rendering import render_markdown
from tests.accounts.factories import UserFactory
from tests.organizations.factories import MembershipFactory, RegionFactory
from tests.surveys.factories import CommentFactory, DiscussionFactory, SectionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def discussion(organization):
    return DiscussionFactory(organization=organization)


@pytest.fixture
def section(discussion):
    return SectionFactory(discussion=discussion, title="Статья 1. Уборка территорий")


def test_head_prepares_and_publishes_a_discussion(head, organization):
    now = timezone.now()
    document = SimpleUploadedFile("Проект.pdf", b"%PDF-1.4 draft", content_type="application/pdf")
    discussion = services.create_discussion(
        actor=head,
        organization=organization,
        title="Правила благоустройства",
        opens_at=now,
        closes_at=now + timedelta(days=30),
        moderation="pre",
        document=document,
    )
    assert (
        discussion.document_name == "Проект.pdf" and discussion.document_type == "application/pdf"
    )
    with pytest.raises(
        DomainError, match="Перед публикацией добавьте хотя бы один раздел документа."
    ):
        services.publish_discussion(actor=head, discussion_id=discussion.pk)
    services.add_section(actor=head, discussion_id=discussion.pk, title="Статья 1", body="Текст")
    services.publish_discussion(actor=head, discussion_id=discussion.pk)
    assert set(AuditEvent.objects.values_list("action", flat=True)) >= {
        "discussion.create",
        "discussion.add_section",
        "discussion.publish",
    }


def test_document_freezes_after_the_first_comment(head, discussion, section, resident):
    services.post_comment(
        author=resident, discussion_id=discussion.pk, text="Согласна", section_id=section.pk
    )
    with pytest.raises(
        DomainError,
        match="Документ больше нельзя изменить: жители уже оставили к нему комментарии.",
    ):
        services.add_section(actor=head, discussion_id=discussion.pk, title="Новая", body="Текст")
    with pytest.raises(
        DomainError,
        match="Документ больше нельзя изменить: жители уже оставили к нему комментарии.",
    ):
        services.delete_section(actor=head, section_id=section.pk)


def test_post_moderated_comment_appears_at_once_and_a_reply_joins_the_thread(
    discussion, section, resident
):
    first = services.post_comment(
        author=resident, discussion_id=discussion.pk, text="Мало урн", section_id=section.pk
    )
    assert first.status == Comment.Status.PUBLISHED
    other = UserFactory()
    reply = services.post_comment(
        author=other, discussion_id=discussion.pk, text="Согласен", parent_id=first.pk
    )
    deeper = services.post_comment(
        author=resident, discussion_id=discussion.pk, text="Спасибо", parent_id=reply.pk
    )
    assert reply.parent == first and reply.section == section
    assert deeper.parent == first  # one level of replies
    sections, general = selectors.sections_with_comments(user=resident, discussion=discussion)
    assert [c.pk for c in sections[0].top_comments] == [first.pk]
    assert [c.pk for c in sections[0].top_comments[0].visible_replies] == [reply.pk, deeper.pk]
    assert general == []


def test_pre_moderated_comment_waits_and_only_its_author_sees_it(organization, resident):
    discussion = DiscussionFactory(organization=organization, moderation="pre")
    comment = services.post_comment(
        author=resident, discussion_id=discussion.pk, text="На весь документ"
    )
    assert comment.status == Comment.Status.PENDING
    assert [c.pk for c in selectors.visible_comments(user=resident, discussion=discussion)] == [
        comment.pk
    ]
    assert selectors.visible_comments(user=UserFactory(), discussion=discussion) == []


def test_comment_refusals(discussion, resident, organization):
    with pytest.raises(DomainError, match="Напишите комментарий."):
        services.post_comment(author=resident, discussion_id=discussion.pk, text="  ")
    with pytest.raises(DomainError, match="В этом документе нет такого раздела."):
        services.post_comment(
            author=resident, discussion_id=discussion.pk, text="x", section_id=SectionFactory().pk
        )
    with pytest.raises(
        DomainError, match="Чтобы принять участие, подтвердите адрес электронной почты"
    ):
        services.post_comment(
            author=UserFactory(verified=False), discussion_id=discussion.pk, text="x"
        )
    with (
        time_machine.travel(discussion.closes_at + timedelta(seconds=1)),
        pytest.raises(
            DomainError, match="Комментарии принимаются только во время проведения обсуждения."
        ),
    ):
        services.post_comment(author=resident, discussion_id=discussion.pk, text="Поздно")
    draft = DiscussionFactory(organization=organization, published_at=None)
    with pytest.raises(
        DomainError, match="Комментарии принимаются только во время проведения обсуждения."
    ):
        services.post_comment(author=resident, discussion_id=draft.pk, text="Рано")


def test_support_or_oppose_once_per_person(discussion, resident):
    comment = CommentFactory(discussion=discussion)
    services.react_to_comment(user=resident, comment_id=comment.pk, kind="support")
    with pytest.raises(DomainError, match="Вы уже высказали мнение об этом комментарии."):
        services.react_to_comment(user=resident, comment_id=comment.pk, kind="oppose")
    with pytest.raises(
        DomainError, match="Нельзя поддержать собственный комментарий или возразить на него."
    ):
        services.react_to_comment(user=comment.author, comment_id=comment.pk, kind="support")
    counted = selectors.visible_comments(user=resident, discussion=discussion)[0]
    assert (counted.supports, counted.opposes) == (1, 0)


def test_three_complaints_hide_a_comment_until_a_moderator_decides(discussion, region):
    comment = CommentFactory(discussion=discussion)
    reporters = [UserFactory() for _ in range(3)]
    services.report_comment(user=reporters[0], comment_id=comment.pk, reason="Оскорбление")
    with pytest.raises(DomainError, match="Вы уже пожаловались на этот комментарий."):
        services.report_comment(user=reporters[0], comment_id=comment.pk, reason="Ещё раз")
    with pytest.raises(DomainError, match="Укажите, что не так с комментарием."):
        services.report_comment(user=reporters[1], comment_id=comment.pk, reason=" ")
    services.report_comment(user=reporters[1], comment_id=comment.pk, reason="Спам")
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PUBLISHED
    services.report_comment(user=reporters[2], comment_id=comment.pk, reason="Реклама")
    comment.refresh_from_db()
    assert comment.status == Comment.Status.HIDDEN
    assert selectors.visible_comments(user=reporters[0], discussion=discussion) == []

    moderator = UserFactory()
    MembershipFactory(
        user=moderator, organization=None, region=region, role=Membership.Role.MODERATOR
    )
    queue = list(selectors.moderation_queue(user=moderator))
    assert [c.pk for c in queue] == [comment.pk]
    assert sorted(r.reason for r in queue[0].open_reports) == ["Оскорбление", "Реклама", "Спам"]
    services.moderate_comment(moderator=moderator, comment_id=comment.pk, publish=True)
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PUBLISHED
    assert not selectors.moderation_queue(user=moderator).exists()  # complaints resolved


def test_moderator_removes_with_a_reason_and_only_in_their_region(organization, region):
    discussion = DiscussionFactory(organization=organization, moderation="pre")
    comment = CommentFactory(discussion=discussion, status=Comment.Status.PENDING)
    elsewhere = UserFactory()
    MembershipFactory(
        user=elsewhere, organization=None, region=RegionFactory(code="25"), role="moderator"
    )
    assert not selectors.moderation_queue(user=elsewhere).exists()
    with pytest.raises(
        DomainError, match="могут только модераторы региона, в котором проводится обсуждение"
    ):
        services.moderate_comment(moderator=elsewhere, comment_id=comment.pk, publish=True)
    moderator = UserFactory()
    MembershipFactory(user=moderator, organization=None, region=region, role="moderator")
    with pytest.raises(DomainError, match="Укажите причину удаления комментария."):
        services.moderate_comment(moderator=moderator, comment_id=comment.pk, publish=False)
    removed = services.moderate_comment(
        moderator=moderator, comment_id=comment.pk, publish=False, reason="Не по теме"
    )
    assert removed.status == Comment.Status.REJECTED and removed.moderation_reason == "Не по теме"
    assert AuditEvent.objects.filter(action="discussion.moderate", actor=moderator).exists()


def test_final_report_after_closing_with_a_decision_on_every_comment(
    head, discussion, section, resident
):
    Subscription.objects.create(user=resident, discussion_reports=True)
    first = services.post_comment(
        author=resident, discussion_id=discussion.pk, text="Добавить урны", section_id=section.pk
    )
    second = CommentFactory(discussion=discussion)
    with pytest.raises(DomainError, match="Решения фиксируются после завершения обсуждения."):
        services.decide_comment(
            actor=head, comment_id=first.pk, decision="accepted", reason="Учтено"
        )
    with time_machine.travel(discussion.closes_at + timedelta(minutes=5)):
        with pytest.raises(DomainError, match="Укажите обоснование решения."):
            services.decide_comment(actor=head, comment_id=first.pk, decision="accepted", reason="")
        services.decide_comment(
            actor=head, comment_id=first.pk, decision="accepted", reason="Учтено в статье 1"
        )
        with pytest.raises(DomainError, match="Комментарии, по которым ещё не принято решение: 1."):
            services.publish_discussion_report(actor=head, discussion_id=discussion.pk)
        services.decide_comment(
            actor=head, comment_id=second.pk, decision="rejected", reason="Противоречит закону"
        )
        report = services.publish_discussion_report(
            actor=head, discussion_id=discussion.pk, summary="Итоги"
        )
        assert report.report_published_at is not None
        with pytest.raises(DomainError, match="Итоговый отчёт уже опубликован."):
            services.decide_comment(
                actor=head, comment_id=first.pk, decision="partly", reason="Иначе"
            )
    notified = Notification.objects.filter(template="discussion_report")
    assert set(notified.values_list("recipient_id", flat=True)) == {
        resident.pk
    }  # the other author did not opt in
    assert (
        notified.filter(channel="in_app").get().context["url"]
        == f"/discussions/{discussion.pk}/report/"
    )
    subject, body = render(notified.get(channel="email"))
    assert discussion.title in subject and f"/discussions/{discussion.pk}/report/" in body


def test_report_before_closing_is_refused(head, discussion):
    with pytest.raises(
        DomainError, match="Итоговый отчёт публикуется после завершения обсуждения."
    ):
        services.publish_discussion_report(actor=head, discussion_id=discussion.pk)


def test_subscription_is_opt_in_and_audited(resident):
    assert selectors.subscription_of(user=resident).new_in_municipality is False
    services.update_subscription(user=resident, new_in_municipality=True, discussion_reports=False)
    assert Subscription.objects.get(user=resident).new_in_municipality is True
    assert AuditEvent.objects.filter(action="surveys.subscription", actor=resident).exists()


def test_markdown_is_rendered_and_sanitised():
    html = render_markdown(
        "# Заголовок\n\n**жирный** [ссылка](https://kamgov.ru) [плохая](javascript:alert(1))\n\n"
        "<script>alert(1)</script><img src=x onerror=alert(1)>\n\n- пункт"
    )
    assert (
        "<h3>Заголовок</h3>" in html
        and "<strong>жирный</strong>" in html
        and "<li>пункт</li>" in html
    )
    assert 'href="https://kamgov.ru"' in html
    assert (
        "<script" not in html
        and "onerror" not in html
        and "javascript:" not in html
        and "<img" not in html
    )
