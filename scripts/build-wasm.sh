#!/usr/bin/env bash
# build-wasm.sh builds the pages' WebAssembly module (gateway/pages/wasm)
# into gateway/pages/assets/wasm/: wanledger.wasm.gz, and the wasm_exec.js
# of the same Go toolchain that loads it. A file is replaced only when its
# bytes change, so an unchanged module keeps Go's build cache warm.
set -euo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}
out=gateway/pages/assets/wasm
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out"
GOOS=js GOARCH=wasm "$GO" build -trimpath -buildvcs=false -ldflags=-s -o "$tmp/wanledger.wasm" ./gateway/pages/wasm
gzip -9 -n -c "$tmp/wanledger.wasm" > "$tmp/wanledger.wasm.gz"
root=$("$GO" env GOROOT)
exec_js=$root/lib/wasm/wasm_exec.js
[ -f "$exec_js" ] || exec_js=$root/misc/wasm/wasm_exec.js
cp "$exec_js" "$tmp/wasm_exec.js"
for f in wanledger.wasm.gz wasm_exec.js; do
	cmp -s "$tmp/$f" "$out/$f" || cp "$tmp/$f" "$out/$f"
done
