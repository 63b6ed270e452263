"""Submitting an admin change form as a member of staff would: every field as the page shows
it, management forms of the inlines included, with a few values changed."""

import re

from django.test import Client

from tests.access.forms import form_fields


def submit_change_form(user, url, **changes):
    """GET the admin page at `url` as `user`, then POST its form back with `changes` applied.
    Returns the POST's response (a redirect when the admin accepted it)."""
    desk = Client()
    desk.force_login(user)
    page = desk.get(url)
    assert page.status_code == 200, (url, page.status_code)
    html = page.content.decode()
    # The admin's change form is "<model>_form"; a delete confirmation has none (pass post="yes").
    found = re.search(r'<form[^>]*\bid="(\w+_form)"', html)
    data = form_fields(html, found.group(1)) if found else {}
    for name, value in changes.items():
        data[name] = value if isinstance(value, list) else [value]
    return desk.post(url, data)
