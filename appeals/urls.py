from django.urls import path

from appeals.views import (
    addresses,
    citizen,
    collective,
    fixes,
    materials,
    moderation,
    organization_picker,
    problems,
    rights,
    staff,
    staff_officials,
    staff_overview,
    staff_register,
    staff_templates,
    support,
)
from appeals.views import incidents as incident_views

app_name = "appeals"
urlpatterns = [
    path("", citizen.appeal_list, name="list"),
    path("new/", citizen.new_appeal, name="new"),
    path("new/categories/", citizen.category_options, name="category_options"),
    path("new/term/", citizen.term_hint, name="term"),
    path("new/addressees/", citizen.addressee_options, name="addressee_options"),
    path("new/similar/", citizen.similar, name="similar"),
    path("new/addresses/", addresses.address_suggestions, name="address_suggestions"),
    path("new/nearby/", support.nearby, name="nearby"),
    # A collective appeal (59-FZ art. 4): the join link's token is its secret.
    path("join/<str:token>/", collective.join, name="join"),
    path("<str:number>/", citizen.appeal_detail, name="detail"),
    path("<str:number>/reply/", citizen.reply, name="reply"),
    path("<str:number>/rate/", citizen.rate, name="rate"),
    path("<str:number>/fix/confirm/", fixes.confirm, name="confirm_fix"),
    path("<str:number>/fix/refute/", fixes.refute, name="refute_fix"),
    path("<str:number>/private/", citizen.make_private, name="make_private"),
    path("<str:number>/withdraw/", rights.withdraw, name="withdraw"),
    path("<str:number>/documents/", rights.add_documents, name="add_documents"),
    path("<str:number>/complain/", rights.complain, name="complain"),
    path("<str:number>/official/", rights.make_official, name="make_official"),
    path("<str:number>/materials/", materials.request_materials, name="request_materials"),
    path("<str:number>/collective/", collective.collect_signatures, name="collect_signatures"),
    path(
        "<str:number>/representative/",
        collective.choose_representative,
        name="choose_representative",
    ),
    path("<str:number>/cosigned/", collective.cosigned, name="cosigned"),
    path(
        "<str:number>/cosigned/withdraw/",
        collective.withdraw_signature,
        name="withdraw_signature",
    ),
    path(
        "<str:number>/answers/<int:answer_id>/letter.pdf",
        citizen.answer_letter,
        name="answer_letter",
    ),
    path("<str:number>/files/<int:attachment_id>/", citizen.download, name="download"),
    path(
        "<str:number>/files/<int:attachment_id>/thumbnail/",
        citizen.thumbnail,
        name="thumbnail",
    ),
]

moderation_patterns = (
    [
        path("", moderation.queue, name="home"),
        path("overdue/", moderation.overdue, name="overdue"),
        path("public-texts/", moderation.public_texts, name="public_texts"),
        path("<str:number>/", moderation.review, name="review"),
        path("<str:number>/accept/", moderation.accept, name="accept"),
        path(
            "<str:number>/organizations/",
            organization_picker.registration_options,
            name="organization_options",
        ),
        path("<str:number>/copies/", moderation.send_copies, name="send_copies"),
        path(
            "<str:number>/complained-official/",
            moderation.complained_official,
            name="complained_official",
        ),
        path("<str:number>/reject/", moderation.reject, name="reject"),
        path("<str:number>/duplicate/", moderation.duplicate, name="duplicate"),
        path("<str:number>/public-text/", moderation.public_text, name="public_text"),
        path("<str:number>/withhold-text/", moderation.withhold_text, name="withhold_text"),
    ],
    "moderation",
)

notification_patterns = ([path("", citizen.notifications, name="list")], "notifications")

