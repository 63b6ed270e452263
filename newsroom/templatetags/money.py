from django import template

from newsroom.lib.money import format_money

register = template.Library()

# {{ plan.price|money:plan.currency }} gives "£8.00". See newsroom/lib/money.py.
register.filter("money", format_money)
