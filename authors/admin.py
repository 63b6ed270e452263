from django.contrib import admin

from authors.models import Author

admin.site.register(Author)
