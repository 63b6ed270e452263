"""Background paragraphs for the demo articles, by topic.

Each demo story opens with paragraphs written for it alone; these give it the context and
reaction a real piece would carry. A story takes three of its topic's paragraphs, starting at
a different one for each story, so neighbouring articles do not read alike.
"""

BACKGROUND = {
    "budget": [
        "Harbourton's council spends about 2.4 billion marks a year, two thirds of it on adult "
        "social care, children's services and housing support. Those three lines have grown "
        "faster than the council's income in every one of the past six years, and officers have "
        "warned that the gap will reach 140 million marks by the end of the decade unless either "
        "the grant from the national government rises or services are cut.",
        "The Fiscal Council, Estmark's independent budget watchdog, has repeatedly said that the "
        "government's spending plans assume savings that have not been identified. In its spring "
        "report it counted 1.9 billion marks of what it called “efficiencies in name only”, and "
        "noted that the last three budgets each ended the year with an overspend in health and "
        "in the courts.",
        "Opposition members on the finance committee argue that the problem is not the size of "
        "the budget but its shape: too much is spent on emergency placements and agency staff "
        "that cost more than permanent services would. Ministers accept part of that argument "
        "but say that building permanent capacity takes years the system does not have.",
        "Under Estmark's balanced-budget rule, councils may borrow only to invest, not to pay "
        "for running costs. That rule has kept local debt low by European standards, but it also "
        "means that a council facing a shortfall in the middle of the year has few choices other "
        "than delaying repairs and freezing recruitment.",
        "Council tax in Harbourton rose by 4.9 per cent this year, the maximum allowed without a "
        "referendum. For a typical band C home that is an extra 86 marks a year. Anti-poverty "
        "groups point out that the tax falls hardest on households whose incomes have not kept "
        "pace with prices since the energy shock.",
    ],
    "transport": [
        "Harbourton Transit carries about 310,000 passengers on a typical weekday, a figure that "
        "has only recently returned to its level before the pandemic. Buses still carry most of "
        "them, but the three tram lines are the backbone of the network, and Line 2 between the "
        "central station and Riverside runs at or above capacity at rush hour.",
        "The proposed Line 4 would run eleven kilometres from the central station through "
        "Eastfield to the port, serving districts where fewer than half of households own a car. "
        "Its estimated cost has risen from 610 million marks when it was first approved to "
        "890 million, largely because of the price of steel and the work needed to move utility "
        "pipes beneath the route.",
        "Fares were frozen for three years and rose by eight per cent in January. Transit's "
        "managers say the increase was needed to protect services; passenger groups say it has "
        "pushed some people back into cars and made the case for the tram extension harder to "
        "make, because ridership forecasts were built on the old prices.",
        "The national transport ministry pays roughly half of the cost of major projects in "
        "Estmark's cities, but only after a business case has been approved by its own "
        "appraisal unit, a process that regularly takes longer than two years. Cities have asked "
        "for a simpler route for projects below 200 million marks.",
    ],
    "housing": [
        "About 14,000 households are on Harbourton's housing register, and the average wait for "
        "a family-sized council home is now more than six years. The council built 410 new homes "
        "last year, its highest number in two decades, but still fewer than the number of "
        "families added to the list.",
        "Rents in the private sector have risen by a third in five years, according to the "
        "Harbourton Institute for Urban Research. Rent stabilisation, which caps increases for "
        "sitting tenants at inflation plus one point, has slowed rises within tenancies, but "
        "critics say landlords recover the difference when a home changes hands.",
        "Planning permission has been granted for more than 9,000 homes in Harbourton that have "
        "not been built. Developers blame construction costs and interest rates; councillors "
        "accuse some of sitting on land while its value rises. A proposal to charge a levy on "
        "permissions left unused for three years is before the Assembly.",
        "The Northgate estate, built in the 1960s, houses about 5,200 people in eleven tower "
        "blocks and a ring of low-rise terraces. Residents voted for its regeneration in 2021 on "
        "the promise that every tenant would be offered a new home on the site at the same rent, "
        "a promise the council says it will keep.",
    ],
    "courts": [
        "More than 9,800 cases are waiting to be heard in Estmark's district courts, about "
        "twice the number before the pandemic. The median time from charge to trial is now "
        "fourteen months, and in Harbourton, the busiest court centre, it is closer to eighteen.",
        "The means test for criminal legal aid has not been changed since 2011, so a defendant "
        "on a modest full-time wage can be expected to pay for their own lawyer. Lawyers' groups "
        "say the freeze has pushed hundreds of defendants to represent themselves, which makes "
        "trials longer and appeals more likely.",
        "Judges sat for fewer days last year than the courts service had funded, because of a "
        "shortage of clerks and interpreters and the state of court buildings: three court rooms "
        "in Harbourton were closed for more than a month because of leaking roofs.",
        "The justice ministry has promised a review of sentencing for non-violent offences, "
        "which make up about a third of the backlog. Victims' groups have welcomed the promise "
        "of shorter waits but warned that speed must not come at the cost of cases being dropped.",
    ],
    "climate": [
        "Estmark has committed in law to cutting its emissions to net zero by 2040. Emissions "
        "have fallen by 38 per cent since 1990, mostly because coal has left the power system; "
        "progress in transport and heating, where the remaining emissions now lie, has been far "
        "slower.",
        "The coast between Saltmarsh and the mouth of the Ashe is losing up to two metres of "
        "land a year in places. The national flood agency has said it cannot defend every "
        "stretch, and a shoreline plan published last year proposed “managed realignment” for "
        "four villages: letting the sea in, and helping people to move.",
        "About 23,000 homes have received a heat pump grant since the national scheme opened, "
        "fewer than a third of the number the government expected. Installers blame the cost of "
        "electricity relative to gas; households cite the upfront price and the disruption of "
        "fitting new radiators.",
        "Harbourton's flood barrier on the Ashe was designed in the 1980s to close a few times a "
        "year. It closed 31 times last winter. Engineers say it can be raised, at a cost put at "
        "between 300 and 450 million marks, but not before the middle of the next decade.",
    ],
    "health": [
        "About 212,000 people in Estmark are waiting for planned hospital treatment, and one in "
        "five has waited longer than the 26 weeks the health service promises. Orthopaedics and "
        "eye surgery have the longest queues; cancer referrals, which are prioritised, mostly "
        "meet their targets.",
        "Ambulances in the Harbourton region reached the most serious calls in an average of "
        "twenty-one minutes last month, against a target of eighteen. Paramedics say much of the "
        "delay comes from queues outside emergency departments, where crews can wait hours to "
        "hand patients over.",
        "The number of family doctors per head of population has fallen for seven years in a row. "
        "Surgeries in the northern districts of Harbourton have the fewest doctors and the "
        "highest rates of long-term illness, a pattern the Public Health Observatory calls the "
        "inverse care law in action.",
        "Nurses accepted a 5.5 per cent pay rise in the spring after two rounds of strikes. The "
        "health ministry says the deal is fully funded; hospital managers say it was funded in "
        "part by delaying maintenance, and the repair backlog at Harbourton General has passed "
        "90 million marks.",
    ],
    "elections": [
        "Turnout at the last general election was 68 per cent, but it ranged from 81 per cent "
        "in the western suburbs of Harbourton to under 55 per cent in parts of Northgate and "
        "Eastfield. Parties have long concentrated their efforts on the people who already vote.",
        "The next general election must be held by May. Polls suggest that neither the Social "
        "Democrats nor the Civic Party is likely to win a majority of the Assembly's 151 seats, "
        "which would make a third coalition in a row almost certain.",
        "The boundary commission's review, the first in twelve years, would move two seats from "
        "the rural north to Harbourton and its suburbs, reflecting where people now live. Parties "
        "with rural strongholds have objected to the timetable rather than to the principle.",
        "About one voter in five now votes by post, twice the share a decade ago. The electoral "
        "commission has asked for postal ballots to be counted from the morning of polling day, "
        "rather than from the close of polls, to avoid results arriving after midnight.",
        "Parties may spend at most 4.1 million marks on a national campaign, a limit unchanged "
        "since 2014. Spending by third-party campaigners is capped far lower, but online "
        "advertising paid for outside the formal campaign period is barely regulated at all.",
    ],
    "education": [
        "Spending per pupil in Estmark has risen by about 4 per cent in real terms over the past "
        "decade, but almost all of the increase has gone on pupils with special educational "
        "needs, whose numbers have grown by half. Budgets for everything else have been flat, "
        "and head teachers say the cost of energy and supply staff has eaten what was left.",
        "Parents' groups in Harbourton have asked the council to publish how many lessons are "
        "taught by teachers without a qualification in the subject. The council says it does "
        "not hold those figures centrally, and that schools report them only to inspectors.",
        "Harbourton has about 420 unfilled teaching posts, most of them in maths, physics and "
        "languages. Head teachers say they fill gaps with supply teachers and by asking staff "
        "to teach outside their subjects, which parents rarely hear about.",
        "Free school meals are available to children in households with incomes below 18,000 "
        "marks a year. A pilot in Eastfield and Millbrook has offered meals to every primary "
        "pupil since September; early results point to higher attendance and fewer children "
        "arriving hungry, according to the council's evaluation.",
        "A survey of school buildings found that 61 schools in the region have at least one "
        "building past its design life, and nine have roofs made of a lightweight concrete that "
        "engineers now say must be monitored or replaced.",
    ],
    "water": [
        "Under Estmark's water law, companies must publish the location and duration of every "
        "spill from a storm overflow within an hour. The rule came into force two years ago; "
        "campaigners say the live maps it produced did more to change public opinion than any "
        "report, because people could see the spills happening at their local beach.",
        "The regulator can fine a company up to a tenth of its turnover for serious breaches, "
        "but has never done so. Its chief executive told the Assembly last year that the "
        "power was “a deterrent, not a target”, a remark the opposition has quoted ever since.",
        "Ashby Water, the private company that supplies Harbourton and the valley, reported "
        "4,300 spills of untreated sewage into rivers and the sea last year, up from 3,100 the "
        "year before. The company says heavy rain was to blame; campaigners say the network has "
        "been starved of investment while dividends were paid.",
        "Bills are set every five years by the water regulator, which approved a rise of 21 per "
        "cent over the current period to pay for new storage tanks and pipe repairs. About a "
        "fifth of the water the company treats is lost through leaks before it reaches a tap.",
        "The proposed reservoir at Kell Moor would be the first in the region in forty years. "
        "It would take a decade to build and flood a valley that is home to farms and a nature "
        "reserve, which is why its planning inquiry is expected to be long.",
    ],
    "policing": [
        "The police budget in the Harbourton region is about 720 million marks a year, most of "
        "it spent on salaries. The local share raised through council tax has risen each year "
        "since 2018, so residents now pay more towards policing than at any time before, even "
        "as the number of officers has fallen.",
        "Public confidence in the police, measured each year by the national crime survey, fell "
        "to its lowest level on record last year. The fall was steepest among young people and "
        "among residents of the districts where stop and search is used most.",
        "Harbourton's police force has 3,150 officers, 240 fewer than a decade ago, and has lost "
        "more experienced detectives than it has trained. Neighbourhood teams, the officers "
        "residents are most likely to know by name, have been cut hardest.",
        "Complaints against the police are investigated by the independent complaints authority, "
        "which took an average of eleven months to conclude a case last year. Families of people "
        "who died after contact with the police have called the delays a second injustice.",
        "Recorded burglary in the city has fallen by a quarter in five years, while recorded "
        "fraud, most of it online, has doubled. The force says it has neither the specialists "
        "nor the budget to investigate more than a small share of fraud reports.",
    ],
    "economy": [
        "Unemployment in the Harbourton region is 5.8 per cent, above the national rate of 4.9, "
        "and long-term unemployment is concentrated in the northern districts, where the "
        "closure of the shipyards in the 1990s left a gap that newer industries have not "
        "filled.",
        "Small firms employ about half of the private-sector workforce in Harbourton. A survey "
        "by the city's chamber of commerce found that two in five had seen their energy bills "
        "double since the shock, and that one in eight expected to cut staff within a year.",
        "Inflation in Estmark fell to 3.1 per cent last month, from a peak of 10.4 per cent two "
        "years ago, but prices of food and rent are still rising faster than wages for the "
        "lowest-paid. The central bank has held its main rate at 4 per cent since the spring.",
        "The port of Harbourton handles about a third of Estmark's container trade and employs "
        "around 6,000 people directly. Its owners plan to automate two of its four terminals, "
        "which unions say would cost 800 jobs over five years.",
        "The minimum wage will rise to 14.20 marks an hour in April, an increase of 6.2 per "
        "cent. Employers' groups in hospitality and care warned that the rise would be hard to "
        "absorb without public contracts being repriced to match.",
    ],
}

