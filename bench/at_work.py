"""
`make bench-load`: the newsroom at work. For DURATION seconds (60), 500 readers load
the long tail of the site (home, the latest list, sections, topics and a few hundred
stories) through wrk, while two editors each save a published story every few seconds
and a reporter's open draft autosaves, all through the production server
(gunicorn.conf.py, the production settings, the page cache on).

It prints the readers' p50, p99 and errors, the editors' save latencies and errors, and
any lost save: a save answered as done whose text is not what the story holds at the end.

Environment: N (10000) stories, DATABASE_URL (PostgreSQL for the figures the README
keeps; a SQLite file under var/bench/ without it), DURATION (60), READERS (500).
"""

import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import urlencode

from .run import (
    BASE_DIR,
    BENCH_DIR,
    GUNICORN,
    PYTHON,
    START_TIMEOUT,
    Processes,
    describe_url,
    env_int,
    free_port,
    machine,
    prepare,
    site_environment,
    sqlite_url,
    worker_pids,
)

TARGETS = {"reader_p99_ms": 500, "reader_errors": 0, "editor_p99_ms": 1000, "failed_saves": 0, "lost_saves": 0}
EDITOR_INTERVAL = 3.0
AUTOSAVE_INTERVAL = 2.0

# Run in the site's own environment: two editors and a reporter with passwords of this
# run, two published stories for the editors and a draft for the reporter, and the long
# tail of addresses readers ask for.
SETUP = """
import json, sys
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from articles.models import Article, Section
from taggit.models import Tag

password = sys.argv[1]
users = {}
for name, group in (("bench-editor-1", "Editors"), ("bench-editor-2", "Editors"), ("bench-reporter", "Reporters")):
    user, _ = get_user_model().objects.get_or_create(username=name, defaults={"is_staff": True})
    user.is_staff = True
    user.set_password(password)
    user.save()
    user.groups.add(Group.objects.get(name=group))
    users[name] = user
published = list(Article.objects.published().newest_first()[:400])
draft = Article.objects.filter(status=Article.Status.DRAFT).first() or Article.objects.create(
    headline="Bench draft", slug="bench-draft", section=published[0].section, status=Article.Status.DRAFT,
    created_by=users["bench-reporter"],
)
paths = ["/", "/latest/"] + [article.get_absolute_url() for article in published[2:]]
paths += [section.get_absolute_url() for section in Section.objects.all()]
paths += [f"/tags/{slug}/" for slug in Tag.objects.values_list("slug", flat=True)[:50]]
print(json.dumps({"editing": [published[0].pk, published[1].pk], "draft": draft.pk, "paths": paths}))
"""


class FormReader(HTMLParser):
    """Collect what the admin change form (form#article_form) sends when saved as it stands."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.fields, self.in_form, self.textarea, self.select, self.multiple = [], False, None, None, False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id") == "article_form":
            self.in_form = True
        if not self.in_form or "name" not in attrs and tag != "option":
            return
        name = attrs.get("name")
        if tag == "input" and attrs.get("type", "text") not in {"submit", "button", "file", "image", "reset"}:
            if attrs.get("type") not in {"checkbox", "radio"} or "checked" in attrs:
                self.fields.append((name, attrs.get("value") or ("on" if attrs.get("type") == "checkbox" else "")))
        elif tag == "textarea":
            self.textarea = [name, ""]
        elif tag == "select":
            self.select = name
        elif tag == "option" and self.select and "selected" in attrs:
            self.fields.append((self.select, attrs.get("value", "")))

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self.textarea is not None:
            name, text = self.textarea
            # A browser drops the newline that follows <textarea>, as HTML says it must.
            self.fields.append((name, text.removeprefix("\n")))
            self.textarea = None
        elif tag == "select":
            self.select = None
        elif tag == "form":
            self.in_form = False


class Staff:
    """A member of staff signed in to the server, with their own cookies."""

    def __init__(self, base, username, password):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()), NoRedirects)
        login = self.get("/admin/login/")
        self.post("/admin/login/", {"username": username, "password": password, "next": "/admin/"}, page=login)

    def get(self, path):
        with self.opener.open(self.base + path, timeout=30) as response:
            return response.read().decode()

    def post(self, path, data, page):
        """POST `data` (a dict or a list of pairs) with the CSRF token of `page`; return (status, text)."""
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
        pairs = list(data.items()) if isinstance(data, dict) else list(data)
        request = urllib.request.Request(
            self.base + path,
            data=urlencode([*pairs, ("csrfmiddlewaretoken", token)]).encode(),
            headers={"Referer": self.base + path},
        )
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read().decode()
        except HTTPError as error:
            return error.code, error.read().decode()


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def change_form(staff, pk):
    """Return (the change page, its form fields as a list of pairs)."""
    page = staff.get(f"/admin/articles/article/{pk}/change/")
    reader = FormReader()
    reader.feed(page)
    return page, reader.fields


def field(fields, name):
    return next((value for key, value in fields if key == name), None)


def edit(base, username, password, pk, stop, outcome):
    """Save story `pk` every few seconds until `stop`; note each save's time and whether it stood."""
    staff = Staff(base, username, password)
    saves = outcome["saves"]
    number = 0
    while not stop.is_set():
        number += 1
        page, fields = change_form(staff, pk)
        body = f"<p>Saved by {username}, save {number} of this run {outcome['run']}.</p>"
        data = [(key, value) for key, value in fields if key != "body"] + [("body", body)]
        started = time.monotonic()
        status, _answer = staff.post(f"/admin/articles/article/{pk}/change/", data, page)
        saves.append({"ms": (time.monotonic() - started) * 1000, "status": status, "body": body})
        stop.wait(EDITOR_INTERVAL)
    _page, fields = change_form(staff, pk)
    outcome["stored_body"] = field(fields, "body")


