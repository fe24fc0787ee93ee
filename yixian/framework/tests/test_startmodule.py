"""`manage.py startmodule`: the scaffold is complete, lint-clean, a loadable Django app whose
own tests pass, and bad names or existing directories are refused before anything is written."""

from __future__ import annotations

import importlib.util
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from yixian.framework.management.commands.startmodule import Command
from yixian.framework.modules import ModuleConfig

REPO = Path(settings.BASE_DIR)
PYTHON = sys.executable
TIMEOUT = 120

EXPECTED = [
    "__init__.py",
    "apps.py",
    "models.py",
    "resources.py",
    "services.py",
    "selectors.py",
    "demo.py",
    "migrations/__init__.py",
    "templates/{name}/.gitkeep",
    "tests/__init__.py",
    "tests/test_{name}.py",
]


def scaffold(directory: Path, name: str = "sample", *args: str) -> str:
    out = io.StringIO()
    call_command("startmodule", name, "--directory", str(directory), *args, stdout=out)
    return out.getvalue()


def load_apps_module(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(f"_startmodule_generated_{name}_apps", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_scaffold_has_every_file_and_each_python_file_compiles(tmp_path):
    scaffold(tmp_path, "sample", "--verbose-name", "示例模块", "--model", "SampleRecord", "--model-verbose-name", "示例记录")
    root = tmp_path / "sample"
    for relative in EXPECTED:
        assert (root / relative.format(name="sample")).is_file(), relative
    generated = sorted(root.rglob("*.py"))
    expected_py = {r.format(name="sample") for r in EXPECTED if r.endswith(".py")}
    assert {p.relative_to(root).as_posix() for p in generated} == expected_py
    for path in generated:
        compile(path.read_text(encoding="utf-8"), str(path), "exec")
    assert not list(root.rglob("*-tpl")), "template suffixes must be stripped"
    models = (root / "models.py").read_text(encoding="utf-8")
    assert "class SampleRecord(OrgScopedModel):" in models
    assert 'verbose_name = _("示例记录")' in models
    resources = (root / "resources.py").read_text(encoding="utf-8")
    assert "@register" in resources and 'natural_key = ("name",)' in resources
    assert "def load(ctx)" in (root / "demo.py").read_text(encoding="utf-8")
    assert "ResourceTests" in (root / "tests" / "test_sample.py").read_text(encoding="utf-8")


def test_generated_apps_py_is_a_module_config_with_the_name_as_label(tmp_path):
    scaffold(tmp_path, "street_stalls", "--verbose-name", "街头摊点", "--model", "Stall")
    module = load_apps_module(tmp_path / "street_stalls" / "apps.py", "street_stalls")
    config = module.StreetStallsConfig
    assert issubclass(config, ModuleConfig)
    assert config.label == "street_stalls"
    assert config.name == "street_stalls"  # outside the project: the directory itself is on sys.path
    assert str(config.verbose_name) == "街头摊点"
    assert "add_stall" in config.role_permissions["street_worker"]
    assert all(p.endswith("_stall") for perms in config.role_permissions.values() for p in perms)


def test_generated_module_passes_ruff_with_the_project_config(tmp_path):
    scaffold(tmp_path, "sample", "--verbose-name", "示例模块")
    result = subprocess.run(
        [str(REPO / ".venv" / "bin" / "ruff"), "check", "--no-cache", "--config", str(REPO / "pyproject.toml"), str(tmp_path / "sample")],
        cwd=REPO, capture_output=True, text=True, timeout=TIMEOUT,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_next_steps_are_printed(tmp_path):
    out = scaffold(tmp_path, "sample", "--package", "yixian.modules")
    assert '"yixian.modules.sample"' in out and "YIXIAN_APPS" in out
    assert "makemigrations sample" in out
    assert "migrate" in out and "make test" in out


def test_inside_the_project_the_module_is_named_by_its_path():
    assert Command().dotted_name("sample", REPO / "yixian" / "modules", None) == "yixian.modules.sample"


@pytest.mark.parametrize("name", ["9lives", "has-dash", "Upper", "class", "with space", "_private", "é", "x" * 41])
def test_invalid_names_are_refused(tmp_path, name):
    with pytest.raises(CommandError, match="Invalid module name"):
        scaffold(tmp_path, name)
    assert not any(tmp_path.iterdir())


@pytest.mark.parametrize("name", ["riders", "orgs", "auth", "framework", "api", "sysadmin"])
def test_names_of_existing_apps_and_url_prefixes_are_refused(tmp_path, name):
    with pytest.raises(CommandError, match="clashes|reserved"):
        scaffold(tmp_path, name)
    assert not any(tmp_path.iterdir())


def test_an_existing_target_directory_is_refused_and_left_untouched(tmp_path):
    (tmp_path / "sample").mkdir()
    (tmp_path / "sample" / "keep.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(CommandError, match="already exists"):
        scaffold(tmp_path, "sample")
    assert [p.name for p in (tmp_path / "sample").iterdir()] == ["keep.txt"]


def test_missing_directory_bad_model_and_bad_verbose_name_are_refused(tmp_path):
    with pytest.raises(CommandError, match="does not exist"):
        scaffold(tmp_path / "nowhere", "sample")
    with pytest.raises(CommandError, match="Invalid model name"):
        scaffold(tmp_path, "sample", "--model", "lowercase")
    with pytest.raises(CommandError, match="Invalid --verbose-name"):
        scaffold(tmp_path, "sample", "--verbose-name", '带"引号')
    assert not any(tmp_path.iterdir())


# ---- end to end: the scaffold is a Django app that loads, migrates and passes its own tests ----


@pytest.fixture(scope="module")
def installed_sample(tmp_path_factory):
    """Scaffold `sample` as yixian.modules.sample in a temp dir, and settings that install it.

    The temp tree mirrors the project (root/yixian/modules/sample) and the settings extend
    yixian.modules.__path__ with it, so the app has exactly the name a real scaffold has (the
    change log only follows models under `yixian.`) and pytest imports its tests by that name.
    """
    tmp = tmp_path_factory.mktemp("startmodule_e2e")
    modules = tmp / "root" / "yixian" / "modules"
    modules.mkdir(parents=True)
    (tmp / "root" / "yixian" / "__init__.py").touch()
    (modules / "__init__.py").touch()
    scaffold(modules, "sample", "--verbose-name", "示例模块", "--package", "yixian.modules")
    conf = tmp / "conf"
    conf.mkdir()
    (conf / "startmodule_e2e_settings.py").write_text(
        "import yixian.modules\n\n"
        f"yixian.modules.__path__.append({str(modules)!r})\n\n"
        "from yixian.settings import *  # noqa: E402,F403\n\n"
        'INSTALLED_APPS = [*INSTALLED_APPS, "yixian.modules.sample"]  # noqa: F405\n',
        encoding="utf-8",
    )
    (tmp / "pytest.ini").write_text(
        "[pytest]\nDJANGO_SETTINGS_MODULE = startmodule_e2e_settings\npython_files = test_*.py\n"
        "addopts = -p no:cacheprovider\n",
        encoding="utf-8",
    )
    (tmp / "var" / "static").mkdir(parents=True)
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "PYTHONPATH", "DJANGO_SETTINGS_MODULE"}}
    env.update(
        PYTHONPATH=os.pathsep.join([str(conf), str(REPO)]),
        DJANGO_SETTINGS_MODULE="startmodule_e2e_settings",
        YIXIAN_INSECURE_DEV_KEY="1",
        YIXIAN_VAR_DIR=str(tmp / "var"),  # its own SQLite file, never the project's or a shared PostgreSQL
        YIXIAN_PLAIN_STATIC="1",
        SECURE_SSL="0",
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        DJANGO_ALLOW_ASYNC_UNSAFE="true",
    )
    return {"tmp": tmp, "module": modules / "sample", "env": env}


def run(args: list[str], env: dict, cwd: Path = REPO) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=TIMEOUT)


def test_scaffold_is_a_loadable_django_app_with_migrations(installed_sample):
    env = installed_sample["env"]
    check = run([PYTHON, "manage.py", "check"], env)
    assert check.returncode == 0, check.stdout + check.stderr
    make = run([PYTHON, "manage.py", "makemigrations", "sample"], env)
    assert make.returncode == 0, make.stdout + make.stderr
    assert (installed_sample["module"] / "migrations" / "0001_initial.py").is_file()
    again = run([PYTHON, "manage.py", "makemigrations", "sample", "--check", "--dry-run"], env)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "No changes detected" in again.stdout


def test_scaffold_own_tests_pass(installed_sample):
    env = installed_sample["env"]
    if not (installed_sample["module"] / "migrations" / "0001_initial.py").is_file():
        make = run([PYTHON, "manage.py", "makemigrations", "sample"], env)
        assert make.returncode == 0, make.stdout + make.stderr
    tmp = installed_sample["tmp"]
    result = run(
        [PYTHON, "-m", "pytest", "-q", "-c", str(tmp / "pytest.ini"), "--rootdir", str(tmp), str(installed_sample["module"])],
        env,
    )
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-3000:]
    assert " passed" in result.stdout and "failed" not in result.stdout
