"""The demo's live page for `manage.py seed_demo`: the Assembly's budget vote followed as it
happens, with eight entries (one pinned, one corrected), so a fresh site shows what a live page
looks like and what its readers' open tabs pick up."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from articles import live
from articles.models import Article, ArticleAuthor, LiveCoverage, LiveEntry
from articles.services import publish_article

SLUG = "assembly-budget-vote-live"
HEADLINE = "Assembly budget vote: live"
STANDFIRST = (
    "Members debate the spending plan for the coming year before tonight's vote. "
    "Follow the debate, the amendments and the result here as they happen."
)
BODY = (
    "<p>The Assembly sits from ten o'clock to debate the government's budget for the coming year, "
    "which raises spending on schools and clinics and pays for it partly with a new levy on large "
    "property holdings.</p>"
    "<p>The governing coalition holds a majority of three seats. Two of its members have said they "
    "will not back the levy as it stands.</p>"
    "<h2>What is in the plan</h2>"
    "<p>Spending on schools would rise by six per cent, most of it for new teaching posts in the "
    "districts where classes are largest. Clinics would get a smaller rise, tied to longer opening "
    "hours in the evenings and at weekends. Transport and housing budgets stay flat in cash terms, "
    "which the opposition says is a cut once prices are taken into account.</p>"
    "<h2>The levy</h2>"
    "<p>The new levy would be charged each year on property holdings above a threshold the "
    "government puts at two and a half million. Ministers say it asks most of those who have gained "
    "most from rising land prices; critics say a holding can be worth a great deal on paper while "
    "its owner earns very little from it, and that the threshold will not rise with prices.</p>"
    "<h2>What happens next</h2>"
    "<p>Amendments are taken in the afternoon and the final vote is expected in the early evening. "
    "If the budget passes, the levy would first be charged next spring and the new school posts "
    "advertised from the summer. If it fails, the present budget rolls over month by month until a "
    "new one is agreed, which the finance minister has warned would delay the school plan by a "
    "year.</p>"
)
# minutes after the start, author slug (None: signed by the editor who posted it), headline,
# text, pinned, (corrected text, correction note) or None. Oldest first.
ENTRIES = [
    (0, "ines-okafor", "The debate opens",
     "<p>The finance minister opens the debate, calling the plan “a budget for the next decade, not "
     "the next election”. She promises the levy will touch fewer than one household in fifty.</p>",
     False, None),
    (25, "walter-quinn", "",
     "<p>Outside the chamber, about two hundred teachers have gathered in support of the schools "
     "funding. Their union says the increase would pay for 900 new posts.</p>",
     False, None),
    (50, "ines-okafor", "Opposition sets out its objections",
     "<p>The leader of the opposition says the levy will fall on farmers whose land is worth much "
     "but earns little, and asks for an exemption for working farms.</p>",
     False, None),
    (80, "tomas-lindqvist", "What the levy would raise",
     "<p>The Fiscal Council's estimate, published last month, puts the levy's yield at 210 million "
     "a year, about a third of the new spending.</p>",
     False,
     ("<p>The Fiscal Council's estimate, published last month, puts the levy's yield at 120 million "
      "a year, about a fifth of the new spending.</p>",
      "An earlier version gave the Fiscal Council's estimate as 210 million; it is 120 million.")),
    (115, None, "",
     "<p>The sitting is suspended for an hour while party leaders meet the Speaker about the order of "
     "the amendments.</p>",
     False, None),
    (180, "ines-okafor", "Farm exemption agreed",
     "<p>The government accepts the opposition's amendment: working farms will be exempt from the "
     "levy. The two coalition members who had objected say they will now vote for the budget.</p>",
     False, None),
    (215, "walter-quinn", "",
     "<p>Councils will be watching the schools figures closely: the plan moves the money for new posts "
     "through them, and several say they have not been told how much they will get.</p>",
     False, None),
    (240, "ines-okafor", "Key points so far",
     "<ul><li>The vote is expected at about six this evening.</li>"
     "<li>Working farms are now exempt from the new property levy.</li>"
     "<li>With the two coalition rebels back on side, the government expects a majority of three.</li></ul>",
     True, None),
]  # fmt: skip


def seed_demo_live(*, users, sections, authors, tally, out):
    out("The live page...")
    if Article.objects.filter(slug=SLUG).exists():
        tally.record("live pages", False)
        return
    editor = users["editor@example.com"]
    now = timezone.now()
    started = (now - timedelta(hours=5)).replace(second=0, microsecond=0)
    with transaction.atomic():
        article = Article.objects.create(
            headline=HEADLINE,
            slug=SLUG,
            standfirst=STANDFIRST,
            body=BODY,
            section=sections["politics"],
            created_by=editor,
        )
        for position, slug in enumerate(["ines-okafor", "walter-quinn"]):
            ArticleAuthor.objects.create(article=article, author=authors[slug], position=position)
        article.refresh_author_names()
        article.tags.add("Budget", "Public finances", "Local government")
        publish_article(article=article, by=editor, at=started)
        LiveCoverage.objects.create(article=article, started_at=started)
        for minutes, author, headline, text, pinned, correction in ENTRIES:
            entry, _ = live.post_entry(
                article=article,
                by=editor,
                body=text,
                headline=headline,
                author=authors[author] if author else None,
                pinned=pinned,
            )
            # Posted through the day, not all at the moment the demo was seeded.
            LiveEntry.objects.filter(pk=entry.pk).update(published_at=started + timedelta(minutes=minutes))
            if correction:
                entry.refresh_from_db()
                entry.body, entry.correction_note = correction
                live.save_entry(entry=entry, by=editor)
                LiveEntry.objects.filter(pk=entry.pk).update(
                    corrected_at=started + timedelta(minutes=minutes + 20)
                )
    tally.record("live pages", True)
