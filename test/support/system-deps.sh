#!/usr/bin/env bash
# Run by `npm test` (pretest): the HTML-report tests drive Debian's Chromium and the case-database tests start a real
# PostgreSQL server. Installs them from Debian's packages when missing (needs root and apt-get); otherwise says what
# to install. Quiet when both are there.
set -euo pipefail
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v pg_ctl >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || missing+=(postgresql)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing Debian packages for the tests: ${missing[*]}" >&2
  apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
else
  echo "the tests need Debian packages that are missing: ${missing[*]} (apt-get install -y ${missing[*]})" >&2
  exit 1
fi
