"""`manage.py startmodule NAME`: scaffold a new yixian module (新建业务模块) from module_template/.

The scaffold is a working module: a ModuleConfig manifest with role permissions, one
org-scoped model, its Resource (list/detail/edit/delete/export/import pages and API), service
and selector stubs, idempotent demo data and tests built on yixian.framework.testing.
"""

from __future__ import annotations

import importlib.util
import keyword
import re
import shutil
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.template import Context, Engine

TEMPLATE_DIR = Path(__file__).resolve().parents[2] / "module_template"
PLACEHOLDER = "module_name"  # in template paths: replaced by the module's name
TEMPLATE_SUFFIX = "-tpl"  # template files carry it so nothing imports or lints them

NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")
MODEL_RE = re.compile(r"^[A-Z][A-Za-z0-9]*$")
MAX_NAME = 40
MAX_VERBOSE = 50
# Module URLs live under /<label>/, so a label may not take a prefix the project already uses.
RESERVED_LABELS = {"api", "sysadmin", "i18n", "healthz", "static", "media", "yixian", "core", "modules", "test", "tests"}
# Names the generated models.py already uses.
RESERVED_MODELS = {"OrgScopedModel", "BaseModel"}


def camel_case(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_") if part)


def snake_case(model: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", model).lower()


class Command(BaseCommand):
    help = (
        "新建业务模块：生成 yixian/modules/NAME（清单、模型、资源、服务、演示数据和测试）。 "
        "Scaffold a new yixian module at yixian/modules/NAME (manifest, model, resource, services, demo data, tests)."
    )
    # Scaffolding must work while another module is half-written.
    requires_system_checks: list = []

    def add_arguments(self, parser):
        parser.add_argument("name", help="module name and app label: lowercase letters, digits, underscores (e.g. riders)")
        parser.add_argument("--verbose-name", help="Chinese name of the module, e.g. 新就业群体 (default: NAME)")
        parser.add_argument("--model", help="name of the generated model, e.g. RiderStation (default: NAME in CamelCase)")
        parser.add_argument("--model-verbose-name", help="Chinese name of the model, e.g. 小哥驿站 (default: --verbose-name)")
        parser.add_argument("--directory", help="create DIR/NAME instead of yixian/modules/NAME (e.g. for tests)")
        parser.add_argument(
            "--package",
            help="dotted package the module is imported from (default: derived from the directory; NAME outside the project)",
        )

    def handle(self, *args, **options):
        name = options["name"]
        self.validate_name(name)
        model = options["model"] or camel_case(name)
        self.validate_model(model)
        verbose_name = self.validate_verbose(options["verbose_name"] or name, "--verbose-name")
        model_verbose_name = self.validate_verbose(options["model_verbose_name"] or verbose_name, "--model-verbose-name")

        base = Path(options["directory"]).resolve() if options["directory"] else self.modules_dir()
        if not base.is_dir():
            raise CommandError(f"目录不存在：{base} / Directory does not exist: {base}")
        target = base / name
        if target.exists():
            raise CommandError(f"目标目录已存在：{target} / Target directory already exists: {target}")
        dotted = self.dotted_name(name, base, options["package"])

        context = {
            "name": name,
            "dotted": dotted,
            "config_class": f"{camel_case(name)}Config",
            "verbose_name": verbose_name,
            "model": model,
            "model_lower": model.lower(),
            "model_snake": snake_case(model),
            "model_verbose_name": model_verbose_name,
        }
        try:
            created = self.render(target, context)
        except BaseException:
            shutil.rmtree(target, ignore_errors=True)
            raise
        if options["verbosity"] >= 2:
            for path in created:
                self.stdout.write(f"  {path.relative_to(base)}")
        self.stdout.write(self.style.SUCCESS(f"已创建模块 {name}（{verbose_name}）/ Created module {name} at {target}"))
        self.print_next_steps(name, dotted, target)

    # ---- checks ---------------------------------------------------------------------------
    def validate_name(self, name: str) -> None:
        if not NAME_RE.match(name) or not name.isidentifier() or keyword.iskeyword(name) or len(name) > MAX_NAME:
            raise CommandError(
                f"模块名“{name}”无效：须为小写字母开头、只含小写字母、数字和下划线的 Python 标识符（不超过 {MAX_NAME} 个字符，"
                f"且不是 Python 关键字）。 / Invalid module name '{name}': use a lowercase Python identifier "
                f"(letters, digits, underscores; starting with a letter; at most {MAX_NAME} characters; not a keyword)."
            )
        if name in RESERVED_LABELS:
            raise CommandError(
                f"模块名“{name}”是保留名称（网址前缀或项目包名）。 / Module name '{name}' is reserved "
                "(a URL prefix or package name the project already uses)."
            )
        for config in apps.get_app_configs():
            if name in (config.label, config.name.rsplit(".", 1)[-1]):
                raise CommandError(
                    f"模块名“{name}”与已安装的应用 {config.name} 冲突。 / Module name '{name}' clashes with "
                    f"the installed app {config.name} (label '{config.label}')."
                )
        for existing in (self.modules_dir() / name, Path(settings.BASE_DIR) / "yixian" / "core" / name):
            if existing.exists():
                raise CommandError(
                    f"已有同名模块：{existing}。 / A module of that name already exists: {existing}."
                )

    def validate_model(self, model: str) -> None:
        if not MODEL_RE.match(model) or len(model) > MAX_NAME or model in RESERVED_MODELS:
            raise CommandError(
                f"模型名“{model}”无效：须为大写字母开头的驼峰式英文名（如 RiderStation，不超过 {MAX_NAME} 个字符）。 / "
                f"Invalid model name '{model}': use CamelCase ASCII starting with a capital letter "
                f"(e.g. RiderStation, at most {MAX_NAME} characters)."
            )

    def validate_verbose(self, text: str, option: str) -> str:
        text = text.strip()
        if not text or len(text) > MAX_VERBOSE or any(c in text for c in '"\\{}%') or not text.isprintable():
            raise CommandError(
                f"{option}“{text}”无效：须为 1–{MAX_VERBOSE} 个可打印字符，不含引号、反斜杠、花括号和百分号。 / "
                f"Invalid {option} '{text}': 1–{MAX_VERBOSE} printable characters without quotes, "
                "backslashes, braces or percent signs."
            )
        return text

    # ---- paths ----------------------------------------------------------------------------
    @staticmethod
    def modules_dir() -> Path:
        return Path(settings.BASE_DIR) / "yixian" / "modules"

    def dotted_name(self, name: str, base: Path, package: str | None) -> str:
        """The import path of the new module: given, derived from the project layout, or NAME itself."""
        if package is not None:
            parts = [p for p in package.split(".") if p]
            if not all(p.isidentifier() and not keyword.iskeyword(p) for p in parts):
                raise CommandError(f"包名“{package}”无效。 / Invalid package '{package}'.")
            return ".".join([*parts, name])
        root = Path(settings.BASE_DIR).resolve()
        if base.is_relative_to(root):
            parts = base.relative_to(root).parts
            if parts and all(p.isidentifier() and not keyword.iskeyword(p) for p in parts):
                return ".".join([*parts, name])
        # Outside the project the directory itself must be on sys.path; NAME is then top-level.
        if importlib.util.find_spec(name) is not None:
            raise CommandError(
                f"“{name}”与已可导入的 Python 模块同名，无法作为顶层包。 / '{name}' would shadow an importable "
                "Python module as a top-level package; choose another name or pass --package."
            )
        return name

    # ---- rendering ------------------------------------------------------------------------
    def render(self, target: Path, context: dict) -> list[Path]:
        engine = Engine()
        created = []
        for source in sorted(TEMPLATE_DIR.rglob("*")):
            relative = source.relative_to(TEMPLATE_DIR)
            if source.is_dir() or "__pycache__" in relative.parts or source.suffix == ".pyc":
                continue
            parts = [p.replace(PLACEHOLDER, context["name"]) for p in relative.parts]
            destination = target.joinpath(*parts)
            destination.parent.mkdir(parents=True, exist_ok=True)
            if destination.name.endswith(TEMPLATE_SUFFIX):
                destination = destination.with_name(destination.name.removesuffix(TEMPLATE_SUFFIX))
                text = engine.from_string(source.read_text(encoding="utf-8")).render(Context(context, autoescape=False))
                destination.write_text(text, encoding="utf-8")
            else:
                shutil.copyfile(source, destination)
            created.append(destination)
        return created

    def print_next_steps(self, name: str, dotted: str, target: Path) -> None:
        try:
            tests = target.relative_to(Path(settings.BASE_DIR).resolve())
        except ValueError:
            tests = target
        steps = [
            f'在 yixian/settings.py 的 YIXIAN_APPS 中加入 "{dotted}" / add "{dotted}" to YIXIAN_APPS in yixian/settings.py',
            f"python manage.py makemigrations {name}",
            "python manage.py migrate && python manage.py sync_roles",
            f'make test PYTEST_ARGS="{tests}"',
            "make messages  # 补英文译文 / translate the new strings (docs/i18n.md)",
            "make demo  # 演示数据 / demo data",
        ]
        self.stdout.write("下一步 / Next steps:")
        for number, step in enumerate(steps, start=1):
            self.stdout.write(f"  {number}. {step}")
        self.stdout.write("模块写法见 docs/modules.md / How to write a module: docs/modules.md")
