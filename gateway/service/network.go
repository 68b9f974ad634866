package service

import (
	"context"
	"net/http"

	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/internal/nodeops"
)

// Watch is what the service reads of the network: the gateway itself, and
// the nodes its configuration names (each as it answered, or down).
type Watch interface {
	Self() api.NodeReading
	Nodes(ctx context.Context) []api.NodeReading
}

// Network is the network at a glance: this gateway, then every node it
// watches, and each channel's highest height and Raft leader.
func (s *Service) Network(ctx context.Context) (api.NetworkStatus, error) {
	if s.watch == nil {
		return api.NetworkStatus{}, api.Errorf(http.StatusServiceUnavailable, api.CodeUnavailable, "this gateway watches no network")
	}
	nodes := append([]api.NodeReading{s.watch.Self()}, s.watch.Nodes(ctx)...)
	return api.NetworkStatus{At: s.clock().UTC(), Nodes: nodes, Channels: nodeops.Summarize(nodes)}, nil
}
