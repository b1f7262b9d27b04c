"""
The project's benchmark, `make bench`: not an app and not part of the site.

`run` seeds an archive, serves it with gunicorn and the production settings, drives
load with wrk and writes the report; `inprocess` measures each page's SQL queries and
time inside Django; `urls` is the site's URLconf plus the bare view that serves as
the yardstick (used only through `newsroom.settings.bench`).
"""
