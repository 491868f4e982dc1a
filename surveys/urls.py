from django.urls import path

from surveys.views import discussion_organizer, discussions, organizer, surveys

survey_patterns = (
    [
        path("", surveys.survey_list, name="list"),
        path("notifications/", surveys.subscription, name="subscription"),
        path("<int:pk>/", surveys.survey_detail, name="detail"),
        path("<int:pk>/respond/", surveys.respond, name="respond"),
        path("<int:pk>/results/", surveys.results, name="results"),
        path("<int:pk>/image/", surveys.survey_image, name="image"),
        path(
            "<int:pk>/options/<int:option_id>/picture/", surveys.option_image, name="option_image"
        ),
        path("manage/", organizer.manage_list, name="manage_list"),
        path("manage/new/", organizer.survey_new, name="new"),
        path("manage/<int:pk>/", organizer.survey_manage, name="manage"),
        path("manage/<int:pk>/questions/", organizer.question_add, name="question_add"),
        path(
            "manage/<int:pk>/questions/<int:question_id>/delete/",
            organizer.question_delete,
            name="question_delete",
        ),
        path(
            "manage/<int:pk>/questions/<int:question_id>/options/",
            organizer.option_add,
            name="option_add",
        ),
        path(
            "manage/<int:pk>/options/<int:option_id>/delete/",
            organizer.option_delete,
            name="option_delete",
        ),
        path("manage/<int:pk>/publish/", organizer.publish, name="publish"),
        path("manage/<int:pk>/export.csv", organizer.export_csv, name="export_csv"),
        path("manage/<int:pk>/export.xlsx", organizer.export_xlsx, name="export_xlsx"),
    ],
    "surveys",
)

discussion_patterns = (
    [
        path("", discussions.discussion_list, name="list"),
        path("moderation/", discussions.moderation_queue, name="moderation"),
        path("moderation/<int:comment_id>/", discussions.moderate, name="moderate"),
        path("<int:pk>/", discussions.discussion_detail, name="detail"),
        path("<int:pk>/comment/", discussions.comment, name="comment"),
        path("<int:pk>/comments/<int:comment_id>/react/", discussions.react, name="react"),
        path("<int:pk>/comments/<int:comment_id>/complain/", discussions.complain, name="complain"),
        path("<int:pk>/document/", discussions.document, name="document"),
        path("<int:pk>/report/", discussions.report, name="report"),
        path("manage/", discussion_organizer.manage_list, name="manage_list"),
        path("manage/new/", discussion_organizer.discussion_new, name="new"),
        path("manage/<int:pk>/", discussion_organizer.discussion_manage, name="manage"),
        path("manage/<int:pk>/sections/", discussion_organizer.section_add, name="section_add"),
        path(
            "manage/<int:pk>/sections/<int:section_id>/delete/",
            discussion_organizer.section_delete,
            name="section_delete",
        ),
        path("manage/<int:pk>/publish/", discussion_organizer.publish, name="publish"),
        path("manage/<int:pk>/report/", discussion_organizer.report_edit, name="report_edit"),
    ],
    "discussions",
)
