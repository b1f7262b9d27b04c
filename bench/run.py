"""
`make bench`: seed N stories, serve them with gunicorn and the production settings,
load each reader page with wrk, uncached and cached, beside a bare 30 KB view and the
site's empty page served by the same gunicorn, and report requests/s, latency, the
ratio to the bare view, SQL per page and worker memory against the targets of issue 8.

`make bench-growth` (`--growth`) measures only in process, at N and at GROWTH_N
stories, and reports how each page's time grows.

Everything it starts (gunicorn, wrk, manage.py) it stops again by process id, on
success, failure, Ctrl-C or SIGTERM. It listens on 127.0.0.1 only, and every step
has a time limit.

Environment: N (10000), DATABASE_URL (a SQLite file var/bench/bench-N.sqlite3),
DURATION (seconds of load per page, 5), WARMUP (seconds before each, 2), and for
--growth GROWTH_N (200000), GROWTH_DATABASE_URL (a SQLite file for GROWTH_N) and
ROUNDS (3: the archives are measured in turn this many times, and each page keeps its
fastest).
"""

import argparse
import contextlib
import json
import os
import platform
import re
import secrets
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

from bench.inprocess import assemble

BASE_DIR = Path(__file__).resolve().parent.parent
BENCH_DIR = BASE_DIR / "var" / "bench"
PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).parent / "gunicorn")

WORKERS = 2
CONNECTIONS = 16
THREADS = 2
PAGE_CACHE_VARIABLE = "NEWSROOM_PAGE_CACHE_SECONDS"

# Issue 8's targets: requests/s as a share of the bare view's in the same run, and budgets.
ARTICLE_TARGET = 0.25
PAGE_TARGET = 0.15
CACHED_TARGET = 0.8
MAX_QUERIES = 6
MAX_WORKER_MB = 150
MAX_GROWTH = 1.2
MAX_ADMIN_MS = 300
MAX_SEARCH_P50_MS = 50
# Pages measured to compare the others with, and held to no target: the bare view, and
# the site's page with nothing in it (its template, middleware and context processors),
# which is as fast as a page of the site can be without the page cache.
YARDSTICKS = {"bare view", "site shell"}

# How many of the newest stories get their related stories ranked: `make bench` measures
# the newest story's page, `make bench-load` reads the newest 400, and ranking this many
# takes seconds at any size of archive.
RANKED_NEWEST = 500

# Time limits, in seconds, for the steps that do not end on their own quickly.
SEED_TIMEOUT = 4 * 3600
STEP_TIMEOUT = 30 * 60
START_TIMEOUT = 60
STOP_TIMEOUT = 15


def env_int(name, default):
    value = os.environ.get(name, "").strip()
    return int(value.replace("_", "").replace(",", "")) if value else default


def sqlite_url(count):
    return f"sqlite:///{BENCH_DIR / f'bench-{count}.sqlite3'}"


class Processes:
    """The long-running processes this run started, so that they can all be stopped by pid."""

    def __init__(self):
        self.running = []

    def start(self, command, **kwargs):
        # A session of its own, so that a Ctrl-C reaches only us and we stop the server in order.
        process = subprocess.Popen(command, start_new_session=True, **kwargs)
        self.running.append(process)
        return process

    def stop(self, process):
        """Stop `process` (a gunicorn master) and the workers it had, by pid: TERM, then KILL."""
        workers = worker_pids(process.pid)
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(STOP_TIMEOUT)
        for pid in workers:
            if is_gunicorn(pid):
                os.kill(pid, signal.SIGKILL)
        if process in self.running:
            self.running.remove(process)

    def stop_all(self):
        for process in list(self.running):
            self.stop(process)


def worker_pids(master):
    """Return the pids of the processes whose parent is `master`, from /proc."""
    pids = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":", 1) for line in status.read_text().splitlines() if ":" in line)
        except OSError:
            continue
        if fields.get("PPid", "").strip() == str(master):
            pids.append(int(status.parent.name))
    return sorted(pids)