def autosave(base, password, pk, stop, outcome):
    staff = Staff(base, "bench-reporter", password)
    page, fields = change_form(staff, pk)
    version = field(fields, "loaded_version")
    number = 0
    while not stop.is_set():
        number += 1
        data = {
            "loaded_version": version,
            "headline": "Bench draft",
            "standfirst": "",
            "body": f"<p>Typing {number}</p>",
        }
        started = time.monotonic()
        status, _answer = staff.post(f"/admin/articles/article/{pk}/autosave/", data, page)
        outcome["saves"].append({"ms": (time.monotonic() - started) * 1000, "status": status})
        stop.wait(AUTOSAVE_INTERVAL)


def warm(base, paths):
    """
    Ask for each of `paths` once before the run, as the readers of a site already up
    have: the run measures a newsroom at work, not one starting with an empty page cache
    (in which the editors could not even sign in). With the default local-memory cache,
    only the worker that answered keeps each page; set REDIS_URL for one shared cache.
    """
    print(f"== Warming the page cache: {len(paths)} addresses once", flush=True)

    def fetch(path):
        try:
            with urllib.request.urlopen(base + path, timeout=120) as response:
                response.read()
        except OSError:
            pass  # Counted, if it lasts, by the run itself.

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(fetch, paths))


def readers_script(paths):
    """Return a wrk script that asks for a random one of `paths` each time (the long tail, not one page)."""
    listed = ",".join(json.dumps(path) for path in paths)
    return f"paths = {{{listed}}}\nrequest = function()\n  return wrk.format(nil, paths[math.random(#paths)])\nend\n"


def percentile(values, share):
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(len(ordered) * share))], 1) if ordered else None


