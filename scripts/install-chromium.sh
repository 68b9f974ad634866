#!/usr/bin/env bash
# install-chromium.sh: install Debian's chromium for the browser tests
# (internal/browsertest), with a font for Chinese text (so screenshots of
# the pages in Chinese are legible) and NSS's tools (certutil, pk12util), with
# which the tests give the browser a TLS client certificate; what is already
# there is left as it is.
set -euo pipefail
need=()
if [ ! -x /usr/bin/chromium ]; then
	need+=(chromium)
fi
if ! command -v certutil >/dev/null || ! command -v pk12util >/dev/null; then
	need+=(libnss3-tools)
fi
if ! command -v fc-list >/dev/null || [ -z "$(fc-list :lang=zh 2>/dev/null)" ]; then
	need+=(fonts-wqy-microhei)
fi
if [ ${#need[@]} -eq 0 ]; then
	exit 0
fi
sudo=()
if [ "$(id -u)" != 0 ]; then
	sudo=(sudo)
fi
"${sudo[@]}" apt-get update
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y "${need[@]}"
