"""Submitting an admin change form as a member of staff would: every field as the page shows
it, management forms of the inlines included, with a few values changed."""

from html.parser import HTMLParser

from django.test import Client


class _FormFields(HTMLParser):
    """The fields of the page's main form (the first POST form but the header's sign-out), as a
    browser would send them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.fields = []  # (name, value), in order; a name may repeat (multiple selects)
        self._in_form = self._done = False
        self._select = None
        self._option = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if (
            tag == "form"
            and not self._done
            and (attrs.get("method") or "").lower() == "post"
            and attrs.get("id") != "logout-form"
        ):
            self._in_form = True
        if not self._in_form:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = (attrs.get("type") or "text").lower()
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.fields.append((name, attrs.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select" and name:
            self._select = [name, "multiple" in attrs, None]
        elif tag == "option" and self._select is not None:
            self._option = attrs
            if "selected" in attrs:
                self.fields.append((self._select[0], attrs.get("value", "")))
                self._select[2] = True
            elif self._select[2] is None and not self._select[1]:
                self._select[2] = attrs.get("value", "")  # a single select sends its first option
        elif tag == "textarea" and name:
            self._textarea = [name, ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form" and self._in_form:
            self._in_form, self._done = False, True
        elif tag == "select" and self._select is not None:
            name, multiple, first = self._select
            if not multiple and first not in (None, True):
                self.fields.append((name, first))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self.fields.append((self._textarea[0], self._textarea[1].removeprefix("\n")))
            self._textarea = None


def submit_change_form(user, url, **changes):
    """GET the admin page at `url` as `user`, then POST its form back with `changes` applied.
    Returns the POST's response (a redirect when the admin accepted it)."""
    desk = Client()
    desk.force_login(user)
    page = desk.get(url)
    assert page.status_code == 200, (url, page.status_code)
    parser = _FormFields()
    parser.feed(page.content.decode())
    data = {}
    for name, value in parser.fields:
        data.setdefault(name, []).append(value)
    for name, value in changes.items():
        data[name] = value if isinstance(value, list) else [value]
    return desk.post(url, data)