def main():
    count, duration, readers = env_int("N", 10_000), env_int("DURATION", 60), env_int("READERS", 500)
    database_url = os.environ.get("DATABASE_URL") or sqlite_url(count)
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: `make bench-load` installs it with apt-get.")
    env = site_environment(database_url)
    env.pop("NEWSROOM_PAGE_CACHE_SECONDS", None)
    prepare(env, count)
    subprocess.run([PYTHON, "manage.py", "collectstatic", "--no-input", "-v0"], cwd=BASE_DIR, env=env, check=True)
    password = secrets.token_urlsafe(24)
    setup = subprocess.run(
        [PYTHON, "-c", "import django; django.setup(); exec(open(0).read())", password],
        input=SETUP,
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    plan = json.loads(setup.stdout.strip().splitlines()[-1])
    script = BENCH_DIR / "readers.lua"
    script.write_text(readers_script(plan["paths"]))

    processes = Processes()
    port = free_port()
    server = processes.start(
        [GUNICORN, "--config", "gunicorn.conf.py", "newsroom.wsgi"],
        cwd=BASE_DIR,
        env=env | {"HOST": "127.0.0.1", "PORT": str(port)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=5):
                    break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("the server did not start") from None
                time.sleep(0.3)
        warm(base, plan["paths"])
        run = secrets.token_hex(3)
        stop = threading.Event()
        editors = [{"saves": [], "run": run} for _ in plan["editing"]]
        reporter = {"saves": []}
        threads = [
            threading.Thread(target=edit, args=(base, f"bench-editor-{n + 1}", password, pk, stop, editors[n]))
            for n, pk in enumerate(plan["editing"])
        ]
        threads.append(threading.Thread(target=autosave, args=(base, password, plan["draft"], stop, reporter)))
        print(f"== {readers} readers, 2 editors and a reporter for {duration} s on {describe_url(database_url)}")
        for thread in threads:
            thread.start()
        wrk = subprocess.run(
            ["wrk", "-t2", f"-c{readers}", f"-d{duration}s", "--timeout", "10s", "--latency", "-s", str(script), base],
            capture_output=True,
            text=True,
            check=True,
            timeout=duration + 120,
        ).stdout
        stop.set()
        for thread in threads:
            thread.join(timeout=120)
        memory = [
            round(int(line.split()[1]) / 1024, 1)
            for pid in worker_pids(server.pid)
            for line in Path(f"/proc/{pid}/status").read_text().splitlines()
            if line.startswith("VmRSS:")
        ]
    finally:
        processes.stop_all()

    report = summarise(wrk, editors, reporter, readers, duration, database_url)
    report["worker_memory_mb"] = memory
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    out = BENCH_DIR / f"at-work-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps(report, indent=2))
    print(report["markdown"])
    print(f"Written to {out.relative_to(BASE_DIR)}")
    sys.exit(0 if all(report["met"].values()) else 1)


def summarise(wrk, editors, reporter, readers, duration, database_url):
    def latency(percent):
        match = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s|m)\s*$", wrk, re.MULTILINE)
        scale = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}
        return round(float(match[1]) * scale[match[2]], 1) if match else None

    requests = int(re.search(r"(\d+) requests in", wrk)[1])
    non_2xx = int(m[1]) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", wrk)) else 0
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", wrk)
    socket_errors = sum(int(n) for n in socket.groups()) if socket else 0
    saves = [save for editor in editors for save in editor["saves"]]
    save_ms = [save["ms"] for save in saves]
    failed = [save for save in saves if save["status"] != 302]
    lost = 0
    for editor in editors:
        stood = [save for save in editor["saves"] if save["status"] == 302]
        if stood and editor.get("stored_body") != stood[-1]["body"]:
            lost += 1
    autosaves = reporter["saves"]
    figures = {
        "reader_requests": requests,
        "reader_rate": round(requests / duration, 1),
        "reader_p50_ms": latency(50),
        "reader_p99_ms": latency(99),
        "reader_errors": non_2xx + socket_errors,
        "saves": len(saves),
        "editor_p50_ms": percentile(save_ms, 0.5),
        "editor_p99_ms": percentile(save_ms, 0.99),
        "failed_saves": len(failed),
        "lost_saves": lost,
        "autosaves": len(autosaves),
        "failed_autosaves": sum(1 for save in autosaves if save["status"] != 200),
        "autosave_p99_ms": percentile([save["ms"] for save in autosaves], 0.99),
    }
    met = {
        "reader_p99_ms": (figures["reader_p99_ms"] or 0) <= TARGETS["reader_p99_ms"],
        "reader_errors": figures["reader_errors"] == 0,
        # No save at all (the editors could not sign in) is no result.
        "editor_p99_ms": bool(save_ms) and figures["editor_p99_ms"] <= TARGETS["editor_p99_ms"],
        "failed_saves": figures["failed_saves"] == 0 and figures["failed_autosaves"] == 0,
        "lost_saves": figures["lost_saves"] == 0,
    }
    info = machine()
    mark = {True: "✓", False: "✗"}
    lines = [
        f"# The newsroom at work, {time.strftime('%Y-%m-%d')}",
        "",
        (
            f"{describe_url(database_url)}; {info['cpus']} CPUs ({info['cpu_model']}), {info['memory_gb']} GB RAM. "
            f"{readers} readers over {duration} s through gunicorn.conf.py, page cache on; 2 editors saving every "
            f"{EDITOR_INTERVAL:.0f} s, a reporter autosaving every {AUTOSAVE_INTERVAL:.0f} s."
        ),
        "",
        "| measure | result | target |",
        "|---|---:|---:|",
        f"| reader requests (per s) | {requests:,} ({figures['reader_rate']}) | |",
        (
            f"| reader p50 / p99 | {figures['reader_p50_ms']} / {figures['reader_p99_ms']} ms "
            f"{mark[met['reader_p99_ms']]} | p99 ≤ {TARGETS['reader_p99_ms']} ms |"
        ),
        f"| reader errors | {figures['reader_errors']} {mark[met['reader_errors']]} | 0 |",
        (
            f"| editor saves, p50 / p99 | {figures['saves']}, {figures['editor_p50_ms']} / "
            f"{figures['editor_p99_ms']} ms {mark[met['editor_p99_ms']]} | p99 ≤ {TARGETS['editor_p99_ms']} ms |"
        ),
        (
            f"| failed saves (autosaves) | {figures['failed_saves']} ({figures['failed_autosaves']} of "
            f"{figures['autosaves']}) {mark[met['failed_saves']]} | 0 |"
        ),
        f"| lost saves | {figures['lost_saves']} {mark[met['lost_saves']]} | 0 |",
    ]
    # What each editor saved last and what the story held at the end, to see any loss for oneself.
    endings = [
        {
            "last_saved": next((save["body"] for save in reversed(editor["saves"]) if save["status"] == 302), None),
            "stored": editor.get("stored_body"),
        }
        for editor in editors
    ]
    return {"figures": figures, "met": met, "endings": endings, "markdown": "\n".join(lines) + "\n"}


if __name__ == "__main__":
    main()
