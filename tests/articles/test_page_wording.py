"""No doubled full stop ("You do not get the newsletter..") and no space before one ("the
newsletter .") in the text readers see on the main pages, public and signed-in. Such slips come
from a sentence built in two places, each adding its own stop."""

import re
from html.parser import HTMLParser

import pytest

from tests.articles.page_tour import public_pages
from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db

# Two stops that are not part of an ellipsis, or a space before a stop that ends a sentence.
SLIPS = re.compile(r"(?<!\.)\.\.(?!\.)| \.(?=\s|$)")


class VisibleText(HTMLParser):
    """The text a reader sees, as one line: no scripts, styles or head."""

    HIDDEN = {"script", "style", "head", "template", "noscript"}
    # Elements that sit inside a line of text; every other element starts a new line.
    INLINE = {
        "a",
        "abbr",
        "b",
        "cite",
        "code",
        "em",
        "i",
        "kbd",
        "mark",
        "q",
        "small",
        "span",
        "strong",
        "sub",
    }
    INLINE |= {"sup", "time", "u", "label"}

    def __init__(self):
        super().__init__()
        self.parts = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self.hidden += 1
        elif tag not in self.INLINE:
            self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self.hidden:
            self.hidden -= 1
        elif tag not in self.INLINE:
            self.parts.append(" ")

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)

    @classmethod
    def of(cls, html):
        parser = cls()
        parser.feed(html)
        return " ".join("".join(parser.parts).split())


def slips_in(pages):
    found = {}
    for name, html in pages.items():
        text = VisibleText.of(html)
        for match in SLIPS.finditer(text):
            found.setdefault(name, []).append(text[max(0, match.start() - 40) : match.end() + 10])
    return found


def test_the_finder_catches_both_slips_and_leaves_good_text_alone():
    found = slips_in({"page": "<p>You do not get the newsletter..</p><p>Sign <b>up</b> .</p>"})
    assert len(found["page"]) == 2
    assert slips_in({"page": "<p>Wait...</p><p>Read <a href='/'>more</a>. See coast.example.org.</p>"}) == {}


def test_no_public_page_has_a_doubled_stop_or_a_space_before_one(client):
    found = slips_in(public_pages(client))
    assert not found, found


def test_the_account_and_newsletter_pages_have_none_either(client, reader):
    client.login(email=reader.email, password=DEFAULT_PASSWORD)
    pages = {url: client.get(url).content.decode() for url in ("/accounts/", "/newsletter/manage/")}

    assert "You do not get the newsletter." in VisibleText.of(pages["/accounts/"])
    found = slips_in(pages)
    assert not found, found
