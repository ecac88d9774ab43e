# Two commands for a fresh machine: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements-dev.txt | cksum | cut -d' ' -f1)
PYTEST_ARGS ?=

.PHONY: install run test imap lint lock messages messages-check browser pdf-libs worker clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

## make run: install, migrate, load demo data, print the demo logins, serve on http://127.0.0.1:8000
run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	@echo ""
	@echo "Serving on http://127.0.0.1:8000  (staff: http://127.0.0.1:8000/admin/)"
	$(BIN)/python manage.py runserver 127.0.0.1:8000

## make test: install (plus Debian's Chromium, Pango and dovecot for the browser, PDF and IMAP tests) and run the whole suite
test: install browser pdf-libs imap
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Debian's Chromium drives the browser tests; Playwright never downloads a browser of its own.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "The browser tests need Debian's Chromium: sudo apt-get install -y chromium"; exit 1; \
	  fi; }

# WeasyPrint renders order PDFs with Debian's Pango, HarfBuzz's subsetter and the DejaVu fonts.
PDF_LIBS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core
pdf-libs:
	@dpkg -s $(PDF_LIBS) >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(PDF_LIBS) >/dev/null; \
	  else \
	    echo "Order PDFs need Pango and a font: sudo apt-get install -y $(PDF_LIBS)"; exit 1; \
	  fi; }

# Debian's dovecot is the real IMAP server of the bounce-mailbox test (tests/core/bounces).
imap:
	@command -v dovecot >/dev/null 2>&1 || [ -x /usr/sbin/dovecot ] || { \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dovecot-imapd >/dev/null; \
	  else \
	    echo "The IMAP bounce test needs Debian's dovecot: sudo apt-get install -y dovecot-imapd"; exit 1; \
	  fi; }

lint: install
	$(BIN)/ruff check .
	$(BIN)/python manage.py makemigrations --check --dry-run

## make lock: re-pin requirements*.txt from requirements*.in (records versions, never download URLs)
lock: install
	$(BIN)/python -m pip install --quiet pip-tools
	$(BIN)/pip-compile -q --no-emit-index-url --no-emit-trusted-host --no-emit-find-links --strip-extras \
	  --no-header --allow-unsafe -o requirements.txt requirements.in
	$(BIN)/pip-compile -q --no-emit-index-url --no-emit-trusted-host --no-emit-find-links --strip-extras \
	  --no-header --allow-unsafe -o requirements-dev.txt requirements-dev.in

## make messages: update the translation catalogues and compile them
messages: install
	$(BIN)/python manage.py makemessages -l en --ignore ".venv/*" --ignore "tests/*" --ignore "bench/*" \
	  --ignore "artifacts/*" --no-obsolete
	$(BIN)/python manage.py compilemessages --ignore ".venv/*"

## make messages-check: fail if a UI string in the code has no English translation yet
messages-check: install
	$(BIN)/python manage.py makemessages -l en --ignore ".venv/*" --ignore "tests/*" --ignore "bench/*" \
	  --ignore "artifacts/*" --no-obsolete -v0
	$(BIN)/python -c "import polib, sys; po = polib.pofile('locale/en/LC_MESSAGES/django.po'); \
	  bad = [e.msgid for e in po if not e.translated() or 'fuzzy' in e.flags]; \
	  print('untranslated:', *bad, sep='\n  ') if bad else None; sys.exit(1 if bad else 0)"
	git checkout -- locale

## make worker: a Celery worker + beat against REDIS_URL (for local runs with PostgreSQL + Redis)
worker: install
	$(BIN)/celery -A config worker --beat -l info

clean:
	rm -rf $(VENV) staticfiles artifacts .pytest_cache db.sqlite3
