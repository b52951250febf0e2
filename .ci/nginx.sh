# Sourced by .ci/run: the cluster and fault tests put Debian's nginx in front of two instances
# (deploy/nginx/hoi-luat.test.conf). Installed when missing; the tests then refuse to skip it.
if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    log "installing nginx (Debian package nginx-light)"
    # The package's own service is not wanted: the tests run nginx themselves on loopback ports.
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light; } >/dev/null || {
      rm -f /usr/sbin/policy-rc.d
      die "could not install nginx"
    }
    rm -f /usr/sbin/policy-rc.d
  else
    die "nginx is missing: install Debian's nginx-light (the cluster tests run behind it)"
  fi
fi
NGINX_BIN=$(command -v nginx || echo /usr/sbin/nginx)
export NGINX_BIN REQUIRE_NGINX=1
"$NGINX_BIN" -v 2>&1 || die "nginx does not start"
