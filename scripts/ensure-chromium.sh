#!/usr/bin/env bash
# Browser tests use Debian's chromium, never a downloaded browser. Install it when missing and root.
set -euo pipefail
BROWSER=${GOLDENTHREAD_CHROMIUM:-/usr/bin/chromium}
if [ -x "$BROWSER" ]; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "ensure-chromium: installing Debian's chromium" >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >&2
fi
[ -x "$BROWSER" ] || { echo "ensure-chromium: $BROWSER is missing; install Debian's chromium package" >&2; exit 1; }
