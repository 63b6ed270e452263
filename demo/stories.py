"""The demo articles: public-affairs reporting, analysis and opinion about Estmark and its
largest city, Harbourton. Invented from start to finish; any likeness to real places, people
or organisations is accidental.

Each story has its own headline, standfirst and opening paragraphs; `body_html` adds context,
and a close, from its own topic's paragraphs in `paragraphs.py` to make a full-length piece,
so no story carries a paragraph written about another topic.
"""

from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.text import slugify

from demo.paragraphs import BACKGROUND, NEXT_STEPS, OPINION_CLOSES

GRAPHICS_DESK = "Illustration: Civic Ledger graphics desk"


@dataclass(frozen=True)
class Story:
    section: str
    topic: str
    headline: str
    standfirst: str
    paragraphs: tuple
    authors: tuple  # author slugs in byline order; (slug, role on this article) for a role
    tags: tuple
    days_ago: float = 1  # below zero: scheduled that many days ahead
    state: str = "published"  # draft, review, published, scheduled, withdrawn
    caption: str = ""  # a featured image is drawn for every story with a caption
    premium: bool = False
    source: str = ""
    sponsor: str = ""
    video_url: str = ""
    corrections: tuple = ()
    by_writer: bool = False  # created by the demo writer account rather than the editor
    credit: str = GRAPHICS_DESK
    index: int = field(default=0, compare=False)

    @property
    def slug(self):
        slug = slugify(self.headline)
        return slug if len(slug) <= 80 else slug[:80].rsplit("-", 1)[0]

    @property
    def image(self):
        """(alt, caption, credit) for stories with a featured image, else None."""
        if not self.caption:
            return None
        alt = "Abstract illustration: overlapping circles, bands and triangles in muted colours."
        return alt, self.caption, self.credit


def _story(*args, **kwargs):
    return Story(*args, **kwargs)


