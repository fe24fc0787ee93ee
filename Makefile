# yixian (一线) — the two commands: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000

# Settings for local runs and tests (production takes its settings from the environment).
LOCAL_ENV := YIXIAN_PLAIN_STATIC=1 SECURE_SSL=0 ALLOWED_HOSTS=$(HOST),localhost,testserver
TEST_ENV  := $(LOCAL_ENV) DB_CONN_MAX_AGE=0 YIXIAN_INSECURE_DEV_KEY=1 YIXIAN_FAST_PASSWORD_HASH=1 DJANGO_ALLOW_ASYNC_UNSAFE=true

.PHONY: demo test lint bench venv venv-dev messages clean

$(BIN)/.base: requirements/base.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -r requirements/base.txt
	touch $@

$(BIN)/.dev: $(BIN)/.base requirements/dev.txt
	$(BIN)/pip install -q --disable-pip-version-check -r requirements/dev.txt
	touch $@

venv: $(BIN)/.base
venv-dev: $(BIN)/.dev

var/secret_key:
	mkdir -p var
	$(PYTHON) -c "import secrets; print(secrets.token_urlsafe(50))" > $@
	chmod 600 $@

## demo: SQLite in var/, demo data (idempotent), printed logins, served at http://$(HOST):$(PORT)/
demo: venv var/secret_key
	mkdir -p var/static
	$(LOCAL_ENV) SECRET_KEY="$$(cat var/secret_key)" $(BIN)/python manage.py migrate --noinput -v 0
	$(LOCAL_ENV) SECRET_KEY="$$(cat var/secret_key)" $(BIN)/python manage.py load_demo --url http://$(HOST):$(PORT)/
	$(LOCAL_ENV) SECRET_KEY="$$(cat var/secret_key)" $(BIN)/python manage.py runserver --noreload $(HOST):$(PORT)

## test: lint (ruff) and every test (set DATABASE_URL=postgres://… to run on PostgreSQL)
test: venv-dev lint
	$(TEST_ENV) $(BIN)/python -m pytest -q $(PYTEST_ARGS)

lint: venv-dev
	$(BIN)/ruff check .

## bench: benchmarks under bench/, printing ratios to a raw-SQL baseline
bench: venv-dev
	$(TEST_ENV) $(BIN)/python bench/run.py

## messages: refresh the English catalogue from the Chinese source strings and compile it
messages: venv-dev
	$(TEST_ENV) $(BIN)/python manage.py makemessages -l en --no-obsolete --no-location
	$(TEST_ENV) $(BIN)/python manage.py compile_catalogs

clean:
	rm -rf $(VENV) var
