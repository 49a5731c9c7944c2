"""The mirror's articles: the seed (rebuilt from its dump) and seven written for the mirror."""

from __future__ import annotations

from pathlib import Path

from body import (
    Block,
    body_with_ads,
    figure,
    generic_ad,
    heading,
    image_ad,
    junk_p,
    newsletter_in_body,
    p,
    quote,
    read_also,
    script_ad,
    table,
    toc,
    tweet,
    ul,
    youtube,
)
from chrome import ORIGIN, UPLOADS, Link
from single import Lead, Post

SEED_DUMP = Path("/work/shared/seeds/000_775af8b5b9f9ee96.txt")
NEWS_ROOM = [("News Room", "news-room")]


def _u(slug: str) -> str:
    return f"{ORIGIN}/{slug}/"


# --- slugs ---------------------------------------------------------------------------------
SEED = "can-alibabas-university-courses-help-china-outpace-the-west"
MACHINIMA = "i-fell-into-a-machinima-rabbit-hole-and-im-glad-i-did-hackernoon"
ACADEMICS = "academics-fear-students-becoming-too-reliant-on-ai-tools"
VPN = "vpn-company-cancels-lifetime-plans-for-customers-who-alredy-paid-for-the-service"
AI_TOOLS = "the-2026-ai-coding-tools-showdown-codex-claude-code-cursor-copilot-and-gemini-cli-compared-chat-gpt-ai-hub"
HAIKU = "beos-inspired-haiku-os-gets-arm64-port-booting"
CRA = "what-the-eu-cyber-resilience-act-means-for-open-source-maintainers"
GALAXY = "samsung-galaxy-xr-hands-on-its-like-a-cheaper-apple-vision-pro-and-launches-today"

# Bad cases (linked as if they were articles).
MISSING = "us-crypto-task-force-spotlights-growing-interest-in-rwa-tokenisation"  # 404
MALFORMED = "windows-11-update-breaks-printer-drivers-again"
EMPTY = "apple-quietly-updates-xcode-cloud-pricing"
ROUNDUP = "weekly-software-roundup-the-stories-you-missed"

# Links that exist only on the real site (seed page boilerplate); not in the mirror.
OFFSITE = {
    "chatgpt": Link("ChatGPT may be polite, but it’s not cooperating with you", _u("chatgpt-may-be-polite-but-its-not-cooperating-with-you"), "News", "/category/news/"),
    "marvel": Link("All the Marvel TV news from Disney’s 2025 Upfront presentation", _u("all-the-marvel-tv-news-from-disneys-2025-upfront-presentation"), "News", "/category/news/"),
    "drone": Link("Drone superpower: Ukrainian wartime innovation offers lessons for NATO", _u("drone-superpower-ukrainian-wartime-innovation-offers-lessons-for-nato"), "News", "/category/news/"),
    "youtube": Link("How To Write A YouTube Script in 2023 (+ Free Template)", _u("how-to-write-a-youtube-script-in-2023-free-template")),
    "bitdelta": Link("Trade Securely – Switch to BitDelta and Leave Exchange Hacks Behind", _u("trade-securely-switch-to-bitdelta-and-leave-exchange-hacks-behind")),
    "healthcare": Link("Universities drive AI healthcare ‘better than big tech alone’", _u("universities-drive-ai-healthcare-better-than-big-tech-alone")),
}

L_MACHINIMA = Link("I Fell Into a Machinima Rabbit Hole And I’m Glad I Did | HackerNoon", _u(MACHINIMA), "Computing", "/category/computing/")
L_ACADEMICS = Link("Academics ‘fear students becoming too reliant on AI tools’", _u(ACADEMICS))
L_VPN = Link("VPN Company Cancels ‘Lifetime’ Plans for Customers Who Alredy Paid for the service", _u(VPN))
L_MISSING = Link("Us Crypto Task Force Spotlights Growing Interest in Rwa Tokenisation", _u(MISSING))
L_AI = Link("The 2026 AI Coding Tools Showdown: Codex, Claude Code, Cursor, Copilot and Gemini CLI Compared | Chat GPT AI Hub", _u(AI_TOOLS))
L_GALAXY = Link("Samsung Galaxy XR hands-on: it’s like a cheaper Apple Vision Pro, and it launches today", _u(GALAXY), "Mobile", "/category/mobile/")
L_SEED = Link("Can Alibaba’s university courses help China outpace the West?", _u(SEED))

