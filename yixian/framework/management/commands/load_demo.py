"""Load the demo data of every module (idempotent) and print one login per role."""

from django.core.management.base import BaseCommand
from django.db import transaction

from yixian.framework.context import acting
from yixian.framework.registry import registry


class DemoContext:
    def __init__(self, stdout):
        self.stdout = stdout
        self.logins: list[tuple[str, str, str, str]] = []

    def note(self, text: str) -> None:
        self.stdout.write(f"  · {text}")

    def login(self, username: str, password: str, role: str, unit: str) -> None:
        self.logins.append((username, password, role, unit))


class Command(BaseCommand):
    help = "Load the demo data (running it twice gives the same data) and print the demo logins."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000/", help="URL to print for the demo")

    def handle(self, *args, **options):
        ctx = DemoContext(self.stdout)
        with acting(source="demo"), transaction.atomic():
            for seeder in sorted(registry.seeders, key=lambda s: (s.order, s.key)):
                self.stdout.write(f"demo: {seeder.key}")
                seeder.load(ctx)
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"一线 yixian 演示环境：{options['url']}"))
        self.stdout.write("演示账号（用户名 / 密码 / 角色 / 数据范围）：")
        for username, password, role, unit in ctx.logins:
            self.stdout.write(f"  {username:<12} {password:<14} {role:<10} {unit}")
