# Two commands set everything up on a fresh machine with Python 3.11+:
#   make run   installs into .venv, migrates, loads the demo data and serves http://127.0.0.1:8000
#   make test  installs with the dev extras and runs the whole suite
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
BACKUP_DIR ?= backups

.PHONY: run test install install-dev install-production migrate messages catalogues demo lint clean benchmark bench bench-public backup restore mutation

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

$(VENV)/.installed-production: pyproject.toml $(VENV)/.installed
	$(PY) -m pip install --quiet -e '.[production]'
	touch $@

install: $(VENV)/.installed

install-production: $(VENV)/.installed-production

install-dev: $(VENV)/.installed-dev

# The compiled catalogues (.mo) are committed, so a machine without gettext still shows both
# languages; with gettext installed they are compiled afresh.
messages: install
	@if command -v msgfmt >/dev/null 2>&1; then \
		$(PY) manage.py compilemessages --ignore=.venv -v 0; \
	else echo "gettext not installed: using the committed .mo catalogues"; fi

migrate: install
	$(PY) manage.py migrate --noinput -v 0

demo: migrate
	$(PY) manage.py seed_demo

run: messages demo
	@echo "Serving the portal at http://127.0.0.1:$(PORT) (Celery runs tasks in-process)"
	REDIS_URL= $(PY) manage.py runserver 127.0.0.1:$(PORT)

# TEST_PROCESSES=2 runs the suite in two processes (pytest-xdist), each with its own test
# database (test_<name>_gw0, …) and private media folder. --dist loadfile keeps each test module
# in one process: a module's world is built once, and the Redis database a module owns
# (tests/celery_helpers.py) is never used by two processes at once. TEST_PROCESSES=0: one process.
TEST_PROCESSES ?= 2
test: install-dev messages
	$(PY) -m pytest -n $(TEST_PROCESSES) --dist loadfile $(PYTEST_ARGS)

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles private_media .test_media test-artifacts

# Extract translatable strings: each app keeps its own catalogue under <app>/locale, the
# project's templates and settings use locale/. Fill in every msgstr, then run make messages.
catalogues: install
	mkdir -p locale
	$(PY) manage.py makemessages -l zh_Hans --no-obsolete -i '.venv/*' -i 'communities/*' -i 'projects/*' -i 'funding/*' -i 'operations/*' -i 'public/*' -i 'tests/*'
	for app in communities projects funding operations public; do \
		mkdir -p $$app/locale && (cd $$app && ../$(PY) ../manage.py makemessages -l zh_Hans --no-obsolete); \
	done

# Export 50,000 tranches to the disbursement sheet and print the time and peak memory.
benchmark: install-dev
	$(PY) -m tests.benchmarks.export_disbursements --rows 50000

# Province-scale load measurements (under 10 minutes on 2 cores): fills the bench database with
# seed_scale once (5,600 communities, 20,000 plans, 60,000 tranches; skipped when it already holds
# them), serves it with gunicorn (2 workers, production settings, DEBUG off) on 127.0.0.1, drives
# every list page and API list against its admin changelist, measures the big jobs in-process and
# writes docs/benchmarks.md.
BENCH_DATABASE_URL ?= postgres://cixi:cixi@127.0.0.1:5432/cixi_bench
BENCH_PORT ?= 8765
BENCH_ENV = DATABASE_URL=$(BENCH_DATABASE_URL) DJANGO_SETTINGS_MODULE=cixi_portal.settings.bench \
	SECRET_KEY=bench-only-not-a-secret ALLOWED_HOSTS=127.0.0.1 QUERY_COUNT=1 REDIS_URL= \
	AXES_FAILURE_LIMIT=1000
bench: install-production
	$(BENCH_ENV) $(PY) manage.py migrate --noinput -v 0
	@communities=$$($(BENCH_ENV) $(PY) -c "import django; django.setup(); \
		from communities.models import Community; print(Community.objects.count())"); \
	if [ "$$communities" -lt 5600 ]; then $(BENCH_ENV) $(PY) manage.py seed_scale; \
	else echo "The bench database already holds $$communities communities."; fi
	$(BENCH_ENV) $(PY) manage.py axes_reset -v 0 >/dev/null
	$(BENCH_ENV) $(PY) -m tests.benchmarks.run --port $(BENCH_PORT)
	$(MAKE) bench-public

# The public window under 50 concurrent visitors: gunicorn, production settings, one Redis cache
# (BENCH_CACHE_REDIS_URL; empty: each worker's memory); writes docs/benchmarks-public.md.
BENCH_CACHE_REDIS_URL ?= redis://127.0.0.1:6379/9
bench-public: install-production
	$(PY) -m tests.benchmarks.public_pages --clients 50 --requests 5000 \
		--cache-redis "$(BENCH_CACHE_REDIS_URL)" --out docs/benchmarks-public.md

# One archive of the database (DATABASE_URL) and the private media (PRIVATE_MEDIA_ROOT):
#   make backup [BACKUP_DIR=/var/backups/cixi]
#   make restore ARCHIVE=backups/cixi-backup-20261201-2130.tar [FORCE=1]
# restore refuses a database that holds the portal's tables, or a non-empty media folder,
# unless FORCE=1.
backup: install
	$(PY) manage.py backup --out "$(BACKUP_DIR)"