LATEST = [L_AI, L_GALAXY, L_MACHINIMA, L_VPN]
RELATED = [L_SEED, L_ACADEMICS, L_VPN, L_AI]


def seed_blocks(ad_label: str = "ADVERTISEMENT", style: str = "script") -> list[Block]:
    """Seed 000's body (dump L64-124) with the five ads after paragraphs 4, 6, 14, 14 and 24.

    ``style``: "script" (Foxiz script ad), "image" (Foxiz image ad) or "generic" (ad plugin).
    """
    lines = SEED_DUMP.read_text(encoding="utf-8").split("\n")[63:124]
    blocks: list[Block] = []
    for line in lines:
        if not line or line == "ADVERTISEMENT":
            continue
        text = line.replace("\u00a0", "&nbsp;")
        blocks.append(junk_p(text) if line == "helen.packer" else p(text))

    def ad(slot: str) -> Block:
        if style == "image":
            return image_ad(ad_label, slot)
        if style == "generic":
            return generic_ad()
        return script_ad(ad_label, slot)

    slots = {
        4: [ad("ad_single_index")],
        6: [ad("ad_single_2_index")],
        14: [ad("ad_single_index"), ad("ad_single_2_index")],
        24: [ad("ad_single_index")],
    }
    return body_with_ads(blocks, slots)


SEED_DESCRIPTION = (
    "A growing global network of university partnerships is helping Chinese technology giant Alibaba to advance its own "
    "business as it competes with Western companies, while simultaneously supporting China’s soft power goals at a time "
    "when academic collaborations face increasing scrutiny."
)


def seed_post(**overrides: object) -> Post:
    post = Post(
        slug=SEED,
        post_id=48213,
        title="Can Alibaba&#8217;s university courses help China outpace the West?",
        section="Software",
        section_slug="software",
        authors=NEWS_ROOM,
        published="2025-03-01T06:09:00+00:00",
        modified="2025-03-01T06:09:00+00:00",
        blocks=seed_blocks(),
        description=SEED_DESCRIPTION,
        latest=[OFFSITE["chatgpt"], OFFSITE["marvel"], L_MACHINIMA, OFFSITE["drone"]],
        related=[L_VPN, L_ACADEMICS, L_MISSING, OFFSITE["healthcare"]],
        prev=OFFSITE["youtube"],
        next=OFFSITE["bitdelta"],
    )
    for key, value in overrides.items():
        setattr(post, key, value)
    return post


def machinima() -> Post:
    blocks = [
        p("It started, as these things usually do, with one recommendation at one in the morning: a grainy clip of two armoured soldiers arguing about whether a canyon had always been that colour, recorded inside a game engine that was already old when the clip was made. Twenty minutes later I had a notepad open and a list of names I had never heard before."),
        p("Machinima – films made by puppeteering characters inside video games – was once the scrappiest corner of online video. Long before streaming platforms paid anyone, people were recording demo files, cutting them together in borrowed editing software and sharing the results on forums that measured uploads in megabytes."),
        heading(2, "What machinima actually was"),
        p("The early scene had no rules, which was the point. A <em>machinima</em> crew usually worked with whatever the game allowed:"),
        ul([
            "Recorded gameplay demos replayed with new camera angles",
            "Voice acting added in post, often by the same three friends",
            "Sets built from custom maps and community mods",
            "Distribution through fan sites and, later, the first video platforms",
        ]),
        p("What surprised me was how much of today’s creator economy is already visible in those files. Episodic release schedules, fan-funded equipment, in-jokes that only made sense if you had watched from episode one: all of it was there, just at 320 by 240 pixels."),
        read_also([
            ("The 2026 AI Coding Tools Showdown: Codex, Claude Code, Cursor, Copilot and Gemini CLI Compared | Chat GPT AI Hub", _u(AI_TOOLS)),
            ("VPN Company Cancels ‘Lifetime’ Plans for Customers Who Alredy Paid for the service", _u(VPN)),
        ]),
        heading(2, "Why it still matters"),
        p("I spent an evening messaging people who made these films twenty years ago. One of them, now a lighting artist at a mid-sized studio, put it better than I could:"),
        quote([
            "The constraint was the engine. You could not make the characters smile, so you had to write jokes that worked without faces.",
            "Every limitation forced a decision, and those decisions are what made the good ones good.",
        ]),
        p("That idea – that the tool’s limits shape the work more than its features – is worth remembering at a moment when generative video promises to remove every limit at once."),
        youtube("dQ8x2kLmV0s", "A short history of machinima (fan documentary)"),
        heading(3, "Where to start if you want to fall in too"),
        ul([
            "Pick one long-running series and watch the first five episodes in order.",
            "Read the creators’ forum posts from the time; the production notes are half the fun.",
            "Then try recording something yourself in any game with a free camera mode.",
        ], ordered=True),
        p("I did not expect a late-night detour to change how I think about video, but it did. The rabbit hole is deep, and most of it is still online if you know where to look."),
        junk_p("ines.valtonen"),
    ]
    ads = {3: [script_ad("ADVERTISEMENT")]}
    return Post(
        slug=MACHINIMA,
        post_id=51877,
        title="I Fell Into a Machinima Rabbit Hole And I&#8217;m Glad I Did | HackerNoon",
        section="Computing",
        section_slug="computing",
        authors=NEWS_ROOM,
        published="2025-05-14T17:40:00+00:00",
        modified="2025-05-14T17:40:00+00:00",
        blocks=body_with_ads(blocks, ads),
        description="Machinima, films made inside video games, was the scrappiest corner of early online video. A late-night rabbit hole shows why it still matters.",
        lead=Lead(src=f"{UPLOADS}/2025/05/machinima-rabbit-hole-860x484.jpg", full=f"{UPLOADS}/2025/05/machinima-rabbit-hole.jpg"),
        sources=[("HackerNoon", "https://hackernoon.com/")],
        latest=[L_AI, L_GALAXY, L_VPN, L_ACADEMICS],
        related=[L_SEED, L_ACADEMICS, L_VPN, L_AI],
        prev=L_VPN,
        next=L_GALAXY,
    )