# How an opinion piece closes, one per topic: a close shared across topics read as a stray
# paragraph from another story.
OPINION_CLOSES = {
    "budget": "None of this is beyond a city as well run, by most measures, as Harbourton. What the "
    "budget needs is a council willing to say plainly what each service costs, and an opposition "
    "willing to let it, at least long enough for the sums to be done.",
    "transport": "A tram line is a promise made for fifty years. Harbourton should either fund Line 4 "
    "properly or say it will not be built, and stop asking the people of Eastfield to wait for a "
    "decision that keeps slipping past the next election.",
    "housing": "The families on the housing register do not need another strategy. They need homes "
    "with front doors, built on land the city already owns, at rents that a nurse or a bus driver "
    "can pay.",
    "courts": "Justice that arrives two years late is experienced by victims and defendants alike as "
    "no justice at all. Clerks, interpreters and dry court rooms cost less than the trials that "
    "collapse without them.",
    "climate": "The sea will not wait for the next spending review. Every year spent arguing over who "
    "pays for the coast is a year in which the bill, and the number of homes at risk, grows.",
    "health": "Waiting lists are not a force of nature. They are the sum of decisions about beds, "
    "staff and buildings, and they will come down when those decisions are made in the open and "
    "paid for in full.",
    "elections": "A democracy is judged by who turns up. If the parties want the northern districts "
    "to vote, they could start by campaigning there between elections as well as during them.",
    "education": "Children get one chance at each school year. Patching roofs and filling vacancies "
    "is not glamorous, but it is the part of education policy that every pupil notices first.",
    "water": "Customers have paid for clean rivers in their bills for twenty years. They are entitled "
    "to ask where that money went before they are asked to pay for a new reservoir as well.",
    "policing": "Trust in the police is built street by street, by officers residents know by name. "
    "Cutting neighbourhood teams to balance the books spends that trust faster than any budget "
    "can replace it.",
    "economy": "A port that automates, a minimum wage that rises and energy bills that will not fall: "
    "the city needs a plan for the jobs that come next, written with the people who will do them.",
}

