#!/usr/bin/env bash
# Runs before `npm test`: the browser tests drive Debian's Chromium (/usr/bin/chromium or
# $CHROMIUM_PATH). When it is missing and we may install packages (root with apt-get), install it;
# otherwise stop with a clear message instead of failing deep inside a test.
set -euo pipefail
browser="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ -x "$browser" ]; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "Chromium not found: installing Debian's chromium package for the browser tests…" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  [ -x /usr/bin/chromium ] && exit 0
fi
echo "The browser tests need Chromium at $browser. Install it (Debian/Ubuntu: sudo apt-get install chromium) or set CHROMIUM_PATH." >&2
exit 1