def academics() -> Post:
    blocks = [
        p("University lecturers are increasingly worried that students lean on generative AI tools to do the thinking that coursework is meant to train, according to a survey of teaching staff published this week by a UK higher-education network."),
        p("Of the 1,150 academics who responded, a clear majority said they had seen assignments in the past year that they believed were substantially written by a chatbot. Fewer than one in five said their institution’s guidance on the issue was clear enough to act on."),
        p("Respondents were less worried about outright cheating than about what one called “a quiet outsourcing of effort”. Several said students now arrive at seminars with polished summaries of readings they have not opened."),
        heading(2, "What lecturers want"),
        p("Asked what would help, staff most often named:"),
        ul([
            "clear institution-wide rules on when AI assistance is allowed",
            "more time to redesign assessments around in-class work",
            "training on the tools themselves, rather than on detection software",
        ]),
        quote(["Banning the tools is not realistic. What we can do is design tasks where using them badly is obvious and using them well is a skill we can actually mark."]),
        p("The survey’s authors caution that the sample was self-selecting and skewed towards humanities departments. Computing and engineering staff were, on average, more relaxed, with many already allowing AI coding assistants in some modules provided students document how they used them."),
        p("Student representatives responded that the debate too often assumes bad faith. Many students, they said, use chatbots to get unstuck or to check their understanding, and want guidance rather than suspicion."),
        p("The network plans to publish a set of model assessment policies before the next academic year."),
    ]
    ads = {2: [script_ad("- Advertisement -")], 6: [script_ad("- Advertisement -", "ad_single_2_index")]}
    return Post(
        slug=ACADEMICS,
        post_id=48240,
        title="Academics &#8216;fear students becoming too reliant on AI tools&#8217;",
        section="Software",
        section_slug="software",
        authors=NEWS_ROOM,
        published="2025-03-02T14:20:00+00:00",
        modified="2025-03-02T15:02:00+00:00",
        blocks=body_with_ads(blocks, ads),
        description="A survey of university teaching staff finds widespread concern that students outsource coursework thinking to chatbots.",
        tags=[("AI", "ai"), ("Education", "education"), ("Universities", "universities")],
        lead=Lead(src=f"{UPLOADS}/2025/03/lecture-hall-laptops-860x484.jpg"),
        foxiz="2.1",
        with_jsonld=False,
        latest=LATEST,
        related=[L_SEED, L_VPN, L_MACHINIMA, L_AI],
        prev=L_SEED,
        next=L_VPN,
    )


