package network

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

var opsClient = &http.Client{Timeout: 3 * time.Second}

// opsGet asks a node's operations endpoint for a path. The caller closes
// the body.
func opsGet(ctx context.Context, opsAddr, path string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+opsAddr+path, nil)
	if err != nil {
		return nil, err
	}
	return opsClient.Do(req)
}

// Healthy asks a node's operations endpoint for /healthz.
func Healthy(ctx context.Context, opsAddr string) error {
	resp, err := opsGet(ctx, opsAddr, "/healthz")
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("healthz %d: %s", resp.StatusCode, strings.TrimSpace(string(body)))
	}
	return nil
}

// Metrics is a scrape of a node's Prometheus /metrics.
type Metrics map[string]float64

// Scrape reads a node's /metrics.
func Scrape(ctx context.Context, opsAddr string) (Metrics, error) {
	resp, err := opsGet(ctx, opsAddr, "/metrics")
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("metrics: HTTP %d", resp.StatusCode)
	}
	return parseMetrics(resp.Body)
}

// parseMetrics reads the Prometheus text format, keeping each sample as
// `name{labels}` → value.
func parseMetrics(r io.Reader) (Metrics, error) {
	m := Metrics{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		if i < 0 {
			continue
		}
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			continue
		}
		m[line[:i]] = v
	}
	return m, sc.Err()
}

// Channel returns the value of a metric labelled only with the channel.
func (m Metrics) Channel(name, channel string) (float64, bool) {
	v, ok := m[fmt.Sprintf("%s{channel=%q}", name, channel)]
	return v, ok
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
