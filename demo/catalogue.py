"""The demo publication's sections, sponsors, partner sources and authors.

The Civic Ledger reports on Estmark, an invented country, and its largest city, Harbourton.
Every name, organisation and figure here is made up.
"""

SPONSORS = [
    {
        "name": "Aldermoor Foundation",
        "url": "https://aldermoor-foundation.example.org/",
        "colour": (58, 96, 84),
    },
    {
        "name": "Brightwater Energy Cooperative",
        "url": "https://brightwater-energy.example.com/",
        "colour": (176, 112, 52),
    },
]

# slug: name, position, description, sponsor name
SECTIONS = {
    "news": (
        "News",
        10,
        "What happened today in the Assembly, the council chamber and the courts, and what it means.",
        None,
    ),
    "politics": (
        "Politics",
        20,
        "Parties, ministers and votes: the people and the bargains behind the laws of Estmark.",
        None,
    ),
    "analysis": (
        "Analysis",
        30,
        "The long read on budgets, data and policy: how decisions are made and what they cost.",
        None,
    ),
    "opinion": (
        "Opinion",
        40,
        "Argument from our columnists and guest writers. Their views are their own.",
        None,
    ),
    "cities": (
        "Cities",
        50,
        "Housing, transport and local government in Harbourton and the towns around it.",
        None,
    ),
    "climate": (
        "Climate",
        60,
        "Floods, energy and the long adjustment to a warmer coast. "
        "Supported by the Aldermoor Foundation; our journalism remains independent.",
        "Aldermoor Foundation",
    ),
}

SOURCES = [
    {
        "name": "Harbourton Institute for Urban Research",
        "slug": "harbourton-institute",
        "website": "https://urban-research.example.org/",
        "attribution": "First published by the Harbourton Institute for Urban Research.",
        "colour": (44, 74, 110),
    },
    {
        "name": "The Fiscal Council",
        "slug": "fiscal-council",
        "website": "https://fiscal-council.example.org/",
        "attribution": "Adapted from a briefing by the Fiscal Council, "
        "Estmark's independent budget watchdog.",
        "colour": (92, 64, 98),
    },
    {
        "name": "Coastal Reporting Collective",
        "slug": "coastal-collective",
        "website": "https://coastal-collective.example.org/",
        "attribution": "This story was first published by the Coastal Reporting Collective, "
        "a non-profit newsroom, and is republished with permission.",
        "feed_url": "https://coastal-collective.example.org/feed/",
        "colour": (36, 102, 112),
    },
    {
        "name": "Public Health Observatory",
        "slug": "health-observatory",
        "website": "https://health-observatory.example.org/",
        "attribution": "Based on research by the Public Health Observatory.",
        "colour": (140, 60, 64),
    },
]

SITE_ORGANISATION = "The Civic Ledger"

# The writer demo account is linked to the first author, so writers see their own byline.
AUTHORS = [
    {
        "slug": "walter-quinn",
        "name": "Walter Quinn",
        "role": "Local government reporter",
        "organisation": SITE_ORGANISATION,
        "bio": "Walter covers Harbourton city council, its budgets and the people who sit through "
        "its planning meetings so readers do not have to. Before joining the Ledger he reported "
        "for regional papers across the Ashby valley.",
        "colour": (66, 98, 132),
    },
    {
        "slug": "ines-okafor",
        "name": "Ines Okafor",
        "role": "Political editor",
        "organisation": SITE_ORGANISATION,
        "bio": "Ines leads our coverage of the Assembly and the government. She has reported on "
        "four general elections and two coalition collapses.",
        "colour": (128, 74, 92),
    },
    {
        "slug": "tomas-lindqvist",
        "name": "Tomas Lindqvist",
        "role": "Economics editor",
        "organisation": SITE_ORGANISATION,
        "bio": "Tomas writes about public finances, wages and the cost of living, and builds most "
        "of the Ledger's charts. He trained as a statistician.",
        "colour": (74, 110, 88),
    },
    {
        "slug": "mira-haddad",
        "name": "Mira Haddad",
        "role": "Courts and justice correspondent",
        "organisation": SITE_ORGANISATION,
        "bio": "Mira reports from Estmark's courts, from the magistrates' benches to the Supreme "
        "Court, and on the legal aid system that decides who gets a lawyer.",
        "colour": (150, 96, 58),
    },
    {
        "slug": "jonas-fenwick",
        "name": "Jonas Fenwick",
        "role": "Environment correspondent",
        "organisation": SITE_ORGANISATION,
        "bio": "Jonas covers climate, energy and the coast, where the sea is moving faster than "
        "the planning system.",
        "colour": (52, 112, 116),
    },
    {
        "slug": "priya-castell",
        "name": "Priya Castell",
        "role": "Health correspondent",
        "organisation": SITE_ORGANISATION,
        "bio": "Priya reports on hospitals, GP surgeries and public health, and reads more "
        "waiting-list spreadsheets than anyone should.",
        "colour": (112, 82, 140),
    },
    {
        "slug": "anna-varga",
        "name": "Anna Varga",
        "role": "Columnist",
        "organisation": SITE_ORGANISATION,
        "bio": "Anna writes a weekly column on politics and public life. She was a civil servant "
        "in the finance ministry for twelve years.",
        "colour": (160, 70, 70),
    },
    {
        "slug": "daniel-mensah",
        "name": "Daniel Mensah",
        "role": "Senior Researcher",
        "organisation": "Harbourton Institute for Urban Research",
        "bio": "Daniel studies housing markets and transport in mid-sized cities. His work on "
        "rent stabilisation has been cited in three Assembly inquiries.",
        "colour": (60, 84, 120),
    },
    {
        "slug": "helena-brandt",
        "name": "Helena Brandt",
        "role": "Chief Economist",
        "organisation": "The Fiscal Council",
        "bio": "Helena leads the Fiscal Council's forecasts of public spending and debt, and "
        "testifies before the Assembly's budget committee.",
        "colour": (98, 70, 110),
    },
    {
        "slug": "samuel-ekstrom",
        "name": "Samuel Ekström",
        "role": "Investigations reporter",
        "organisation": "Coastal Reporting Collective",
        "bio": "Samuel investigates public contracts and regulators for the Coastal Reporting "
        "Collective, a non-profit newsroom in Saltmarsh.",
        "colour": (46, 96, 90),
    },
    {
        "slug": "ruth-achebe",
        "name": "Dr Ruth Achebe",
        "role": "Director of Research",
        "organisation": "Public Health Observatory",
        "bio": "Ruth is an epidemiologist who leads the Observatory's work on health "
        "inequalities across Estmark's regions.",
        "colour": (132, 92, 64),
    },
]

# A vocabulary of about thirty tags; every demo article draws its tags from here.
TAGS = [
    "Budget", "Public finances", "Local government", "Transport", "Public transport",
    "Infrastructure", "Housing", "Planning", "Cost of living", "Courts", "Justice", "Legal aid",
    "Climate", "Energy", "Environment", "Health", "Hospitals", "Public services", "Elections",
    "Democracy", "Parliament", "Education", "Schools", "Water", "Policing", "Economy", "Jobs",
    "Accountability", "Data", "Harbourton",
]  # fmt: skip
