#!/usr/bin/env bash
# The integration tests put real gateways in front of KeyGrains: nginx (auth_request) and Caddy
# (forward_auth), both from Debian's packages. The tests start their own instances on loopback
# ports, so the packages' own services are kept from starting. Idempotent.
set -euo pipefail

if [ -x /usr/sbin/nginx ] && [ -x /usr/bin/caddy ]; then
  exit 0
fi

export DEBIAN_FRONTEND=noninteractive
# Without an init system the packages' scripts would start daemons on ports 80/443; a
# policy-rc.d answering 101 ("action forbidden") keeps them stopped during the install.
placed_policy=false
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
  chmod +x /usr/sbin/policy-rc.d
  placed_policy=true
fi
trap '[ "$placed_policy" = true ] && rm -f /usr/sbin/policy-rc.d' EXIT

# The package lists may be missing or stale on a fresh machine; refresh them once, then retry.
if ! apt-get install -y --no-install-recommends nginx caddy; then
  apt-get update
  apt-get install -y --no-install-recommends nginx caddy
fi