restore: install
	@test -n "$(ARCHIVE)" || { echo "usage: make restore ARCHIVE=path/to/cixi-backup-YYYYMMDD-HHMM.tar [FORCE=1]"; exit 2; }
	$(PY) manage.py restore "$(ARCHIVE)" $(if $(FORCE),--force)

# Mutation testing (docs/mutation.md): each file with the tests that exercise it, on SQLite.
# mutmut 2 changes the file in place, so it runs in a scratch copy of the tree (MUTATION_DIR):
# nothing mutated can be left in the checkout. Each mutant's pytest is forked from a warm server
# (tests/mutation_server.py) that has imported the libraries once, never the portal's modules.
# One file: make mutation MUTATE=funding/money.py
MUTATION_DIR ?= /tmp/cixi-mutation
MUTATION_SOCKET ?= /tmp/cixi-mutation.sock
# The SQLite test database is built by the first (unmutated) run of each target and reused by
# every mutant (tests/mutation_settings.py, --reuse-db): the migrations take ~20 s a run. None of
# the selections below may hold a transactional test, whose flush would empty the kept database.
MUTATION_TEST_DB ?= $(MUTATION_DIR).sqlite3
MUTMUT_ARGS ?= --no-progress -m 5
MUTATION_TARGETS := \
	communities/access.py=tests/access/test_access_mutants.py,tests/communities/test_scope.py \
	communities/lifecycle.py=tests/access/test_lifecycle_mutants.py,tests/access/test_lifecycles.py,-k,\(Suggestion\)or\(mutants\) \
	funding/calculator.py=tests/funding/test_calculator_mutants.py,tests/funding/test_calculator.py,tests/funding/test_capitals.py \
	funding/money.py=tests/funding/test_money_mutants.py,tests/funding/test_capitals.py,tests/funding/test_calculator.py \
	funding/services.py=tests/funding/test_services_mutants.py,tests/funding/test_services.py,tests/funding/test_reward_rule.py \
	funding/lifecycles.py=tests/access/test_lifecycle_reference.py,tests/funding/test_lifecycle_conditions.py \
	projects/lifecycles.py=tests/access/test_lifecycle_reference.py,tests/projects/test_lifecycle_conditions.py \
	operations/lifecycles.py=tests/access/test_lifecycle_reference.py,tests/operations/test_lifecycle_conditions.py \
	projects/services.py=tests/projects/test_lifecycle.py,tests/projects/test_lifecycle_tables.py,tests/projects/test_future_steps.py,tests/projects/test_scenarios.py,tests/projects/test_future_and_blocks.py,tests/projects/test_funding_model.py,tests/projects/test_plan_form.py,tests/projects/test_invariants.py,tests/projects/test_uploads.py,tests/projects/test_plan_page.py,tests/projects/test_plan_content.py,tests/projects/test_plan_notifications.py,tests/projects/test_plan_records.py,tests/projects/test_plan_refusals.py,tests/projects/test_future_messages.py \
	operations/services.py=tests/operations/test_assessments.py,tests/operations/test_contracts.py,tests/operations/test_report_runs.py,tests/operations/test_satisfaction.py,tests/operations/test_database_invariants.py,tests/operations/test_boundaries.py,tests/operations/test_lifecycle_conditions.py,--deselect,tests/operations/test_satisfaction.py::test_a_double_submitted_score_is_stored_once,--deselect,tests/operations/test_contracts.py::test_two_simultaneous_contracts_for_one_facility_sign_once
mutation: install-dev
	$(PY) -m pip install --quiet -e '.[mutation]'
	@$(PY) tests/mutation_server.py serve $(MUTATION_SOCKET) & server=$$!; \
	trap 'kill $$server' EXIT; sleep 5; \
	for target in $(MUTATION_TARGETS); do \
		file=$${target%%=*}; tests=$$(echo $${target#*=} | tr , ' '); \
		if [ -n "$(MUTATE)" ] && [ "$(MUTATE)" != "$$file" ]; then continue; fi; \
		rm -rf $(MUTATION_DIR) $(MUTATION_TEST_DB) && mkdir -p $(MUTATION_DIR); \
		tar --exclude=./.venv --exclude=./.git --exclude=./test-artifacts -cf - . | tar -xf - -C $(MUTATION_DIR); \
		echo "== $$file ($$tests)"; \
		(cd $(MUTATION_DIR) && MUTATION_TEST_DB=$(MUTATION_TEST_DB) $(CURDIR)/$(VENV)/bin/mutmut run --paths-to-mutate $$file --tests-dir tests \
			--runner "$(CURDIR)/$(PY) tests/mutation_server.py run $(MUTATION_SOCKET) -x -q -p no:cacheprovider --ds=tests.mutation_settings --reuse-db $$tests" \
			$(MUTMUT_ARGS); $(CURDIR)/$(VENV)/bin/mutmut results) || true; \
	done