staff_patterns = (
    [
        path("", staff.queue, name="home"),
        path("appeals/<str:number>/", staff.appeal_page, name="appeal"),
        path("appeals/<str:number>/contacts/", staff.show_contacts, name="contacts"),
        path("appeals/<str:number>/take/", staff.take, name="take"),
        path("appeals/<str:number>/assign/", staff.assign, name="assign"),
        path("appeals/<str:number>/answer/", staff.answer, name="answer"),
        path("appeals/<str:number>/sign/", staff.sign, name="sign"),
        path(
            "appeals/<str:number>/answers/<int:answer_id>/letter.pdf",
            staff.answer_letter,
            name="answer_letter",
        ),
        path("appeals/<str:number>/posted/", staff.record_posting, name="record_posting"),
        path("appeals/<str:number>/work-done/", staff.report_work_done, name="report_work_done"),
        path("appeals/<str:number>/rework/", staff.return_for_rework, name="return_for_rework"),
        path("appeals/<str:number>/clarify/", staff.clarify, name="clarify"),
        path("appeals/<str:number>/redirect/", staff.redirect_to, name="redirect"),
        path(
            "appeals/<str:number>/organizations/",
            organization_picker.redirect_options,
            name="redirect_options",
        ),
        path("appeals/<str:number>/extend/", staff.extend, name="extend"),
        path("appeals/<str:number>/note/", staff.note, name="note"),
        path("appeals/<str:number>/close/", staff.close, name="close"),
        path(
            "appeals/<str:number>/materials/<int:request_id>/grant/",
            materials.grant,
            name="grant_materials",
        ),
        path(
            "appeals/<str:number>/materials/<int:request_id>/refuse/",
            materials.refuse,
            name="refuse_materials",
        ),
        path(
            "appeals/<str:number>/document-requests/",
            materials.send_document_request,
            name="send_document_request",
        ),
        path(
            "appeals/<str:number>/document-requests/<int:document_request_id>/reply/",
            materials.record_document_reply,
            name="record_document_reply",
        ),
        path("templates/", staff_templates.template_list, name="templates"),
        path("templates/new/", staff_templates.template_new, name="template_new"),
        path("templates/<int:template_id>/", staff_templates.template_edit, name="template_edit"),
        path(
            "templates/<int:template_id>/delete/",
            staff_templates.template_delete,
            name="template_delete",
        ),
        path("officials/", staff_officials.official_list, name="officials"),
        path("officials/<int:official_id>/", staff_officials.official_edit, name="official_edit"),
        path("register/", staff_register.register, name="register"),
        path("incidents/", incident_views.incident_list, name="incidents"),
        path("incidents/new/", incident_views.incident_new, name="incident_new"),
        path("incidents/<int:incident_id>/", incident_views.incident_page, name="incident"),
        path(
            "incidents/<int:incident_id>/answer/",
            incident_views.incident_answer,
            name="incident_answer",
        ),
        path(
            "incidents/<int:incident_id>/close/",
            incident_views.incident_close,
            name="incident_close",
        ),
        path("incidents/<int:incident_id>/add/", incident_views.incident_add, name="incident_add"),
        path(
            "incidents/<int:incident_id>/remove/",
            incident_views.incident_remove,
            name="incident_remove",
        ),
        path("overview/", staff_overview.overview, name="overview"),
        path("bulk-assign/", staff_overview.bulk_assign, name="bulk_assign"),
        path("export.csv", staff_overview.export_csv, name="export_csv"),
        path("export.xlsx", staff_overview.export_xlsx, name="export_xlsx"),
    ],
    "staff",
)

# Public problems, mounted at problems/; the GeoJSON feed is /problems.geojson (feedback_platform/urls.py).
problem_patterns = (
    [
        path("", problems.problem_list, name="list"),
        path("<str:number>/", problems.problem_detail, name="detail"),
        path("<str:number>/photos/<int:attachment_id>/", problems.photo, name="photo"),
        path(
            "<str:number>/photos/<int:attachment_id>/thumbnail/",
            problems.photo_thumbnail,
            name="photo_thumbnail",
        ),
    ],
    "problems",
)
# «Присоединиться» (issue 14), mounted at /problems/ beside the public problem pages: no namespace
# of its own, so the two includes at one prefix never clash.
support_patterns = [
    path("<str:number>/join/", support.join, name="problem_join"),
    path("<str:number>/leave/", support.leave, name="problem_leave"),
    path("<str:number>/rate/", support.rate, name="problem_rate"),
]
