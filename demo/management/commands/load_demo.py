"""Load a demo newsroom: one real story, sample stories, sections, authors and two logins."""

import os
import random
import re
import secrets
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.text import slugify

from articles.models import Article, ArticleTransition, Byline, Section
from authors.models import Affiliation, Author, Organisation
from demo import drawing
from photos.models import Photo

DEMO_STORY = Path(__file__).resolve().parent.parent.parent / "data" / "kim-leaves-russia.txt"
BIO_START = "Mridha Shihab Mahmud is"
PUBLISHER = "news-hour"
PASSWORD_ENV = "NEWSROOM_DEMO_PASSWORD"
PASSWORD_FILE_NAME = "demo-password"

SECTIONS = [
    ("world", "World", "News from around the world."),
    ("politics", "Politics", "Government, parliament and elections."),
    ("business", "Business", "Companies, markets and the economy."),
    ("science", "Science", "Research, health and the environment."),
    ("culture", "Culture", "Books, film, music and the arts."),
    ("sport", "Sport", "Results, previews and the people behind them."),
]

ORGANISATIONS = {
    # The demo site's publisher. Its real policy pages are not known, so its policy
    # links stay blank rather than point at invented addresses; editors fill them in.
    "news-hour": {
        "name": "News Hour",
        "kind": Organisation.Kind.PUBLISHER,
        "description": "A news publisher for which Mridha Shihab Mahmud works as a staff reporter.",
    },
    "ria-novosti": {
        "name": "Ria Novosti",
        "kind": Organisation.Kind.NEWS_AGENCY,
        "city": "Moscow",
        "country": "Russia",
        "description": "A Russian state-owned news agency based in Moscow.",
    },
    "tass": {
        "name": "TASS",
        "kind": Organisation.Kind.NEWS_AGENCY,
        "city": "Moscow",
        "country": "Russia",
        "description": "Russia’s state news agency, based in Moscow.",
    },
    "korean-central-news-agency": {
        "name": "Korean Central News Agency",
        "short_name": "KCNA",
        "kind": Organisation.Kind.NEWS_AGENCY,
        "city": "Pyongyang",
        "country": "North Korea",
        "description": "North Korea’s state news agency, based in Pyongyang.",
    },
    "safety-assistance-for-emergencies": {
        "name": "Safety Assistance For Emergencies",
        "short_name": "SAFE",
        "kind": Organisation.Kind.NGO,
        "description": "A trust that does humanitarian work in emergencies.",
    },
    "mymensingh-film-photography-society": {
        "name": "Mymensingh Film & Photography Society",
        "kind": Organisation.Kind.SOCIETY,
        "city": "Mymensingh",
        "country": "Bangladesh",
        "description": "A society of film-makers and photographers in Mymensingh, Bangladesh.",
    },
}

KIM = {
    "slug": "kim-leaves-russia",
    "standfirst": (
        "The North Korean leader ends a six-day visit to Russia’s far east with gifts of drones "
        "and a bulletproof vest, Russian media report."
    ),
    "section": "world",
    "dateline": "Vladivostok",
    "published_at": datetime(2023, 9, 17, 12, 0, tzinfo=UTC),
    "tags": ["North Korea", "Russia", "Kim Jong Un", "Defence"],
    "sources": ["ria-novosti", "tass", "korean-central-news-agency"],
}

MRIDHA = {
    "name": "Mridha Shihab Mahmud",
    "slug": "mridha-shihab-mahmud",
    "job_title": "Writer, content editor and photojournalist",
    # (organisation slug, role); all current, listed in this order.
    "affiliations": [
        ("news-hour", "Staff reporter"),
        ("safety-assistance-for-emergencies", "Humanitarian worker"),
        ("mymensingh-film-photography-society", "Chief respondent person"),
    ],
}