def vpn() -> Post:
    blocks = [
        p("Customers of VeilVPN who bought its “lifetime” subscription are being told their plans will end next month, in a move that has angered users who paid up front on the promise of never paying again."),
        p("In an email sent to affected subscribers on Monday, the company said lifetime accounts would be converted to a free year on its standard plan, after which users would need to start paying the regular annual price."),
        figure(f"{UPLOADS}/2025/03/veilvpn-email-1024x683.jpg", "Screenshot of the email sent to lifetime subscribers", "The email VeilVPN sent to lifetime subscribers on Monday. <em>(Screenshot: World of Software)</em>"),
        p("The company blamed rising infrastructure costs and said the lifetime tier, sold mostly through deal sites between 2019 and 2021, had become “unsustainable”."),
        tweet("Paid for a lifetime VPN plan in 2020. Today I learned lifetime means five years. Great.", "Sam Okoro", "samokoro_dev", "1896302211458907321", "March 3, 2025"),
        heading(2, "What affected customers can do"),
        p("Consumer advocates say buyers have a few options:"),
        ul([
            "Check the original terms: some deal-site listings defined “lifetime” as the lifetime of the product, not the buyer.",
            "Ask for a partial refund through the deal site if the purchase was recent enough.",
            "If you paid by credit card, ask your card issuer whether a chargeback is possible.",
            "Export your settings and compare alternatives before the free year runs out.",
        ], ordered=True),
        newsletter_in_body("Get the Software brief"),
        p("Lifetime software licences have a chequered history. Several password managers, cloud storage services and VPNs have withdrawn or restricted such plans once the initial cash boost ran out, often leaving early supporters with the least favourable deal."),
        p("VeilVPN did not respond to a request for comment by the time of publication. We will update this story if it does."),
    ]
    ads = {2: [image_ad("- Advertisement -")], 5: [image_ad("- Advertisement -", "ad_single_3_index")]}
    return Post(
        slug=VPN,
        post_id=48266,
        title="VPN Company Cancels &#8216;Lifetime&#8217; Plans for Customers Who Alredy Paid for the service",
        section="Software",
        section_slug="software",
        authors=[("Marcus Lindqvist", "marcus-lindqvist")],
        published="2025-03-03T10:05:00+00:00",
        modified="2025-03-04T08:12:00+00:00",
        blocks=body_with_ads(blocks, ads),
        description="Lifetime subscribers of VeilVPN are being moved to a one-year plan, angering users who paid up front.",
        lead=Lead(
            src=f"{UPLOADS}/2025/03/vpn-lifetime-plans-860x484.jpg",
            full=f"{UPLOADS}/2025/03/vpn-lifetime-plans-scaled.jpg",
            caption="Photo: Unsplash",
        ),
        foxiz="2.6",
        author_box="Marcus writes about privacy, security and consumer software for World of Software.",
        latest=LATEST,
        related=[L_SEED, L_ACADEMICS, L_MACHINIMA, L_AI],
        prev=L_ACADEMICS,
        next=L_MACHINIMA,
    )


