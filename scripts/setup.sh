#!/usr/bin/env bash
# Installs what kb needs into .venv (and, with --test, what the tests need: Chromium and
# PostgreSQL's server from Debian, the [postgresql] extra).
set -euo pipefail
cd "$(dirname "$0")/.."
want_test=0
[ "${1:-}" = "--test" ] && want_test=1

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip >/dev/null
if [ $want_test = 1 ]; then
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[test,properdocs,zensical,postgresql]"
else
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -e .
fi

if [ $want_test = 1 ]; then
  need=()
  command -v chromium >/dev/null 2>&1 || need+=(chromium)
  command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx)
  command -v msgfmt >/dev/null 2>&1 || need+=(gettext)
  command -v node >/dev/null 2>&1 || need+=(nodejs)
  # the feedback tests start their own server from these (initdb, pg_ctl); about 16 s to install
  compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || command -v initdb >/dev/null 2>&1 \
    || need+=(postgresql)
  if [ ${#need[@]} -gt 0 ]; then
    as_root=()
    [ "$(id -u)" = 0 ] || { sudo -n true 2>/dev/null && as_root=(sudo -n); }
    if [ "$(id -u)" = 0 ] || [ ${#as_root[@]} -gt 0 ]; then
      "${as_root[@]}" apt-get update -qq
      "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
    else
      echo "The browser and PostgreSQL tests need: ${need[*]} (Debian packages). Install them with:" >&2
      echo "  sudo apt-get install --no-install-recommends ${need[*]}" >&2
    fi
  fi
fi
