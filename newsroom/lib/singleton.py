"""Tables of exactly one row that staff edit in the admin: the site settings, the comment
policy, the comment guidelines, the advertising options page.

One rule for all of them: pages read the row through `current()`, kept under the site
generation (the admin announces every save as `furniture_changed`, newsroom/changes.py), and
reading never writes. The row is made by a migration, or by the admin on its first save; while
it is missing (a database flushed after the migrations), pages get an unsaved row with the
defaults. Its primary key is always the same, and the admin goes straight to its form."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import models
from django.shortcuts import redirect
from django.urls import reverse

from newsroom.lib import fragments
from newsroom.lib.generations import site_generation


class SingletonModel(models.Model):
    SINGLETON_ID = 1

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.pk = self.SINGLETON_ID
        super().save(*args, **kwargs)

    @classmethod
    def read_with(cls):
        """The queryset the row is read from: a model whose readers always need related rows
        too prefetches them here, so the kept copy carries them."""
        return cls.objects.all()

    @classmethod
    def current(cls):
        """The row as pages read it, from the cache when warm; never written here.

        The same object is handed to every request of this process while the site generation
        stays the same (every save moves it): read-only, like the furniture it is. Unpickling
        the kept row with its prefetched relations cost a rendered page some 40 µs each time
        (the middleware and the footer both read the site settings)."""
        generation = site_generation()
        held = _held_rows.get(cls)
        if generation is not None and held is not None and held[0] == generation:
            return held[1]

        def read():
            return cls.read_with().filter(pk=cls.SINGLETON_ID).first() or cls(pk=cls.SINGLETON_ID)

        row = fragments.kept(f"singleton:{cls._meta.label_lower}", read)
        if generation is not None:
            _held_rows[cls] = (generation, row)
        return row


# {singleton class: (site generation, its row)}: the last row each class read in this process.
_held_rows = {}


class SingletonModelAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        # Only while the row is missing, and to whoever may change it: the first save makes it.
        may_make = super().has_add_permission(request) or self.has_change_permission(request)
        # Asked for every singleton on every admin page (the sidebar's add links): current()
        # answers from the kept row, an unsaved one while the table is empty, with no query.
        return may_make and self.model.current()._state.adding

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        # A list of one row is a needless click: go straight to its form, or to the form that
        # makes it.
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        meta = self.model._meta
        if self.model.objects.filter(pk=self.model.SINGLETON_ID).exists():
            return redirect(
                reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[self.model.SINGLETON_ID])
            )
        return redirect(reverse(f"admin:{meta.app_label}_{meta.model_name}_add"))
