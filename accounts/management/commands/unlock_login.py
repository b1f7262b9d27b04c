from django.core.management.base import BaseCommand, CommandError

from accounts import throttle


class Command(BaseCommand):
    help = "Let an account, or an address, sign in again at once after too many failed sign-ins."

    def add_arguments(self, parser):
        parser.add_argument("username", nargs="?", help="The account to unlock.")
        parser.add_argument("--address", help="An IP address to unlock, e.g. a newsroom's office.")

    def handle(self, *args, username=None, address=None, **options):
        if not username and not address:
            raise CommandError("Name an account to unlock, or an address with --address.")
        throttle.clear(username=username, address=address)
        unlocked = " and ".join(filter(None, [username and f"account {username!r}", address and f"address {address}"]))
        self.stdout.write(self.style.SUCCESS(f"Unlocked {unlocked}: they may sign in again."))
