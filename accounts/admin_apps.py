from django.contrib.admin.apps import AdminConfig


class NewsroomAdminConfig(AdminConfig):
    """django.contrib.admin with accounts.admin_site.NewsroomAdminSite as `admin.site`.

    In a module of its own: INSTALLED_APPS imports it before any model can be, and the site
    needs models (allauth's authenticators).
    """

    default_site = "accounts.admin_site.NewsroomAdminSite"
