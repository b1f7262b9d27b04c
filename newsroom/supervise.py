"""
Run several commands together and stop them together: the web server and the task worker
of `make run` and `make serve`.

    python -m newsroom.supervise "manage.py runserver" "manage.py db_worker"

Each command runs in a process group of its own, so that stopping it also stops what it
started (runserver's and db_worker's autoreloaders run the real server in a child). On
Ctrl-C or SIGTERM, or as soon as one command exits, every command still running is sent
SIGTERM, and SIGKILL if it has not stopped within GRACE_SECONDS (a second Ctrl-C does
that at once). The exit status is that of the first command to exit, or 0 when told to
stop. Nothing is left running behind.
"""

import os
import shlex
import signal
import subprocess
import sys
import time

GRACE_SECONDS = 20
POLL_SECONDS = 0.2


class Supervisor:
    def __init__(self, commands):
        self.commands = commands
        self.processes = []
        self.stop_requested = 0

    def request_stop(self, signum, frame):
        self.stop_requested += 1
        if self.stop_requested > 1:
            self.signal_all(signal.SIGKILL)

    def signal_all(self, signum):
        # To the whole group even when its leader has exited: a reloader's child may not have.
        for process in self.processes:
            try:
                os.killpg(process.pid, signum)
            except ProcessLookupError:
                pass

    def run(self):
        signal.signal(signal.SIGINT, self.request_stop)
        signal.signal(signal.SIGTERM, self.request_stop)
        status = 0
        try:
            for command in self.commands:
                self.processes.append(subprocess.Popen(shlex.split(command), start_new_session=True))
            while not self.stop_requested:
                if exited := [process for process in self.processes if process.poll() is not None]:
                    status = exited[0].returncode
                    print(f"supervise: {exited[0].args[0]} exited ({status}); stopping the others.", file=sys.stderr)
                    break
                time.sleep(POLL_SECONDS)
        finally:
            self.stop()
        return status

    def stop(self):
        """Stop every process group, gently first."""
        self.signal_all(signal.SIGTERM)
        deadline = time.monotonic() + GRACE_SECONDS
        while any(process.poll() is None for process in self.processes) and time.monotonic() < deadline:
            time.sleep(POLL_SECONDS)
        self.signal_all(signal.SIGKILL)
        for process in self.processes:
            process.wait()


def main(argv=None):
    commands = sys.argv[1:] if argv is None else argv
    if not commands:
        print(__doc__, file=sys.stderr)
        return 2
    return Supervisor(commands).run()


if __name__ == "__main__":
    sys.exit(main())
