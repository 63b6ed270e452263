from django import template

from newsroom.lib.urls import reversed_path

register = template.Library()

# {% path "articles:tag" slug=tag.slug %}: the {% url %} of the reading pages, for addresses
# whose values are slugs and ids. {% url %} reverses on every use, and an article page's ten
# of them were a fifth of its rendering once its pieces come from the cache. See
# newsroom/lib/urls.py.
register.simple_tag(reversed_path, name="path")
