#!/usr/bin/env bash
# install-chromium.sh: install Debian's chromium for the browser tests
# (internal/browsertest), once; a machine that has /usr/bin/chromium is left as it is.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
	exit 0
fi
sudo=()
if [ "$(id -u)" != 0 ]; then
	sudo=(sudo)
fi
"${sudo[@]}" apt-get update
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y --no-install-recommends chromium