_STORIES = [
    # News ------------------------------------------------------------------------------------
    _story(
        "news",
        "budget",
        "Harbourton council faces 140m-mark gap as care costs outpace income",
        "Officers warn that the city will have to cut services or raise charges unless the "
        "national grant rises, in the starkest budget report in a decade.",
        (
            "Harbourton city council will run out of room to balance its books within three "
            "years unless its grant from the national government rises, its finance director "
            "told councillors on Tuesday, in a report that lays out for the first time how "
            "quickly the cost of caring for older and disabled residents is growing.",
            "The report, published ahead of next month's budget meeting, estimates a gap of 140 "
            "million marks by the end of the decade. “We have taken out everything that can be "
            "taken out without closing something residents would miss,” said the finance "
            "director, Ruth Amsel. “The next round of savings will be visible.”",
        ),
        ("walter-quinn",),
        ("Budget", "Local government", "Harbourton", "Public services"),
        days_ago=0.3,
        caption="Care costs now take two thirds of Harbourton's budget.",
        corrections=(
            "An earlier version of this article said the gap would be reached in two years. "
            "The finance director's report says three.",
        ),
    ),
    _story(
        "news",
        "transport",
        "Tram extension to the port will cost 890m marks, almost half as much again as planned",
        "Harbourton Transit blames steel prices and buried pipes for the new estimate for Line 4, "
        "and asks the national government to pay its share of the difference.",
        (
            "The cost of extending Harbourton's tram network to Eastfield and the port has risen "
            "to 890 million marks, Harbourton Transit said on Monday, an increase of 46 per cent "
            "on the figure approved by the council four years ago.",
            "The authority's chief executive, Jonas Berg, said the line remained “the best value "
            "transport scheme in the country” and that the increase was driven by construction "
            "inflation and by the discovery that more gas and water mains than expected would "
            "have to be moved before track could be laid.",
        ),
        ("walter-quinn", ("tomas-lindqvist", "Additional reporting")),
        ("Transport", "Public transport", "Infrastructure", "Harbourton"),
        days_ago=1.2,
        caption="Line 4 would run eleven kilometres from the central station to the port.",
        corrections=(
            "This article originally gave the approved cost of the scheme as 510 million marks. "
            "It was 610 million marks.",
        ),
    ),
    _story(
        "news",
        "courts",
        "Court backlog passes 9,800 cases as judges sit fewer days than funded",
        "Clerk shortages and closed court rooms mean trials in Harbourton now wait a year and a "
        "half on average, new figures show.",
        (
            "The number of criminal cases waiting to be heard in Estmark's district courts has "
            "passed 9,800, figures published by the courts service on Thursday show, even though "
            "the government funded more sitting days this year than last.",
            "Judges sat for 92 per cent of the days the courts service had paid for. Officials "
            "blamed a shortage of clerks and interpreters and three court rooms in Harbourton "
            "that were closed for weeks after their roofs failed in the autumn storms.",
        ),
        ("mira-haddad",),
        ("Courts", "Justice", "Public services", "Data"),
        days_ago=2.1,
        caption="Harbourton's court centre hears more cases than any other in Estmark.",
    ),
    _story(
        "news",
        "health",
        "Ambulances miss emergency target for the fourteenth month in a row",
        "Crews in the Harbourton region took twenty-one minutes on average to reach the most "
        "serious calls, as queues outside hospitals grow.",
        (
            "Ambulances in the Harbourton region took an average of twenty-one minutes to reach "
            "patients with life-threatening conditions last month, three minutes longer than "
            "the target, according to figures published by the regional health authority.",
            "Crews lost more than 6,000 hours waiting outside emergency departments to hand "
            "patients over, the equivalent of taking eight ambulances off the road every day. "
            "“We are a mobile waiting room,” one paramedic told the Ledger.",
        ),
        ("priya-castell",),
        ("Health", "Hospitals", "Public services", "Harbourton"),
        days_ago=3.4,
        caption="Emergency departments in the region handled record numbers last winter.",
    ),
    _story(
        "news",
        "water",
        "Ashby Water to pay 38m marks after regulator finds it under-reported sewage spills",
        "The company admits that monitors at forty overflows were switched off or broken, in the "
        "largest penalty the water regulator has imposed.",
        (
            "Ashby Water will pay 38 million marks in penalties and refunds after the water "
            "regulator found that it had failed to report hundreds of sewage spills into the Ashe "
            "and the sea over three years, the largest enforcement action in the regulator's "
            "history.",
            "The regulator said monitors at forty overflow points had been switched off, broken "
            "or not installed. The company said it accepted the findings in full and that the "
            "failures had happened “under previous management”.",
        ),
        ("samuel-ekstrom", ("jonas-fenwick", "Additional reporting")),
        ("Water", "Environment", "Accountability"),
        days_ago=4.0,
        caption="Overflows discharge into the Ashe after heavy rain.",
    ),
    _story(
        "news",
        "education",
        "Free school meals for every primary pupil to be extended across Harbourton",
        "A pilot in Eastfield and Millbrook raised attendance, the council says, and will now "
        "cover every primary school in the city from September.",
        (
            "Every primary school pupil in Harbourton will be offered a free lunch from September, "
            "the council announced on Wednesday, extending a pilot that has run in Eastfield and "
            "Millbrook for a year.",
            "The extension will cost about 19 million marks a year, paid for from the council's "
            "public health budget and a grant from the education ministry. Head teachers in the "
            "pilot schools said it had removed the stigma of a separate queue for poorer pupils.",
        ),
        ("walter-quinn",),
        ("Education", "Schools", "Cost of living", "Harbourton"),
        days_ago=5.2,
        caption="The pilot ran in twenty-two primary schools in Eastfield and Millbrook.",
    ),
    _story(
        "news",
        "policing",
        "Police complaints authority takes eleven months to close a case, report finds",
        "Families of people who died after contact with the police say the wait for answers has "
        "become a second injustice.",
        (
            "The body that investigates complaints against the police took an average of eleven "
            "months to conclude a case last year, and more than two years in cases involving a "
            "death, according to a report by the Assembly's home affairs committee.",
            "The committee called for a statutory time limit and more investigators. The authority "
            "said its caseload had doubled in five years while its budget had risen by a tenth.",
        ),
        ("mira-haddad",),
        ("Policing", "Justice", "Accountability", "Parliament"),
        days_ago=6.5,
        caption="The home affairs committee took evidence from eleven bereaved families.",
    ),
    _story(
        "news",
        "economy",
        "Port owners plan to automate two terminals, putting 800 jobs at risk",
        "Harbourton's dockworkers' union says it will ballot for strikes unless the company "
        "guarantees redeployment for every worker affected.",
        (
            "The owners of the port of Harbourton plan to automate two of its four container "
            "terminals over the next five years, a change unions say would cost about 800 jobs.",
            "In a letter to staff, the company said automation was needed to compete with larger "
            "ports and promised “no compulsory redundancies where redeployment is possible”. The "
            "dockworkers' union said the promise was worthless without numbers attached.",
        ),
        ("tomas-lindqvist",),
        ("Economy", "Jobs", "Harbourton"),
        days_ago=7.8,
        caption="The port handles a third of Estmark's container trade.",
    ),
    _story(
        "news",
        "climate",
        "Flood barrier closed 31 times last winter, ten times its design rate",
        "Engineers say Harbourton's barrier on the Ashe can be raised, but not before the middle "
        "of the next decade, and not for less than 300m marks.",
        (
            "Harbourton's flood barrier on the river Ashe closed 31 times last winter, the "
            "national flood agency said on Friday, more often than in any year since it opened "
            "and about ten times as often as it was designed to.",
            "The agency's chief engineer told the Assembly's environment committee that the "
            "barrier was “doing exactly what it should, far more often than anyone planned”, and "
            "that a decision on raising it would be needed within two years.",
        ),
        ("jonas-fenwick",),
        ("Climate", "Infrastructure", "Environment", "Harbourton"),
        days_ago=8.3,
        caption="The barrier protects about 40,000 homes in central Harbourton.",
        video_url="https://www.youtube.com/watch?v=aqz-KE-bpKQ",
    ),
    _story(
        "news",
        "housing",
        "Northgate tenants win guarantee of same-rent homes in estate rebuild",
        "The council writes the promise into the development contract after residents "
        "threatened to withdraw their support for the regeneration.",
        (
            "Every tenant on the Northgate estate will be offered a new home on the site at the "
            "same rent, after Harbourton council agreed to write the guarantee into its contract "
            "with the developer, ending a year-long dispute.",
            "Residents had voted for the regeneration in 2021 on that promise, but a draft "
            "contract seen by the tenants' association last spring contained no such clause. "
            "“We had it in a leaflet. Now we have it in law,” said the association's chair.",
        ),
        ("walter-quinn", ("daniel-mensah", "Analysis")),
        ("Housing", "Planning", "Local government", "Harbourton"),
        days_ago=9.6,
        caption="The Northgate estate's eleven towers were built between 1964 and 1969.",
    ),
    _story(
        "news",
        "elections",
        "Postal votes to be counted from the morning of polling day",
        "The electoral commission's change should mean results before midnight in most seats, "
        "after last election's long wait.",
        (
            "Postal ballots will be counted from nine in the morning on polling day at the next "
            "general election, the electoral commission announced, rather than from the close of "
            "polls, so that results in most constituencies arrive before midnight.",
            "Ballots will be counted in sealed rooms with observers from every party, and no "
            "figures may be released before polls close. The change follows an election at which "
            "some results were not declared until the following afternoon.",
        ),
        ("ines-okafor",),
        ("Elections", "Democracy", "Public services"),
        days_ago=11.0,
        caption="One voter in five now votes by post.",
    ),
    _story(
        "news",
        "courts",
        "Supreme Court rules rent stabilisation law does not breach landlords' rights",
        "The judgment ends a three-year challenge and clears the way for the cap on rent rises "
        "to be extended to new tenancies.",
        (
            "Estmark's Supreme Court ruled on Tuesday that the rent stabilisation law, which caps "
            "rent rises for sitting tenants at inflation plus one percentage point, does not "
            "breach the property rights guaranteed by the constitution.",
            "A group of landlords had argued that the cap amounted to confiscation. The court "
            "found, by five judges to two, that the law pursued a legitimate aim and left owners "
            "a fair return.",
        ),
        ("mira-haddad", "walter-quinn"),
        ("Courts", "Housing", "Justice"),
        days_ago=12.5,
        caption="The Supreme Court sits in the old customs house on the Harbourton quayside.",
    ),
    _story(
        "news",
        "transport",
        "Night buses return to six routes after two-year absence",
        "Harbourton Transit restores overnight services to Eastfield, Northgate and the hospital "
        "after a campaign by shift workers.",
        (
            "Night buses will run again on six routes from next month, Harbourton Transit said, "
            "two years after overnight services were cut to save money.",
            "The routes serve Harbourton General Hospital, the port and the districts where "
            "most shift workers live. A petition started by hospital cleaners gathered more than "
            "12,000 signatures.",
        ),
        ("walter-quinn",),
        ("Transport", "Public transport", "Harbourton"),
        days_ago=14.0,
        caption="The six restored routes run every thirty minutes between midnight and five.",
    ),
    _story(
        "news",
        "health",
        "Harbourton General to close a ward because of a leaking roof",
        "Twenty-eight beds will be out of use for at least three months while repairs are made, "
        "the hospital's managers say.",
        (
            "Harbourton General Hospital will close a 28-bed medical ward for at least three "
            "months while its roof is repaired, the hospital's managers told staff on Monday.",
            "The hospital's maintenance backlog has passed 90 million marks. Patients will be "
            "moved to other wards and to a private hospital under an existing contract.",
        ),
        ("priya-castell",),
        ("Health", "Hospitals", "Infrastructure"),
        days_ago=15.2,
        caption="",
    ),
    _story(
        "news",
        "water",
        "Drought rules lifted in the Ashby valley after wettest autumn on record",
        "Hosepipe restrictions in place since July end as the region's reservoirs return to normal levels.",
        (
            "Ashby Water has lifted the hosepipe ban that has applied across the Ashby valley "
            "since July, after the wettest autumn since records began brought its reservoirs back "
            "to normal levels for the time of year.",
            "The company warned that the region's water supply remained fragile, and that a dry "
            "winter followed by a hot spring could bring restrictions back next year.",
        ),
        ("jonas-fenwick",),
        ("Water", "Climate", "Environment"),
        days_ago=17.0,
        caption="Reservoirs in the valley were at a third of capacity in August.",
    ),
    _story(
        "news",
        "budget",
        "Council leader's travel claims referred to standards committee",
        "Opposition councillors question 14,000 marks of taxi and hotel bills claimed over two "
        "years; the leader says every claim was approved.",
        (
            "The leader of Harbourton city council has been referred to the council's standards "
            "committee over travel claims worth about 14,000 marks, after opposition councillors "
            "questioned taxi and hotel bills submitted over two years.",
            "The leader said every claim had been approved by officers under the council's rules, "
            "and that she welcomed the chance to show it. The committee will meet in private.",
        ),
        ("walter-quinn",),
        ("Local government", "Accountability", "Harbourton"),
        days_ago=20.0,
        state="withdrawn",
    ),
    # Politics --------------------------------------------------------------------------------
    _story(
        "politics",
        "elections",
        "Boundary review would move two seats from the north to Harbourton",
        "The first redrawing of constituencies in twelve years follows the population to the "
        "city, and the parties with rural strongholds are not pleased.",
        (
            "Two Assembly seats would move from the rural north to Harbourton and its suburbs "
            "under proposals published by the boundary commission on Monday, the first redrawing "
            "of the map in twelve years.",
            "The Civic Party, which holds both of the northern seats that would disappear, said "
            "the review should wait until after the election. The commission said the law "
            "required it to report now.",
        ),
        ("ines-okafor",),
        ("Elections", "Democracy", "Parliament"),
        days_ago=0.8,
        caption="The proposed map follows population growth in Harbourton's suburbs.",
    ),
    _story(
        "politics",
        "budget",
        "Finance minister promises “no surprises” in autumn budget",
        "Petra Dahl tells the Assembly that tax rises are off the table, but will not rule out "
        "spending cuts outside health and schools.",
        (
            "The finance minister, Petra Dahl, told the Assembly on Wednesday that the autumn "
            "budget would contain “no surprises” and no rises in income tax or VAT, while "
            "declining to rule out cuts to departments outside health and schools.",
            "The opposition's finance spokesperson said the promise could only be kept by "
            "“pretending the Fiscal Council does not exist”. Dahl replied that the council's "
            "forecasts had been too pessimistic in two of the past three years.",
        ),
        ("ines-okafor", "tomas-lindqvist"),
        ("Budget", "Public finances", "Parliament"),
        days_ago=2.6,
        caption="The autumn budget will be the last before the general election.",
    ),
    _story(
        "politics",
        "elections",
        "Civic Party chooses Magnus Roe to lead it into the election",
        "The former mayor of Kellford wins the leadership by a wide margin and promises to "
        "“govern from the towns, not the ministries”.",
        (
            "Magnus Roe, a former mayor of Kellford, was elected leader of the Civic Party on "
            "Saturday with 61 per cent of members' votes, and will lead the main opposition party "
            "into the general election due by May.",
            "In his acceptance speech Roe promised to “govern from the towns, not the "
            "ministries”, and to give councils control of a larger share of taxes raised locally.",
        ),
        ("ines-okafor",),
        ("Elections", "Parliament", "Local government"),
        days_ago=5.9,
        caption="Roe led Kellford's council for eight years.",
    ),
    _story(
        "politics",
        "elections",
        "Campaign spending limit has not changed since 2014. Parties want it raised",
        "All three main parties say the cap no longer covers a national campaign; transparency "
        "groups say the real gap is online.",
        (
            "The three largest parties in the Assembly have asked the electoral commission to "
            "raise the limit on national campaign spending, which has stayed at 4.1 million marks "
            "since 2014 while the cost of almost everything a campaign buys has risen.",
            "Transparency campaigners said a higher limit would be reasonable if it came with "
            "rules on online advertising bought outside the formal campaign period, which is "
            "currently almost unregulated.",
        ),
        ("ines-okafor",),
        ("Elections", "Democracy", "Accountability"),
        days_ago=10.2,
        caption="",
    ),
    _story(
        "politics",
        "health",
        "Health minister survives confidence vote by four votes",
        "The coalition holds together after a night of negotiation with the Green Left over "
        "waiting-list targets.",
        (
            "The health minister, Joakim Strand, survived a confidence vote in the Assembly on "
            "Thursday by 75 votes to 71, after the Green Left agreed overnight to support him in "
            "return for a published plan to cut waiting lists.",
            "Opposition members had tabled the motion after figures showed one patient in five "
            "waiting longer than the promised 26 weeks for planned treatment.",
        ),
        ("ines-okafor", ("priya-castell", "Additional reporting")),
        ("Health", "Parliament", "Hospitals"),
        days_ago=13.7,
        caption="The vote was the coalition's closest in two years.",
    ),
    _story(
        "politics",
        "policing",
        "Government drops plan to merge regional police forces",
        "Ministers abandon the merger after chief constables warned that savings were overstated "
        "and local policing would suffer.",
        (
            "The government has dropped its plan to merge Estmark's seven regional police forces "
            "into three, the interior minister said on Monday, after the chief constables of four "
            "forces warned that the promised savings were overstated.",
            "The minister said money set aside for the merger would instead fund 300 "
            "neighbourhood officers, to be recruited over two years.",
        ),
        ("mira-haddad",),
        ("Policing", "Public services", "Parliament"),
        days_ago=18.4,
        caption="",
    ),
    _story(
        "politics",
        "economy",
        "Minimum wage to rise to 14.20 marks as low-pay commission's advice is accepted",
        "The 6.2 per cent increase takes effect in April; employers in care ask for public "
        "contracts to be repriced to match.",
        (
            "The minimum wage will rise to 14.20 marks an hour in April, the labour minister "
            "announced, accepting in full the recommendation of the independent low-pay "
            "commission.",
            "About 310,000 workers will get a pay rise as a result, most of them in retail, "
            "hospitality and care. Care providers said the rise was deserved but that councils "
            "must increase what they pay for care to fund it.",
        ),
        ("tomas-lindqvist",),
        ("Economy", "Jobs", "Cost of living"),
        days_ago=22.0,
        caption="",
    ),
    _story(
        "politics",
        "climate",
        "Assembly votes to bring forward ban on new gas boilers to 2030",
        "The vote gives installers and households five years to prepare; the opposition says "
        "grants for heat pumps must rise first.",
        (
            "New homes and replacement heating systems in Estmark will have to be low-carbon from "
            "2030, five years earlier than planned, after the Assembly voted by 82 to 66 to bring "
            "forward the end of new gas boilers.",
            "The Civic Party voted against, arguing that the heat pump grant must first be "
            "increased. The environment minister said the grant would be reviewed in the autumn "
            "budget.",
        ),
        ("ines-okafor", "jonas-fenwick"),
        ("Climate", "Energy", "Parliament"),
        days_ago=26.0,
        caption="About 1.9 million homes in Estmark are heated by gas.",
    ),
    _story(
        "politics",
        "elections",
        "What the parties have promised so far, in one place",
        "A running guide to the commitments made by Estmark's parties before the general "
        "election, updated as manifestos are published.",
        (
            "With the general election due by May, the parties have begun to set out what they "
            "would do in government. This guide will be updated as each manifesto is published.",
        ),
        ("ines-okafor", "tomas-lindqvist"),
        ("Elections", "Parliament", "Data"),
        days_ago=-2.5,
        state="scheduled",
        caption="The guide will be updated as manifestos are published.",
    ),
    # Analysis --------------------------------------------------------------------------------
    _story(
        "analysis",
        "budget",
        "Where Harbourton's 2.4bn marks go, line by line",
        "Two thirds of the council's budget is spent on three services most residents never use. "
        "That is why cuts are so hard to see coming.",
        (
            "Ask a Harbourton resident what the council does and they will mention bins, "
            "libraries and potholes. Together those account for less than a tenth of its "
            "spending. The rest goes on services that most people never use but that a minority "
            "cannot live without: care for older and disabled adults, protection for children at "
            "risk, and help for families without a home.",
            "We went through the council's published accounts to show where each mark goes, "
            "and why the lines that are growing fastest are the hardest to control.",
        ),
        ("tomas-lindqvist",),
        ("Budget", "Local government", "Data", "Harbourton"),
        days_ago=1.8,
        caption="Adult social care is the largest single line in the budget.",
        premium=True,
    ),
    _story(
        "analysis",
        "courts",
        "Why the court backlog will not clear on its own",
        "More sitting days alone will not fix a system short of clerks, interpreters and "
        "working roofs. The numbers show where the bottlenecks are.",
        (
            "Ministers have promised to clear the court backlog by funding more sitting days. "
            "The funded days are not being used: last year judges sat for 92 per cent of them. "
            "The constraint is no longer money for judges, but everything around them.",
            "Our analysis of listing data from the courts service shows that the cases waiting "
            "longest are those that need an interpreter, a secure dock, or a court room that is "
            "large enough for several defendants, and those are exactly the resources in shortest "
            "supply.",
        ),
        ("mira-haddad", "tomas-lindqvist"),
        ("Courts", "Justice", "Data"),
        days_ago=4.6,
        caption="Cases needing interpreters wait longest.",
        premium=True,
    ),
    _story(
        "analysis",
        "housing",
        "Rent stabilisation slowed rises for sitting tenants. New tenants paid the difference",
        "Five years of data from Harbourton's lettings show what the cap did, and what it did not do.",
        (
            "Rent stabilisation was meant to protect tenants from sudden rises without deterring "
            "investment. Five years of lettings data suggest it has done the first for people who "
            "stay put, while rents for homes that change hands have risen faster than before.",
            "The pattern matters because Harbourton's renters move often: about one tenancy in "
            "four ends each year. We compared rents on the same homes before and after a change "
            "of tenant, using data from the Harbourton Institute for Urban Research.",
        ),
        ("daniel-mensah", ("tomas-lindqvist", "Data analysis")),
        ("Housing", "Cost of living", "Data", "Harbourton"),
        days_ago=6.9,
        caption="Rents on re-let homes rose by a fifth more than rents within tenancies.",
        source="harbourton-institute",
        credit="Illustration: Harbourton Institute for Urban Research",
        premium=True,
    ),
    _story(
        "analysis",
        "budget",
        "The 1.9bn marks of savings nobody has found",
        "The government's spending plans count on efficiencies that no department has "
        "identified. The Fiscal Council explains why that matters.",
        (
            "Every budget since 2019 has assumed savings from “efficiency” that are not attached "
            "to any programme, contract or job. In the current plans they add up to 1.9 billion "
            "marks, about 2 per cent of day-to-day spending.",
            "Savings of that kind are not impossible, but our review of the last three budgets "
            "found that they were delivered in only one year, and then largely by delaying "
            "maintenance that had to be paid for later.",
        ),
        ("helena-brandt",),
        ("Budget", "Public finances", "Accountability"),
        days_ago=9.0,
        caption="Unidentified savings have grown in each of the last three budgets.",
        source="fiscal-council",
        credit="Illustration: The Fiscal Council",
        premium=True,
    ),
    _story(
        "analysis",
        "health",
        "The districts with the most illness have the fewest doctors",
        "New research maps GP numbers against long-term illness across Estmark and finds the "
        "same pattern in every region.",
        (
            "In the northern districts of Harbourton, one family doctor serves more than 2,600 "
            "patients. In the city's western suburbs, one serves about 1,700. Rates of long-term "
            "illness run the other way.",
            "The Public Health Observatory mapped the number of doctors in every practice against "
            "the health of the people registered with it. The result is a picture of a system "
            "that sends the least care to the places that need it most.",
        ),
        ("ruth-achebe",),
        ("Health", "Public services", "Data"),
        days_ago=12.0,
        caption="Practices in the north of the city have the largest lists.",
        source="health-observatory",
        credit="Illustration: Public Health Observatory",
    ),
    _story(
        "analysis",
        "transport",
        "Does Line 4 still add up at 890m marks?",
        "The tram extension's business case was written when it cost 610m. We reran the "
        "numbers with the new estimate and the new fares.",
        (
            "When Harbourton council approved the Line 4 tram extension, its business case "
            "promised 2.40 marks of benefit for every mark spent. That figure assumed a cost of "
            "610 million marks and fares that have since risen by eight per cent.",
            "We asked two transport economists to rerun the case with today's figures. Both "
            "found that the scheme still returns more than it costs, but by a much thinner "
            "margin, and that the result now depends heavily on the new homes planned near the "
            "port being built.",
        ),
        ("tomas-lindqvist", "walter-quinn"),
        ("Transport", "Infrastructure", "Budget", "Data"),
        days_ago=16.0,
        caption="The benefit-cost ratio has fallen from 2.4 to about 1.5.",
        premium=True,
    ),
    _story(
        "analysis",
        "climate",
        "Managed retreat: what happens when the sea wall is not rebuilt",
        "Four villages on the Saltmarsh coast are in the path of a policy few people have heard "
        "of. Here is how it would work.",
        (
            "The shoreline plan for the coast between Saltmarsh and the mouth of the Ashe uses a "
            "phrase that residents of four villages have come to dread: managed realignment. It "
            "means that when the sea defences there fail, they will not be replaced.",
            "No one in Estmark has yet been compensated for a home lost to erosion, because no "
            "law provides for it. We looked at how other countries have handled the same problem, "
            "and at what it would cost here.",
        ),
        ("jonas-fenwick", ("samuel-ekstrom", "Reporting from Saltmarsh")),
        ("Climate", "Environment", "Housing"),
        days_ago=19.5,
        caption="Parts of the Saltmarsh coast lose up to two metres a year.",
    ),
    _story(
        "analysis",
        "economy",
        "Inflation is falling. Why does it not feel like it?",
        "Prices are rising more slowly, but they are not falling, and the things that have "
        "risen most are the ones low-income households cannot avoid.",
        (
            "Inflation has fallen from 10.4 per cent to 3.1 per cent in two years. For most "
            "households, that means prices are still rising, just more slowly, and the level they "
            "reached during the energy shock is not coming back down.",
            "We split the price index by what different households spend their money on. For "
            "the poorest tenth, whose budgets go mostly on food, rent and energy, prices have "
            "risen by a quarter since the shock began; for the richest tenth, by about a sixth.",
        ),
        ("tomas-lindqvist",),
        ("Economy", "Cost of living", "Data"),
        days_ago=23.0,
        caption="Food and rent have driven prices for low-income households.",
    ),
    _story(
        "analysis",
        "elections",
        "A third coalition in a row? What the polls say about the next Assembly",
        "Neither large party is close to a majority. The arithmetic of the next government may "
        "be decided by parties polling below ten per cent.",
        (
            "If the polls are right, the next Assembly will look much like this one: no party "
            "near the 76 seats needed for a majority, and the two largest parties each dependent "
            "on smaller partners with their own demands.",
            "We combined the last three months of published polls, weighted by sample size and "
            "recency, and translated them into seats using the boundary commission's proposed map.",
        ),
        ("ines-okafor", "tomas-lindqvist"),
        ("Elections", "Parliament", "Data"),
        days_ago=27.0,
        caption="The Social Democrats and the Civic Party are within two points of each other.",
        premium=True,
    ),
    _story(
        "analysis",
        "water",
        "How Ashby Water paid dividends while spills rose",
        "Over ten years the company paid out more to its owners than it invested in sewers. Its "
        "accounts show how.",
        (
            "Between 2014 and 2023 Ashby Water paid 1.1 billion marks in dividends and interest "
            "to its owners, and invested 870 million marks in the sewer network. Sewage spills "
            "rose in seven of those ten years.",
            "The Coastal Reporting Collective spent six months reading the company's accounts "
            "and its submissions to the regulator. This is what they show.",
        ),
        ("samuel-ekstrom",),
        ("Water", "Accountability", "Environment"),
        days_ago=30.0,
        caption="Spills were recorded at 212 overflow points last year.",
        source="coastal-collective",
        credit="Illustration: Coastal Reporting Collective",
    ),
    _story(
        "analysis",
        "education",
        "The schools with buildings past their design life, mapped",
        "Sixty-one schools in the region have at least one building that engineers say is past "
        "its expected life. Nine have roofs that must be monitored.",
        (
            "Sixty-one schools in the Harbourton region have at least one building that has "
            "outlived its design life, according to a survey obtained by the Ledger under the "
            "freedom of information act. Nine have roofs made of a lightweight concrete that "
            "engineers now say can fail without warning.",
            "We mapped every school in the survey and asked the education ministry when each "
            "would be repaired or rebuilt.",
        ),
        ("walter-quinn", ("tomas-lindqvist", "Data and graphics")),
        ("Education", "Schools", "Infrastructure", "Data"),
        days_ago=33.0,
        caption="Most of the buildings in the survey were built between 1955 and 1980.",
    ),
    # Opinion ---------------------------------------------------------------------------------
    _story(
        "opinion",
        "budget",
        "Stop pretending councils can save their way out of the care crisis",
        "Harbourton has already cut what can be cut. The honest choice now is between paying "
        "more for care and providing less of it.",
        (
            "For ten years, every budget round in Harbourton has ended with the same words: "
            "difficult choices, efficiencies, doing more with less. The difficult choices were "
            "made. The efficiencies were found. What is left is the care itself.",
            "When a council spends two thirds of its money on people who need looking after, "
            "there is no line in the budget that can absorb a shortfall of 140 million marks "
            "without someone who needs care getting less of it. We should say so.",
        ),
        ("anna-varga",),
        ("Budget", "Local government", "Public services"),
        days_ago=1.5,
        caption="",
    ),
    _story(
        "opinion",
        "transport",
        "Build the tram. Then stop letting costs surprise us",
        "Line 4 is still worth building. What is not worth repeating is the way its cost was "
        "estimated in the first place.",
        (
            "The case for extending the tram to Eastfield and the port has not changed: these "
            "are the districts where the fewest people own a car and the most people work shifts. "
            "What has changed is the price, and nobody should pretend to be surprised by that.",
            "Every large transport project in Estmark's recent history has cost more than its "
            "first estimate. The fault lies less with engineers than with a process that rewards "
            "optimism at the approval stage and punishes candour.",
        ),
        ("anna-varga",),
        ("Transport", "Infrastructure", "Harbourton"),
        days_ago=3.0,
        caption="",
    ),
    _story(
        "opinion",
        "courts",
        "Legal aid has been frozen since 2011. Justice has not",
        "A defendant on a cleaner's wage is now expected to pay for a lawyer. The cost of that "
        "is borne by everyone who waits for a trial.",
        (
            "In 2011 the means test for criminal legal aid was set at a level that excluded "
            "people on a good professional salary. It has not been changed since. Today it "
            "excludes a full-time cleaner.",
            "People who cannot pay for a lawyer and are not entitled to one represent themselves. "
            "Their trials take longer, their pleas come later, and their appeals are more "
            "frequent. The saving on legal aid is repaid many times over in court time.",
        ),
        (("mira-haddad", "Courts correspondent, writing in a personal capacity"),),
        ("Legal aid", "Courts", "Justice"),
        days_ago=6.0,
        caption="",
    ),
    _story(
        "opinion",
        "climate",
        "The coast is moving. Our laws should move with it",
        "No one in Estmark can be compensated for a home lost to the sea. The four villages on "
        "the Saltmarsh coast deserve better than a plan with no money in it.",
        (
            "Managed realignment is a sensible policy described in the language of a civil "
            "engineer. In the language of the people it affects, it means: your house will fall "
            "into the sea, and nobody will pay you for it.",
            "The sea is not going to negotiate. The Assembly can. A fund for coastal transition, "
            "paid for in part by the levy on new development in flood-safe areas, would cost less "
            "than one of the sea walls we cannot afford to build.",
        ),
        ("anna-varga",),
        ("Climate", "Environment", "Housing"),
        days_ago=8.0,
        caption="",
    ),
    _story(
        "opinion",
        "health",
        "Waiting lists are a choice, and we keep making it",
        "The health service does not lack ideas for shortening queues. It lacks beds, staff and "
        "a government willing to fund the dull parts.",
        (
            "Every health minister for a decade has had a plan to cut waiting lists. Most of "
            "them were good plans. What they had in common was that they assumed the hospitals "
            "would have the beds, the theatres and the nurses to carry them out.",
            "Waiting lists are long because the system is running at a level of occupancy that "
            "leaves no slack for planned treatment, and every winter the slack is taken by "
            "emergencies.",
        ),
        (("ruth-achebe", "Guest columnist"),),
        ("Health", "Hospitals", "Public services"),
        days_ago=11.5,
        caption="",
    ),
    _story(
        "opinion",
        "elections",
        "Redraw the map now, not after the election",
        "The Civic Party wants the boundary review delayed. Fair representation should not wait "
        "for a convenient moment.",
        (
            "The Civic Party's objection to the boundary review is about timing, it says, not "
            "about principle. But the timing is set by law, and the principle is simple: a vote "
            "in Harbourton's suburbs should count for as much as a vote in the north.",
            "Today, the largest constituency has almost twice as many voters as the smallest. "
            "Delaying the review by another parliament would entrench that for five more years.",
        ),
        ("anna-varga",),
        ("Elections", "Democracy", "Parliament"),
        days_ago=14.5,
        caption="",
    ),
    _story(
        "opinion",
        "housing",
        "A levy on unbuilt homes would concentrate minds",
        "Developers hold permission for 9,000 homes in Harbourton that have not been built. A "
        "modest charge would make sitting on land less attractive.",
        (
            "There are permissions for more than 9,000 homes in Harbourton on which no brick "
            "has been laid. Some are stalled for good reasons. Others are stalled because land "
            "with permission is worth more next year than it is today.",
            "A levy on permissions left unused for three years, set low enough not to deter "
            "honest builders, would change that calculation. The proposal before the Assembly "
            "deserves cross-party support.",
        ),
        (("daniel-mensah", "Guest author"),),
        ("Housing", "Planning", "Harbourton"),
        days_ago=18.0,
        caption="",
    ),
    _story(
        "opinion",
        "economy",
        "Automating the port is not the problem. Abandoning its workers would be",
        "The port of Harbourton has to compete. The question is whether the people who built "
        "its success share in the next stage of it.",
        (
            "Nobody who has watched a modern container terminal at work believes Harbourton can "
            "compete without automation. The dockworkers' union does not believe it either. What "
            "it wants, reasonably, is to know what happens to its members.",
            "The company has offered a promise of redeployment “where possible”. It should offer "
            "numbers: how many jobs, of what kind, at what pay, and a guarantee of retraining for "
            "everyone who wants it.",
        ),
        ("anna-varga",),
        ("Economy", "Jobs", "Harbourton"),
        days_ago=24.0,
        caption="",
    ),
    _story(
        "opinion",
        "water",
        "Ashby Water's fine is a start. Public ownership should be on the table",
        "A 38m-mark penalty will not clean the Ashe. The model that produced the spills "
        "deserves the same scrutiny as the company.",
        (
            "The regulator's penalty is the largest it has imposed, and it is welcome. It is also "
            "less than Ashby Water paid its owners in a single year of the decade in which "
            "spills rose.",
            "Other countries run water as a public service without apology. Estmark should at "
            "least ask whether the model it adopted in the 1990s has delivered what was promised.",
        ),
        ("anna-varga",),
        ("Water", "Accountability", "Environment"),
        days_ago=29.0,
        caption="",
    ),
    _story(
        "opinion",
        "education",
        "Free school meals for all is the cheapest good policy we have",
        "The Eastfield pilot shows what happens when hunger is taken out of the classroom. "
        "Extending it to the whole city is the right call.",
        (
            "Teachers in the pilot schools in Eastfield and Millbrook describe the change in the "
            "same words: children arrive, eat and learn. Attendance is up. The separate queue for "
            "poorer children has gone.",
            "At 19 million marks a year for the whole city, universal free meals cost less than "
            "one per cent of the council's budget. Few policies do so much good for so little.",
        ),
        (("priya-castell", "Health correspondent"), "walter-quinn"),
        ("Education", "Schools", "Cost of living"),
        days_ago=31.0,
        caption="",
    ),
    # Cities ----------------------------------------------------------------------------------
    _story(
        "cities",
        "housing",
        "Harbourton built 410 council homes last year, its most in two decades",
        "The figure is a milestone for the city's building programme, and still fewer than the "
        "number of families added to the waiting list.",
        (
            "Harbourton council completed 410 new council homes last year, the highest number "
            "since 2003, according to figures presented to the housing committee.",
            "The council's housing lead called the figure “a floor, not a ceiling”, but "
            "acknowledged that the waiting list had grown by more than 500 households over the "
            "same period.",
        ),
        ("walter-quinn",),
        ("Housing", "Local government", "Harbourton"),
        days_ago=2.9,
        caption="Most of the new homes were built on council-owned land in Eastfield.",
    ),
    _story(
        "cities",
        "transport",
        "Cycle lanes on Quay Street to become permanent after trial",
        "Traffic fell by a fifth and cycling doubled during the eighteen-month trial; shop owners "
        "remain divided.",
        (
            "The protected cycle lanes on Quay Street will become permanent, Harbourton council "
            "decided on Thursday, after an eighteen-month trial during which the number of people "
            "cycling on the street doubled.",
            "Motor traffic on the street fell by a fifth. A survey of businesses found that just "
            "over half supported keeping the lanes; several shop owners said deliveries had "
            "become harder.",
        ),
        ("walter-quinn",),
        ("Transport", "Planning", "Harbourton"),
        days_ago=7.0,
        caption="Quay Street carries about 4,000 cyclists on a weekday.",
    ),
    _story(
        "cities",
        "policing",
        "Neighbourhood police teams return to Northgate and Millbrook",
        "Each district will have named officers again, paid for with money saved from the "
        "abandoned police merger.",
        (
            "Northgate and Millbrook will each have a dedicated team of neighbourhood police "
            "officers again from the spring, Harbourton's police chief said, five years after the "
            "teams were merged into a city-wide unit.",
            "Residents' groups had complained that they no longer knew who their local officers "
            "were. The new teams will hold monthly meetings open to the public.",
        ),
        ("walter-quinn", ("mira-haddad", "Additional reporting")),
        ("Policing", "Local government", "Harbourton"),
        days_ago=10.8,
        caption="",
    ),
    _story(
        "cities",
        "budget",
        "Harbourton's libraries will stay open, but on shorter hours",
        "The council's savings plan spares all fourteen branches from closure and cuts opening "
        "times by a fifth instead.",
        (
            "None of Harbourton's fourteen public libraries will close under the council's "
            "savings plan, but most will open for a fifth fewer hours from April.",
            "The plan saves 2.3 million marks a year. Library users' groups said they were "
            "relieved, but warned that branches open only in working hours would lose the "
            "children and workers who use them most.",
        ),
        ("walter-quinn",),
        ("Budget", "Public services", "Harbourton"),
        days_ago=15.8,
        caption="The central library is the busiest public building in the city.",
    ),
    _story(
        "cities",
        "climate",
        "Trees planted along the ring road, in a city that lost 8,000 in a decade",
        "The council's planting programme aims to restore the canopy lost to development and "
        "disease by 2035.",
        (
            "Harbourton council has begun planting 1,200 trees along the ring road, the first "
            "stage of a programme to replace the 8,000 street trees the city lost in a decade to "
            "development, disease and drought.",
            "The trees were chosen for their tolerance of heat and dry summers. Volunteers will "
            "water them through their first three years.",
        ),
        ("jonas-fenwick",),
        ("Climate", "Environment", "Harbourton"),
        days_ago=21.0,
        caption="Tree cover in the city centre is about 11 per cent.",
    ),
    _story(
        "cities",
        "health",
        "New health centre for Northgate approved after a decade of waiting",
        "The centre will house three GP practices, a pharmacy and mental health services on the "
        "site of the old bus depot.",
        (
            "A health centre for Northgate, first promised in 2014, was approved by Harbourton's "
            "planning committee on Tuesday, and is due to open in two years on the site of the "
            "former bus depot.",
            "It will house three GP practices, a pharmacy, a mental health team and space for "
            "visiting hospital clinics, serving about 30,000 patients.",
        ),
        ("priya-castell", "walter-quinn"),
        ("Health", "Planning", "Harbourton"),
        days_ago=25.0,
        caption="The old bus depot has been empty since 2016.",
    ),
    # Climate ---------------------------------------------------------------------------------
    _story(
        "climate",
        "climate",
        "Heat pump grants reach a third of their target as installers warn of falling demand",
        "About 23,000 homes have received a grant. Installers say the price of electricity, not "
        "the technology, is what puts households off.",
        (
            "About 23,000 homes have received a grant towards a heat pump since the national "
            "scheme opened three years ago, figures from the energy ministry show, fewer than a "
            "third of the number the government expected.",
            "Installers said demand had fallen since electricity prices rose faster than gas "
            "prices last winter, making heat pumps more expensive to run for some households "
            "despite their efficiency.",
        ),
        ("jonas-fenwick",),
        ("Climate", "Energy", "Cost of living"),
        days_ago=3.7,
        caption="A heat pump grant is worth up to 7,500 marks.",
    ),
    _story(
        "climate",
        "climate",
        "Estmark's emissions fell 4 per cent last year, mostly thanks to a warm winter",
        "The fall puts the country back on track for its 2030 target, but officials warn the "
        "hard part, transport and heating, is still ahead.",
        (
            "Estmark's greenhouse gas emissions fell by 4 per cent last year, according to the "
            "environment agency's provisional estimate, but officials said most of the fall was "
            "due to a mild winter rather than lasting change.",
            "Emissions from transport were unchanged, and emissions from heating fell only "
            "because fewer homes needed it.",
        ),
        ("jonas-fenwick", ("tomas-lindqvist", "Data")),
        ("Climate", "Energy", "Data"),
        days_ago=13.0,
        caption="Power generation now produces a fifth of the country's emissions.",
    ),
    _story(
        "climate",
        "climate",
        "How a district heating network could warm ten thousand homes in Eastfield",
        "A shared network of pipes carrying warm water from the port's waste heat could replace "
        "thousands of gas boilers. Here is how it would work.",
        (
            "Under the streets of Eastfield, a few hundred metres from thousands of homes heated "
            "by gas, the port of Harbourton releases enough waste heat into the sea to warm a "
            "small town. A district heating network would capture that heat and carry it to homes "
            "through insulated pipes.",
            "The Brightwater Energy Cooperative, which is owned by its 12,000 customer members, "
            "has proposed building the network in three phases, starting with council blocks "
            "whose boilers are due for replacement.",
            "Homes on the network would no longer need a boiler of their own: a heat exchanger "
            "the size of a shoe box replaces it. Heat is metered and billed like any other "
            "utility, and the cooperative says prices would be set to undercut gas for the first "
            "ten years.",
            "Networks like this are common in the Nordic countries, where they heat most homes in "
            "large towns. They are rare in Estmark because they need a large up-front investment "
            "and enough customers signed up in advance to justify digging up the streets. The "
            "first phase, covering about 2,400 homes, would cost an estimated 46 million marks.",
            "The council will decide next year whether to connect its blocks in Eastfield. "
            "Residents will be consulted over the winter, and the cooperative has promised that "
            "no household will be required to join. You can read the cooperative's proposal on "
            '<a href="https://brightwater-energy.example.com/eastfield">its website</a>.',
        ),
        ("jonas-fenwick",),
        ("Climate", "Energy", "Harbourton"),
        days_ago=16.5,
        caption="The port's waste heat is currently released into the sea.",
        sponsor="Brightwater Energy Cooperative",
    ),
    _story(
        "climate",
        "climate",
        "Saltmarsh residents ask for a seat at the table on the coast's future",
        "A residents' assembly will meet monthly with the flood agency, after villagers said they "
        "learned of plans for their homes from the newspaper.",
        (
            "Residents of the four villages on the Saltmarsh coast that face managed realignment "
            "will meet monthly with the national flood agency, after they complained that they "
            "had learned of the plans for their homes from the press.",
            "The agency apologised for what it called “a failure of conversation”, and promised "
            "that no decision on any stretch of coast would be taken without a public meeting in "
            "the village concerned.",
        ),
        ("samuel-ekstrom", "jonas-fenwick"),
        ("Climate", "Environment", "Democracy"),
        days_ago=-4.0,
        state="scheduled",
        caption="About 900 people live in the four villages.",
    ),
    # In the works: drafts and pieces in review -----------------------------------------------
    _story(
        "news",
        "transport",
        "Bus drivers vote on strike over rosters",
        "Harbourton Transit drivers say new rosters leave them too little rest between shifts.",
        (
            "Bus drivers employed by Harbourton Transit are voting on whether to strike over new "
            "rosters that, their union says, leave some drivers less than ten hours between "
            "shifts.",
        ),
        ("walter-quinn",),
        ("Transport", "Jobs", "Harbourton"),
        state="draft",
        by_writer=True,
    ),
    _story(
        "cities",
        "housing",
        "Empty homes in the city centre could house a thousand families, survey suggests",
        "A council survey finds more than 1,100 homes empty for over a year within the ring road.",
        (
            "More than 1,100 homes within Harbourton's ring road have stood empty for more than a "
            "year, according to a council survey, many of them above shops.",
            "Councillors will be asked to double the council tax premium on long-term empty "
            "homes and to fund a team to bring them back into use.",
        ),
        ("walter-quinn",),
        ("Housing", "Planning", "Harbourton"),
        state="draft",
        by_writer=True,
        caption="Many of the empty homes are flats above shops.",
    ),
    _story(
        "analysis",
        "health",
        "Mental health waits: the numbers the health service does not publish",
        "Waiting times for talking therapy are reported. Waiting times for what comes after are "
        "not. We asked every region for them.",
        (
            "The health service publishes how long people wait for a first appointment with a "
            "talking therapist. It does not publish how long they wait for the treatment that "
            "follows, which can be far longer.",
        ),
        ("priya-castell", ("ruth-achebe", "Research")),
        ("Health", "Data", "Public services"),
        state="draft",
        premium=True,
    ),
    _story(
        "opinion",
        "courts",
        "Juries are worth the wait",
        "Proposals to try more cases without juries would shorten the backlog and weaken "
        "something harder to rebuild than a court room.",
        (
            "Every backlog produces a proposal to do away with juries for some kinds of case. "
            "This one is no different, and it should be resisted for the same reasons as before.",
        ),
        ("anna-varga",),
        ("Courts", "Justice", "Democracy"),
        state="draft",
    ),
    _story(
        "news",
        "economy",
        "Small businesses in the old town get a year's relief from rates",
        "The council hopes the relief will fill empty shops along Market Street.",
        (
            "Independent shops, cafés and workshops in Harbourton's old town will pay no business "
            "rates for a year under a scheme approved by the council's economy committee.",
            "About 140 businesses are expected to qualify. The scheme costs 1.6 million marks and "
            "is paid for from the port's business rates, which the city keeps.",
        ),
        ("walter-quinn",),
        ("Economy", "Local government", "Harbourton"),
        state="review",
        by_writer=True,
        caption="Market Street has lost a quarter of its shops in five years.",
    ),
    _story(
        "politics",
        "budget",
        "What the autumn budget must answer",
        "Five questions for the finance minister, from the unidentified savings to the cost of "
        "the nurses' pay deal.",
        (
            "The autumn budget will be the government's last before the election, and the last "
            "chance to explain how its sums add up. These are the questions it needs to answer.",
            "First, where are the 1.9 billion marks of savings? Second, who pays for the nurses' "
            "pay deal? Third, will councils get the grant they say they need?",
        ),
        ("tomas-lindqvist", "ines-okafor"),
        ("Budget", "Public finances", "Parliament"),
        state="review",
        caption="The budget is due in the second week of October.",
    ),
    _story(
        "climate",
        "water",
        "Kell Moor reservoir inquiry opens with objections from farmers and naturalists",
        "The first new reservoir in the region for forty years would flood a valley of farms and "
        "a nature reserve.",
        (
            "A public inquiry into the proposed reservoir at Kell Moor opened on Monday, with "
            "more than 2,000 written objections from farmers, walkers and naturalists.",
            "Ashby Water says the reservoir is needed to secure supplies for the valley for the "
            "rest of the century.",
        ),
        ("jonas-fenwick",),
        ("Water", "Environment", "Planning"),
        state="review",
        by_writer=True,
        caption="The reservoir would cover 340 hectares.",
    ),
]

