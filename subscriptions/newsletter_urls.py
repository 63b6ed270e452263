from django.urls import path

from subscriptions import newsletter_views as views

app_name = "newsletter"

urlpatterns = [
    path("", views.sign_up, name="sign-up"),
    path("check-your-email/", views.sent, name="sent"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("preferences/", views.preferences_link, name="preferences-link"),
    path("preferences/check-your-email/", views.preferences_link_sent, name="preferences-link-sent"),
    path("preferences/<str:token>/", views.preferences, name="preferences"),
    path("manage/", views.manage, name="manage"),
]
