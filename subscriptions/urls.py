from django.urls import path

from subscriptions import views

app_name = "subscriptions"

urlpatterns = [
    path("", views.plans, name="plans"),
    path("webhook/", views.store_webhook, name="webhook"),
    path("checkout/<slug:slug>/", views.start_checkout, name="checkout"),
    path("return/", views.checkout_return, name="return"),
    path("article/<id:article_id>/full-text/", views.full_text, name="full-text"),
    path("article/<id:article_id>/read/", views.read, name="read"),
    path("article/<id:article_id>/gift/", views.give, name="give"),
    path("gifts/<id:gift_id>/", views.gift, name="gift"),
    path("gifts/<id:gift_id>/email/", views.email_gift, name="email-gift"),
    path("gifts/<id:gift_id>/revoke/", views.revoke_gift, name="revoke-gift"),
]
