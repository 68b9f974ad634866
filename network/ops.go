package network

import (
	"context"
	"net"
	"strconv"
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

// portFree reports whether nothing listens on the loopback port.
func portFree(port int) bool {
	l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
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
