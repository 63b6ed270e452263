"""Plausible generated articles for benchmarks: headlines, standfirsts, short bodies and tags
made from phrase lists about the demo's invented country (Estmark) and city (Harbourton).

Everything comes from one seeded `random.Random`, so a given seed always produces the same
text. Generation is plain string work, fast enough to feed a COPY of 100,000 rows in seconds.
"""

import random
import re
from dataclasses import dataclass

from django.utils.text import slugify

PLACES = [
    "Harbourton", "Northgate", "Eastfield", "Old Quay", "Riverside", "Millbrook", "Hollins Park",
    "Westcombe", "St Anne's", "Kellford", "Saltmarsh", "Brennan's Cross", "the Ashby valley",
    "the northern districts", "the coastal towns",
]  # fmt: skip

# topic: (phrases used in headlines, the tags it carries, the words a body uses for it)
TOPICS = {
    "budget": (
        ["the budget", "spending plans", "council tax", "the spending review", "borrowing limits"],
        ["Budget", "Public finances", "Local government"],
        "the budget",
    ),
    "transport": (
        ["the tram extension", "bus fares", "the ring road", "cycle lanes", "rail timetables"],
        ["Transport", "Public transport", "Infrastructure"],
        "the transport plan",
    ),
    "housing": (
        ["rent controls", "the social housing programme", "planning rules", "empty homes", "tenant rights"],
        ["Housing", "Planning", "Cost of living"],
        "the housing programme",
    ),
    "courts": (
        ["the court backlog", "legal aid", "sentencing rules", "jury trials", "the appeals system"],
        ["Courts", "Justice", "Legal aid"],
        "the justice reforms",
    ),
    "climate": (
        ["flood defences", "the emissions target", "heat pump grants", "the clean air zone", "sea walls"],
        ["Climate", "Energy", "Environment"],
        "the climate plan",
    ),
    "health": (
        ["hospital waiting lists", "GP surgeries", "ambulance times", "mental health services", "nurse pay"],
        ["Health", "Hospitals", "Public services"],
        "the health service",
    ),
    "elections": (
        ["the boundary review", "postal voting", "campaign spending", "the mayoral race", "turnout"],
        ["Elections", "Democracy", "Parliament"],
        "the election rules",
    ),
    "education": (
        ["school meals", "teacher vacancies", "university fees", "childcare places", "school buildings"],
        ["Education", "Schools", "Children"],
        "the schools plan",
    ),
    "water": (
        ["water bills", "sewage spills", "the reservoir plan", "drought rules", "leaking pipes"],
        ["Water", "Environment", "Regulation"],
        "the water plan",
    ),
    "policing": (
        ["police budgets", "stop and search", "neighbourhood patrols", "police complaints", "response times"],
        ["Policing", "Justice", "Local government"],
        "the policing plan",
    ),
    "economy": (
        ["the minimum wage", "port jobs", "small business rates", "the inflation forecast", "energy bills"],
        ["Economy", "Jobs", "Cost of living"],
        "the economic plan",
    ),
}  # fmt: skip

ACTORS = [
    "Ministers", "The Treasury", "Harbourton council", "Auditors", "The Assembly", "Opposition parties",
    "The regulator", "Judges", "Unions", "Tenants' groups", "The mayor", "Business leaders",
    "A cross-party committee", "The Fiscal Council", "Campaigners", "Residents",
]  # fmt: skip
VERBS = [
    "approve", "reject", "delay", "question", "defend", "unveil", "cut", "expand", "review",
    "challenge", "back", "scrap", "rethink", "pause", "fund",
]  # fmt: skip
QUALIFIERS = [
    "after months of delay", "as costs rise", "before the election", "amid protests",
    "despite warnings", "after a damning report", "in a late-night vote", "under pressure",
    "as demand grows", "after a legal challenge", "ahead of winter", "in a surprise move",
]  # fmt: skip
OFFICIALS = [
    "the finance minister", "a council spokesperson", "the committee chair", "an opposition spokesperson",
    "the chief executive", "a union official", "the mayor's office", "an independent economist",
]  # fmt: skip
EXTRA_TAGS = [
    "Accountability", "Investigations", "Data", "Inequality", "Rural affairs", "Pensions",
    "Welfare", "Transparency", "Harbourton", "Regions",
]  # fmt: skip