# The closing paragraph under "What happens next", one per topic.
NEXT_STEPS = {
    "budget": "The budget now goes to the full council, which is expected to vote next month. "
    "Residents can comment on the published spending papers until the consultation closes.",
    "transport": "Harbourton Transit will publish a revised business case for the tram extension in "
    "the spring, and the transport ministry's appraisal unit has promised a decision within a year.",
    "housing": "The Assembly's housing committee will take evidence on the land levy in the coming "
    "weeks, and the council will report to tenants on the Northgate rebuild before the summer.",
    "courts": "The justice ministry will publish the backlog figures for the next quarter in six "
    "weeks, and the sentencing review is due to report to the Assembly by the end of the year.",
    "climate": "The flood agency will hold public meetings in the four villages named in the "
    "shoreline plan this autumn, and the barrier study is due to be published next year.",
    "health": "The health ministry will publish waiting times for each hospital next month, and the "
    "Assembly's health committee has asked Harbourton General's managers to give evidence.",
    "elections": "The boundary commission's final proposals are due in the spring. Parties have eight "
    "weeks to respond, and the Assembly must approve the new map before the next general election.",
    "education": "Head teachers will learn their budgets for the next school year in March. The "
    "education ministry has promised a survey of school buildings before then.",
    "water": "The regulator will publish its draft decision on bills and the reservoir plan in the "
    "summer, followed by a consultation in which customers and councils can respond.",
    "policing": "The police and crime panel will question the chief constable about patrols and "
    "complaints at its next meeting, which is open to the public.",
    "economy": "The central bank sets interest rates again next month, and the port's owners have "
    "agreed to meet the unions before any decision on automating the terminals.",
}
