from django.conf import settings
from django.contrib import admin
from django.urls import include, path, register_converter

from articles import preview as article_preview
from articles import views as article_views
from enquiries import views as enquiry_views
from newsroom import mail_events, views
from newsroom.lib.numbers import IdConverter

# Before any app's URLs are read: they name their ids with it (`<id:article_id>`).
register_converter(IdConverter, "id")

urlpatterns = [
    path("", article_views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots-txt"),
    path(".well-known/tdmrep.json", views.tdmrep_json, name="tdmrep"),
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("comments/", include("comments.urls")),
    path("subscriptions/", include("subscriptions.urls")),
    path("newsletter/", include("subscriptions.newsletter_urls")),
    path("enquiries/", include("enquiries.urls")),
    path("advertise/", enquiry_views.advertising_options, name="advertising-options"),
    path("about/<slug:kind>/", views.policy_page, name="policy-page"),
    path("preview/<str:token>/", article_preview.preview, name="article-preview"),
    path("gift/", include("subscriptions.gift_urls")),
    path("mail/events/<slug:provider>/", mail_events.mail_events, name="mail-events"),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Last: section slugs sit at the top level, so every fixed prefix must come before them.
urlpatterns += [path("", include("articles.urls"))]

handler404 = "newsroom.views.page_not_found"
handler500 = "newsroom.views.server_error"
