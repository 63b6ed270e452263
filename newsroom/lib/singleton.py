"""Tables of exactly one row that staff edit in the admin: the site settings, the advertising
options page. The row is created with its defaults the first time anything asks for it, its
primary key is always the same, and the admin goes straight to its form."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import models
from django.shortcuts import redirect
from django.urls import reverse


class SingletonModel(models.Model):
    SINGLETON_ID = 1

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.pk = self.SINGLETON_ID
        super().save(*args, **kwargs)

    @classmethod
    def load(cls):
        """The row, created with its defaults the first time anything asks."""
        row, _ = cls.objects.get_or_create(pk=cls.SINGLETON_ID)
        return row


class SingletonModelAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        # There is one row; it is created with defaults the first time it is needed.
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        # A list of one row is a needless click: go straight to the form.
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        meta = self.model._meta
        return redirect(
            reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[self.model.load().pk])
        )
