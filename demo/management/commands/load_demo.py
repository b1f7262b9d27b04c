"""
Load a demo newsroom: one real story, sample stories, sections, authors and two logins.

The content comes from demo/data/ (see demo.stories); the sample photos are drawn by
demo.drawing. Stories are created as drafts and taken to their stage through
articles.workflow by the demo's editor and reporter, so their history follows the
same rules as everyone else's and the demo never sets a status itself.
"""

import os
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils.text import slugify

from articles import workflow
from articles.models import Article, Byline, Section
from authors.models import Affiliation, Author, Organisation
from demo import drawing
from demo.stories import Stage, generate_samples, read_data, read_real_story
from photos.models import Photo

PASSWORD_ENV = "NEWSROOM_DEMO_PASSWORD"
PASSWORD_FILE_NAME = "demo-password"


def demo_password_file():
    """Return where a generated demo password is kept."""
    return Path(settings.VAR_DIR) / PASSWORD_FILE_NAME


class Command(BaseCommand):
    help = "Load the demo newsroom: a real story, sample stories, sections, authors and two logins. Safe to rerun."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-samples", action="store_true", help="Skip the generated sample stories; load only the real one."
        )

    def handle(self, *args, no_samples=False, **options):
        try:
            real_story = read_real_story()
        except ValueError as error:
            raise CommandError(error) from error
        user_specs = read_data("users.json")
        section_specs = read_data("sections.json")
        sample_authors = read_data("sample-authors.json")
        with transaction.atomic():
            users, passwords = self.load_users(user_specs)
            sections = self.load_sections(section_specs)
            organisations = self.load_organisations(read_data("organisations.json"))
            logins = {spec["author"]: users[spec["username"]] for spec in user_specs if "author" in spec}
            authors = self.load_authors([real_story["author"], *sample_authors], organisations, logins)
            stories, photos = [real_story], {}
            if not no_samples:
                templates = read_data("sample-stories.json")
                photos = self.load_sample_photos(section_specs, templates)
                stories += generate_samples(templates, sample_authors, before=real_story["published_at"])
            # The real story last: publishing a story ranks its related stories among those
            # already out, and it is the one readers open first.
            for story in [*stories[1:], stories[0]]:
                self.load_story(story, sections, organisations, authors, photos, users)
            # Demo stories have not been edited since they were published; without this,
            # every rerun would mark them "Updated" on the reader's page.
            Article.objects.filter(slug__in=[story["slug"] for story in stories], published_at__isnull=False).update(
                updated_at=F("published_at")
            )
        self.report(user_specs, passwords, len(sections), len(authors), len(stories) - 1)

    def load_users(self, specs):
        """Create or update the editor and reporter logins; return them with the passwords known for them."""
        User = get_user_model()
        password_file = demo_password_file()
        env_password = os.environ.get(PASSWORD_ENV, "")
        if env_password:
            try:
                validate_password(env_password)
            except ValidationError as error:
                raise CommandError(
                    f"{PASSWORD_ENV} is too weak for a staff login: {' '.join(error.messages)}"
                ) from None
        stored_password = password_file.read_text().strip() if password_file.exists() else ""
        new_password = ""
        users, passwords = {}, {}
        for spec in specs:
            username = spec["username"]
            try:
                # The roles and their permissions come from the articles migrations.
                group = Group.objects.get(name=spec["group"])
            except Group.DoesNotExist:
                raise CommandError(f"There is no {spec['group']!r} group; run `manage.py migrate` first.") from None
            user, created = User.objects.get_or_create(username=username, defaults={"email": f"{username}@example.com"})
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
            user.groups.add(group)
            users[username] = user
        if new_password:
            password_file.parent.mkdir(parents=True, exist_ok=True)
            password_file.touch(mode=0o600)
            password_file.chmod(0o600)
            password_file.write_text(new_password + "\n")
        return users, passwords

    def load_sections(self, specs):
        """Create or update the sections, in navigation order; return them by slug."""
        return {
            spec["slug"]: Section.objects.update_or_create(
                slug=spec["slug"],
                defaults={"name": spec["name"], "description": spec["description"], "position": position},
            )[0]
            for position, spec in enumerate(specs)
        }

    def load_organisations(self, data):
        """Create or update the organisations, making the demo's publisher the site's unless one is chosen."""
        blank = {"short_name": "", "city": "", "country": "", "website": ""}
        organisations = {
            spec["slug"]: Organisation.objects.update_or_create(slug=spec["slug"], defaults=blank | spec)[0]
            for spec in data["organisations"]
        }
        # Its real policy pages are not known, so its policy links stay blank rather
        # than point at invented addresses; editors fill them in.
        if not Organisation.objects.filter(is_publisher=True).exists():
            publisher = organisations[data["publisher"]]
            publisher.is_publisher = True
            publisher.save(update_fields=["is_publisher"])
        return organisations

    def load_authors(self, specs, organisations, logins):
        """Create or update the authors and affiliations, linking `logins` (name: user); return authors by name."""
        # A login belongs to at most one author; free it if an earlier edit moved it.
        for name, user in logins.items():
            Author.objects.filter(user=user).exclude(name=name).update(user=None)
        authors = {}
        for spec in specs:
            author, _ = Author.objects.update_or_create(
                slug=slugify(spec["name"]),
                defaults={
                    "name": spec["name"],
                    "job_title": spec["job_title"],
                    "bio": spec["bio"],
                    "user": logins.get(spec["name"]),
                },
            )
            self.set_affiliations(
                author, [(organisations[a["organisation"]], a["role"], a["is_current"]) for a in spec["affiliations"]]
            )
            authors[spec["name"]] = author
        return authors

    def load_sample_photos(self, section_specs, templates):
        """Create the drawn sample photos, one per section, unless they exist; return them by section slug."""
        # One picture per section, shared by its samples as a library photo would be, so the
        # design shows images without passing off anyone's photograph as news.
        photos = {}
        for spec in section_specs:
            alt_text = f"Sample illustration for {spec['name']}: {spec['photo']['description']}."
            photo = Photo.objects.filter(credit=templates["photo_credit"], alt_text=alt_text).first()
            if photo is None:
                jpeg = drawing.landscape_jpeg(spec["photo"], seed=f"{templates['seed']}-{spec['slug']}")
                photo = Photo.objects.create(
                    image=ContentFile(jpeg, name=f"sample-{spec['slug']}.jpg"),
                    alt_text=alt_text,
                    credit=templates["photo_credit"],
                    usage_terms=templates["photo_usage_terms"],
                )
            photos[spec["slug"]] = photo
        return photos

    def load_story(self, story, sections, organisations, authors, photos, users):
        """Create or update one story; when it is new, move it to its stage through the workflow."""
        editor, reporter = users["editor"], users["reporter"]
        article, created = Article.objects.update_or_create(
            slug=story["slug"],
            defaults={
                "headline": story["headline"],
                "standfirst": story["standfirst"],
                "body": story["body"],
                "section": sections[story["section"]],
                "dateline": story["dateline"],
                "photo": photos[story["section"]] if story["has_sample_photo"] else None,
                # The reporter submits their own stories; the editor owns the rest.
                "created_by": editor if story["stage"] == Stage.PUBLISHED else reporter,
            },
        )
        article.sources.set([organisations[slug] for slug in story["sources"]])
        article.tags.set(story["tags"])
        self.set_bylines(article, [(authors[name], role) for name, role in story["bylines"]])
        # History is made once, when the story is created: a rerun leaves its state alone,
        # so a story an editor has since unpublished stays unpublished.
        if created:
            self.make_history(article, story, editor, reporter)
        return article

    def make_history(self, article, story, editor, reporter):
        """Take a new draft to its stage: the reporter submits, the editor sends back or publishes."""
        try:
            if story["stage"] in (Stage.IN_REVIEW, Stage.SENT_BACK):
                workflow.submit(article, reporter)
            if story["stage"] == Stage.SENT_BACK:
                workflow.send_back(article, editor, note=story["send_back_note"])
            if story["stage"] == Stage.PUBLISHED:
                # The demo's stories first ran in the past, and keep their original times.
                workflow.publish(article, editor, published_at=story["published_at"])
        except workflow.WorkflowError as error:
            raise CommandError(f"The workflow would not take {story['slug']!r} to {story['stage']}: {error}") from error

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

    def report(self, user_specs, passwords, section_count, author_count, sample_count):
        """Print what was loaded and how to sign in."""
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo loaded: 1 real story, {sample_count} sample stories, "
                f"{section_count} sections, {author_count} authors."
            )
        )
        self.stdout.write(f"Sign in at {reverse('admin:index')} as:")
        for spec in user_specs:
            password = passwords[spec["username"]]
            if password is None:
                shown = f"the value of {PASSWORD_ENV}"
            elif password:
                shown = password
            else:
                shown = f"unchanged (set {PASSWORD_ENV} and rerun to reset it)"
            group = f"({spec['group']})"
            self.stdout.write(f"  {spec['username']:<9} {group:<12} password: {shown}")
        if any(passwords.values()):
            self.stdout.write(f"The generated password is also kept in {demo_password_file()}.")