# Invented people, so that nobody mistakes a sample story for a real person's work.
SAMPLE_AUTHORS = [
    {
        "name": "Amina Rahman",
        "job_title": "Foreign correspondent",
        "bio": "A fictional foreign correspondent invented for the demo. She covers diplomacy and conflict.",
        "affiliations": [("Foreign correspondent", True), ("Staff reporter", False)],
        "beats": ["world", "politics"],
    },
    {
        "name": "Jonas Keller",
        "job_title": "Business editor",
        "bio": "A fictional business editor invented for the demo. He follows markets, trade and jobs.",
        "affiliations": [("Business editor", True)],
        "beats": ["business"],
    },
    {
        "name": "Lucía Ortega",
        "job_title": "Science and culture reporter",
        "bio": "A fictional reporter invented for the demo. She writes about research, film and music.",
        "affiliations": [("Science reporter", True), ("Arts critic", True)],
        "beats": ["science", "culture"],
    },
    {
        "name": "Tom Okafor",
        "job_title": "Sport and politics reporter",
        "bio": "A fictional reporter invented for the demo. He covers local politics and weekend sport.",
        "affiliations": [("Staff reporter", True)],
        "beats": ["sport", "politics"],
    },
]
REPORTER_AUTHOR = "Tom Okafor"

USERS = [("editor", "Editors"), ("reporter", "Reporters")]

# 60 published sample stories plus a few in the workflow, so that with the real story
# the home page and archives have more than a page of published articles.
SAMPLE_COUNT = 63
SAMPLE_UNPUBLISHED = [Article.Status.DRAFT, Article.Status.REVIEW, Article.Status.DRAFT]
SAMPLE_SEND_BACK_NOTE = "Good start. Please add a second source for the cost figure and trim the last paragraph."
SAMPLE_MARKER = "<p><em>This is sample text generated for the demo.</em></p>"
SAMPLE_PREFIX = "Sample story: "
SAMPLE_SEED = 2023
SAMPLE_TAGS = [
    "Economy", "Elections", "Climate", "Health", "Education", "Transport",
    "Technology", "Energy", "Housing", "Football", "Music", "Film",
]
# Invented towns, for the same reason as the invented authors.
SAMPLE_PLACES = ["Northport", "Eastbridge", "Lowmoor", "Kestrel Bay", "Ashford Vale", "Marrow Hill", "Saltmarsh"]
SAMPLE_HEADLINES = {
    "world": [
        "Neighbours agree to reopen border crossing near {place}",
        "Aid convoys reach {place} after week of delays",
        "Envoys meet in {place} for talks on fishing rights",
        "Flood warning issued for river towns around {place}",
    ],
    "politics": [
        "{place} council approves budget for new tram line",
        "Ministers promise review of rural bus services after {place} protest",
        "Turnout rises in {place} by-election",
        "Opposition calls for inquiry into {place} housing contracts",
    ],
    "business": [
        "{place} shipyard wins order for three ferries",
        "Small firms in {place} report rise in orders",
        "Bakery chain to open {number} shops around {place}",
        "Port of {place} posts record quarter for container traffic",
    ],
    "science": [
        "Researchers in {place} track rare seabirds with tiny tags",
        "New telescope at {place} observatory sees first light",
        "{place} hospital trials faster test for infections",
        "Volunteers count {number} hedgehogs in {place} survey",
    ],
    "culture": [
        "{place} film festival announces opening night",
        "Library in {place} reopens after two-year refit",
        "Choir from {place} reaches national final",
        "Museum in {place} puts lost maps on show",
    ],
    "sport": [
        "{place} United win derby in stoppage time",
        "Marathon through {place} draws {number} runners",
        "{place} rowing club takes regional title",
        "Injury rules captain out of {place} cup tie",
    ],
}
SAMPLE_SENTENCES = [
    "Officials in {place} said the decision followed months of talks.",
    "The plan is expected to cost about {number} million, according to figures shared with reporters.",
    "Critics said the timetable was too ambitious.",
    "A spokesperson declined to give details but said more would be announced on {weekday}.",
    "Residents who spoke to reporters were divided.",
    "Analysts said the move could shape the debate for years to come.",
    "Opposition members called for an independent review.",
    "Supporters say the change is long overdue.",
    "The full figures will be published next month.",
    "Organisers expect about {number} thousand people to attend.",
    "Further updates are expected later in the week.",
    "Local businesses welcomed the news, though some warned of disruption.",
    "The announcement came after a meeting that ran late into the evening.",
    "Independent experts have been asked to check the findings.",
]
SAMPLE_WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
# One drawn picture per section, shared by its sample stories (as a library photo would be),
# so the design shows images without passing off anyone's photograph as news.
SAMPLE_PHOTO_CREDIT = "Sample image generated for the demo"
# Section: (sky at the top, sky at the horizon, sun, hills from far to near, how the colours read).
SAMPLE_PHOTO_PALETTES = {
    "world": ("#1d4e89", "#9cc3e6", "#fff3c4", ["#5b8c5a", "#3f6e45", "#2a4d32"], "green hills under a blue sky"),
    "politics": ("#3b1f4a", "#c98aa6", "#ffe0b0", ["#7a5a7d", "#5a3d5f", "#3b2640"], "purple hills, dusk"),
    "business": ("#12343b", "#8fb9a8", "#fdf6e3", ["#4f7f74", "#2f5d57", "#1c3d3a"], "teal hills, pale sky"),
    "science": ("#0b1d3a", "#4a6fa5", "#e8f1ff", ["#2e4a7d", "#223a63", "#14264a"], "dark blue hills at night"),
    "culture": ("#8a2c1b", "#f2b880", "#fff1d6", ["#b5653c", "#8f4a2b", "#5e2f1c"], "rust-red hills at sunset"),
    "sport": ("#2a6f97", "#b8e0f6", "#ffffff", ["#76b041", "#4f8a2b", "#2f5e1a"], "bright green hills, clear sky"),
}


