"""No stored text holds a character XML 1.0 forbids, whoever writes it: a model's save, the
admin's forms, the partner feed import. The characters are removed and the rest is kept."""

import pytest
from taggit.models import Tag

from articles.models import Article, Section
from newsroom.lib.text import xml_safe, xml_safe_values
from newsroom.models import SiteSettings
from tests.articles.editorial_helpers import ADD_URL, article_form
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    CorrectionFactory,
    SectionFactory,
    SourceFactory,
    SponsorFactory,
    singleton_row,
)

# The C0 controls XML forbids (NUL, the start, vertical tab, form feed, the end of the range),
# the two non-characters and a lone surrogate. NUL and the surrogate cannot even reach
# PostgreSQL: stripping them is what lets such a save succeed.
FORBIDDEN = ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1f", "\ufffe", "\uffff", "\ud800", "\udfff"]
character_ids = [f"U+{ord(character):04X}" for character in FORBIDDEN]


@pytest.mark.parametrize("character", FORBIDDEN, ids=character_ids)
def test_the_helper_removes_each_forbidden_character(character):
    assert xml_safe(f"Dam{character} levels{character}{character} fall") == "Dam levels fall"


def test_the_helper_keeps_everything_xml_allows():
    allowed = "Tab\there, lines\r\nand \x7f\x85 é ﷺ 𝕏 😀 \ufffd \ufeff end"
    assert xml_safe(allowed) == allowed


def test_the_helper_cleans_the_strings_inside_lists_and_dictionaries_and_leaves_the_rest():
    value = {"title": "a\x01b", "categories": ["c\x0bd", ("e\uffff",)], "count": 3, "when": None}
    assert xml_safe_values(value) == {"title": "ab", "categories": ["cd", ("e",)], "count": 3, "when": None}


@pytest.mark.django_db
@pytest.mark.parametrize("character", FORBIDDEN, ids=character_ids)
def test_saving_an_article_strips_every_text_field(character):
    article = ArticleFactory(
        headline=f"Dam{character} levels fall",
        standfirst=f"Reservoirs{character} are low.",
        body=f"<p>The dry{character} spell goes on.</p>",
        image_alt=f"A dry{character} reservoir",
        image_caption=f"The reservoir{character} in May",
        image_credit=f"Photo{character}: Ada",
        seo_title=f"Dam{character} levels",
        seo_description=f"Low{character} water",
        original_url=f"https://partner.example/dam{character}",
    )
    article.refresh_from_db()
    assert (article.headline, article.standfirst, article.body) == (
        "Dam levels fall",
        "Reservoirs are low.",
        "<p>The dry spell goes on.</p>",
    )
    assert (article.image_alt, article.image_caption, article.image_credit) == (
        "A dry reservoir",
        "The reservoir in May",
        "Photo: Ada",
    )
    assert (article.seo_title, article.seo_description) == ("Dam levels", "Low water")
    assert article.original_url == "https://partner.example/dam"


@pytest.mark.django_db
@pytest.mark.parametrize("character", FORBIDDEN, ids=character_ids)
def test_saving_any_related_row_strips_its_text(character):
    section = SectionFactory(name=f"Poli{character}tics", description=f"Parliament{character}.")
    source = SourceFactory(name=f"Part{character}ner", attribution=f"First{character} published.")
    sponsor = SponsorFactory(name=f"Spon{character}sor")
    author = AuthorFactory(
        name=f"Ada{character} Writer", role=f"Edi{character}tor", bio=f"Writes{character}."
    )
    correction = CorrectionFactory(text=f"An earlier{character} version.")
    tag = Tag.objects.create(name=f"Wa{character}ter")
    settings_row = singleton_row(SiteSettings)
    settings_row.about = f"Independent{character} journalism."
    settings_row.save()

    for row in (section, source, sponsor, author, correction, tag, settings_row):
        row.refresh_from_db()
    assert (section.name, section.description) == ("Politics", "Parliament.")
    assert (source.name, source.attribution) == ("Partner", "First published.")
    assert sponsor.name == "Sponsor"
    assert (author.name, author.role, author.bio) == ("Ada Writer", "Editor", "Writes.")
    assert correction.text == "An earlier version."
    assert tag.name == "Water"
    assert settings_row.about == "Independent journalism."


@pytest.mark.django_db
@pytest.mark.parametrize("character", ["\x01", "\x0b", "\x1f", "\ufffe"], ids=lambda c: f"U+{ord(c):04X}")
def test_an_article_typed_in_the_admin_is_stored_without_the_characters(client, editor, character):
    section = SectionFactory()
    Tag.objects.create(name="Water")
    client.force_login(editor)
    data = article_form(
        section=section.pk,
        authors=[AuthorFactory()],
        headline=f"Dam{character} levels fall",
        standfirst=f"Reservoirs{character} are low.",
        body=f"<p>The dry{character} spell goes on.</p>",
        image_caption=f"The{character} reservoir",
    )
    # A typed tag with the character finds the existing tag instead of colliding with it.
    data["new_tags"] = f"Wa{character}ter, Drou{character}ght"

    response = client.post(ADD_URL, data | {"_save_draft": "Save draft"})

    assert response.status_code == 302
    article = Article.objects.get(slug="council-approves-the-new-library")
    assert (article.headline, article.standfirst) == ("Dam levels fall", "Reservoirs are low.")
    assert article.body == "<p>The dry spell goes on.</p>"
    assert article.image_caption == "The reservoir"
    assert sorted(article.tags.names()) == ["Drought", "Water"]
    assert Tag.objects.filter(name__iexact="water").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("character", ["\x01", "\x0b", "\uffff"], ids=lambda c: f"U+{ord(c):04X}")
def test_a_section_added_in_the_admin_is_stored_without_the_characters(client, editor, character):
    client.force_login(editor)

    response = client.post(
        "/admin/articles/section/add/",
        {"name": f"Clim{character}ate", "slug": "climate", "description": f"Heat{character}.", "position": 5},
    )

    assert response.status_code == 302
    assert Section.objects.filter(slug="climate").values_list("name", "description").get() == (
        "Climate",
        "Heat.",
    )
