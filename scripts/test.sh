#!/usr/bin/env bash
# Set up and run every Connect test, from a fresh clone.
#
#   1. a virtualenv with the pinned requirements (.venv, or $CONNECT_VENV)
#   2. Debian's chromium for the browser tests, and janus + coturn for the video
#      rooms' tests (installed if missing)
#   3. PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379 (started, or
#      installed and started, if they are not answering)
#   4. ruff, mypy, import-linter, makemigrations --check, check --deploy in production mode
#   5. pytest in three passes:
#        a. embedded defaults (SQLite, no Redis)   -m "not postgres and not redis and not browser and not janus"
#           in $CONNECT_TEST_WORKERS pytest-xdist workers (default 2; 0 = one process)
#        b. PostgreSQL + Redis + real Celery workers -m "postgres or redis"
#           in $CONNECT_TEST_PASS2_WORKERS pytest-xdist workers (default 4)
#        c. browser tests (Playwright + chromium) and the video rooms against a real
#           Janus                                  -m "browser or janus"
#      The static checks (4) and pass b run in the background while a and then c
#      run; their logs are printed when they end.
#
# Extra arguments are passed to every pytest pass (e.g. -x). A pass that
# selects no test makes pytest exit 5, which fails the run: nothing is
# skipped silently.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

VENV=${CONNECT_VENV:-$ROOT/.venv}
PG_URL=${CONNECT_TEST_DATABASE_URL:-postgres://postgres:postgres@127.0.0.1:5432/connect}
REDIS=${CONNECT_TEST_REDIS_URL:-redis://127.0.0.1:6379/1}
WORKERS=${CONNECT_TEST_WORKERS:-2}
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

say() { printf '\n==> %s\n' "$*"; }

apt_install() {
  if [ -z "${APT_UPDATED:-}" ]; then
    $SUDO apt-get update -qq
    APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@" >/dev/null
}

UV_VERSION=0.9.30
UV_HOME=${CONNECT_UV_HOME:-$HOME/.cache/connect-uv}

setup_python() {
  say "Python packages ($VENV)"
  [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
  # uv installs the same pinned requirements in seconds where pip takes one to
  # three minutes on a fresh clone; it lives in its own small venv, kept
  # between runs. If it cannot be had, pip does the work.
  if [ ! -x "$UV_HOME/bin/uv" ] || [ "$("$UV_HOME/bin/uv" --version 2>/dev/null)" != "uv $UV_VERSION" ]; then
    python3 -m venv "$UV_HOME" &&
      "$UV_HOME/bin/python" -m pip install -q --disable-pip-version-check "uv==$UV_VERSION" ||
      true
  fi
  if [ -x "$UV_HOME/bin/uv" ]; then
    "$UV_HOME/bin/uv" pip install -q --python "$VENV/bin/python" -r requirements-dev.txt
  else
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check -r requirements-dev.txt
  fi
}

ensure_chromium() {
  if [ ! -x /usr/bin/chromium ]; then
    say "Installing Debian's chromium for the browser tests"
    apt_install chromium chromium-driver
  fi
}

ensure_janus() {
  # The video rooms' tests start their own Janus (tests/video/conftest.py);
  # coturn and the packaged janus.js come with it (the site vendors the script).
  if [ ! -x /usr/bin/janus ] || ! command -v turnserver >/dev/null; then
    say "Installing Debian's janus and coturn for the video rooms' tests"
    apt_install janus coturn libjs-janus-gateway
  fi
}

ensure_gettext() {
  # The catalog test (tests/test_translations.py) runs makemessages, which
  # needs GNU gettext's xgettext, msgmerge and msgfmt.
  if ! command -v xgettext >/dev/null || ! command -v msgfmt >/dev/null; then
    say "Installing GNU gettext for the translation catalog test"
    apt_install gettext
  fi
}

ensure_redis() {
  if "$VENV/bin/python" - <<'PY' 2>/dev/null; then
import redis, sys
sys.exit(0 if redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=1).ping() else 1)
PY
    return
  fi
  say "Redis is not answering on 127.0.0.1:6379: starting it"
  command -v redis-server >/dev/null || apt_install redis-server
  mkdir -p /tmp/connect-redis
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' --appendonly no \
    --dir /tmp/connect-redis --logfile /tmp/connect-redis/redis.log
  for _ in $(seq 1 50); do
    redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && return
    sleep 0.2
  done
  echo "Redis did not start; see /tmp/connect-redis/redis.log" >&2
  exit 1
}

pg_ready() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }

ensure_postgres() {
  if ! command -v pg_isready >/dev/null; then
    say "Installing PostgreSQL"
    apt_install postgresql
  fi
  if ! pg_ready; then
    say "PostgreSQL is not answering on 127.0.0.1:5432: starting it"
    local version
    version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)
    if [ -z "$version" ]; then
      apt_install postgresql
      version=$(ls /etc/postgresql | sort -V | tail -n 1)
    fi
    $SUDO pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
    for _ in $(seq 1 50); do pg_ready && break; sleep 0.2; done
    pg_ready || { echo "PostgreSQL did not start" >&2; exit 1; }
  fi
  # A freshly installed server asks for a password over TCP; give the
  # postgres role the one in the test URL (ignored where auth is trust).
  if ! "$VENV/bin/python" - "$PG_URL" <<'PY' 2>/dev/null; then
import sys, psycopg
url = sys.argv[1].rsplit("/", 1)[0] + "/postgres"
psycopg.connect(url, connect_timeout=3).close()
PY
    say "Setting the postgres role's password for TCP logins"
    $SUDO -u postgres psql -q -c "ALTER USER postgres PASSWORD 'postgres'" 2>/dev/null ||
      su postgres -c "psql -q -c \"ALTER USER postgres PASSWORD 'postgres'\""
  fi
}

