"""
Races through the running site. Requests arrive at the same moment, each in its own
thread with its own database connection, through the admin and the comment form: one
save or transition stands, the others are refused with what was typed, and nothing
answers 500. On SQLite the suite's database is a file (see the test settings), so the
server's threads really are separate writers.

NEWSROOM_RACE_ROUNDS sets how many rounds each race runs (`make stress` runs 1,000).
"""

import os
import socket
import threading
import time
from collections import Counter
from functools import partial
from http.cookies import SimpleCookie
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import HTTPRedirectHandler, Request, build_opener

import pytest
from django.contrib.auth.models import Group
from django.core.servers.basehttp import ThreadedWSGIServer
from django.db import connections
from django.test import Client
from django.test.testcases import LiveServerTestCase, LiveServerThread
from django.urls import reverse

from articles import workflow
from articles.models import Article, ArticleTransition
from articles.tests.forms import change_form_data
from comments.models import Comment
from editing.models import Revision

ROUNDS = int(os.environ.get("NEWSROOM_RACE_ROUNDS", "100"))
# A fixed CSRF secret: the cookie and the form field carry the same one.
CSRF = "racesracesracesracesracesraces12"

pytestmark = pytest.mark.django_db(transaction=True)


class NoRedirects(HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Visitor:
    """A client of the live server with its own cookies: signed in as `user`, if given."""

    def __init__(self, base_url, user=None):
        self.base_url = base_url
        cookies = {"csrftoken": CSRF}
        if user is not None:
            client = Client()
            client.force_login(user)
            cookies["sessionid"] = client.cookies["sessionid"].value
        self.cookie = "; ".join(f"{name}={value}" for name, value in cookies.items())
        self.opener = build_opener(NoRedirects)

    def post(self, path, data, **headers):
        """Return (status, text) of a POST of `data`, without following a redirect."""
        body = urlencode({**data, "csrfmiddlewaretoken": CSRF}, doseq=True).encode()
        request = Request(
            self.base_url + path,
            data=body,
            headers={"Cookie": self.cookie, "Content-Type": "application/x-www-form-urlencoded", **headers},
        )
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.read().decode()
        except HTTPError as error:
            return error.code, error.read().decode()


def at_once(*requests):
    """Run the callables at the same moment, each in its own thread; return their results in order."""
    barrier = threading.Barrier(len(requests))
    results = [None] * len(requests)

    def run(index, request):
        try:
            barrier.wait(timeout=30)
            results[index] = request()
        except OSError as error:  # A refused or cut connection: the race's assertion names it.
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def change_path(article):
    return reverse("admin:articles_article_change", args=[article.pk])


@pytest.fixture
def editors(live_server, make_user):
    """Two editors, each signed in to the live server in a client of their own."""
    group = Group.objects.get(name="Editors")
    users = [make_user(username=name, first_name=name.title()) for name in ("ann", "bob")]
    for user in users:
        user.groups.add(group)
    return [(user, Visitor(live_server.url, user)) for user in users]


def test_two_editors_saving_at_once_one_save_stands_and_the_other_keeps_its_text(editors, make_article):
    article = make_article(body="<p>Original.</p>")
    (_, ann), (_, bob) = editors
    statuses, outcomes = Counter(), Counter()
    for round_number in range(ROUNDS):
        article.refresh_from_db()
        typed = {name: f"<p>{name} typed this in round {round_number}.</p>" for name in ("Ann", "Bob")}
        results = at_once(
            partial(ann.post, change_path(article), change_form_data(article, body=typed["Ann"])),
            partial(bob.post, change_path(article), change_form_data(article, body=typed["Bob"])),
        )
        statuses.update(result[0] if isinstance(result, tuple) else type(result).__name__ for result in results)
        outcomes[save_race_outcome(article, typed, round_number, results)] += 1
    print(f"\n{ROUNDS} save races: {dict(outcomes)}; responses by status: {dict(statuses)}")
    assert outcomes == {"one stood, the other was refused with its text kept": ROUNDS}
    assert statuses == {200: ROUNDS, 302: ROUNDS}


def save_race_outcome(article, typed, round_number, results):
    """Say how one round of two saves from the same version ended."""
    if not all(isinstance(result, tuple) for result in results):
        return "a request failed"
    if any(status >= 500 for status, _ in results):
        return "server error"
    if sorted(status for status, _ in results) != [200, 302]:
        return "both saved" if results[0][0] == results[1][0] == 302 else "both refused"
    (_, refused_page), winner, loser = (
        (results[1], "Ann", "Bob") if results[0][0] == 302 else (results[0], "Bob", "Ann")
    )
    stored = Article.objects.get(pk=article.pk)
    if stored.body != typed[winner] or stored.version != article.version + 1:
        return "lost update"
    if (
        "saved this article at" not in refused_page
        or f"{loser} typed this in round {round_number}." not in refused_page
    ):
        return "refused without the typed text"
    return "one stood, the other was refused with its text kept"


def test_a_save_racing_an_autosave_both_go_through(editors, make_article):
    article = make_article(body="<p>Original.</p>")
    (_, ann), (_, bob) = editors
    autosave_path = reverse("admin:articles_article_autosave", args=[article.pk])
    for round_number in range(max(ROUNDS // 4, 1)):
        article.refresh_from_db()
        body = f"<p>Saved in round {round_number}.</p>"
        saved, autosaved = at_once(
            partial(ann.post, change_path(article), change_form_data(article, body=body)),
            partial(
                bob.post,
                autosave_path,
                {"loaded_version": article.version, "headline": "Kept", "standfirst": "", "body": "<p>Kept.</p>"},
            ),
        )
        assert (saved[0], autosaved[0]) == (302, 200), (saved, autosaved)
        assert Article.objects.get(pk=article.pk).body == body


@pytest.mark.parametrize(
    ("first", "second"),
    [("publish", "send_back"), ("publish", "publish")],
    ids=["publish-send_back", "publish-publish"],
)
def test_two_transitions_at_once_exactly_one_is_recorded(editors, reporter, make_article, first, second):
    for _ in range(max(ROUNDS // 4, 1)):
        story = make_article(status=Article.Status.DRAFT, published_at=None, authors=[reporter.author])
        workflow.submit(story, reporter)
        story.refresh_from_db()
        (_, ann), (_, bob) = editors
        results = at_once(
            *(
                partial(
                    visitor.post,
                    change_path(story),
                    change_form_data(story, transition=action, transition_note="Not yet."),
                )
                for visitor, action in ((ann, first), (bob, second))
            )
        )
        assert all(status < 500 for status, _ in results), results
        assert sorted(status for status, _ in results) == [200, 302], results
        transitions = ArticleTransition.objects.filter(article=story).exclude(action="submit")
        assert transitions.count() == 1
        assert ArticleTransition.objects.filter(article=story, action="publish").count() <= 1


class RoomyServer(ThreadedWSGIServer):
    # Fifty readers connect at once: the listen backlog holds them all, as gunicorn's does.
    request_queue_size = 128


class RoomyLiveServer(LiveServerThread):
    server_class = RoomyServer


@pytest.fixture
def roomy_server(transactional_db):
    """Return the address of a live server that takes 128 waiting connections, not 10."""
    server = RoomyLiveServer("127.0.0.1", LiveServerTestCase.static_handler)
    server.daemon = True
    server.start()
    server.is_ready.wait()
    if server.error:
        raise server.error
    yield f"http://127.0.0.1:{server.port}"
    server.terminate()


def test_a_flood_of_comments_is_stored_or_refused_never_a_500(roomy_server, make_article):
    story = make_article()
    path = reverse("comments:post", args=[story.pk])
    readers = [Visitor(roomy_server) for _ in range(50)]
    results = at_once(
        *(
            partial(
                reader.post, path, {"name": f"Reader {n}", "email": f"reader{n}@example.org", "text": f"Comment {n}"}
            )
            for n, reader in enumerate(readers)
        )
    )
    statuses = Counter(result[0] if isinstance(result, tuple) else type(result).__name__ for result in results)
    assert set(statuses) <= {302, 429}, statuses
    assert Comment.objects.filter(article=story).count() == statuses[302]
    assert statuses[302] >= 1


def test_the_cookie_of_a_signed_in_visitor_is_a_real_session(live_server, make_user):
    """The races above are only races if their visitors are signed in: check the helper itself."""
    user = make_user(username="cara", is_staff=True, is_superuser=True)
    cookie = SimpleCookie(Visitor(live_server.url, user).cookie)
    client = Client()
    client.cookies["sessionid"] = cookie["sessionid"].value
    assert client.get(reverse("admin:index")).status_code == 200


def send_and_hang_up(visitor, path, data, *, cut_before=None):
    """
    POST `data` as `visitor`, sending the body only up to the field `cut_before` (all of
    it if None), then close the connection without reading the answer.
    """
    body = urlencode({"csrfmiddlewaretoken": CSRF, **data}, doseq=True).encode()
    sent = body[: body.index(f"&{cut_before}=".encode())] if cut_before else body
    host, port = visitor.base_url.removeprefix("http://").split(":")
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\nCookie: {visitor.cookie}\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    ).encode()
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(head + sent)
        sock.shutdown(socket.SHUT_WR)


@pytest.mark.parametrize("cut_before", [None, "body", "is_open_for_comments"], ids=["whole", "half", "all-but-the-end"])
def test_a_save_cut_off_by_the_client_is_stored_whole_with_its_revision_or_not_at_all(
    editors, make_article, cut_before
):
    article = make_article(body="<p>Original.</p>", is_open_for_comments=True)
    (_, ann), _ = editors
    revisions = Revision.objects.filter(article=article)
    before = revisions.count()
    typed = "<p>" + "A long correction, typed with care. " * 200 + "</p>"
    data = change_form_data(article, body=typed, is_open_for_comments=None)
    # The checkbox comes last, as if the browser had put it there: a body cut just before
    # it reads like a form in which comments were closed.
    data["is_open_for_comments"] = "on"

    send_and_hang_up(ann, change_path(article), data, cut_before=cut_before)

    deadline = time.monotonic() + (10 if cut_before is None else 2)
    while time.monotonic() < deadline and revisions.count() == before:
        time.sleep(0.1)
    stored = Article.objects.get(pk=article.pk)
    if cut_before is None:
        assert (stored.body, stored.version, revisions.count()) == (typed, article.version + 1, before + 1)
    else:
        # Part of a form is not a form: nothing of it is kept, not even a field it left out.
        assert (stored.body, stored.version, revisions.count()) == (article.body, article.version, before)
        assert stored.is_open_for_comments
