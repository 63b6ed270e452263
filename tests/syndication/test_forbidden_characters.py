"""A partner's item with characters XML 1.0 forbids is imported without them, and our own
feeds stay readable afterwards.

Such a character cannot stand in a well-formed feed, but it can arrive escaped inside HTML
text (`&amp;#1;` in an Atom `type="html"` title decodes to U+0001), which is how a partner
once took every feed of ours down.
"""

from xml.etree import ElementTree

import pytest

from articles.models import Article
from syndication.models import SourceImport
from tests.syndication.test_import import latest_log, run_import

pytestmark = pytest.mark.django_db

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Partner</title>
  <id>urn:partner</id>
  <updated>2026-03-03T09:30:00Z</updated>
  <entry>
    <id>urn:partner:1</id>
    <title type="html">Dam{c} levels fall</title>
    <link href="https://partner.example/dam"/>
    <updated>2026-03-03T09:30:00Z</updated>
    <author><name>Ada{c} Writer</name></author>
    <category term="Wa{c}ter"/>
    <summary type="html">&lt;p&gt;Reservoirs{c} are low.&lt;/p&gt;</summary>
    <content type="html">&lt;p&gt;The dry{c} spell goes on.&lt;/p&gt;</content>
  </entry>
</feed>
"""

# As a partner's HTML text carries them: escaped once for HTML, once more for the XML around it.
ESCAPED = ["&amp;#1;", "&amp;#x0B;", "&amp;#x1F;", "&amp;#8;", "&amp;#xFFFE;", "&amp;#xFFFF;"]


@pytest.mark.parametrize("escaped", ESCAPED)
def test_an_imported_item_loses_the_characters_and_keeps_its_text(feed_server, make_source, escaped, client):
    body = ATOM.format(c=escaped).encode()
    url = feed_server.add("/atom.xml", body=body, content_type="application/atom+xml")
    source = make_source(url, import_mode="publish")

    run_import()

    assert latest_log(source).status == SourceImport.Status.IMPORTED
    article = Article.objects.get(source=source)
    assert article.headline == "Dam levels fall"
    assert article.standfirst == "Reservoirs are low."
    assert article.body == "<p>The dry spell goes on.</p>"
    assert article.author_names == "Ada Writer"
    assert list(article.tags.names()) == ["Water"]
    for feed in ["/feed/", "/feed/atom/", f"/sources/{source.slug}/feed/"]:
        response = client.get(feed)
        assert response.status_code == 200
        ElementTree.fromstring(response.content)  # noqa: S314 - our own response


@pytest.mark.parametrize("escaped", ["&amp;#1;", "&amp;#x1F;"])
def test_a_title_of_nothing_but_forbidden_characters_is_no_title(feed_server, make_source, escaped):
    body = ATOM.format(c="").replace("Dam levels fall", escaped * 3).encode()
    source = make_source(feed_server.add("/atom.xml", body=body, content_type="application/atom+xml"))

    run_import()

    assert not Article.objects.filter(source=source).exists()
    assert [problem.reason for problem in latest_log(source).problems.all()] == ["The item has no title."]


@pytest.mark.parametrize("reference", ["&#xD800;", "&#xDFFF;", "&#55296;"])
def test_a_reference_to_half_a_surrogate_pair_is_a_broken_feed(feed_server, make_source, reference):
    body = ATOM.format(c=reference).encode()
    source = make_source(feed_server.add("/atom.xml", body=body, content_type="application/atom+xml"))

    run_import()

    log = latest_log(source)
    assert log.status == SourceImport.Status.FAILED
    assert log.error.startswith("The feed is not well-formed XML")
    assert not Article.objects.filter(source=source).exists()
