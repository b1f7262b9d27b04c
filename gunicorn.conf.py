"""gunicorn's settings for `make serve` (`gunicorn --config gunicorn.conf.py newsroom.wsgi`), read from the environment."""

import multiprocessing
import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
# Sync workers: two per core and one more, gunicorn's own rule of thumb.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
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
