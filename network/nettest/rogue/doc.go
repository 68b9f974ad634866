// Package rogue is an adversary Fabric client for tests on the real network.
//
// It acts as one organisation with an identity from the run directory's
// crypto material and does by hand what an honest SDK does for the caller,
// so that a test can choose what an honest client never would: it builds a
// signed proposal with a chosen timestamp (and a correct transaction ID,
// hex(SHA-256(nonce || creator))), sends it straight to chosen peers'
// Endorser services over gRPC and TLS, assembles and signs the transaction
// envelope from the endorsements (which the caller may alter first),
// broadcasts it to an orderer and waits for the validation code a peer
// gives it.
//
// A typical use:
//
//	c, err := rogue.New(env.Net, "hefei", "Admin")
//	defer c.Close()
//	p, err := c.Propose(rogue.Invocation{Channel: "anhui", Chaincode: "wanledger",
//		Function: "licence:Issue", Args: []string{req}, Timestamp: past})
//	code, err := c.Submit(ctx, p, "hefei", "anhui")
package rogue
