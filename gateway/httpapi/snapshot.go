package httpapi

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
)

// SnapshotType is the media type of a snapshot file.
const SnapshotType = "application/vnd.wanledger.snapshot"

func (a *API) snapshot() {
	op := a.op("snapshot", http.MethodGet, "/v1/snapshot", "Download an offline snapshot",
		"What a verifier needs to check presentations with no network, at the block the gateway's cache holds: the channel's licence types, grants and seal keys, and the status of every licence, native or relayed, signed by the gateway's organisation (docs/credential-format.md, \"Offline verification\"). Refused while the cache is stale.",
		"verify", verifier, issuer, auditor)
	op.Responses = map[string]*huma.Response{"200": {Description: "the signed snapshot file", Content: map[string]*huma.MediaType{SnapshotType: {}}}}
	huma.Register(a.h, op, func(ctx context.Context, _ *struct{}) (*struct {
		ContentType string `header:"Content-Type"`
		Body        []byte
	}, error) {
		data, err := a.svc.Snapshot(ctx, a.snapshotSource)
		if err != nil {
			return nil, err
		}
		return &struct {
			ContentType string `header:"Content-Type"`
			Body        []byte
		}{SnapshotType, data}, nil
	})
}
