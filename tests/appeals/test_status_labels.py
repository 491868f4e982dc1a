"""The status and channel labels of an appeal follow the active language, unknown values as is."""

from django.utils import translation

from appeals.models import Appeal


def test_labels_follow_the_language():
    appeal = Appeal(status=Appeal.Status.REGISTERED, channel=Appeal.Channel.WEB)
    with translation.override("en"):
        assert appeal.get_status_display() == "registered"
        assert appeal.get_channel_display() == "website"
    with translation.override("ru"):
        assert appeal.get_status_display() == "Зарегистрировано"
        assert appeal.get_channel_display() == "сайт"


def test_a_value_outside_the_choices_is_shown_as_it_is():
    assert Appeal(status="archived", channel="fax").get_status_display() == "archived"
    assert Appeal(status="archived", channel="fax").get_channel_display() == "fax"
