"""Every change of a poll, vote or discussion, one function per intent."""

from surveys.services.discussions import (
    add_section,
    create_discussion,
    decide_comment,
    delete_section,
    moderate_comment,
    post_comment,
    publish_discussion,
    publish_discussion_report,
    react_to_comment,
    report_comment,
    update_discussion,
)
from surveys.services.subscriptions import update_subscription
from surveys.services.surveys import (
    add_option,
    add_question,
    create_survey,
    delete_option,
    delete_question,
    publish_survey,
    submit_response,
    update_survey,
)

cast_vote = submit_response  # a vote's ballot and a poll's answers are one intent

__all__ = [
    "add_option",
    "add_question",
    "add_section",
    "cast_vote",
    "create_discussion",
    "create_survey",
    "decide_comment",
    "delete_option",
    "delete_question",
    "delete_section",
    "moderate_comment",
    "post_comment",
    "publish_discussion",
    "publish_discussion_report",
    "publish_survey",
    "react_to_comment",
    "report_comment",
    "submit_response",
    "update_discussion",
    "update_subscription",
    "update_survey",
]
