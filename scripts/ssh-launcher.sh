#!/usr/bin/env bash
# ssh-launcher.sh DEST COMMAND [ARG...]: a host's launcher for a network
# across machines (network.json: "Exec": ["/opt/wanledger/scripts/ssh-launcher.sh",
# "wanledger@10.20.0.11"]; docs/operations.md, "A network across machines").
# It runs COMMAND on DEST over ssh, in the same directory and with exactly
# the environment `wanledger up` gives the node (the machine has the same
# paths as this one), and the node's output comes back into this machine's
# log. ssh is the process `up` records: when `down` stops it, the session
# ends, and the shell on DEST that started the node (with SIGHUP ignored)
# stops it with SIGTERM and waits for it. ssh runs with the node's clean
# environment (no agent): it logs in with a key of $HOME/.ssh, and -tt gives
# the session a terminal, so that its end reaches DEST as a hang-up.
set -euo pipefail
if [[ $# -lt 2 ]]; then
	echo "usage: $0 DEST COMMAND [ARG...]" >&2
	exit 2
fi
dest=$1
shift

# quote prints its arguments single-quoted for a POSIX shell, each after a space.
quote() {
	local a q="'\\''"
	for a; do
		printf " '%s'" "${a//\'/$q}"
	done
}

vars=()
while IFS= read -r -d '' v; do
	vars+=("$v")
done < <(env -0)

# On DEST: start the node with SIGHUP ignored (a Go program then keeps it
# ignored), forward a hang-up or a stop to it as SIGTERM, and exit with it.
remote="cd$(quote "$PWD") || exit 1
trap '' HUP
env -i$(quote "${vars[@]}")$(quote "$@") &
pid=\$!
trap 'kill -TERM \$pid 2>/dev/null' HUP INT TERM
wait \$pid
rc=\$?
while kill -0 \$pid 2>/dev/null; do wait \$pid; rc=\$?; done
exit \$rc"

exec ssh -tt -o BatchMode=yes "$dest" "$remote"
