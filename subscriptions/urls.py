from django.urls import path

from subscriptions import views

app_name = "subscriptions"

urlpatterns = [
    path("", views.plans, name="plans"),
    path("webhook/", views.store_webhook, name="webhook"),
    path("article/<int:article_id>/full-text/", views.full_text, name="full-text"),
    path("article/<int:article_id>/read/", views.read, name="read"),
]