static_checks() {
  say "ruff"
  "$VENV/bin/ruff" check .
  "$VENV/bin/ruff" format --check .
  say "mypy (django-stubs; connect.matching strict)"
  "$VENV/bin/mypy" connect accounts
  say "import-linter (the layers, the engine without Django, no cycles between apps)"
  "$VENV/bin/lint-imports"
  say "makemigrations --check"
  "$VENV/bin/python" manage.py makemigrations --check --dry-run
  say "check --deploy (production settings)"
  CONNECT_PRODUCTION=true \
    DJANGO_SECRET_KEY="$("$VENV/bin/python" -c 'import secrets; print(secrets.token_urlsafe(64))')" \
    DJANGO_ALLOWED_HOSTS=connect.example.org \
    "$VENV/bin/python" manage.py check --deploy --fail-level WARNING
}

setup_python
ensure_chromium
ensure_janus
ensure_gettext
ensure_redis
ensure_postgres

# The passes overlap: the second pass spends most of its time waiting on the
# real processes it starts (Celery workers, Daphne, private Redis and
# PostgreSQL servers stopped and started on purpose), so it runs in the
# background, in its own pytest-xdist workers, while the static checks, the
# SQLite pass and the browser pass use the CPU. Each background job writes its
# own log, printed whole when it ends, so the output stays readable.
LOGS=$(mktemp -d "${TMPDIR:-/tmp}/connect-test-XXXXXX")
trap 'rm -rf "$LOGS"' EXIT
declare -A JOBS=()

background() { # name, command...: run in the background, log to $LOGS/name.log
  local name=$1
  shift
  ("$@") >"$LOGS/$name.log" 2>&1 &
  JOBS[$name]=$!
}

finish() { # name: wait for a background job, print its log, fail the run if it failed
  local name=$1 status=0
  wait "${JOBS[$name]}" || status=$?
  cat "$LOGS/$name.log"
  if [ "$status" -ne 0 ]; then
    say "FAILED: $name (exit $status; its log is above)"
    FAILED=1
  fi
}

pass_two() {
  say "pytest pass 2/3: PostgreSQL + Redis + real Celery workers, in $PASS2_WORKERS pytest-xdist workers"
  # Each worker has its own PostgreSQL test database (pytest-django) and its own
  # Redis database (tests/xdist_services.py), so one worker's Celery process
  # never takes another's tasks; var/pass2/ keeps its workers' folders apart
  # from the first pass's, which runs at the same time.
  DATABASE_URL="$PG_URL" REDIS_URL="$REDIS" CONNECT_VAR_DIR="$ROOT/var/pass2" \
    "$VENV/bin/python" -m pytest -n "$PASS2_WORKERS" -m "postgres or redis" "$@"
}

FAILED=0
PASS2_WORKERS=${CONNECT_TEST_PASS2_WORKERS:-4}
background static static_checks
background pass2 pass_two "$@"

say "pytest pass 1/3: embedded defaults (SQLite, in-memory channel layer, no Redis)"
# These tests are independent: each pytest-xdist worker gets its own SQLite test
# database and its own var/ folder (tests/conftest.py).
env -u DATABASE_URL -u REDIS_URL \
  "$VENV/bin/python" -m pytest -n "$WORKERS" \
  -m "not postgres and not redis and not browser and not janus" "$@" || FAILED=1

say "pytest pass 3/3: browser tests (Playwright driving /usr/bin/chromium) and video rooms (Janus)"
# One process: the browsers and servers of these tests would compete for the
# same two cores their timeouts assume.
env -u DATABASE_URL -u REDIS_URL DJANGO_ALLOW_ASYNC_UNSAFE=true \
  "$VENV/bin/python" -m pytest -m "browser or janus" "$@" || FAILED=1

finish static
finish pass2
if [ "$FAILED" -ne 0 ]; then
  say "Some checks or tests failed (see above)."
  exit 1
fi
say "All tests passed."
