# Sourced by .ci/run: the browser tests need Debian's Chromium (installed when missing).
bash scripts/ensure-chromium.sh || die "Chromium is missing and could not be installed"
/usr/bin/chromium --version || die "chromium does not start"
