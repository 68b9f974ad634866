//go:build race

package nonce

// issuedInTest is how many nonces the memory test issues: fewer under the
// race detector, which makes each some 50 times slower, yet more than the
// 100,000 the former store held.
const issuedInTest = 250_000
