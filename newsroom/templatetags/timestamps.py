from django import template

from newsroom.lib.timestamps import date_element, machine_datetime

register = template.Library()

# For every `datetime` attribute and machine-read time on the site:
# <time datetime="{{ article.publish_at|machine_datetime }}">. See newsroom/lib/timestamps.py.
register.filter("machine_datetime", machine_datetime)

# A card's date, as a whole <time> element: {{ article.publish_at|date_element }}.
register.filter("date_element", date_element)
