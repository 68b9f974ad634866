# ports.sh is sourced by the scripts that bring up a network of their own.

# free_base prints the first port of a block of n free loopback ports below
# the kernel's ephemeral range.
free_base() {
	local n=$1 low=32768 base p
	read -r low _ </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || true
	for _ in $(seq 50); do
		base=$((10000 + (RANDOM * 32768 + RANDOM) % (low - n - 10000)))
		for ((p = base; p < base + n; p++)); do
			(: </dev/tcp/127.0.0.1/$p) 2>/dev/null && continue 2
		done
		echo "$base"
		return 0
	done
	echo "no block of $n free loopback ports" >&2
	return 1
}
