"""The gift pages readers are sent (/gift/<token>/), at the top level so the link is short."""

from django.urls import path

from subscriptions import views

urlpatterns = [
    path("<str:token>/", views.open_gift, name="gift"),
    path("<str:token>/opened/", views.gift_opened, name="gift-opened"),
]
