"""Every page works under the enforced Content-Security-Policy: no violation in the browser."""

import pytest
from django.urls import reverse

from articles.models import Article
from authors.tests.factories import UserFactory

PASSWORD = "correct horse battery staple"  # The user factory's.
# Records each violation the browser reports, from before the page's own scripts run.
RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(`${event.violatedDirective}: ${event.blockedURI || "inline"} (${event.sourceFile}:${event.lineNumber})`);
});
"""


def violations(page, messages):
    reported = page.evaluate("window.cspViolations")
    return reported + [message for message in messages if "Content Security Policy" in message]


@pytest.fixture
def csp_page(page):
    messages = []
    page.on("console", lambda message: messages.append(message.text))
    # On the context, so that popups opened from the admin record theirs too.
    page.context.add_init_script(RECORD_VIOLATIONS)
    page.messages = messages
    return page


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_reader_pages_and_the_admin_run_without_a_violation(csp_page, make_article, make_photo, make_author):
    page = csp_page
    author = make_author(name="Mridha Shihab Mahmud")
    article = make_article(headline="Kim leaves Russia", photo=make_photo(), authors=[author], tags=["North Korea"])
    draft = make_article(headline="A draft", status=Article.Status.DRAFT, published_at=None, authors=[author])
    UserFactory(username="eddie", is_staff=True, groups=["Editors"])

    reader_pages = ["/", article.get_absolute_url(), author.get_absolute_url(), "/search/?q=Kim", "/no/such/page/"]
    for url in reader_pages:
        page.goto(url)
        page.wait_for_load_state("networkidle")
        assert violations(page, page.messages) == [], url
        assert "content-security-policy" in {name.lower() for name in page.context.request.get(url).headers}

    page.goto("/admin/login/")
    page.get_by_label("Username").fill("eddie")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/admin/")

    admin_pages = [
        reverse("admin:index"),
        reverse("admin:articles_article_changelist"),
        reverse("admin:articles_article_add"),
        reverse("admin:articles_article_change", args=[draft.pk]),
        reverse("admin:articles_article_change", args=[article.pk]),
        reverse("admin:photos_photo_changelist"),
        reverse("admin:photos_photo_add"),
        reverse("admin:comments_comment_changelist"),
    ]
    for url in admin_pages:
        page.goto(url)
        page.wait_for_load_state("networkidle")
        assert violations(page, page.messages) == [], url

    # The change form's scripts at work: the prose editor, an autocomplete and the photo popup.
    page.goto(reverse("admin:articles_article_change", args=[draft.pk]))
    page.locator(".ProseMirror[contenteditable='true']").click()
    page.keyboard.type(" More words.")
    page.locator("#id_section + .select2 .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill("Sec")
    page.wait_for_load_state("networkidle")
    page.keyboard.press("Escape")
    with page.expect_popup() as popup_info:
        page.locator("#add_id_photo").click()
    popup = popup_info.value
    popup.wait_for_load_state("networkidle")
    assert violations(page, page.messages) == []
    assert popup.evaluate("window.cspViolations || []") == []
