"""A collective appeal (59-FZ art. 4): identified co-signers sign through the author's link
until registration; one number; the answer to the representative, a copy to those who asked."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from appeals import services
from appeals.models import Appeal, CoSigner, Event
from appeals.services import collective
from appeals.workflow import IllegalTransition
from core import outbox
from core.errors import DomainError, NotAllowed
from core.models import Notification
from tests.accounts.factories import UserFactory
from tests.appeals.factories import filing_form, world_appeal

pytestmark = pytest.mark.django_db
S = Appeal.Status
A = Event.Action


@pytest.fixture(autouse=True)
def platform_region(settings, world):
    settings.PLATFORM_REGION_CODE = world.region.code


def _identified(email: str, last_name: str = "Смирнов", first_name: str = "Олег"):
    return UserFactory(
        email=email,
        last_name=last_name,
        first_name=first_name,
        identity_verified_at=timezone.now(),
    )


@pytest.fixture
def neighbours():
    return [
        _identified("olga@example.ru", "Кузнецова", "Ольга"),
        _identified("pavel@example.ru", "Попов", "Павел"),
        _identified("irina@example.ru", "Волкова", "Ирина"),
    ]


def _collective(world) -> Appeal:
    appeal = world_appeal(world, S.SUBMITTED)
    return collective.collect_signatures(citizen=world.citizen, appeal_id=appeal.pk)


def _sign(appeal: Appeal, person, wants_copy: bool = False) -> CoSigner:
    return collective.cosign_appeal(
        citizen=person, token=appeal.collective_token, wants_copy=wants_copy
    )


def _events(appeal: Appeal, action: str):
    return Event.objects.filter(appeal=appeal, action=action)


# --- services --------------------------------------------------------------------------------


def test_identified_residents_sign_through_the_authors_link(world, neighbours):
    appeal = _collective(world)
    assert appeal.is_collective and len(appeal.collective_token) >= 40
    opened = _events(appeal, A.COLLECT_SIGNATURES).get()
    assert opened.actor == world.citizen and opened.to_status == S.SUBMITTED

    first = _sign(appeal, neighbours[0], wants_copy=True)
    _sign(appeal, neighbours[1])
    appeal.refresh_from_db()
    assert appeal.status == S.SUBMITTED and appeal.number == appeal.number
    assert appeal.cosigners_count == 2 and appeal.signatures == 3
    assert first.wants_copy and not first.is_representative
    signed = _events(appeal, A.COSIGN).order_by("pk")
    assert [e.actor for e in signed] == neighbours[:2]
    assert signed[0].data == {"wants_copy": True, "assurance": "identity"}
    assert all(e.from_status == e.to_status == S.SUBMITTED for e in signed)


def test_asking_for_the_link_again_keeps_it(world):
    appeal = _collective(world)
    again = collective.collect_signatures(citizen=world.citizen, appeal_id=appeal.pk)
    assert again.collective_token == appeal.collective_token
    assert _events(appeal, A.COLLECT_SIGNATURES).count() == 1


def test_only_the_author_makes_it_collective_and_only_before_registration(world):
    appeal = world_appeal(world, S.SUBMITTED)
    with pytest.raises(NotAllowed):
        collective.collect_signatures(citizen=UserFactory(), appeal_id=appeal.pk)
    registered = world_appeal(world, S.REGISTERED)
    with pytest.raises(IllegalTransition):
        collective.collect_signatures(citizen=world.citizen, appeal_id=registered.pk)
    assert not Appeal.objects.filter(collective_token__isnull=False).exists()


def test_a_resident_without_a_verified_identity_cannot_sign(world):
    appeal = _collective(world)
    by_email = UserFactory(email="email.only@example.ru")  # e-mail confirmed, no Gosuslugi
    with pytest.raises(collective.NotIdentified) as refused:
        _sign(appeal, by_email)
    assert "Госуслуги" in str(refused.value.message)
    appeal.refresh_from_db()
    assert appeal.cosigners_count == 0 and not CoSigner.objects.exists()
    assert not _events(appeal, A.COSIGN).exists()


def test_signing_closes_when_the_moderator_registers(world, neighbours):
    appeal = _collective(world)
    early = _sign(appeal, neighbours[0])
    services.accept_appeal(moderator=world.moderator, appeal_id=appeal.pk)
    with pytest.raises(collective.SigningClosed) as closed:
        _sign(appeal, neighbours[1])
    assert appeal.number in str(closed.value.message)
    assert "зарегистрировано" in str(closed.value.message)
    with pytest.raises(collective.SigningClosed):
        collective.withdraw_signature(citizen=neighbours[0], appeal_id=appeal.pk)
    appeal.refresh_from_db()
    assert appeal.cosigners_count == 1
    assert list(CoSigner.objects.filter(appeal=appeal)) == [early]


def test_a_rejected_appeal_collects_no_more_signatures(world, neighbours):
    appeal = _collective(world)
    services.reject_appeal(moderator=world.moderator, appeal_id=appeal.pk, ground="spam")
    with pytest.raises(collective.SigningClosed) as closed:
        _sign(appeal, neighbours[0])
    assert "не принято к рассмотрению" in str(closed.value.message)


def test_signing_twice_is_one_signature(world, neighbours):
    appeal = _collective(world)
    first = _sign(appeal, neighbours[0], wants_copy=True)
    again = _sign(appeal, neighbours[0], wants_copy=False)
    assert again.pk == first.pk and again.wants_copy
    services.accept_appeal(moderator=world.moderator, appeal_id=appeal.pk)
    assert _sign(appeal, neighbours[0]).pk == first.pk  # still theirs, not "closed"
    appeal.refresh_from_db()
    assert appeal.cosigners_count == 1 and _events(appeal, A.COSIGN).count() == 1


def test_the_author_cannot_cosign_and_a_bad_link_is_refused(world):
    appeal = _collective(world)
    with pytest.raises(DomainError, match="собственное обращение"):
        _sign(appeal, world.citizen)
    resident = _identified("x@example.ru")
    for token in ("", "x" * 65, "not-a-token"):
        with pytest.raises(collective.InvalidLink):
            collective.cosign_appeal(citizen=resident, token=token, wants_copy=True)
    assert not CoSigner.objects.exists()


def test_a_cosigner_without_a_name_fills_in_the_profile_first(world):
    appeal = _collective(world)
    nameless = UserFactory(identity_verified_at=timezone.now(), last_name="", first_name="")
    with pytest.raises(DomainError, match="профиле"):
        _sign(appeal, nameless)


def test_a_cosigner_leaves_before_registration(world, neighbours):
    appeal = _collective(world)
    _sign(appeal, neighbours[0])
    _sign(appeal, neighbours[1])
    assert collective.withdraw_signature(citizen=neighbours[0], appeal_id=appeal.pk) is True
    assert collective.withdraw_signature(citizen=neighbours[0], appeal_id=appeal.pk) is False
    appeal.refresh_from_db()
    assert appeal.cosigners_count == 1
    assert list(CoSigner.objects.values_list("citizen", flat=True)) == [neighbours[1].pk]
    left = _events(appeal, A.WITHDRAW_SIGNATURE).get()
    assert left.actor == neighbours[0] and left.to_status == S.SUBMITTED
    # and may sign again while the appeal waits
    _sign(appeal, neighbours[0])
    appeal.refresh_from_db()
    assert appeal.cosigners_count == 2


def test_the_author_names_the_representative_among_the_signers(world, neighbours):
    appeal = _collective(world)
    olga = _sign(appeal, neighbours[0])
    pavel = _sign(appeal, neighbours[1])
    collective.choose_representative(
        citizen=world.citizen, appeal_id=appeal.pk, cosigner_id=olga.pk
    )
    collective.choose_representative(
        citizen=world.citizen, appeal_id=appeal.pk, cosigner_id=olga.pk
    )
    assert _events(appeal, A.CHOOSE_REPRESENTATIVE).count() == 1  # the same choice twice
    services.accept_appeal(moderator=world.moderator, appeal_id=appeal.pk)
    # the representative may change after registration, until the answer
    collective.choose_representative(
        citizen=world.citizen, appeal_id=appeal.pk, cosigner_id=pavel.pk
    )
    marked = CoSigner.objects.filter(appeal=appeal, is_representative=True)
    assert list(marked.values_list("pk", flat=True)) == [pavel.pk]
    collective.choose_representative(citizen=world.citizen, appeal_id=appeal.pk, cosigner_id=None)
    assert not marked.exists()
    changes = _events(appeal, A.CHOOSE_REPRESENTATIVE).order_by("pk")
    assert [e.data["representative"] for e in changes] == ["cosigner", "cosigner", "author"]
    assert {e.from_status for e in changes} == {S.SUBMITTED, S.REGISTERED}


def test_the_representative_is_a_signer_of_this_appeal_chosen_by_the_author(world, neighbours):
    appeal = _collective(world)
    olga = _sign(appeal, neighbours[0])
    other = _collective(world)
    stranger = _sign(other, neighbours[1])
    with pytest.raises(DomainError, match="среди подписавших"):
        collective.choose_representative(
            citizen=world.citizen, appeal_id=appeal.pk, cosigner_id=stranger.pk
        )
    with pytest.raises(NotAllowed):
        collective.choose_representative(
            citizen=neighbours[0], appeal_id=appeal.pk, cosigner_id=olga.pk
        )
    plain = world_appeal(world, S.SUBMITTED)
    with pytest.raises(DomainError, match="не коллективное"):
        collective.choose_representative(
            citizen=world.citizen, appeal_id=plain.pk, cosigner_id=None
        )
    assert not _events(appeal, A.CHOOSE_REPRESENTATIVE).exists()


def test_no_new_representative_after_the_answer(world, neighbours):
    appeal = _collective(world)
    olga = _sign(appeal, neighbours[0])
    services.accept_appeal(moderator=world.moderator, appeal_id=appeal.pk)
    services.answer_appeal(actor=world.executor, appeal_id=appeal.pk, text="Снег убран.")
    with pytest.raises(IllegalTransition):
        collective.choose_representative(
            citizen=world.citizen, appeal_id=appeal.pk, cosigner_id=olga.pk
        )


def test_a_representative_who_leaves_hands_it_back_to_the_author(world, neighbours):
    appeal = _collective(world)
    olga = _sign(appeal, neighbours[0])
    collective.choose_representative(
        citizen=world.citizen, appeal_id=appeal.pk, cosigner_id=olga.pk
    )
    collective.withdraw_signature(citizen=neighbours[0], appeal_id=appeal.pk)
    assert _events(appeal, A.WITHDRAW_SIGNATURE).get().data == {"was_representative": True}
    assert not CoSigner.objects.filter(appeal=appeal).exists()


# --- the answer --------------------------------------------------------------------------------


def test_the_answer_reaches_the_representative_and_exactly_the_copy_askers(world, neighbours):
    olga, pavel, irina = neighbours
    appeal = _collective(world)
    representative = _sign(appeal, olga)  # no copy asked: she gets the answer itself
    _sign(appeal, pavel, wants_copy=True)
    _sign(appeal, irina, wants_copy=False)
    collective.choose_representative(
        citizen=world.citizen, appeal_id=appeal.pk, cosigner_id=representative.pk
    )
    services.accept_appeal(moderator=world.moderator, appeal_id=appeal.pk)
    mail.outbox.clear()
    Notification.objects.filter(channel=Notification.Channel.EMAIL).update(
        status=Notification.Status.SENT
    )
    services.answer_appeal(
        actor=world.executor, appeal_id=appeal.pk, text="Двор очищен от снега 5 декабря."
    )
    assert outbox.send_pending() == 3
    letters = {message.to[0]: message for message in mail.outbox}
    assert set(letters) == {world.citizen.email, olga.email, pavel.email}
    assert irina.email not in letters
    to_olga, to_pavel = letters[olga.email], letters[pavel.email]
    assert "адресован вам как представителю подписавших" in to_olga.subject
    assert "Копия ответа" in to_pavel.subject and appeal.number in to_pavel.subject
    for message in (to_olga, to_pavel):
        assert "Двор очищен от снега 5 декабря." in message.body
        assert re.search(rf"/appeals/{appeal.number}/cosigned/", message.body)
    # The author still gets the rating request; in the cabinet the same people are told.
    assert "оцените" in letters[world.citizen.email].subject.lower()
    in_app = Notification.objects.filter(appeal=appeal, channel=Notification.Channel.IN_APP)
    told = set(
        in_app.filter(template__in=["answer_to_representative", "answer_copy"]).values_list(
            "recipient__email", flat=True
        )
    )
    assert told == {olga.email, pavel.email}


def test_with_the_author_as_representative_co_signers_get_only_the_copies_they_asked(
    world, neighbours
):
    appeal = _collective(world)
    _sign(appeal, neighbours[0], wants_copy=True)
    _sign(appeal, neighbours[1])
    services.accept_appeal(moderator=world.moderator, appeal_id=appeal.pk)
    services.answer_appeal(actor=world.executor, appeal_id=appeal.pk, text="Снег убран.")
    notices = Notification.objects.filter(
        appeal=appeal, channel=Notification.Channel.IN_APP, template__startswith="answer"
    )
    assert sorted(notices.values_list("recipient__email", "template")) == [
        (world.citizen.email, "answered"),
        (neighbours[0].email, "answer_copy"),
    ]


def test_the_copy_leaves_the_text_out_where_answers_are_not_emailed(world, neighbours, settings):
    settings.ANSWER_EMAIL_DOMAINS = ["kamgov.ru"]
    appeal = _collective(world)
    _sign(appeal, neighbours[0], wants_copy=True)
    services.accept_appeal(moderator=world.moderator, appeal_id=appeal.pk)
    services.answer_appeal(actor=world.executor, appeal_id=appeal.pk, text="Снег убран.")
    copy = Notification.objects.get(template="answer_copy", channel=Notification.Channel.EMAIL)
    subject, body = outbox.render(copy)
    assert "Снег убран." not in body and f"/appeals/{appeal.number}/cosigned/" in body


# --- pages --------------------------------------------------------------------------------------


def test_filing_with_the_checkbox_gives_the_link(client, world):
    client.force_login(world.citizen)
    page = client.get(reverse("appeals:new")).content.decode()
    assert "Коллективное обращение" in page and 'name="is_collective"' in page
    response = client.post(reverse("appeals:new"), filing_form(world, is_collective="on"))
    appeal = Appeal.objects.get()
    assert response.status_code == 302 and response.url == appeal.get_absolute_url()
    assert appeal.is_collective
    page = client.get(appeal.get_absolute_url()).content.decode()
    assert f"/appeals/join/{appeal.collective_token}/" in page
    assert "Ссылка для соподписантов" in page and "1 подпись, включая вашу." in page


def test_without_the_checkbox_the_page_offers_to_collect_until_registration(client, world):
    client.force_login(world.citizen)
    appeal = world_appeal(world, S.SUBMITTED)
    page = client.get(appeal.get_absolute_url()).content.decode()
    assert "Сделать обращение коллективным" in page
    response = client.post(reverse("appeals:collect_signatures", args=[appeal.number]))
    assert response.status_code == 302
    appeal.refresh_from_db()
    page = client.get(appeal.get_absolute_url()).content.decode()
    assert appeal.is_collective and f"/appeals/join/{appeal.collective_token}/" in page
    registered = world_appeal(world, S.REGISTERED)
    page = client.get(registered.get_absolute_url()).content.decode()
    assert "Сделать обращение коллективным" not in page
    response = client.post(reverse("appeals:collect_signatures", args=[registered.number]))
    assert response.status_code == 302  # refused with a message, not a 5xx
    registered.refresh_from_db()
    assert not registered.is_collective


def test_the_join_page_signs_with_a_plain_post_and_keeps_the_choice(client, world, neighbours):
    appeal = _collective(world)
    url = reverse("appeals:join", args=[appeal.collective_token])
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response.url  # sign in first

    client.force_login(neighbours[0])
    page = client.get(url).content.decode()
    assert appeal.text in page and "Направить мне копию ответа" in page
    response = client.post(url, {"wants_copy": "on"})  # no consent
    assert response.status_code == 400
    body = response.content.decode()
    assert "Без согласия на обработку персональных данных подпись не может быть добавлена." in body
    assert re.search(r'<input[^>]*name="wants_copy"[^>]*checked', body)
    assert not CoSigner.objects.exists()

    response = client.post(url, {"wants_copy": "on", "consent": "on"})
    assert response.status_code == 302
    assert response.url == reverse("appeals:cosigned", args=[appeal.number])
    assert CoSigner.objects.get().wants_copy
    response = client.post(url, {"consent": "on"})  # twice: one signature
    assert response.status_code == 302 and CoSigner.objects.count() == 1
    assert "Вы подписали это обращение." in client.get(url).content.decode()


def test_an_unidentified_resident_is_shown_how_to_sign_in_through_gosuslugi(client, world):
    appeal = _collective(world)
    client.force_login(UserFactory(email="email.only@example.ru"))
    url = reverse("appeals:join", args=[appeal.collective_token])
    page = client.get(url).content.decode()
    assert "Чтобы подписать, войдите через Госуслуги" in page
    assert "Ваша учётная запись подтверждена только адресом электронной почты." in page
    assert 'name="consent"' not in page
    response = client.post(url, {"consent": "on"})
    assert response.status_code == 400
    assert "Чтобы подписать, войдите через Госуслуги" in response.content.decode()
    assert not CoSigner.objects.exists()


def test_joining_after_registration_is_closed_and_shows_nothing_of_the_appeal(
    client, world, neighbours
):
    appeal = _collective(world)
    services.accept_appeal(moderator=world.moderator, appeal_id=appeal.pk)
    client.force_login(neighbours[0])
    url = reverse("appeals:join", args=[appeal.collective_token])
    for response in (client.get(url), client.post(url, {"consent": "on"})):
        assert response.status_code == 403
        body = response.content.decode()
        assert f"Обращение {appeal.number} уже зарегистрировано" in body
        assert appeal.text not in body
    assert not CoSigner.objects.exists()
    assert client.get(reverse("appeals:join", args=["no-such-token"])).status_code == 404


def test_the_author_opening_the_link_is_sent_to_their_appeal(client, world):
    appeal = _collective(world)
    client.force_login(world.citizen)
    page = client.get(reverse("appeals:join", args=[appeal.collective_token])).content.decode()
    assert "Это ваше собственное обращение" in page and 'name="consent"' not in page


def test_co_signers_see_the_appeal_read_only_in_their_cabinet(client, world, neighbours):
    appeal = _collective(world)
    _sign(appeal, neighbours[0], wants_copy=True)
    _sign(appeal, neighbours[1])
    services.accept_appeal(moderator=world.moderator, appeal_id=appeal.pk)
    services.answer_appeal(actor=world.executor, appeal_id=appeal.pk, text="Снег убран у дома.")

    client.force_login(neighbours[0])
    cabinet = client.get(reverse("appeals:list")).content.decode()
    assert "Коллективные обращения, которые я подписал(а)" in cabinet
    assert reverse("appeals:cosigned", args=[appeal.number]) in cabinet
    page = client.get(reverse("appeals:cosigned", args=[appeal.number])).content.decode()
    assert appeal.number in page and "Снег убран у дома." in page
    assert "Оценить ответ" not in page and "Отозвать обращение" not in page
    # the author's own pages and actions stay the author's
    for name in ("appeals:detail", "appeals:rate", "appeals:withdraw", "appeals:complain"):
        method = client.get if name == "appeals:detail" else client.post
        response = method(reverse(name, args=[appeal.number]), {"score": "5", "confirm": "on"})
        assert response.status_code == 404, name
    appeal.refresh_from_db()
    assert appeal.status == S.ANSWERED

    client.force_login(neighbours[1])  # no copy asked
    page = client.get(reverse("appeals:cosigned", args=[appeal.number])).content.decode()
    assert "Снег убран у дома." not in page and "копию вы не просили" in page


def test_a_cosigner_withdraws_the_signature_from_their_page(client, world, neighbours):
    appeal = _collective(world)
    _sign(appeal, neighbours[0])
    client.force_login(neighbours[0])
    page = client.get(reverse("appeals:cosigned", args=[appeal.number])).content.decode()
    assert "Отозвать подпись" in page
    response = client.post(reverse("appeals:withdraw_signature", args=[appeal.number]))
    assert response.status_code == 302 and not CoSigner.objects.exists()
    response = client.post(reverse("appeals:withdraw_signature", args=[appeal.number]))
    assert response.status_code == 404  # no longer a signer: nothing of theirs here


def test_a_cosigner_cannot_withdraw_after_registration_and_is_told_why(client, world, neighbours):
    appeal = _collective(world)
    _sign(appeal, neighbours[0])
    services.accept_appeal(moderator=world.moderator, appeal_id=appeal.pk)
    client.force_login(neighbours[0])
    response = client.post(reverse("appeals:withdraw_signature", args=[appeal.number]), follow=True)
    assert response.status_code == 200
    assert "подписи больше не добавляются и не отзываются" in response.content.decode()
    assert CoSigner.objects.count() == 1


def test_the_representative_form_keeps_a_bad_choice_with_an_error(client, world, neighbours):
    appeal = _collective(world)
    olga = _sign(appeal, neighbours[0])
    client.force_login(world.citizen)
    url = reverse("appeals:choose_representative", args=[appeal.number])
    response = client.post(url, {"representative": "99999"})
    assert response.status_code == 400
    assert "Выберите представителя среди подписавших обращение." in response.content.decode()
    for bad in ("²", "9" * 25, ""):
        assert client.post(url, {"representative": bad}).status_code == 400
    response = client.post(url, {"representative": str(olga.pk)})
    assert response.status_code == 302
    olga.refresh_from_db()
    assert olga.is_representative
    page = client.get(appeal.get_absolute_url()).content.decode()
    assert "Кузнецова О. П. — представитель" in page


def test_staff_and_the_moderator_see_the_signatures(client, world, neighbours):
    appeal = _collective(world)
    _sign(appeal, neighbours[0], wants_copy=True)
    _sign(appeal, neighbours[1])
    client.force_login(world.moderator)
    queue = client.get(reverse("moderation:home")).content.decode()
    assert "коллективное, 3 подписи" in queue
    review = client.get(reverse("moderation:review", args=[appeal.number])).content.decode()
    assert "3 подписи: автор и соподписанты" in review
    services.accept_appeal(moderator=world.moderator, appeal_id=appeal.pk)

    client.force_login(world.executor)
    rows = client.get(reverse("staff:home")).content.decode()
    assert "коллективное, 3 подписи" in rows
    page = client.get(reverse("staff:appeal", args=[appeal.number])).content.decode()
    assert "соподписант 1" in page and "просит копию ответа" in page
    assert "Кузнецова" not in page  # names with the contacts, whose viewing is audited
    page = client.post(reverse("staff:contacts", args=[appeal.number])).content.decode()
    assert "Кузнецова О. П." in page and "Попов П. П." in page


def test_with_gosuslugi_connected_the_join_page_offers_its_sign_in(client, world, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "APPS": [
                {
                    "provider_id": "esia",
                    "name": "Госуслуги",
                    "client_id": "platform",
                    "secret": "secret",
                    "settings": {"server_url": "https://esia.example.ru"},
                }
            ]
        }
    }
    appeal = _collective(world)
    client.force_login(UserFactory(email="email.only@example.ru"))
    url = reverse("appeals:join", args=[appeal.collective_token])
    page = client.get(url).content.decode()
    form = re.search(r'<form method="post" action="([^"]+)"[^>]*>.*?Войти через Госуслуги', page)
    assert form, page
    assert form.group(1).startswith("/accounts/oidc/esia/login/")
    assert "next=" + url.replace("/", "%2F") in form.group(1)
