package apiclient

import "context"

// MaxSnapshot is the most bytes of a snapshot the client reads (as
// internal/snapshot.MaxFile).
const MaxSnapshot = 64 << 20

// Snapshot downloads the gateway's signed offline snapshot (GET
// /v1/snapshot): the file's bytes, unchecked (snapshot.Parse checks them).
func (c *Client) Snapshot(ctx context.Context) ([]byte, error) {
	return c.send(ctx, "GET", "/v1/snapshot", nil, MaxSnapshot)
}
