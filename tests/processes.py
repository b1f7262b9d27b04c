"""Run Django code in a separate Python process: what shares only a service (Redis, a queue) with the test."""

import subprocess
import sys

from django.conf import settings


def run_django(environment, code, stdin=None):
    """Run `code` with Django set up, in a new process with `environment`; return what it printed, once it succeeded."""
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        input=stdin,
        env=environment,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()
