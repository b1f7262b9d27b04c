"""
Settings for `make bench`: the production settings, with a URLconf that adds the bare
view every page is measured against. Nothing else differs, so what is measured is
what production serves, but for cookies that work without TLS (below).
"""

from .prod import *

ROOT_URLCONF = "bench.urls"

# The bench's editors sign in over plain http on loopback (no TLS in front), so their
# cookies cannot be Secure-only; no reader page sets a cookie, so readers are unaffected.
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