# Sentences about the article's own subject. Every paragraph opens with one of these, so each
# paragraph names what its story is about: built from the generic sentences alone, the same
# paragraph turned up in stories of unrelated topics.
ABOUT_SUBJECT = [
    "{actor} said on {day} that {subject} would {outcome} by the end of the year.",
    "Critics say {subject} has been underfunded for a decade and that the latest figure of {money} "
    "million marks falls short of what is needed.",
    "A review published in {month} found that {subject} in {place} lagged behind the national average.",
    "Local groups in {place} have campaigned on {subject} since {year}.",
    "Officials concede that {subject} will take longer to fix than ministers promised in {year}.",
    "The opposition has called for an independent inquiry into how {subject} was handled.",
    "The Assembly is expected to debate {subject} again in {month}.",
]
# Sentences that fit any subject: they follow a paragraph's opening, never stand alone.
SUPPORTING = [
    "The decision affects roughly {number} households in {place}, according to figures seen by this paper.",
    "{official_cap} told reporters that the plan was “realistic but demanding”.",
    "The cost is put at {money} million marks over four years, a figure the Fiscal Council has questioned.",
    "{official_cap} said the details would be set out before the summer recess.",
    "Turnout at the consultation meetings in {place} was higher than officials expected.",
    "Data released on {day} showed a rise of {percent} per cent compared with last year.",
    "Residents of {place} say they have heard such promises before.",
]
OUTCOMES = ["be reviewed", "change", "be funded", "be published", "go ahead", "be paused", "be expanded"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
MONTHS = [
    "January", "February", "March", "April", "May", "June", "July", "September", "October", "November",
]  # fmt: skip

FIRST_NAMES = [
    "Amara", "Ben", "Clara", "Dev", "Elif", "Farid", "Greta", "Hugo", "Ines", "Jonas", "Kemi", "Lars",
    "Maya", "Niall", "Olga", "Pavel", "Quinn", "Rosa", "Sami", "Tara", "Umar", "Vera", "Wren", "Yusuf",
    "Zofia", "Aidan", "Bea", "Cyrus", "Dana", "Emil", "Fatima", "Gil", "Hana", "Ivo", "Jun", "Kira",
]  # fmt: skip
LAST_NAMES = [
    "Abara", "Brandt", "Costa", "Duval", "Ekström", "Fenwick", "Garcia", "Holm", "Ivanova", "Jensen",
    "Kowalski", "Lindqvist", "Moreau", "Nakamura", "Okafor", "Petrov", "Quigley", "Rahman", "Silva",
    "Tanaka", "Underwood", "Varga", "Whitlock", "Xu", "Yilmaz", "Zeller", "Achebe", "Byrne", "Castell",
    "Dimitrov", "Ellery", "Fischer", "Grant", "Haddad", "Ibsen", "Joshi", "Keane", "Larsen", "Mensah",
]  # fmt: skip
AUTHOR_ROLES = [
    "Reporter", "Political correspondent", "Data reporter", "Economics editor", "Contributor",
    "Courts reporter", "Health correspondent", "Environment correspondent", "Research fellow",
]  # fmt: skip

_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slug_words(text, limit=120):
    """A slug for generated ASCII-ish text, without slugify's per-call Unicode work."""
    return _NOT_SLUG.sub("-", text.lower()).strip("-")[:limit].rstrip("-")


def all_tag_names():
    names = {name for _, tags, _ in TOPICS.values() for name in tags}
    return sorted(names | set(EXTRA_TAGS))


def long_tail_tag_names(count):
    """`count` tag names for the long tail of a real archive's vocabulary: people, places,
    inquiries and local stories that a handful of articles each carry. The same names, in the
    same order, on every run; earlier names are the more common ones."""
    places = [place for place in PLACES if not place.startswith("the ")]
    phrases = sorted({phrase for headline_phrases, _, _ in TOPICS.values() for phrase in headline_phrases})
    names = [
        f"{place} {what}" for place in places for what in ("bypass", "by-election", "hospital", "floods")
    ]
    names += [f"{last} {what}" for last in LAST_NAMES for what in ("inquiry", "review", "report")]
    names += [f"{phrase[0].upper()}{phrase[1:]} in {place}" for phrase in phrases for place in places]
    names += [f"{first} {last}" for first in FIRST_NAMES for last in LAST_NAMES]
    random.Random("long-tail-tags").shuffle(names)  # noqa: S311 - demo data, not security
    return names[:count]


def synthetic_author(index):
    """The pool author number `index`: the same name, role and slug on every run."""
    rng = random.Random(f"author-{index}")  # noqa: S311 - demo text, not security
    name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
    return {
        "name": name,
        "slug": f"{slugify(name)}-{index}",
        "role": rng.choice(AUTHOR_ROLES),
        "organisation": "The Civic Ledger" if rng.random() < 0.7 else "Freelance",
        "bio": f"Writes about {rng.choice(list(TOPICS))} and public life in {rng.choice(PLACES)}.",
    }


@dataclass
class GeneratedArticle:
    headline: str
    standfirst: str
    body: str
    topic: str
    tags: list


class ArticleWriter:
    """Makes one plausible short article at a time from the phrase lists."""

    def __init__(self, seed):
        self.rng = random.Random(seed)  # noqa: S311 - demo text, not security
        self.topic_names = list(TOPICS)

    def _facts(self, subject, place):
        """One set of names and numbers per article, so its sentences agree with each other."""
        rng = self.rng
        return {
            "actor": rng.choice(ACTORS),
            "subject": subject,
            "outcome": rng.choice(OUTCOMES),
            "day": rng.choice(DAYS),
            "number": f"{rng.randrange(2, 90) * 1000:,}",
            "place": place,
            "money": rng.randrange(3, 900),
            "official_cap": rng.choice(OFFICIALS).capitalize(),
            "month": rng.choice(MONTHS),
            "year": rng.randrange(2009, 2025),
            "percent": rng.randrange(2, 40),
        }

    def article(self):
        rng = self.rng
        topic = rng.choice(self.topic_names)
        phrases, topic_tags, plan = TOPICS[topic]
        subject = rng.choice(phrases)
        place = rng.choice(PLACES)
        actor = rng.choice(ACTORS)
        verb = rng.choice(VERBS)
        if actor.endswith("s") and not actor.startswith("The"):
            verb_form = verb
        else:
            verb_form = verb + ("es" if verb.endswith(("sh", "ch")) else "s")
        target = rng.choice([subject, subject, f"plans for {subject}", f"funding for {subject}"])
        headline = f"{actor} {verb_form} {target} {rng.choice(QUALIFIERS)}"
        if rng.random() < 0.3 and not place.startswith("the "):
            headline = f"{place[0].upper()}{place[1:]}: {headline[0].lower()}{headline[1:]}"
        standfirst = (
            f"What the decision on {subject} means for {place}, and why {rng.choice(OFFICIALS)} "
            f"calls {plan} {rng.choice(['a turning point', 'a gamble', 'overdue', 'a test of trust'])}."
        )
        facts = self._facts(subject, place)
        count = rng.choice((2, 3))
        openings = rng.sample(ABOUT_SUBJECT, count)
        following = rng.sample(SUPPORTING, 2 * count)
        paragraphs = [
            f"{opening} {following[2 * number]} {following[2 * number + 1]}"
            for number, opening in enumerate(openings)
        ]
        # Plain paragraphs without entities: exactly what the sanitiser in Article.save would keep.
        body = "".join(f"<p>{paragraph}</p>" for paragraph in paragraphs).format(**facts)
        tags = rng.sample(topic_tags, rng.randrange(2, 4))
        tags += [tag for tag in rng.sample(EXTRA_TAGS, rng.randrange(0, 3)) if tag not in tags]
        return GeneratedArticle(headline, standfirst, body, topic, tags)
