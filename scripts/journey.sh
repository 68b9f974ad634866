#!/usr/bin/env bash
# journey.sh runs the README's first journey: the sh blocks of README.md
# between "<!-- journey:begin" and "<!-- journey:end", command for command,
# so the two cannot drift. A command ending in "# → VERDICT" is a
# verification that must give VERDICT ("VALID", or "NOT VALID" with,
# after a colon, the check that must fail); every other command must succeed.
#
#   scripts/journey.sh          against the network `make up` runs in this checkout
#   scripts/journey.sh --fresh  on a network of its own: a new run directory on
#                               free loopback ports, brought up with `wanledger up`
#                               and always taken down again (by PID, `down --purge`)
#   scripts/journey.sh --dir D  against the running network whose run directory is
#                               D/.wanledger, with D/bin/wanledger (the test of a
#                               network across hosts runs it on one of them)
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
mode=${1:-}
case "$mode $#" in
" 0" | "--fresh 1" | "--dir 2") ;;
*)
	echo "usage: $0 [--fresh | --dir DIR]" >&2
	exit 2
	;;
esac
dir=$repo
if [[ $mode == --dir ]]; then
	dir=$(cd "$2" && pwd)
fi
wanledger=$dir/bin/wanledger
[[ -x $wanledger ]] || { echo "journey: $wanledger is missing: run make build" >&2; exit 1; }

# extract prints the journey's commands, each expected verdict turned into a
# call of expect (defined in prelude) around the command itself.
extract() {
	awk '
		/<!-- journey:begin/ { on = 1; next }
		/<!-- journey:end/   { on = 0; next }
		on && /^```sh[[:space:]]*$/ { code = 1; next }
		on && /^```[[:space:]]*$/   { code = 0; next }
		on && code {
			if (match($0, /[[:space:]]+# → [A-Z][^#]*$/)) {
				want = substr($0, RSTART); sub(/^[[:space:]]+# → /, "", want)
				printf "expect '\''%s'\'' %s\n", want, substr($0, 1, RSTART - 1)
			} else print
		}' "$repo/README.md"
}

# prelude defines expect: run a verification until it prints the verdict
# wanted (a gateway's cache follows the ledger within about a second).
prelude() {
	cat <<'EOF'
expect() {
	local want=$1; shift
	local verdict=${want%%:*} check= out rc line
	[[ $want == *:* ]] && check=${want#*: }
	for attempt in $(seq 1 20); do
		rc=0; out=$("$@" 2>&1) || rc=$?
		line=${out%%$'\n'*}
		# NOT VALID: verify exits 3, and names the failed check.
		if [[ $verdict == VALID && $rc == 0 && $line =~ ^[^\ ]+\ VALID\  ]] ||
			[[ $verdict == "NOT VALID" && $rc == 3 && $line =~ ^[^\ ]+\ NOT\ VALID\  &&
				( -z $check || $out == *"FAIL $check"* ) ]]; then
			printf '%s\n' "$out"
			echo "journey: ✓ $want (attempt $attempt)"
			return 0
		fi
		sleep 0.5
	done
	printf '%s\n' "$out"
	echo "journey: ✗ expected $want; got exit $rc: $line" >&2
	return 1
}
set -v
EOF
}

# shellcheck source=ports.sh
source "$repo/scripts/ports.sh"

if [[ $mode == --fresh ]]; then
	dir=$(mktemp -d "${TMPDIR:-/tmp}/wanledger-journey-XXXXXX")
	home=$dir/.wanledger
	cleanup() {
		"$wanledger" down --home "$home" --purge >/dev/null || echo "journey: down --purge of $home failed" >&2
		rm -rf "$dir"
	}
	trap cleanup EXIT
	trap 'exit 130' INT TERM
	ln -s "$repo/bin" "$dir/bin"
	base=$(free_base 210) # 21 nodes, 10 ports each
	start=$SECONDS
	"$wanledger" up --home "$home" --base-port "$base"
	echo "journey: network up on ports $base+ in $((SECONDS - start)) s"
fi

cd "$dir"
unset WANLEDGER_HOME WANLEDGER_URL WANLEDGER_KEY
script=$(extract)
grep -q '^expect ' <<<"$script" || { echo "journey: README.md has no journey between its markers" >&2; exit 1; }
start=$SECONDS
bash -euo pipefail -c "$(prelude)"$'\n'"$script"
echo "journey: README journey passed in $((SECONDS - start)) s"
