package gateway

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// The benchmarks' load generator posts verification bodies from many
// clients: goroutines of the benchmark's own process, or (pinned) a child
// process, this test binary run again with loadgenEnv naming its loadSpec,
// bound to a CPU of its own.
const loadgenEnv = "WANLEDGER_BENCH_LOADGEN"

// TestMain runs the package's tests, or the generator of a pinned benchmark.
func TestMain(m *testing.M) {
	if spec := os.Getenv(loadgenEnv); spec != "" {
		os.Exit(loadgenChild(spec))
	}
	os.Exit(m.Run())
}

// loadSpec is one run of the generator.
type loadSpec struct {
	URL    string   `json:"url"`
	Key    string   `json:"key"`
	Bodies [][]byte `json:"bodies"` // request i posts Bodies[i % len(Bodies)]
	Warm   []byte   `json:"warm"`   // posted once on each connection before the run
	// WarmEach, if set, is posted instead of Warm: WarmEach[i] on connection i.
	WarmEach [][]byte `json:"warmEach,omitempty"`
	N        int      `json:"n"`
	Clients  int      `json:"clients"`
	CPU      int      `json:"cpu"` // the child's CPU
	// Items is the verdicts each answer holds (a batch); 0 means 1.
	Items int `json:"items,omitempty"`
}

// loadResult is what a run measured.
type loadResult struct {
	Elapsed time.Duration `json:"elapsed"`
	CPU     time.Duration `json:"cpu"` // the generator's CPU time in the run (child process only)
	P50     time.Duration `json:"p50"`
	P99     time.Duration `json:"p99"`
	Err     string        `json:"err,omitempty"`
}

// httpConn is one client's keep-alive HTTP/1.1 connection. The generator
// writes prepared requests and reads answers with Content-Length itself:
// net/http's client costs about as much CPU as the server, which the
// benchmark does not measure.
type httpConn struct {
	c     net.Conn
	r     *bufio.Reader
	body  []byte
	items int // valid verdicts an answer must hold
}

func dialHTTP(addr string) (*httpConn, error) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	return &httpConn{c: c, r: bufio.NewReaderSize(c, 8192)}, nil
}

// request prepares a verification request with its body.
func (s *loadSpec) request(body []byte) []byte {
	u, _ := url.Parse(s.URL)
	head := fmt.Sprintf("POST %s HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", u.Path, u.Host, s.Key, len(body))
	return append([]byte(head), body...)
}

var validVerdict = []byte(`"valid":true`)

// post sends a prepared request and checks that the answer is 200 with
// h.items valid verdicts.
func (h *httpConn) post(req []byte) error {
	if _, err := h.c.Write(req); err != nil {
		return err
	}
	status, err := h.r.ReadString('\n')
	if err != nil {
		return err
	}
	length, chunked := -1, false
	for {
		line, err := h.r.ReadString('\n')
		if err != nil {
			return err
		}
		if line == "\r\n" {
			break
		}
		k, v, _ := strings.Cut(line, ":")
		switch {
		case strings.EqualFold(k, "Content-Length"):
			length, _ = strconv.Atoi(strings.TrimSpace(v))
		case strings.EqualFold(k, "Transfer-Encoding"):
			chunked = strings.TrimSpace(v) == "chunked"
		}
	}
	switch {
	case chunked: // a large answer: its chunks, the last one empty, then the end of the trailer
		b := bytes.NewBuffer(h.body[:0])
		if _, err := b.ReadFrom(httputil.NewChunkedReader(h.r)); err != nil {
			return err
		}
		if _, err := h.r.ReadString('\n'); err != nil {
			return err
		}
		h.body = b.Bytes()
	case length < 0:
		return fmt.Errorf("an answer without Content-Length: %q", status)
	default:
		h.body = slices.Grow(h.body[:0], length)[:length]
		if _, err := io.ReadFull(h.r, h.body); err != nil {
			return err
		}
	}
	if !strings.HasPrefix(status, "HTTP/1.1 200 ") || bytes.Count(h.body, validVerdict) != h.items {
		return fmt.Errorf("%s%s", status, h.body)
	}
	return nil
}

