"""
Settings for `make bench`: the production settings, with a URLconf that adds the bare
view every page is measured against. Nothing else differs, so what is measured is
what production serves.
"""

from .prod import *

ROOT_URLCONF = "bench.urls"
