"""What a browser would post back from a page: the fields of one form, as rendered."""

from html.parser import HTMLParser

SKIPPED_TYPES = {"submit", "button", "file", "image", "reset"}


class _FormReader(HTMLParser):
    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.data = {}
        self._select = None
        self._textarea = None

    def _add(self, name, value):
        if not name or "__prefix__" in name:
            return  # the blank template row of an inline, which JavaScript copies
        self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
            return
        if not self.inside:
            return
        if tag == "input":
            kind = attrs.get("type", "text")
            if kind in SKIPPED_TYPES or ("disabled" in attrs):
                return
            if kind in {"checkbox", "radio"}:
                if "checked" in attrs:
                    self._add(attrs.get("name"), attrs.get("value", "on"))
                return
            self._add(attrs.get("name"), attrs.get("value", ""))
        elif tag == "select":
            self._select = attrs.get("name")
        elif tag == "option" and self._select and "selected" in attrs:
            self._add(self._select, attrs.get("value", ""))
        elif tag == "textarea":
            self._textarea = attrs.get("name")
            self._add(self._textarea, "")

    def handle_data(self, data):
        # Not a skipped textarea (an inline's template row has no entry).
        if self.inside and self._textarea in self.data:
            self.data[self._textarea][-1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def form_fields(html, form_id):
    """{name: [values]} of the form with that id, ready for the test client's post()."""
    reader = _FormReader(form_id)
    reader.feed(html)
    # A textarea's content starts after the newline that follows its opening tag.
    return {name: [value.removeprefix("\n") for value in values] for name, values in reader.data.items()}