def demo_password_file():
    """Return where a generated demo password is kept."""
    return Path(settings.VAR_DIR) / PASSWORD_FILE_NAME


def read_demo_story(path):
    """Return the headline, body paragraphs and author's bio of the demo story file."""
    lines = path.read_text(encoding="utf-8").strip().splitlines()
    # The copied web page ends with the comment counter, which is not part of the story.
    if lines and lines[-1].strip() == "No Comments":
        lines.pop()
    headline, *rest = lines
    paragraphs = [block.strip() for block in re.split(r"\n\s*\n", "\n".join(rest)) if block.strip()]
    for index, paragraph in enumerate(paragraphs):
        if paragraph.startswith(BIO_START):
            return headline.strip(), paragraphs[:index], paragraph
    raise CommandError(f"{path} has no paragraph starting {BIO_START!r}; cannot tell the bio from the story.")


def paragraphs_to_html(paragraphs):
    """Return plain-text paragraphs as escaped HTML paragraphs."""
    return "\n".join(f"<p>{escape(' '.join(paragraph.split()))}</p>" for paragraph in paragraphs)


def generate_samples(section_slugs, author_beats):
    """
    Return the sample stories as plain dictionaries, drawn from a seeded generator
    so that every run produces the same stories.
    """
    rng = random.Random(SAMPLE_SEED)
    sections = [section_slugs[index % len(section_slugs)] for index in range(SAMPLE_COUNT)]
    rng.shuffle(sections)
    unpublished = dict(zip(sorted(rng.sample(range(SAMPLE_COUNT), len(SAMPLE_UNPUBLISHED))), SAMPLE_UNPUBLISHED))
    first_day = KIM["published_at"].replace(hour=0, minute=0)
    published_count = SAMPLE_COUNT - len(unpublished)

    def fill(template, place):
        return template.format(place=place, number=rng.randint(3, 40), weekday=rng.choice(SAMPLE_WEEKDAYS))

    samples = []
    published_index = 0
    for index, section in enumerate(sections):
        place = rng.choice(SAMPLE_PLACES)
        headline = fill(rng.choice(SAMPLE_HEADLINES[section]), place)
        paragraphs = [
            " ".join(fill(sentence, place) for sentence in rng.sample(SAMPLE_SENTENCES, rng.randint(2, 4)))
            for _ in range(rng.randint(3, 5))
        ]
        authors = rng.sample(author_beats[section], 1)
        if rng.random() < 0.25:
            authors.append(rng.choice([spec["name"] for spec in SAMPLE_AUTHORS if spec["name"] not in authors]))
        tags = rng.sample(SAMPLE_TAGS, rng.randint(1, 3))
        if index in unpublished:
            status, published_at = unpublished[index], None
        else:
            # Two stories a day, oldest first, ending the day before the real story.
            days_back = (published_count - published_index + 1) // 2
            published_index += 1
            status = Article.Status.PUBLISHED
            published_at = first_day - timedelta(days=days_back) + timedelta(
                hours=rng.randint(7, 20), minutes=rng.choice([0, 15, 30, 45])
            )
        samples.append(
            {
                "slug": f"sample-story-{index + 1:02d}",
                "headline": SAMPLE_PREFIX + headline,
                "standfirst": paragraphs[0].split(". ")[0].rstrip(".") + ".",
                "body": SAMPLE_MARKER + "\n" + paragraphs_to_html(paragraphs),
                "section": section,
                "dateline": place,
                "status": status,
                "published_at": published_at,
                "authors": authors,
                "tags": tags,
            }
        )
    return samples