def ai_tools() -> Post:
    anchors = [("AI coding tools at a glance", "rb-heading-index-0"), ("How we tested", "rb-heading-index-1"), ("Terminal agents versus editors", "rb-heading-index-2"), ("Which one should you pick?", "rb-heading-index-3")]
    blocks = [
        toc(anchors),
        p("Two years ago an AI coding assistant meant autocomplete with ambitions. Going into 2026, the main tools now read whole repositories, run tests, open pull requests and argue with you about naming. We spent a month using five of them on the same three projects."),
        heading(2, anchors[0][0], anchors[0][1]),
        table(
            ["Tool", "Where it runs", "Best at", "Weak spot"],
            [
                ["Codex", "Cloud tasks and CLI", "Parallel background tasks", "Slower feedback loop"],
                ["Claude Code", "Terminal", "Large multi-file refactors", "Verbose plans on small fixes"],
                ["Cursor", "Editor (VS Code fork)", "Fast inline edits", "Context limits on big monorepos"],
                ["Copilot", "Editor plug-ins and GitHub", "Pull-request workflow", "Agent mode still uneven"],
                ["Gemini CLI", "Terminal", "Very long context", "Tool calls can stall"],
            ],
        ),
        heading(2, anchors[1][0], anchors[1][1]),
        p("Each tool got the same three jobs: add a feature to a small Django app, fix a flaky test suite in a TypeScript monorepo, and port a Python data pipeline to a newer library version. We scored them on correctness, how much we had to intervene, and how easy the changes were to review."),
        ul(["Correctness: did the tests pass without hand edits?", "Intervention: how many prompts until it was done?", "Reviewability: could a colleague follow the diff?"], ordered=True),
        heading(2, anchors[2][0], anchors[2][1]),
        p("The sharpest divide is between agents that live in the terminal and assistants built into an editor. Terminal agents were better at long, multi-step work where they could run commands and read the output. Editor tools were faster for the small, constant edits that make up most of a working day."),
        heading(3, "Reviewing agent output"),
        p("Every tool produced at least one change that looked right and was not. The agents that explained their plan before editing made those mistakes much easier to catch."),
        heading(2, anchors[3][0], anchors[3][1]),
        p("There is no single winner. If you mostly tweak code inside an editor, an editor-native tool will feel quicker. If you hand off whole tasks, a terminal agent repays the setup time. Many developers we spoke to now use one of each."),
    ]
    ads = {3: [script_ad("ADVERTISEMENT")]}
    return Post(
        slug=AI_TOOLS,
        post_id=60412,
        title="The 2026 AI Coding Tools Showdown: Codex, Claude Code, Cursor, Copilot and Gemini CLI Compared | Chat GPT AI Hub",
        section="Software",
        section_slug="software",
        authors=[("Priya Raman", "priya-raman"), ("Daniel Okafor", "daniel-okafor")],
        published="2025-12-18T09:00:00+00:00",
        modified="2025-12-19T11:30:00+00:00",
        blocks=body_with_ads(blocks, ads),
        description="We put five AI coding tools through the same three projects to see which ones actually save developers time.",
        tags=[("AI", "ai"), ("Developer Tools", "developer-tools"), ("Coding Assistants", "coding-assistants")],
        lead=Lead(src=f"{UPLOADS}/2025/12/ai-coding-tools-2026-860x484.jpg", full=f"{UPLOADS}/2025/12/ai-coding-tools-2026.jpg"),
        latest=[L_GALAXY, L_MACHINIMA, L_VPN, L_ACADEMICS],
        related=[L_MACHINIMA, L_VPN, L_ACADEMICS, L_SEED],
        prev=L_GALAXY,
        next=None,
    )


def haiku() -> Post:
    blocks = [
        p("Haiku, the open-source operating system modelled on the long-discontinued BeOS, can now boot on 64-bit ARM hardware, its developers said in a progress report this week."),
        p("The port is still early. It reaches the desktop in an emulator and on a small number of single-board computers, but drivers for most real hardware are missing and many applications have not yet been rebuilt."),
        heading(2, "What works so far"),
        ul([
            "Booting to the desktop under QEMU",
            "Basic framebuffer graphics and USB keyboards on supported boards",
            "The core system servers and a handful of bundled apps",
        ]),
        p("Developers said the hardest part was not the kernel itself but the boot loader and the variety of ways ARM boards describe their hardware."),
        heading(2, "Why it matters"),
        p("Haiku has long run on 32-bit and 64-bit x86 PCs. An ARM port would open the system to cheap development boards and, eventually, to ARM laptops, where hobbyist operating systems have struggled to gain a foothold."),
        quote(["It is the first time the whole stack has come up on ARM64 in a state someone else can reproduce."]),
        p("Nightly images for testers are expected once the build bots are updated."),
    ]
    return Post(
        slug=HAIKU,
        post_id=59120,
        title="BeOS-Inspired Haiku OS Gets ARM 64 Port Booting",
        section="Computing",
        section_slug="computing",
        authors=NEWS_ROOM,
        published="2025-10-27T16:45:00+00:00",
        modified="2025-10-28T09:14:00+00:00",
        blocks=blocks,
        description=None,
        foxiz="2.6",
        force_modified=True,
        latest=LATEST,
        related=[L_MACHINIMA, L_AI, L_GALAXY, L_VPN],
        prev=None,
        next=None,
    )


