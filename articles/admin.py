from django.contrib import admin

from articles.models import Article, Section, Source, Sponsor

admin.site.register([Article, Section, Source, Sponsor])
