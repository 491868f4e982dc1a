"""Every change of an appeal, one function per intent. Views, tasks, commands and admin call these."""

from appeals.services.citizen import rate_appeal, reply_to_clarification
from appeals.services.filing import CONSENT_VERSION, submit_appeal
from appeals.services.moderation import accept_appeal, mark_duplicate, reject_appeal
from appeals.services.public import make_appeal_private, publish_public_text, withhold_public_text
from appeals.services.work import (
    add_note,
    answer_appeal,
    assign_appeal,
    close_appeal,
    close_on_ground,
    extend_deadline,
    record_contacts_view,
    redirect_appeal,
    request_clarification,
    take_appeal,
)

__all__ = [
    "CONSENT_VERSION",
    "accept_appeal",
    "add_note",
    "answer_appeal",
    "assign_appeal",
    "close_appeal",
    "close_on_ground",
    "make_appeal_private",
    "publish_public_text",
    "withhold_public_text",
    "extend_deadline",
    "mark_duplicate",
    "rate_appeal",
    "redirect_appeal",
    "reject_appeal",
    "reply_to_clarification",
    "request_clarification",
    "record_contacts_view",
    "submit_appeal",
    "take_appeal",
]