def is_gunicorn(pid):
    try:
        return b"gunicorn" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def resident_mb(pid):
    """Return a process's resident memory in MB, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return None


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def site_environment(database_url):
    """Return the environment the site runs with: production settings from variables, like a deployment."""
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "newsroom.settings.bench",
            "DATABASE_URL": database_url,
            "SECRET_KEY": secrets.token_urlsafe(50),
            "DEBUG": "0",
            "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            "SECURE_SSL_REDIRECT": "0",
            "NEWSROOM_VAR_DIR": str(BENCH_DIR),
            "MEDIA_ROOT": str(BENCH_DIR / "media"),
            # Production keeps database connections open between requests.
            "CONN_MAX_AGE": env.get("CONN_MAX_AGE", "600"),
            "LOG_LEVEL": "WARNING",
        }
    )
    return env


def manage(env, *args, timeout=STEP_TIMEOUT):
    subprocess.run([PYTHON, "manage.py", *args], cwd=BASE_DIR, env=env, check=True, timeout=timeout)


def prepare(env, count):
    """Migrate the database and make it hold `count` archive stories."""
    print(f"== Preparing {describe_url(env['DATABASE_URL'])} with {count:,} stories", flush=True)
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    manage(env, "migrate", "--no-input", "-v0")
    manage(env, "seed_archive", str(count), timeout=SEED_TIMEOUT)
    # The sample photos' renditions come from a background task the bench runs no worker
    # for: without them no card shows its picture, and every page is lighter than a real one.
    manage(env, "build_renditions")
    # Bulk rows skip what publishing does for one story; rank their related stories as it
    # would, for the newest only: the measured story is the newest, and ranking them all
    # takes minutes at 10,000 stories and hours at a million. A rerun skips those ranked.
    manage(env, "update_related_stories", "--newest", str(RANKED_NEWEST), "--unranked")


def measure_in_process(env):
    """Return the pages and their in-process measurements (bench.inprocess), with the page cache off."""
    env = env | {PAGE_CACHE_VARIABLE: "0"}
    output = BENCH_DIR / f"inprocess-{os.getpid()}.json"
    try:
        subprocess.run(
            [PYTHON, "-m", "bench.inprocess", str(output)], cwd=BASE_DIR, env=env, check=True, timeout=STEP_TIMEOUT
        )
        return json.loads(output.read_text())
    finally:
        output.unlink(missing_ok=True)


class InProcessTurns:
    """
    A process measuring one archive in process a step at a time (`bench.inprocess --turns`),
    page cache off; stopped by its process id when done.
    """

    def __init__(self, env):
        self.env = env | {PAGE_CACHE_VARIABLE: "0"}

    def __enter__(self):
        self.process = subprocess.Popen(
            [PYTHON, "-m", "bench.inprocess", "--turns"],
            cwd=BASE_DIR,
            env=self.env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            opening = self.reply()
        except BaseException:
            self.__exit__()
            raise
        self.database, self.steps = opening["database"], opening["steps"]
        return self

    def take(self, step):
        """Return the measurement of one step (from `steps`)."""
        self.process.stdin.write(json.dumps(step) + "\n")
        self.process.stdin.flush()
        return self.reply()

    def reply(self):
        # Each step has a time limit, as every other step of the bench has.
        with selectors.DefaultSelector() as selector:
            selector.register(self.process.stdout, selectors.EVENT_READ)
            if not selector.select(STEP_TIMEOUT):
                raise RuntimeError(f"bench.inprocess --turns gave no answer in {STEP_TIMEOUT} s.")
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"bench.inprocess --turns stopped (exit code {self.process.wait(STEP_TIMEOUT)}).")
        return json.loads(line)

    def __exit__(self, *exc_info):
        self.process.stdin.close()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self.process.stdout.close()


def in_turns(archives, steps, round_number):
    """
    Yield (archive, step) for every step of a round, each step taken by every archive
    one after the other; which goes first changes from step to step and round to round,
    so that neither is always measured on a machine warmed (or slowed) by the other.
    """
    for index, step in enumerate(steps):
        order = archives if (index + round_number) % 2 else archives[::-1]
        for archive in order:
            yield archive, step


def start_server(processes, env):
    """Start gunicorn on a free port of 127.0.0.1; return (process, base URL) once the bare view answers."""
    port = free_port()
    # gunicorn reads gunicorn.conf.py too, which asks for threads when there is no REDIS_URL:
    # the comparison is between sync workers, whatever the cache.
    command = [
        GUNICORN,
        "newsroom.wsgi:application",
        "--workers",
        str(WORKERS),
        "--worker-class",
        "sync",
        "--threads",
        "1",
    ]
    command += ["--bind", f"127.0.0.1:{port}", "--timeout", "120", "--log-level", "warning"]
    process = processes.start(command, cwd=BASE_DIR, env=env)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with code {process.returncode}")
        try:
            with urllib.request.urlopen(base + "/bench/bare/", timeout=5) as response:
                if response.status == 200 and len(worker_pids(process.pid)) == WORKERS:
                    return process, base
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"gunicorn did not answer within {START_TIMEOUT} s")


def drain(base):
    """
    Wait until the server has worked through the requests wrk left queued when it
    stopped: sync workers still answer them, and the next page must not pay for them.
    A new connection queues behind them, so its answer means they are done.
    """
    with urllib.request.urlopen(base + "/bench/bare/", timeout=STEP_TIMEOUT) as response:
        response.read()


LATENCY_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def wrk(url, seconds):
    """Load `url` with wrk for `seconds`; return requests/s, p50 and p99 in ms, requests and errors."""
    command = ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "30s", "--latency", url]
    output = subprocess.run(command, capture_output=True, text=True, check=True, timeout=seconds + 60).stdout

    def latency(percent):
        match = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.MULTILINE)
        return round(float(match[1]) * LATENCY_UNITS[match[2]], 2) if match else None

    requests = re.search(r"(\d+) requests in", output)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: (.*)", output)
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    return {
        "requests_per_s": float(rate[1]) if rate else 0.0,
        "p50_ms": latency(50),
        "p99_ms": latency(99),
        "requests": int(requests[1]) if requests else 0,
        "non_2xx": int(non_2xx[1]) if non_2xx else 0,
        "socket_errors": socket_errors[1].strip() if socket_errors else "",
    }


def load_pages(processes, env, pages, mode, warmup, duration):
    """Serve the site once and load every available page; return the results by page name and worker memory."""
    env = dict(env)
    if mode == "uncached":
        env[PAGE_CACHE_VARIABLE] = "0"
    else:
        env.pop(PAGE_CACHE_VARIABLE, None)
    print(f"== Load, {mode} ({PAGE_CACHE_VARIABLE}={env.get(PAGE_CACHE_VARIABLE, 'unset')})", flush=True)
    server, base = start_server(processes, env)
    try:
        results = {}
        for page in pages:
            if page["path"] is None:
                continue
            url = base + page["path"]
            if warmup:
                wrk(url, warmup)
                drain(base)
            results[page["name"]] = result = wrk(url, duration)
            drain(base)
            print(
                f"   {page['name']:<13} {result['requests_per_s']:>8.1f} req/s  "
                f"p50 {result['p50_ms']} ms  p99 {result['p99_ms']} ms",
                flush=True,
            )
        memory = {str(pid): resident_mb(pid) for pid in worker_pids(server.pid)}
    finally:
        processes.stop(server)
    return results, memory


def machine():
    """Describe the machine: CPUs, CPU model, memory, system, load when the run started."""
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        model = next(
            (line.split(":", 1)[1].strip() for line in cpuinfo.read_text().splitlines() if "model name" in line), ""
        )
    memory_gb = None
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        total_kb = int(re.search(r"MemTotal:\s+(\d+)", meminfo.read_text())[1])
        memory_gb = round(total_kb / 1024 / 1024, 1)
    return {
        "cpus": os.cpu_count(),
        "cpu_model": model or platform.processor(),
        "memory_gb": memory_gb,
        "system": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "load_average": [round(value, 2) for value in os.getloadavg()],
    }


def git_commit():
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            check=False,
            cwd=BASE_DIR,
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def describe_url(url):
    """Return a database URL without its password."""
    return re.sub(r"//([^:/@]+):[^@]*@", r"//\1:***@", url)


def target_for(name):
    if name in YARDSTICKS:
        return None
    return ARTICLE_TARGET if name == "article" else PAGE_TARGET


def verdict(met):
    return "—" if met is None else ("met" if met else "**missed**")


def compare(pages, loads):
    """Return one row per page: load results, ratios to the bare view, in-process SQL, and whether targets are met."""
    rows = []
    for page in pages:
        row = {"page": page["name"], "path": page["path"]}
        if page["path"] is None:
            rows.append(row | {"available": False})
            continue
        row |= {key: page[key] for key in ("status", "queries", "sql_ms", "total_ms", "bytes")}
        row["queries_met"] = None if page["name"] in YARDSTICKS else page["queries"] <= MAX_QUERIES
        for mode, (results, _memory) in loads.items():
            result = results[page["name"]]
            bare = results["bare view"]["requests_per_s"]
            ratio = result["requests_per_s"] / bare if bare else 0.0
            target = CACHED_TARGET if mode == "cached" else target_for(page["name"])
            met = None if target is None or page["name"] in YARDSTICKS else ratio >= target
            row[mode] = result | {"ratio": round(ratio, 3), "target": target, "met": met}
        rows.append(row | {"available": True})
    return rows


def markdown(report):
    """Return the report as Markdown: what was run where, the table, worker memory."""
    info, lines = report["machine"], []
    lines.append(f"# Benchmark, {report['date']}")
    lines.append("")
    lines.append(
        f"{report['stories']:,} stories, {report['database']} ({describe_url(report['database_url'])}); "
        f"{info['cpus']} CPUs ({info['cpu_model']}), {info['memory_gb']} GB RAM, {info['system']}, "
        f"Python {info['python']}; load average {info['load_average'][0]} at the start; commit {report['commit']}. "
        f"gunicorn with newsroom.settings.bench (production), {WORKERS} sync workers; wrk {THREADS} threads, "
        f"{CONNECTIONS} connections, {report['duration']} s per page after {report['warmup']} s of warm-up."
    )
    lines.append("")
    lines.append(
        "| page | req/s | p50 ms | p99 ms | × bare | target | cached req/s | cached × bare (≥0.8) "
        "| queries (≤6) | SQL ms | in-process ms |"
    )
    lines.append("|---|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|")
    for row in report["rows"]:
        if not row["available"]:
            lines.append(f"| {row['page']} | not available | | | | | | | | | |")
            continue
        uncached, cached = row.get("uncached"), row.get("cached")
        cells = [row["page"]]
        if uncached:
            target = f"≥{uncached['target']}: {verdict(uncached['met'])}" if uncached["target"] else "—"
            cells += [
                f"{uncached['requests_per_s']:.1f}",
                str(uncached["p50_ms"]),
                str(uncached["p99_ms"]),
                f"{uncached['ratio']:.3f}",
                target,
            ]
        else:
            cells += [""] * 5
        cells += [
            f"{cached['requests_per_s']:.1f}" if cached else "",
            f"{cached['ratio']:.3f} {verdict(cached['met'])}" if cached else "",
            f"{row['queries']} {verdict(row['queries_met'])}",
            f"{row['sql_ms']:.1f}",
            f"{row['total_ms']:.1f}",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    problems = [
        f"{row['page']}: {mode} {result['non_2xx']} non-2xx responses {result['socket_errors']}".rstrip()
        for row in report["rows"]
        if row["available"]
        for mode in ("uncached", "cached")
        if (result := row.get(mode)) and (result["non_2xx"] or result["socket_errors"])
    ]
    problems += [
        f"{row['page']}: in-process status {row['status']}"
        for row in report["rows"]
        if row["available"] and row["status"] != 200
    ]
    lines.append("")
    for mode, memory in report["worker_memory_mb"].items():
        worst = max(memory.values(), default=0) or 0
        shown = ", ".join(f"{mb} MB" for mb in memory.values())
        lines.append(
            f"Worker memory after the {mode} run: {shown} ({verdict(worst < MAX_WORKER_MB)}: < {MAX_WORKER_MB} MB)."
        )
    lines.append("")
    lines.append(
        "× bare: requests/s divided by the bare view's in the same run. Queries, SQL ms and in-process ms: "
        "Django's test client in one process, page cache off, fastest of up to five requests. "
        f"The cached run leaves {PAGE_CACHE_VARIABLE} unset."
    )
    if problems:
        lines.append("")
        lines.append("Errors: " + "; ".join(problems) + ".")
    return "\n".join(lines) + "\n"


def write_report(report, kind="results"):
    stamp = report["timestamp"]
    markdown_path = BENCH_DIR / f"{kind}-{stamp}.md"
    json_path = BENCH_DIR / f"{kind}-{stamp}.json"
    markdown_path.write_text(report["markdown"])
    json_path.write_text(json.dumps(report, indent=2))
    print(report["markdown"])
    print(f"Written to {markdown_path.relative_to(BASE_DIR)} and {json_path.relative_to(BASE_DIR)}")


def new_report(count, database_url):
    now = datetime.now(UTC)
    return {
        "date": now.strftime("%Y-%m-%d %H:%M UTC"),
        "timestamp": now.strftime("%Y%m%d-%H%M%S"),
        "stories": count,
        "database_url": describe_url(database_url),
        "machine": machine(),
        "commit": git_commit(),
    }


def bench(processes):
    count = env_int("N", 10_000)
    database_url = os.environ.get("DATABASE_URL") or sqlite_url(count)
    warmup, duration = env_int("WARMUP", 2), env_int("DURATION", 5)
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: `make bench` installs it with apt-get.")
    env = site_environment(database_url)
    report = new_report(count, database_url) | {"warmup": warmup, "duration": duration}
    prepare(env, count)
    manage(env, "collectstatic", "--no-input", "-v0")
    print("== In process (page cache off)", flush=True)
    measured = measure_in_process(env)
    pages = measured["pages"]
    for page in pages:
        if page["path"] is None:
            print(f"   {page['name']:<13} not available")
        else:
            print(f"   {page['name']:<13} {page['path']}  {page['queries']} queries, {page['sql_ms']} ms SQL")
    loads = {mode: load_pages(processes, env, pages, mode, warmup, duration) for mode in ("uncached", "cached")}
    report |= {
        "database": measured["database"],
        "published_stories": measured["published_stories"],
        "rows": compare(pages, loads),
        "worker_memory_mb": {mode: memory for mode, (_results, memory) in loads.items()},
    }
    report["markdown"] = markdown(report)
    write_report(report)


def growth():
    """Measure every page in process at N and at GROWTH_N stories; report the ratio of their times."""
    small, large = env_int("N", 10_000), env_int("GROWTH_N", 200_000)
    urls = {
        small: os.environ.get("DATABASE_URL") or sqlite_url(small),
        large: os.environ.get("GROWTH_DATABASE_URL") or sqlite_url(large),
    }
    environments, preparing = {}, {}
    for count, url in urls.items():
        environments[count] = env = site_environment(url)
        started = time.monotonic()
        prepare(env, count)
        preparing[count] = round(time.monotonic() - started)
        # The pages link their stylesheets by the hashed names collectstatic records.
        manage(env, "collectstatic", "--no-input", "-v0")
    # The archives take turns page by page, and each page keeps its fastest round: a
    # machine whose speed drifts over a run then slows both alike, rather than the one
    # measured second. (Taking turns a whole measurement at a time, a minute each, the
    # site shell, which sends no query, read 1.44 times as slow at one size as at the other.)
    rounds = env_int("ROUNDS", 3)
    measured = {}
    with contextlib.ExitStack() as stack:
        archives = {count: stack.enter_context(InProcessTurns(env)) for count, env in environments.items()}
        steps = archives[small].steps
        for number in range(1, rounds + 1):
            print(
                f"== In process, round {number} of {rounds}: each page at {small:,} and {large:,} in turn", flush=True
            )
            results = {count: [] for count in archives}
            for count, step in in_turns(list(archives), steps, number):
                results[count].append(archives[count].take(step))
            for count, archive in archives.items():
                measured[count] = fastest_of(measured.get(count), assemble(archive.database, steps, results[count]))
    report = new_report(large, urls[large]) | {
        "rounds": rounds,
        "baseline_stories": small,
        "baseline_database_url": describe_url(urls[small]),
        "preparing_seconds": preparing,
        "admin": {count: result["admin"] for count, result in measured.items()},
        "search": {count: result["search"] for count, result in measured.items()},
        # Every measurement, with each page's slowest SQL statement, to see why a page grew.
        "measured": measured,
    }
    rows = []
    for before, after in zip(measured[small]["pages"], measured[large]["pages"], strict=True):
        row = {"page": before["name"]}
        if before["path"] and after["path"]:
            ratio = after["total_ms"] / before["total_ms"] if before["total_ms"] else None
            row |= {
                "before": {key: before[key] for key in ("total_ms", "sql_ms", "queries")},
                "after": {key: after[key] for key in ("total_ms", "sql_ms", "queries")},
                "ratio": round(ratio, 2) if ratio else None,
                "met": None if before["name"] in YARDSTICKS or ratio is None else ratio <= MAX_GROWTH,
            }
        rows.append(row)
    report |= {"database": measured[large]["database"], "rows": rows}
    info = report["machine"]
    lines = [f"# Growth, {report['date']}", ""]
    lines.append(
        f"{measured[small]['database']}; {info['cpus']} CPUs ({info['cpu_model']}), {info['memory_gb']} GB RAM; "
        f"commit {report['commit']}. In process, page cache off; each page's fastest of up to five requests in "
        f"each of {rounds} rounds, the two archives taking turns page by page."
    )
    lines.append("")
    lines.append(
        f"| page | ms at {small:,} | ms at {large:,} | ratio (≤{MAX_GROWTH}) | SQL ms at {small:,} "
        f"| SQL ms at {large:,} | queries |"
    )
    lines.append("|---|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        if "ratio" not in row:
            lines.append(f"| {row['page']} | not available | | | | | |")
            continue
        before, after = row["before"], row["after"]
        lines.append(
            f"| {row['page']} | {before['total_ms']:.1f} | {after['total_ms']:.1f} | {row['ratio']} "
            f"{verdict(row['met'])} | {before['sql_ms']:.1f} | {after['sql_ms']:.1f} | "
            f"{before['queries']} → {after['queries']} |"
        )
    lines += admin_lines(measured[small]["admin"], measured[large]["admin"], small, large)
    lines += search_lines(measured[small]["search"], measured[large]["search"], small, large)
    lines.append("")
    lines.append(
        "Preparing (migrate, seed_archive, ranking the related stories of the newest): "
        + ", ".join(f"{seconds:,} s at {count:,}" for count, seconds in preparing.items())
        + "."
    )
    report["markdown"] = "\n".join(lines) + "\n"
    write_report(report, kind="growth")


def fastest_of(kept, measured):
    """
    Return the in-process measurements `kept` (from earlier rounds, or None) with each
    page and admin page replaced by its run in `measured` where that was faster, and the
    search by `measured`'s where its p50 was lower.
    """
    if kept is None:
        return measured

    def faster(pages, others):
        # A page the site lacks has no time, and is the same in every round.
        return [
            min(page, other, key=lambda run: run.get("total_ms", 0)) for page, other in zip(pages, others, strict=True)
        ]

    return kept | {
        "pages": faster(kept["pages"], measured["pages"]),
        "admin": faster(kept["admin"], measured["admin"]),
        "search": min(kept["search"], measured["search"], key=lambda search: search["p50_ms"]),
    }


def admin_lines(before, after, small, large):
    """Return the Markdown lines of the admin's pages at both sizes, against their target at the larger."""
    lines = ["", f"Admin, signed in as a superuser, fastest of up to five requests (target: under {MAX_ADMIN_MS} ms):"]
    lines.append("")
    lines.append(
        f"| admin page | ms at {small:,} | ms at {large:,} | < {MAX_ADMIN_MS} ms | SQL ms at {small:,} "
        f"| SQL ms at {large:,} | queries | path at {large:,} |"
    )
    lines.append("|---|---:|---:|---|---:|---:|---:|---|")
    smaller = {page["name"]: page for page in before}
    for page in after:
        was = smaller.get(page["name"])
        met = page["status"] == 200 and page["total_ms"] < MAX_ADMIN_MS
        lines.append(
            f"| {page['name']} | {was['total_ms']:.1f} | {page['total_ms']:.1f} | {verdict(met)} | "
            f"{was['sql_ms']:.1f} | {page['sql_ms']:.1f} | {was['queries']} → {page['queries']} | `{page['path']}` |"
            if was
            else f"| {page['name']} | | {page['total_ms']:.1f} | {verdict(met)} | | {page['sql_ms']:.1f} | "
            f"{page['queries']} | `{page['path']}` |"
        )
    return lines


