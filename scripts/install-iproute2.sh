#!/usr/bin/env bash
# install-iproute2.sh: install Debian's iproute2 (the ip command) for the
# test of a network across hosts (network/integration/hosts), which makes
# its hosts from network namespaces; an ip already there is left as it is.
set -euo pipefail
if command -v ip >/dev/null; then
	exit 0
fi
sudo=()
if [ "$(id -u)" != 0 ]; then
	sudo=(sudo)
fi
"${sudo[@]}" apt-get update
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y iproute2