def cra() -> Post:
    blocks = [
        p("The European Union’s Cyber Resilience Act has been published in the bloc’s Official Journal, starting the clock on the first horizontal security rules for products with digital elements sold in the EU."),
        p("For open-source developers, the final text is far less alarming than early drafts, which many maintainers feared would make them liable for code they give away for free."),
        heading(2, "Who is covered"),
        p("The law is aimed at manufacturers that place products on the market in the course of a commercial activity. Volunteers who publish code without monetising it are largely outside its scope."),
        ul([
            "Manufacturers must handle vulnerabilities and ship security updates for a defined support period.",
            "Actively exploited vulnerabilities must be reported to the authorities.",
            "“Open-source software stewards”, such as foundations, get a lighter set of duties.",
        ]),
        heading(2, "What maintainers should do now"),
        p("Most obligations apply only after a transition period of about three years, but reporting duties start earlier. Projects that are used in commercial products can prepare by:"),
        ul([
            "publishing a security policy and a way to report vulnerabilities",
            "keeping a software bill of materials for releases",
            "being clear about which versions receive fixes",
        ], ordered=True),
        quote(["The burden lands on the companies that ship our code in products, which is where it belongs."]),
        p("Industry groups say guidance from the European Commission on borderline cases, such as projects that take donations, will decide how smooth the transition is."),
    ]
    ads = {2: [generic_ad()], 6: [generic_ad()]}
    return Post(
        slug=CRA,
        post_id=44108,
        title="What the EU Cyber Resilience Act means for open-source maintainers",
        section="Software",
        section_slug="software",
        authors=NEWS_ROOM,
        published="2024-11-19T09:30:00+00:00",
        modified="2024-11-19T09:30:00+00:00",
        blocks=body_with_ads(blocks, ads),
        description="The EU's Cyber Resilience Act is law. Here is what it asks of open-source projects and the companies that ship them.",
        lead=Lead(src=f"{UPLOADS}/2024/11/eu-flags-brussels-860x484.jpg"),
        foxiz="2.1",
        with_jsonld=False,
        entry_top_ad=True,
        latest=LATEST,
        related=[L_SEED, L_ACADEMICS, L_VPN, L_AI],
        prev=None,
        next=None,
    )


def galaxy() -> Post:
    blocks = [
        p("Samsung’s first headset built on Google’s Android XR platform goes on sale today, and after an hour with it the comparison everyone will make is obvious: this is a lighter, cheaper take on the Apple Vision Pro."),
        p("The Galaxy XR uses the same basic formula as Apple’s device – high-resolution passthrough video, hand and eye tracking, and floating app windows – but leans heavily on Google’s Gemini assistant to tie it together."),
        figure(f"{UPLOADS}/2025/10/galaxy-xr-side-1024x683.jpg", "", "The headset’s battery sits in a separate pack, as on Apple’s Vision Pro."),
        heading(2, "First impressions"),
        ul([
            "It is noticeably lighter on the head than Apple’s headset.",
            "Passthrough video is sharp enough to read a phone screen.",
            "Most Android tablet apps run in windows without changes.",
        ]),
        p("Asking Gemini what I was looking at worked well in a demo room full of props. Whether it is as useful in a cluttered living room is something only a longer review will answer."),
        heading(2, "Price and availability"),
        p("Samsung is selling the headset in the US and South Korea first, at a price well below Apple’s. Wider availability is planned for next year."),
        p("We will publish a full review after spending more time with it."),
    ]
    ads = {3: [script_ad("ADVERTISEMENT")]}
    return Post(
        slug=GALAXY,
        post_id=59004,
        title="Samsung Galaxy XR hands-on: it&#8217;s like a cheaper Apple Vision Pro, and it launches today",
        section="Mobile",
        section_slug="mobile",
        authors=[("Tom Whitfield", "tom-whitfield")],
        published="2025-10-21T20:00:00+00:00",
        modified="2025-10-22T07:45:00+00:00",
        blocks=body_with_ads(blocks, ads),
        description="Samsung's Android XR headset goes on sale today. We tried it for an hour.",
        lead=Lead(src=f"{UPLOADS}/2025/10/galaxy-xr-hands-on-860x484.jpg", full=f"{UPLOADS}/2025/10/galaxy-xr-hands-on.jpg", caption="Samsung Galaxy XR"),
        with_jsonld=False,
        latest=[L_AI, L_MACHINIMA, L_VPN, L_ACADEMICS],
        related=[L_AI, L_MACHINIMA, L_VPN, L_SEED],
        prev=L_MACHINIMA,
        next=L_AI,
    )


def all_posts() -> list[Post]:
    return [seed_post(), machinima(), academics(), vpn(), ai_tools(), haiku(), cra(), galaxy()]
