package network

import (
	"context"
	"errors"
	"net"
	"syscall"
	"time"

	"github.com/wanledger/wanledger/internal/nodeops"
)

// opsTimeout bounds each read of a node's operations endpoint.
const opsTimeout = 3 * time.Second

// healthy asks a node's operations endpoint for /healthz.
func healthy(ctx context.Context, opsAddr string) error {
	ctx, cancel := context.WithTimeout(ctx, opsTimeout)
	defer cancel()
	return nodeops.Health(ctx, opsAddr)
}

// scrape reads a node's /metrics.
func scrape(ctx context.Context, opsAddr string) (nodeops.Metrics, error) {
	ctx, cancel := context.WithTimeout(ctx, opsTimeout)
	defer cancel()
	return nodeops.Scrape(ctx, opsAddr)
}

// portFree reports whether nothing listens at addr (host:port): at an
// address of this machine, whether it can be bound; at another machine's
// (a host of the topology seen from where `up` runs), whether nothing
// accepts connections there.
func portFree(addr string) bool {
	l, err := net.Listen("tcp", addr)
	if errors.Is(err, syscall.EADDRNOTAVAIL) {
		return !dialable(addr)
	}
	if err != nil {
		return false
	}
	l.Close()
	return true
}

// dialable reports whether something accepts connections at addr.
func dialable(addr string) bool {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return false
	}
	c.Close()
	return true
}