STORIES = [Story(**{**story.__dict__, "index": number}) for number, story in enumerate(_STORIES)]


def _paragraph(text):
    # Our own writing: escape everything but the one link the sponsored story carries.
    if "<a href=" in text:
        return f"<p>{text}</p>"
    return f"<p>{escape(text)}</p>"


def body_html(story):
    """The story's own paragraphs with context from its topic, as the body's HTML."""
    own = [_paragraph(text) for text in story.paragraphs]
    if story.sponsor:
        return "".join(own)
    background = BACKGROUND[story.topic]
    context = []
    # Finished pieces get full length (about 250 words or more); work in progress stays short.
    wanted_words = 260 if story.state in {"published", "scheduled", "withdrawn"} else 0
    words = sum(len(text.split()) for text in story.paragraphs)
    for step in range(len(background)):
        if context and words >= wanted_words:
            break
        text = background[(story.index + step) % len(background)]
        context.append(_paragraph(text))
        words += len(text.split())
    if story.section == "opinion":
        close = _paragraph(OPINION_CLOSES[story.topic])
        return "".join([*own, *context, close])
    if story.section == "analysis":
        return "".join([*own, "<h2>How we got here</h2>", *context])
    next_steps = _paragraph(NEXT_STEPS[story.topic])
    return "".join([*own, *context, "<h2>What happens next</h2>", next_steps])
