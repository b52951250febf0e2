# Sourced by .ci/run: the browser tests need Debian's Chromium at /usr/bin/chromium.
if [ ! -x /usr/bin/chromium ]; then
  log "installing Debian's chromium for the browser tests"
  command -v apt-get >/dev/null || die "chromium is missing and apt-get is not available to install it"
  apt-get update -qq || die "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null || die "could not install chromium"
fi
/usr/bin/chromium --version || die "chromium does not start"