class Command(BaseCommand):
    help = "Load the demo newsroom: a real story, sample stories, sections, authors and two logins. Safe to rerun."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-samples", action="store_true", help="Skip the generated sample stories; load only the real one."
        )

    def handle(self, *args, no_samples=False, **options):
        headline, paragraphs, bio = read_demo_story(DEMO_STORY)
        with transaction.atomic():
            users, passwords = self.load_users()
            sections = self.load_sections()
            organisations = self.load_organisations()
            mridha = self.load_mridha(bio, organisations)
            sample_authors = self.load_sample_authors(organisations["news-hour"], users["reporter"])
            self.load_kim_story(headline, paragraphs, sections, organisations, mridha, users["editor"])
            if no_samples:
                samples = []
            else:
                photos = self.load_sample_photos(sections)
                samples = self.load_samples(sections, sample_authors, photos, users["editor"])
                self.load_reporter_pipeline(samples, users)
            # Demo stories have not been edited since they were published; without this,
            # every rerun would mark them "Updated" on the reader's page.
            Article.objects.filter(
                slug__in=[KIM["slug"], *(article.slug for article in samples)], published_at__isnull=False
            ).update(updated_at=F("published_at"))
        self.report(users, passwords, len(sections), len(sample_authors) + 1, len(samples))

    def load_users(self):
        """Create or update the editor and reporter logins; return them with the passwords known for them."""
        User = get_user_model()
        password_file = demo_password_file()
        env_password = os.environ.get(PASSWORD_ENV, "")
        stored_password = password_file.read_text().strip() if password_file.exists() else ""
        new_password = ""
        users, passwords = {}, {}
        for username, group_name in USERS:
            user, created = User.objects.get_or_create(
                username=username, defaults={"email": f"{username}@example.com"}
            )
            user.is_staff = True
            user.is_superuser = False
            user.is_active = True
            if env_password:
                user.set_password(env_password)
                passwords[username] = None  # Known to whoever set the variable; not echoed into logs.
            elif created:
                # Reuse a stored password (left by a run whose users were since deleted) so
                # both logins share the one password the file records.
                if not stored_password:
                    stored_password = new_password = secrets.token_urlsafe(12)
                user.set_password(stored_password)
                passwords[username] = stored_password
            elif stored_password and user.check_password(stored_password):
                passwords[username] = stored_password
            else:
                passwords[username] = ""  # Changed since, or set before this command kept a file.
            user.save()
            user.groups.add(Group.objects.get_or_create(name=group_name)[0])
            users[username] = user
        if new_password:
            password_file.parent.mkdir(parents=True, exist_ok=True)
            password_file.touch(mode=0o600)
            password_file.chmod(0o600)
            password_file.write_text(new_password + "\n")
        return users, passwords

    def load_sections(self):
        """Create or update the sections, in navigation order; return them by slug."""
        return {
            slug: Section.objects.update_or_create(
                slug=slug, defaults={"name": name, "description": description, "position": position}
            )[0]
            for position, (slug, name, description) in enumerate(SECTIONS)
        }

    def load_organisations(self):
        """Create or update the organisations, making News Hour the publisher unless one is chosen; return them by slug."""
        fields = {"short_name": "", "city": "", "country": "", "website": ""}
        organisations = {
            slug: Organisation.objects.update_or_create(slug=slug, defaults=fields | spec)[0]
            for slug, spec in ORGANISATIONS.items()
        }
        if not Organisation.objects.filter(is_publisher=True).exists():
            organisations[PUBLISHER].is_publisher = True
            organisations[PUBLISHER].save(update_fields=["is_publisher"])
        return organisations

    def load_mridha(self, bio, organisations):
        """Create or update the author of the real story, with his affiliations."""
        author, _ = Author.objects.update_or_create(
            slug=MRIDHA["slug"], defaults={"name": MRIDHA["name"], "job_title": MRIDHA["job_title"], "bio": bio}
        )
        self.set_affiliations(
            author, [(organisations[slug], role, True) for slug, role in MRIDHA["affiliations"]]
        )
        return author

    def load_sample_authors(self, news_hour, reporter):
        """Create or update the invented authors, linking the reporter login to one; return them by name."""
        # A login belongs to at most one author; free it if an earlier edit moved it.
        Author.objects.filter(user=reporter).exclude(name=REPORTER_AUTHOR).update(user=None)
        authors = {}
        for spec in SAMPLE_AUTHORS:
            author, _ = Author.objects.update_or_create(
                slug=slugify(spec["name"]),
                defaults={
                    "name": spec["name"],
                    "job_title": spec["job_title"],
                    "bio": spec["bio"],
                    "user": reporter if spec["name"] == REPORTER_AUTHOR else None,
                },
            )
            self.set_affiliations(author, [(news_hour, role, current) for role, current in spec["affiliations"]])
            authors[spec["name"]] = author
        return authors

    def load_kim_story(self, headline, paragraphs, sections, organisations, author, editor):
        """Create or update the real demo story."""
        article, _ = Article.objects.update_or_create(
            slug=KIM["slug"],
            defaults={
                "headline": headline,
                "standfirst": KIM["standfirst"],
                "body": paragraphs_to_html(paragraphs),
                "section": sections[KIM["section"]],
                "dateline": KIM["dateline"],
                "status": Article.Status.PUBLISHED,
                "published_at": KIM["published_at"],
                "created_by": editor,
            },
        )
        article.sources.set([organisations[slug] for slug in KIM["sources"]])
        article.tags.set(KIM["tags"])
        self.set_bylines(article, [(author, "")])
        return article

    def load_sample_photos(self, sections):
        """Create the drawn sample photos, one per section, unless they exist; return them by section slug."""
        photos = {}
        for slug, section in sections.items():
            alt_text = f"Sample illustration for {section.name}: {SAMPLE_PHOTO_PALETTES[slug][-1]}."
            photo = Photo.objects.filter(credit=SAMPLE_PHOTO_CREDIT, alt_text=alt_text).first()
            if photo is None:
                sky, horizon, sun, hills, _ = SAMPLE_PHOTO_PALETTES[slug]
                palette = {"sky": sky, "horizon": horizon, "sun": sun, "hills": hills}
                photo = Photo.objects.create(
                    image=ContentFile(drawing.landscape_jpeg(palette, seed=f"{SAMPLE_SEED}-{slug}"), name=f"sample-{slug}.jpg"),
                    alt_text=alt_text,
                    credit=SAMPLE_PHOTO_CREDIT,
                    usage_terms="Demo content; not a news photo.",
                )
            photos[slug] = photo
        return photos

    def load_samples(self, sections, authors, photos, editor):
        """Create or update the generated sample stories, each with its section's sample photo."""
        beats = {slug: [] for slug in sections}
        for spec in SAMPLE_AUTHORS:
            for slug in spec["beats"]:
                beats[slug].append(spec["name"])
        articles = []
        for sample in generate_samples(list(sections), beats):
            article, _ = Article.objects.update_or_create(
                slug=sample["slug"],
                defaults={
                    "headline": sample["headline"],
                    "standfirst": sample["standfirst"],
                    "body": sample["body"],
                    "section": sections[sample["section"]],
                    "dateline": sample["dateline"],
                    "status": sample["status"],
                    "published_at": sample["published_at"],
                    "photo": photos[sample["section"]],
                    "created_by": editor,
                },
            )
            article.sources.clear()
            article.tags.set(sample["tags"])
            roles = ["", "Additional reporting"]
            self.set_bylines(article, [(authors[name], role) for name, role in zip(sample["authors"], roles)])
            articles.append(article)
        return articles

    def load_reporter_pipeline(self, samples, users):
        """
        Give the reporter login the unpublished sample stories, one of them submitted
        and one sent back by the editor with a note, so both newsdesks have something
        to show. The history is recorded once; reruns leave it as it is.
        """
        reporter, editor = users["reporter"], users["editor"]
        unpublished = [article for article in samples if article.status != Article.Status.PUBLISHED]
        Article.objects.filter(pk__in=[article.pk for article in unpublished]).update(created_by=reporter)
        for article in unpublished:
            if article.transitions.exists():
                continue
            if article.status == Article.Status.REVIEW:
                history = [(ArticleTransition.Action.SUBMIT, reporter, "draft", "review", "")]
            elif article is next(a for a in unpublished if a.status == Article.Status.DRAFT):
                history = [
                    (ArticleTransition.Action.SUBMIT, reporter, "draft", "review", ""),
                    (ArticleTransition.Action.SEND_BACK, editor, "review", "draft", SAMPLE_SEND_BACK_NOTE),
                ]
            else:
                continue
            for minutes_ago, (action, user, from_status, to_status, note) in zip((90, 30), history):
                ArticleTransition.objects.create(
                    article=article,
                    action=action,
                    user=user,
                    from_status=from_status,
                    to_status=to_status,
                    note=note,
                    created_at=timezone.now() - timedelta(minutes=minutes_ago),
                )

    def set_affiliations(self, author, entries):
        """Make the author's affiliations exactly `entries` of (organisation, role, is_current), in order."""
        kept = [
            Affiliation.objects.update_or_create(
                author=author,
                organisation=organisation,
                role=role,
                defaults={"is_current": is_current, "position": position},
            )[0].pk
            for position, (organisation, role, is_current) in enumerate(entries)
        ]
        author.affiliations.exclude(pk__in=kept).delete()

    def set_bylines(self, article, entries):
        """Make the article's bylines exactly `entries` of (author, role), in order."""
        kept = [
            Byline.objects.update_or_create(
                article=article, author=author, defaults={"role": role, "position": position}
            )[0].pk
            for position, (author, role) in enumerate(entries)
        ]
        article.bylines.exclude(pk__in=kept).delete()

    def report(self, users, passwords, section_count, author_count, sample_count):
        """Print what was loaded and how to sign in."""
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo loaded: 1 real story, {sample_count} sample stories, "
                f"{section_count} sections, {author_count} authors."
            )
        )
        self.stdout.write(f"Sign in at {reverse('admin:index')} as:")
        for username, group_name in USERS:
            password = passwords[username]
            if password is None:
                shown = f"the value of {PASSWORD_ENV}"
            elif password:
                shown = password
            else:
                shown = f"unchanged (set {PASSWORD_ENV} and rerun to reset it)"
            self.stdout.write(f"  {username:<9} {f'({group_name})':<12} password: {shown}")
        if any(passwords.values()):
            self.stdout.write(f"The generated password is also kept in {demo_password_file()}.")