def search_lines(before, after, small, large):
    """Return the Markdown lines of the search measurement: p50 over several queries at both sizes."""
    queries = sum(query.get("kind", "newest") == "newest" for query in after["queries"])
    summary = (
        f"Search, newest first (the search page's order): p50 of {queries} searches, {after['runs']} requests "
        f"each after a warm-up (target: at most {MAX_SEARCH_P50_MS} ms at a million stories on PostgreSQL): "
        f"{before['p50_ms']:.1f} ms at {small:,}, {after['p50_ms']:.1f} ms at {large:,} "
        f"({verdict(after['p50_ms'] <= MAX_SEARCH_P50_MS)}). Best match first (`order=best`): "
        f"{before['best_match_p50_ms']:.1f} ms at {small:,}, {after['best_match_p50_ms']:.1f} ms at {large:,}."
    )
    if before.get("narrowed_p50_ms") is not None and after.get("narrowed_p50_ms") is not None:
        summary += (
            f" Newest first, narrowed to the busiest section or author: {before['narrowed_p50_ms']:.1f} ms at "
            f"{small:,}, {after['narrowed_p50_ms']:.1f} ms at {large:,}."
        )
    lines = [
        "",
        summary,
        "",
        f"| search words | ms at {small:,} | ms at {large:,} | SQL ms at {small:,} | SQL ms at {large:,} | queries |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for was, now in zip(before["queries"], after["queries"], strict=True):
        lines.append(
            f"| `{now['words']}` | {was['total_ms']:.1f} | {now['total_ms']:.1f} | {was['sql_ms']:.1f} | "
            f"{now['sql_ms']:.1f} | {was['queries']} → {now['queries']} |"
        )
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("--growth", action="store_true", help="Compare in-process times at N and GROWTH_N stories.")
    args = parser.parse_args()
    processes = Processes()

    def terminate(signum, frame):
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, terminate)
    signal.signal(signal.SIGHUP, terminate)
    try:
        if args.growth:
            growth()
        else:
            bench(processes)
    except KeyboardInterrupt:
        print("\nInterrupted; stopping what was started.", file=sys.stderr)
        sys.exit(130)
    except subprocess.CalledProcessError as error:
        sys.exit(f"Failed: {' '.join(map(str, error.cmd))} exited with {error.returncode}")
    finally:
        processes.stop_all()


if __name__ == "__main__":
    main()