// connect opens one connection per client and posts Warm on each.
func (s *loadSpec) connect() ([]*httpConn, error) {
	u, err := url.Parse(s.URL)
	if err != nil {
		return nil, err
	}
	conns := make([]*httpConn, s.Clients)
	warm := s.request(s.Warm)
	for i := range conns {
		if s.WarmEach != nil {
			warm = s.request(s.WarmEach[i])
		}
		if conns[i], err = dialHTTP(u.Host); err == nil {
			conns[i].items = max(s.Items, 1)
			err = conns[i].post(warm)
		}
		if err != nil {
			return nil, err
		}
	}
	return conns, nil
}

// run posts N bodies from one goroutine per connection and measures the
// time and the latencies.
func (s *loadSpec) run(conns []*httpConn) loadResult {
	reqs := make([][]byte, len(s.Bodies))
	for i, b := range s.Bodies {
		reqs[i] = s.request(b)
	}
	var next atomic.Int64
	var failed sync.Once
	var res loadResult
	lat := make([]time.Duration, s.N)
	var wg sync.WaitGroup
	start := time.Now()
	for _, c := range conns {
		wg.Go(func() {
			defer c.c.Close()
			for i := int(next.Add(1) - 1); i < s.N; i = int(next.Add(1) - 1) {
				t0 := time.Now()
				if err := c.post(reqs[i%len(reqs)]); err != nil {
					failed.Do(func() { res.Err = err.Error() })
					return
				}
				lat[i] = time.Since(t0)
			}
		})
	}
	wg.Wait()
	res.Elapsed = time.Since(start)
	slices.Sort(lat)
	res.P50, res.P99 = lat[len(lat)/2], lat[len(lat)*99/100]
	return res
}

// loadgenChild is the child process: it pins itself, opens its
// connections, says "ready", runs on "go" and prints its loadResult.
func loadgenChild(path string) int {
	var s loadSpec
	b, err := os.ReadFile(path)
	if err == nil {
		err = json.Unmarshal(b, &s)
	}
	if err == nil {
		_, err = pinProcess(s.CPU)
	}
	var conns []*httpConn
	if err == nil {
		conns, err = s.connect()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "load generator:", err)
		return 1
	}
	fmt.Println("ready")
	if _, err := bufio.NewReader(os.Stdin).ReadString('\n'); err != nil {
		return 1
	}
	cpu := cpuTime()
	res := s.run(conns)
	res.CPU = cpuTime() - cpu
	if err := json.NewEncoder(os.Stdout).Encode(res); err != nil {
		return 1
	}
	return 0
}

// childLoad runs spec in a child process on its own CPU with GOMAXPROCS 1.
// Once the child's connections are open, it calls beforeRun (which
// measures the baseline and starts the benchmark's timer), then starts the
// run and waits for its result.
func childLoad(b *testing.B, spec loadSpec, beforeRun func()) loadResult {
	path := filepath.Join(b.TempDir(), "spec.json")
	data, _ := json.Marshal(spec)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		b.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), loadgenEnv+"="+path, "GOMAXPROCS=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	defer cmd.Wait()
	defer stdin.Close()
	out := bufio.NewReader(stdout)
	if line, err := out.ReadString('\n'); line != "ready\n" {
		cmd.Process.Kill()
		b.Fatalf("load generator: %q %v %s", line, err, stderr.Bytes())
	}
	beforeRun()
	io.WriteString(stdin, "go\n")
	var res loadResult
	if err := json.NewDecoder(out).Decode(&res); err != nil {
		cmd.Process.Kill()
		b.Fatalf("load generator: %v %s", err, stderr.Bytes())
	}
	return res
}
