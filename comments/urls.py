from django.urls import path

from comments import dsa_views, staff_views, views

app_name = "comments"

urlpatterns = [
    path("guidelines/", views.guidelines, name="guidelines"),
    path("article/<id:article_id>/post/", views.post, name="post"),
    path("article/<id:article_id>/form/", views.form_fragment, name="form-fragment"),
    path("<id:comment_id>/", views.permalink, name="permalink"),
    path("<id:comment_id>/edit/", views.edit, name="edit"),
    path("<id:comment_id>/delete/", views.delete, name="delete"),
    path("<id:comment_id>/report/", views.report, name="report"),
    path("<id:comment_id>/follow/", views.follow, name="follow"),
    path("unfollow/<str:token>/", views.unfollow, name="unfollow"),
    path("confirm/<str:key>/", views.confirm, name="confirm"),
    path("<id:comment_id>/appeal/", dsa_views.appeal_removal, name="appeal-removal"),
    path("suspensions/<id:suspension_id>/appeal/", dsa_views.appeal_suspension, name="appeal-suspension"),
    path("illegal-content/", dsa_views.notice, name="notice"),
    path("transparency/", dsa_views.transparency_report, name="transparency"),
    path("moderation/", staff_views.queue, name="moderation-queue"),
    path("moderation/decide/", staff_views.decide, name="moderation-decide"),
    path("<id:comment_id>/feature/", staff_views.feature, name="feature"),
    path("moderation/commenters/<id:user_id>/", staff_views.commenter, name="moderation-commenter"),
    path("moderation/log/", staff_views.log, name="moderation-log"),
    path(
        "moderation/appeals/<id:appeal_id>/decide/",
        staff_views.decide_appeal,
        name="moderation-decide-appeal",
    ),
    path(
        "moderation/notices/<id:notice_id>/decide/",
        staff_views.decide_notice,
        name="moderation-decide-notice",
    ),
]
