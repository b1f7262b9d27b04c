"""
`make run` and `make serve` start the web server and the task worker through
newsroom.supervise: stopping it stops both, and whatever they started, leaving no orphan.
"""

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

# A stand-in for runserver or db_worker with its autoreloader: a process that starts a
# child of its own, notes both process ids, and waits to be stopped.
WITH_A_CHILD = """
import os, subprocess, sys, time
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
with open(sys.argv[1] + ".part", "w") as pids:
    pids.write(f"{os.getpid()} {child.pid}")
os.rename(sys.argv[1] + ".part", sys.argv[1])
time.sleep(600)
"""


def is_running(pid):
    """Tell whether the process exists and is not a zombie waiting to be reaped."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def wait_until(condition, seconds=30):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


@pytest.fixture
def supervise(tmp_path):
    """Start newsroom.supervise with two commands that each start a child; return it and the four pids."""
    started = []

    def start(second_command=None):
        commands = []
        for name in ("server", "worker"):
            script = tmp_path / f"{name}.py"
            script.write_text(WITH_A_CHILD)
            commands.append(f"{sys.executable} {script} {tmp_path / (name + '.pids')}")
        if second_command:
            commands[1] = second_command
        process = subprocess.Popen(
            [sys.executable, "-m", "newsroom.supervise", *commands],
            cwd=settings.BASE_DIR,
            stderr=subprocess.PIPE,
            text=True,
        )
        started.append(process)
        names = ["server"] if second_command else ["server", "worker"]
        wait_until(lambda: all((tmp_path / f"{name}.pids").exists() for name in names))
        pids = [int(pid) for name in names for pid in (tmp_path / f"{name}.pids").read_text().split()]
        return process, pids

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
            process.wait()


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM])
def test_ctrl_c_or_sigterm_stops_both_commands_and_their_children(supervise, stop_signal):
    supervisor, pids = supervise()
    assert len(pids) == 4 and all(is_running(pid) for pid in pids)

    supervisor.send_signal(stop_signal)

    assert supervisor.wait(timeout=30) == 0
    wait_until(lambda: not any(is_running(pid) for pid in pids))


def test_when_one_command_exits_the_other_is_stopped_too(supervise):
    supervisor, pids = supervise(second_command=f"{sys.executable} -c 'import time; time.sleep(0.5); exit(3)'")

    assert supervisor.wait(timeout=30) == 3
    assert "exited (3); stopping the others" in supervisor.stderr.read()
    wait_until(lambda: not any(is_running(pid) for pid in pids))


def test_without_commands_it_says_how_to_use_it():
    result = subprocess.run(
        [sys.executable, "-m", "newsroom.supervise"], cwd=settings.BASE_DIR, capture_output=True, text=True, check=False
    )
    assert result.returncode == 2
    assert "python -m newsroom.supervise" in result.stderr
