"""The demo's trust indicators: what kind of work each story is, where some were reported and
how, the authors' expertise and contacts, and the publisher's six policy pages. All of it is
made up for the Civic Ledger, like the rest of the demo."""

from articles.models import TypeOfWork
from newsroom.models import PolicyPage

# A story's type follows its section; a story with a sponsor is sponsored whatever its section
# (Article.save keeps that rule).
TYPE_BY_SECTION = {"analysis": TypeOfWork.ANALYSIS, "opinion": TypeOfWork.OPINION}

# headline start: (dateline, sources and method)
REPORTING = {
    "Harbourton council faces 140m-mark gap": (
        "HARBOURTON",
        "Based on the finance director's report to the council's budget committee, an interview "
        "with her, and the council's published accounts for the last five years.",
    ),
    "Ambulances miss emergency target": (
        "HARBOURTON",
        "Response times come from the ambulance service's monthly figures. We spoke to three "
        "paramedics, who asked not to be named because they are not allowed to talk to the press.",
    ),
    "Port owners plan to automate two terminals": ("PORT ASHBY", ""),
    "Where Harbourton's 2.4bn marks go, line by line": (
        "",
        "We matched each line of the council's budget book to the services it pays for, and "
        "checked our grouping with two former council finance officers. The spreadsheet is "
        "available on request.",
    ),
    "Does Line 4 still add up at 890m marks?": (
        "",
        "Costs and passenger forecasts are from Harbourton Transit's business case and its "
        "updated estimate; we asked the company about every figure we use.",
    ),
}

# author slug: (expertise, contact, fediverse handle)
AUTHOR_PROFILES = {
    "walter-quinn": (
        "Local government, council budgets, planning",
        "walter.quinn@example.com",
        "@wquinn@social.example.org",
    ),
    "ines-okafor": (
        "The Assembly, elections, coalition politics",
        "https://civic-ledger.example.org/contact/politics",
        "",
    ),
    "tomas-lindqvist": (
        "Public finances, wages, inflation, data",
        "tomas.lindqvist@example.com",
        "@tomas@mastodon.example.net",
    ),
}

POLICIES = {
    PolicyPage.Kind.CORRECTIONS: (
        "How we correct mistakes",
        "<p>When we get something wrong we say so on the article, at the point where the mistake "
        "was, with the date of the correction. We do not quietly change what we published.</p>"
        "<p>Every correction also appears on our corrections page. To report an error, use the "
        "“Article enquiry” link under any article.</p>",
    ),
    PolicyPage.Kind.ETHICS: (
        "Our ethics",
        "<p>We report what we can show, name our sources wherever we can, and explain when we "
        "cannot. We give the people we write about a fair chance to answer before we publish.</p>"
        "<p>Our reporters take no gifts or paid trips, and tell the editor of any interest that "
        "touches what they cover.</p>",
    ),
    PolicyPage.Kind.OWNERSHIP_FUNDING: (
        "Who owns and funds us",
        "<p>The Civic Ledger is owned by Ledger Media Cooperative, whose members are its staff and "
        "readers. Most of our income comes from subscriptions; the rest from advertising and "
        "sponsored sections, which are always labelled.</p>"
        "<p>No owner, advertiser or sponsor sees a story before it is published.</p>",
    ),
    PolicyPage.Kind.MASTHEAD: (
        "Who we are",
        "<p>Political editor: Ines Okafor. Economics editor: Tomas Lindqvist. Local government: "
        "Walter Quinn.</p><p>The newsroom is in Harbourton. You can write to any of us through the "
        "contact link on our author pages.</p>",
    ),
    PolicyPage.Kind.ACTIONABLE_FEEDBACK: (
        "Tell us what we got wrong, or missed",
        "<p>Use the “Article enquiry” link under any article, or our contact details in the "
        "footer. An editor reads every message and answers within two working days.</p>",
    ),
    PolicyPage.Kind.NO_BYLINES: (
        "When an article has no byline",
        "<p>Almost every article carries the names of the people who reported it. Short updates "
        "written by the desk from agency copy or official statements may appear without a "
        "name; an editor still checks each one.</p>",
    ),
}


def describe_story(article, story):
    """Set the type, dateline and note of a new demo article before it is first saved."""
    article.type_of_work = TYPE_BY_SECTION.get(story.section, TypeOfWork.NEWS)
    for start, (dateline, note) in REPORTING.items():
        if story.headline.startswith(start):
            article.dateline, article.sources_and_method = dateline, note


def describe_author(author, tally):
    """Fill the expertise, contact and fediverse handle an author has left blank."""
    profile = AUTHOR_PROFILES.get(author.slug)
    if profile is None:
        return
    changed = []
    for field, value in zip(("expertise", "contact", "fediverse_handle"), profile, strict=True):
        if value and not getattr(author, field):
            setattr(author, field, value)
            changed.append(field)
    if changed:
        author.save(update_fields=changed)
    tally.record("author profiles", bool(changed))


def seed_policy_pages(tally):
    for kind, (title, body) in POLICIES.items():
        _, created = PolicyPage.objects.get_or_create(kind=kind, defaults={"title": title, "body": body})
        tally.record("policy pages", created)
