#!/usr/bin/env bash
# caliper.sh runs the Hyperledger Caliper benchmark of caliper/ (an issuance
# round, then a verify round) against a wanledger network, as an outside
# client through the peers' Gateway service (caliper/README.md, ADR 35):
#
#   1. installs Caliper 0.6.0 into caliper/node_modules if it is not there
#      (npm ci, from caliper/package-lock.json; needs the npm registry);
#   2. binds Caliper to Fabric (fabric:2.4, the fabric-gateway SDK), unless
#      the packages that binding installs are there at its versions already;
#   3. writes Caliper's network configuration from the run directory
#      (wanledger caliper config → caliper/networks/network.yaml);
#   4. seals as many licences as the issuance round submits, as the demo
#      agency (wanledger caliper prepare → caliper/run/issue.json);
#   5. runs the benchmark and prints the path of Caliper's HTML report.
#
#   scripts/caliper.sh [--home DIR]  against a running network (default: $WANLEDGER_HOME,
#                                    else the checkout's .wanledger, what `make up` runs)
#   scripts/caliper.sh --fresh       on a network of its own: a new run directory on free
#                                    loopback ports, always taken down again (down --purge)
#
# CALIPER_BENCHMARK names another benchmark configuration (default
# caliper/benchmarks/wanledger.yaml); its round labelled "issue" must have a
# txNumber.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
wanledger=$repo/bin/wanledger
workspace=$repo/caliper
benchmark=${CALIPER_BENCHMARK:-$workspace/benchmarks/wanledger.yaml}
sut=fabric:2.4
# What `caliper bind --caliper-bind-sut fabric:2.4` installs (Caliper 0.6.0's
# bind configuration); caliper/package.json pins the same versions.
bound=("@hyperledger/fabric-gateway@1.5.0" "@grpc/grpc-js@1.10.3")

say() { echo "caliper: $*"; }
die() { echo "caliper: $*" >&2; exit 1; }

[[ -x $wanledger ]] || die "$wanledger is missing: run make build"
command -v npm >/dev/null || die "npm is missing: Caliper 0.6.0 needs Node.js 18.19 or later and npm"
benchmark=$(cd "$(dirname "$benchmark")" && pwd)/$(basename "$benchmark")

home=${WANLEDGER_HOME:-$repo/.wanledger}
case ${1:-} in
--fresh)
	[[ $# == 1 ]] || die "usage: $0 [--home DIR | --fresh]"
	# shellcheck source=ports.sh
	source "$repo/scripts/ports.sh"
	home=$(mktemp -d "${TMPDIR:-/tmp}/wanledger-caliper-XXXXXX")
	cleanup() {
		"$wanledger" down --home "$home" --purge >/dev/null || echo "caliper: down --purge of $home failed" >&2
	}
	trap cleanup EXIT
	trap 'exit 130' INT TERM
	base=$(free_base 210) # 21 nodes, 10 ports each
	"$wanledger" up --home "$home" --base-port "$base"
	;;
--home)
	[[ $# == 2 ]] || die "usage: $0 [--home DIR | --fresh]"
	home=$(cd "$2" && pwd)
	;;
"") ;;
*) die "usage: $0 [--home DIR | --fresh]" ;;
esac

cd "$workspace"

# 1. Caliper itself.
if [[ ! -x node_modules/.bin/caliper ]]; then
	say "installing Caliper into $workspace/node_modules (npm ci)"
	npm ci
fi

# 2. The Fabric binding.
installed() { node -p "require('$1/package.json').version" 2>/dev/null || true; }
need_bind=
for pkg in "${bound[@]}"; do
	name=${pkg%@*} version=${pkg##*@}
	[[ $(installed "$name") == "$version" ]] || need_bind=1
done
if [[ -n $need_bind ]]; then
	say "binding Caliper to $sut"
	npx caliper bind --caliper-bind-sut "$sut"
else
	say "bound to $sut already: ${bound[*]}"
fi

# 3. and 4. What Caliper needs from the run directory.
"$wanledger" caliper config --home "$home" --out networks/network.yaml
"$wanledger" caliper prepare --home "$home" --benchmark "$benchmark" --out run/issue.json

# 5. The benchmark.
report=$workspace/run/report.html
rm -f "$report"
npx caliper launch manager \
	--caliper-workspace "$workspace" \
	--caliper-networkconfig networks/network.yaml \
	--caliper-benchconfig "$benchmark" \
	--caliper-flow-only-test \
	--caliper-report-path "$report"
[[ -s $report ]] || die "Caliper wrote no report"

# The summary table of the report: one row per round, each
# <td>label</td> <td>succ</td> <td>fail</td> <td>send rate</td> <td>max</td>
# <td>min</td> <td>avg latency</td> <td>throughput</td>. A round with a failed
# transaction, or none that succeeded, fails the run.
failed=
while read -r label succ fail _ max min avg tps; do
	say "$label: $succ succeeded, $fail failed; throughput $tps TPS; latency avg $avg s, min $min s, max $max s"
	[[ $fail == 0 && $succ -gt 0 ]] || failed=1
done < <(awk '/<table/ { n++ } n == 1 && /<td>/ { gsub(/<\/?td>/, ""); print }' "$report")
say "report: $report"
[[ -z $failed ]] || die "a round had failed transactions (see the report and Caliper's log above)"
