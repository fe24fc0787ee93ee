from django.core.management.base import BaseCommand

from yixian.core.accounts.services import roles_sync


class Command(BaseCommand):
    help = "Create or update the roles and the permissions that the core and every module declare (idempotent)."

    def handle(self, *args, **options):
        for code, count in roles_sync().items():
            self.stdout.write(f"{code}: {count} permissions")
