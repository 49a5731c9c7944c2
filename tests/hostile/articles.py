"""The good articles of the hostile site: realistic news stories, each 300+ words, each to be
stored exactly once. Their text is written for this test; the markup varies per template."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Story:
    slug: str
    title: str
    published: str  # ISO 8601
    author: str
    section: str
    paragraphs: tuple[str, ...]
    template: str = "article"
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def path(self) -> str:
        day = self.published[:10].replace("-", "/")
        return f"/news/{day}/{self.slug}/"

    @property
    def words(self) -> int:
        return sum(len(p.split()) for p in self.paragraphs)


STORIES: tuple[Story, ...] = (
    Story(
        "city-council-approves-new-tram-line-to-harbour", "City council approves new tram line to the harbour",
        "2026-11-20T08:15:00+00:00", "Maria Lindqvist", "Local",
        (
            "The city council voted 31 to 14 on Thursday evening to build a new tram line linking the central "
            "station with the redeveloped harbour district, ending a debate that has run for almost a decade. "
            "The line will be 6.4 kilometres long, with nine stops, and is expected to carry 28,000 passengers "
            "on an average weekday once it opens.",
            "Construction is planned to start next autumn and to last about three years. The transport "
            "department estimates the cost at 410 million, of which the national government has promised to "
            "cover forty percent under its programme for urban rail. The remaining money will come from the "
            "city's investment budget and from a levy on new commercial buildings along the route.",
            "Supporters said the harbour district, where more than 6,000 apartments have been built since 2018, "
            "has been badly served by buses that get stuck in traffic on the bridge. \"People moved here because "
            "they were promised a proper connection,\" said councillor Ahmed Rahimi, who chairs the transport "
            "committee. \"Tonight we kept that promise.\"",
            "Opponents argued that the money would be better spent on cycling lanes and on more frequent buses "
            "in the outer suburbs, which they said are neglected. Several shop owners on Canal Street, where the "
            "tracks will run, warned that years of roadworks could drive them out of business, and asked for "
            "compensation. The council agreed to set up a fund for affected businesses, though its size has "
            "not been decided.",
            "The first trams are due to run in the spring of 2030. The vehicles will be ordered together with "
            "the neighbouring region, which is extending its own network, to lower the price per unit. A public "
            "consultation on the exact location of the stops opens next month and will run for eight weeks.",
        ),
    ),
    Story(
        "drought-forces-farmers-to-sell-cattle-early", "Drought forces farmers to sell cattle early",
        "2026-11-19T06:40:00+00:00", "Tomás Ferreira", "Economy",
        (
            "Livestock farmers across the southern plains are selling cattle months ahead of schedule as a third "
            "dry season in a row leaves pastures bare and the price of hay at a record high. Auction houses in "
            "the region report that the number of animals offered in October was nearly double that of the same "
            "month last year.",
            "At the market in Vale Verde, prices for young steers fell by a fifth within six weeks. \"You sell "
            "now at a loss, or you buy feed you cannot afford and lose more later,\" said Joana Mendes, who runs "
            "a herd of 240 animals with her brother. She has already sold a third of them and expects to sell "
            "another third before Christmas.",
            "The agriculture ministry said on Wednesday that it would release emergency funds for water "
            "transport and fodder, and that it was studying a deferral of tax payments for the worst-hit "
            "districts. Farmers' unions welcomed the measures but said they came late, and that many small "
            "farms would not survive another year of low rainfall without a longer-term plan.",
            "Meteorologists say rainfall in the region has been below the long-term average in 20 of the past "
            "25 months. Reservoirs that supply irrigation are at 23 percent of capacity. Scientists at the "
            "national university warn that dry years are becoming more frequent, and that the region will have "
            "to change what it grows and how it keeps animals.",
            "Economists expect the early sales to push beef prices down in the short term, before a shortage "
            "lifts them again next year, when fewer animals will be ready for slaughter. Supermarket chains "
            "said they had not yet changed their prices but were watching the market closely.",
        ),
        template="wordpress",
    ),
    Story(
        "researchers-map-deep-sea-coral-reef-off-the-coast", "Researchers map a deep-sea coral reef off the coast",
        "2026-11-18T14:05:00+00:00", "Dr. Helen Okafor", "Science",
        (
            "A team of marine biologists has mapped a cold-water coral reef stretching for more than 30 "
            "kilometres along the continental slope, at depths between 600 and 900 metres. The reef, found with "
            "an autonomous underwater vehicle during a survey for a planned cable route, is one of the largest "
            "of its kind described in the North Atlantic.",
            "The scientists counted at least 48 species of coral and sponge and recorded fish that had not been "
            "seen in the area before. Some of the coral mounds are estimated to be several thousand years old. "
            "\"It is like finding an old-growth forest that nobody knew was there,\" said Lars Brekke, the "
            "expedition's chief scientist.",
            "The cable company has agreed to move its route by four kilometres to avoid the reef, a change that "
            "will add about two percent to the cost of the project. Environmental groups have asked the "
            "government to declare the area a marine protected zone, which would ban bottom trawling there.",
            "Fishing organisations said they supported protecting the reef itself but warned against closing a "
            "wider area that is important for the local fleet. The fisheries directorate said it would present "
            "a proposal early next year after hearing both sides and reviewing the survey data.",
            "The full results will be published in a scientific journal next spring. The team plans to return "
            "with a remotely operated vehicle next summer to take samples and to install instruments that will "
            "measure currents and temperature on the reef for two years.",
        ),
        template="semantic",
    ),
    Story(
        "hospital-waiting-lists-fall-for-first-time-in-five-years",
        "Hospital waiting lists fall for the first time in five years",
        "2026-11-17T10:30:00+00:00", "Priya Natarajan", "Health",
        (
            "The number of patients waiting for planned treatment in public hospitals fell in the third quarter "
            "for the first time since 2021, according to figures published by the health directorate on Monday. "
            "About 412,000 people were on waiting lists at the end of September, 3.5 percent fewer than at the "
            "end of June.",
            "The directorate credited extra evening and weekend operating sessions, paid for by a special grant, "
            "and a new system that lets patients be treated at any hospital in their region rather than only the "
            "nearest one. Orthopaedic surgery and cataract operations showed the largest improvements.",
            "Waiting times for mental health services, however, kept growing. The median wait for a first "
            "appointment with a specialist for young people rose to 57 days, up from 49 a year ago. \"We are "
            "glad to see progress in surgery, but the situation for children and young people is not "
            "acceptable,\" said Karin Aasen of the patients' ombudsman.",
            "The health minister said the government would present a plan for mental health services before "
            "the budget negotiations in the spring. Hospital managers warned that the gains could be lost if "
            "the special grant is not renewed, since the extra sessions depend on overtime pay.",
            "Nurses' unions pointed out that staff shortages remain the main obstacle. About 5,800 nursing "
            "positions are vacant nationwide, and many hospitals rely on agency staff, which costs them far "
            "more than permanent employees. The union wants higher pay for night shifts to keep nurses in the "
            "profession.",
        ),
        template="jsonld",
    ),
    Story(
        "local-bakery-wins-national-bread-award", "Local bakery wins national bread award",
        "2026-11-16T16:20:00+00:00", "Sam O'Connell", "Culture",
        (
            "A small bakery on Mill Lane has won the national award for the best sourdough loaf, beating more "
            "than 300 entries from professional bakeries across the country. The judges praised the bread's "
            "crust, its open crumb and what they called a clean, slightly nutty taste.",
            "The bakery was opened four years ago by Nadia and Erik Holm, who left jobs in accounting and "
            "software to learn the trade. They bake through the night in a former bicycle workshop and sell most "
            "of their bread before noon. \"We still can't quite believe it,\" said Nadia Holm on Saturday, as a "
            "queue stretched down the street.",
            "The winning loaf is made with flour from a mill about 40 kilometres away, which grinds old wheat "
            "varieties grown by three local farms. The dough rests for 36 hours before it is baked in a "
            "wood-fired oven that the couple built themselves from a kit.",
            "The award's organisers said the number of small craft bakeries entering the competition has "
            "tripled since 2019. Many of them, like the Holms' shop, started during the pandemic, when home "
            "baking became a popular hobby and some people decided to turn it into a career.",
            "The couple said they had no plans to expand or to open a second shop, but they will hire two more "
            "bakers in the new year so that they can take a day off each week. They also plan to run weekend "
            "courses for beginners in the spring.",
        ),
        template="divsoup",
    ),
    Story(
        "central-bank-holds-interest-rate-steady-at-three-percent",
        "Central bank holds interest rate steady at three percent",
        "2026-11-15T12:00:00+00:00", "Jonas Berg", "Economy",
        (
            "The central bank kept its policy rate unchanged at 3.0 percent on Friday, as expected by most "
            "economists, and signalled that it was in no hurry to cut borrowing costs despite a slowdown in "
            "economic growth over the summer.",
            "Governor Ingrid Solheim told a press conference that inflation had fallen faster than forecast, to "
            "2.6 percent in October, but that wage growth and the weak currency still posed risks. \"We want to "
            "be sure that inflation is on its way back to target before we lower the rate,\" she said.",
            "The bank's new forecasts show the rate staying at its current level until the middle of next year "
            "and then falling gradually to about 2.5 percent by the end of 2028. Markets had priced in a first "
            "cut as early as March, and the currency strengthened slightly after the announcement.",
            "Business organisations had urged the bank to cut rates to support construction and retail, which "
            "have struggled with high financing costs. Housing starts fell by 18 percent in the first nine months "
            "of the year, and several mid-sized building firms have gone bankrupt.",
            "Households, on the other hand, have so far coped better than feared. Unemployment remains low at "
            "3.9 percent, and the share of mortgage borrowers who are behind with payments has barely risen. The "
            "next rate decision is due on 29 January.",
        ),
        template="table",
    ),
    Story(
        "volunteers-restore-historic-lighthouse-after-storm",
        "Volunteers restore historic lighthouse after storm damage",
        "2026-11-14T09:45:00+00:00", "Fiona MacLeod", "Local",
        (
            "A group of volunteers has finished repairing the 150-year-old lighthouse on Skerry Point, which was "
            "badly damaged by a storm last winter. Waves broke windows in the keeper's house and tore away part "
            "of the iron railing around the lantern room.",
            "More than 60 people, many of them retired fishermen and their families, have spent weekends since "
            "April scraping rust, replacing glass and repainting the tower in its traditional red and white "
            "stripes. A local foundation raised the money for materials through a crowdfunding campaign that "
            "collected twice its target.",
            "\"My grandfather kept this light for thirty years,\" said Duncan Munro, 71, who led the work on the "
            "railing. \"When we saw the damage, nobody wanted to wait for the authorities to decide whether it "
            "was worth saving.\" The lighthouse has been automated since 1987 and is owned by the coastal "
            "administration.",
            "The administration said it was grateful for the volunteers' efforts and would take over "
            "maintenance of the lantern and the electrical installation. It has agreed to let the foundation run "
            "guided tours in the summer months, with the income going towards future repairs.",
            "The keeper's house will be turned into a small museum about the island's fishing history, with "
            "photographs and objects donated by local families. It is expected to open next June, on the "
            "anniversary of the day the light was first lit.",
        ),
    ),
    Story(
        "school-trials-four-day-week-for-older-pupils", "School trials a four-day week for older pupils",
        "2026-11-13T07:30:00+00:00", "Leila Haddad", "Education",
        (
            "A secondary school in the eastern suburbs will let its oldest pupils study from home one day a "
            "week from January, in a trial approved by the education authority on Tuesday. Pupils in the final "
            "two years will have four days of lessons at school and spend the fifth working on projects and "
            "assignments online.",
            "The head teacher, Marcus Lund, said the idea came from the pupils themselves, who asked for more "
            "time to work independently before they go on to university. Teachers will use the fifth day for "
            "planning, marking and individual meetings with pupils who need extra help.",
            "Parents' reactions have been mixed. Some welcomed the chance for teenagers to learn how to manage "
            "their own time, while others worried that pupils without a quiet place to work at home would fall "
            "behind. The school will keep its library and two classrooms open on the fifth day for those who "
            "prefer to come in.",
            "Researchers at the teacher training college will follow the trial and compare exam results, "
            "attendance and the pupils' own assessment of their wellbeing with those of a similar school that "
            "keeps the normal timetable. Their first report is expected in the autumn.",
            "The education authority stressed that the trial does not reduce the number of teaching hours set "
            "by law, since the school has moved some lessons to longer days. If the results are good, other "
            "schools in the district may be allowed to try the same model from 2028.",
        ),
        template="wordpress",
    ),
    Story(
        "electric-ferry-enters-service-on-island-route", "Electric ferry enters service on the island route",
        "2026-11-12T11:10:00+00:00", "Kristian Dahl", "Business",
        (
            "The first fully electric car ferry on the island route made its maiden voyage on Wednesday "
            "morning, carrying 140 passengers and 38 cars across the sound in 25 minutes. The ship charges its "
            "batteries for about ten minutes at each end of the crossing while vehicles drive on and off.",
            "The operator says the new ferry will cut carbon dioxide emissions on the route by around 3,500 "
            "tonnes a year compared with the diesel vessel it replaces. It is also much quieter, which residents "
            "near the ferry terminal have long asked for. The old ship will be kept as a reserve.",
            "Building the ferry cost about 30 percent more than a conventional ship, but the operator expects "
            "lower fuel and maintenance costs to make up the difference within ten years. The regional "
            "government, which subsidises the route, paid for the charging stations on both quays.",
            "The shipyard that built the vessel has received orders for four more electric ferries from "
            "operators in neighbouring countries. Its managing director said the market had changed quickly: "
            "\"Five years ago people asked if it was possible. Now they ask when we can deliver.\"",
            "Some islanders were disappointed that ticket prices will not fall with the switch. The operator "
            "said savings would be used to run two extra departures in the evening from the summer timetable "
            "onwards, a change that commuters had requested for years.",
        ),
        template="semantic",
    ),
    Story(
        "museum-returns-stolen-manuscript-to-monastery", "Museum returns stolen manuscript to monastery",
        "2026-11-11T15:55:00+00:00", "Elena Petrova", "Culture",
        (
            "A national museum has returned a 14th-century illuminated manuscript to the monastery from which "
            "it was stolen in the 1970s, after researchers traced its history through auction records and a "
            "faded library stamp on its first page.",
            "The book, a collection of prayers decorated with gold leaf and painted birds, was bought by the "
            "museum from a private dealer in 1989. Nobody at the time asked where it came from, the museum's "
            "director acknowledged at a ceremony on Tuesday. \"Standards were different then, but that is no "
            "excuse,\" she said.",
            "The theft was discovered when a monk made an inventory of the library in 1978 and found that "
            "several volumes were missing. Police investigated but never found the thief. Two other books from "
            "the same library have since turned up in collections abroad, and negotiations on their return are "
            "under way.",
            "The abbot said the community was deeply moved to have the manuscript back. It will be kept in a "
            "climate-controlled room and shown to visitors on special occasions. Scholars will be allowed to "
            "study it, and a digital copy will be put online for everyone to see.",
            "The museum has started a review of around 2,000 objects it acquired between 1950 and 2000 to check "
            "whether any others have a doubtful history. It has hired two provenance researchers for the task, "
            "which is expected to take at least three years.",
        ),
        template="jsonld",
    ),
    Story(
        "wildfire-season-ends-with-fewer-fires-but-larger-areas-burned",
        "Wildfire season ends with fewer fires but larger areas burned",
        "2026-11-10T13:25:00+00:00", "Carlos Ruiz", "Environment",
        (
            "The fire service declared the end of the wildfire season on Monday after a summer with fewer fires "
            "than average but more land burned than in any year since records began in 1980. About 84,000 "
            "hectares of forest and scrub burned, most of it in four large fires in August.",
            "Officials said quick detection with cameras and drones helped firefighters put out most small fires "
            "before they spread. But once a fire grew beyond a certain size in the heat and strong winds, it "
            "became almost impossible to control. \"We are winning the small battles and losing the big ones,\" "
            "said the chief of the fire service, Rosa Vidal.",
            "Two firefighters and three residents died during the season, and around 600 homes were destroyed "
            "or damaged. Thousands of people were evacuated from villages in the hills, some of them several "
            "times. Insurance companies estimate the damage at more than 900 million.",
            "Forestry experts say that abandoned farmland, where scrub grows unchecked, has made the landscape "
            "more flammable. The government plans to pay landowners to clear vegetation and to bring back "
            "grazing animals, which keep undergrowth down, in the areas at highest risk.",
            "The fire service has asked for more aircraft and for permanent crews in the most exposed regions, "
            "instead of relying on seasonal staff. The request will be discussed in parliament as part of the "
            "budget for next year.",
        ),
        template="table",
    ),
    Story(
        "chess-prodigy-aged-twelve-becomes-grandmaster", "Chess prodigy aged twelve becomes a grandmaster",
        "2026-11-09T17:40:00+00:00", "Oliver Grant", "Sport",
        (
            "A twelve-year-old from the capital has become the youngest grandmaster in the country's history "
            "after securing the final norm at an international tournament on Sunday. Mira Kowalski drew her last "
            "game against a former national champion to finish with seven points from nine rounds.",
            "Kowalski learned the game at the age of five from her grandfather, who still plays with her every "
            "weekend. She trains about four hours a day, mostly online with a coach who lives abroad, and "
            "attends a school that lets her take time off for tournaments.",
            "\"I was very nervous in the last game, because I knew a draw was enough,\" she said afterwards. "
            "\"My opponent played very well, so I am happy with the result.\" Her coach described her as "
            "unusually calm for her age and said her endgame technique was already at the level of a "
            "professional.",
            "Only a handful of players in the world have become grandmasters at a younger age. The national "
            "chess federation said interest in the game among children had grown sharply in recent years, and "
            "that clubs around the country were reporting waiting lists for beginners' courses.",
            "Kowalski's next goal is to qualify for the world junior championship. Her parents said they would "
            "make sure that she also had time for friends, school and her other hobby, the piano, which she "
            "plays almost as seriously as chess.",
        ),
        template="divsoup",
    ),
    Story(
        "new-law-requires-repairable-electronics", "New law requires electronics to be repairable",
        "2026-11-08T09:05:00+00:00", "Anna Schmidt", "Technology",
        (
            "Parliament has passed a law requiring makers of phones, laptops and household appliances to sell "
            "spare parts and publish repair manuals for at least seven years after a model is discontinued. The "
            "law, which takes effect in 2028, was adopted with a large majority on Thursday.",
            "Manufacturers will also have to design batteries that can be replaced with ordinary tools, and "
            "they may no longer use software to block repairs made with parts from other suppliers. Companies "
            "that break the rules face fines of up to four percent of their turnover in the country.",
            "Consumer groups called the law a victory after years of campaigning. \"People are tired of "
            "throwing away a phone because a battery or a screen cannot be replaced at a fair price,\" said "
            "Thomas Weber of the consumer council. Repair shops expect more business and plan to train more "
            "technicians.",
            "The electronics industry said it supported the goal but warned that some of the requirements could "
            "make devices heavier, less waterproof or more expensive. Industry representatives also asked for "
            "more time to adapt products that are already being developed.",
            "The environment ministry estimates that the law could cut electronic waste by about 60,000 tonnes a "
            "year within a decade. A register of repair prices and spare part availability will be set up so "
            "that buyers can compare products before they choose.",
        ),
    ),
    Story(
        "marathon-runners-face-record-heat-in-autumn-race", "Marathon runners face record heat in autumn race",
        "2026-11-07T18:30:00+00:00", "Grace Mwangi", "Sport",
        (
            "Unusually warm weather turned Sunday's city marathon into a test of endurance for more than 14,000 "
            "runners, as temperatures reached 27 degrees by midday, the highest ever recorded on race day in "
            "November. Organisers added extra water stations and sprinklers along the course at short notice.",
            "The men's race was won by Daniel Kiprono in 2 hours 9 minutes, about three minutes slower than the "
            "course record. In the women's race, Sofia Almeida won her second title in a row in 2 hours 27 "
            "minutes, pulling away from her rivals in the final five kilometres.",
            "Medical teams treated around 300 runners, most of them for dehydration and exhaustion, and 19 were "
            "taken to hospital. None of them were in a serious condition, according to the race doctor, who "
            "praised participants for slowing down and following the advice given before the start.",
            "The organisers said they would consider moving the start to an earlier hour next year. \"We used to "
            "worry about cold and rain at this time of year,\" said race director Peter Nilsen. \"Now we have to "
            "plan for heat as well.\" The race raised about 2 million for charities.",
            "The city's transport company ran extra trains and buses for spectators, and police reported no "
            "major incidents. Some residents complained about road closures lasting most of the day, and the "
            "organisers promised to review the route with the city before the next edition.",
        ),
        template="wordpress",
    ),
    Story(
        "startup-turns-food-waste-into-animal-feed", "Startup turns food waste into animal feed",
        "2026-11-06T10:50:00+00:00", "Yuki Tanaka", "Business",
        (
            "A young company in the industrial port has opened a plant that uses insect larvae to turn food "
            "waste from supermarkets and restaurants into protein for fish and chicken feed. The plant can "
            "process 40 tonnes of waste a day, which the company says makes it the largest of its kind in the "
            "region.",
            "The larvae of the black soldier fly eat the waste in about two weeks, after which they are dried "
            "and ground into a protein meal. What the larvae leave behind is sold to farmers as fertiliser. The "
            "founders, two former engineering students, started the business in a garage six years ago.",
            "\"Almost everything in the food waste ends up as something useful,\" said co-founder Leo Marin. The "
            "company has signed contracts with three fish farms and a feed producer, and it expects to make a "
            "profit for the first time next year after raising 25 million from investors.",
            "Animal welfare organisations have asked for clear rules on how insects are kept and killed on an "
            "industrial scale. The food safety authority said insect farms are covered by the same hygiene "
            "rules as other feed producers and that it inspects the plant regularly.",
            "Researchers say insect protein could replace some of the soy and fishmeal now imported for animal "
            "feed, but that costs must fall further for it to compete on a large scale. The company plans to "
            "build a second plant near the capital within two years.",
        ),
        template="semantic",
    ),
)

# Text of the special good pages: a first paragraph that carries what the page tests, then prose.
FILLER: tuple[str, ...] = (
    "Officials said the review would take several months and that its findings would be made public. "
    "Residents who attended the meeting on Tuesday asked for more information about the timetable, the "
    "costs and the people who would be affected, and several of them said they had learned about the plan "
    "only from the local newspaper.",
    "The regional authority has set aside money for the first phase, but the second phase depends on a "
    "grant that has not yet been approved. A spokesperson said the authority was confident that the grant "
    "would be awarded before the summer, since the project meets all the criteria set by the ministry.",
    "Critics pointed out that similar promises had been made before without results. They asked for an "
    "independent evaluation and for regular reports to the council, so that the public can follow how the "
    "money is spent. The mayor said she welcomed scrutiny and would present a progress report every quarter.",
    "Local businesses were cautiously optimistic. The head of the chamber of commerce said that the plan "
    "could bring hundreds of jobs to the area if it is carried out as described, but that firms needed "
    "clear information about what would happen during construction so that they could plan ahead.",
    "The next public meeting will be held in the town hall at the end of the month. Those who cannot attend "
    "can send written comments to the planning office until the middle of January, and all comments will be "
    "published together with the office's answers.",
    "Asked about the criticism, a spokesperson for the administration said that every option had been studied "
    "carefully and that the decision was based on the best information available at the time. She added that "
    "the administration would listen to all views and adjust the details of the plan where that was possible.",
    "Experts consulted by this newspaper said the outcome would depend largely on how the rules are enforced "
    "in practice. Similar measures in other parts of the country have had mixed results, they noted, with some "
    "towns reporting clear improvements within a year and others seeing little change at all.",
)


def _lengthened(story: Story, index: int) -> Story:
    """The story with two closing paragraphs of follow-up so that every good article has 300+ words."""
    more = (FILLER[index % len(FILLER)], FILLER[(index + 3) % len(FILLER)])
    return Story(story.slug, story.title, story.published, story.author, story.section,
                 story.paragraphs + more, story.template)


STORIES = tuple(_lengthened(story, i) for i, story in enumerate(STORIES))
