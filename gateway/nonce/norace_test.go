//go:build !race

package nonce

// issuedInTest is how many nonces the memory test issues.
const issuedInTest = 1_000_000
