package gateway

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wanledger/wanledger/api"
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
	URL     string   `json:"url"`
	Key     string   `json:"key"`
	Bodies  [][]byte `json:"bodies"` // request i posts Bodies[i % len(Bodies)]
	Warm    []byte   `json:"warm"`   // posted once by each client before the run, to open its connection
	N       int      `json:"n"`
	Clients int      `json:"clients"`
	CPU     int      `json:"cpu"` // the child's CPU
}

// loadResult is what a run measured.
type loadResult struct {
	Elapsed time.Duration `json:"elapsed"`
	CPU     time.Duration `json:"cpu"` // the generator's CPU time in the run (child process only)
	P50     time.Duration `json:"p50"`
	P99     time.Duration `json:"p99"`
	Err     string        `json:"err,omitempty"`
}

func newLoadClient(clients int) *http.Client {
	return &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients}}
}

// post sends one verification and checks that the verdict is valid.
func (s *loadSpec) post(c *http.Client, body []byte) error {
	req, err := http.NewRequest(http.MethodPost, s.URL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+s.Key)
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var v api.Verdict
	err = json.NewDecoder(resp.Body).Decode(&v)
	io.Copy(io.Discard, resp.Body)
	if err != nil || !v.Valid {
		return fmt.Errorf("status %d, verdict %+v, %v", resp.StatusCode, v, err)
	}
	return nil
}

// warm has every client post Warm at once, so each holds a connection.
func (s *loadSpec) warm(c *http.Client) error {
	errs := make(chan error, s.Clients)
	for range s.Clients {
		go func() { errs <- s.post(c, s.Warm) }()
	}
	for range s.Clients {
		if err := <-errs; err != nil {
			return err
		}
	}
	return nil
}

// run posts N bodies from Clients goroutines and measures the time and the
// latencies.
func (s *loadSpec) run(c *http.Client) loadResult {
	var next atomic.Int64
	var failed sync.Once
	var res loadResult
	lat := make([]time.Duration, s.N)
	var wg sync.WaitGroup
	start := time.Now()
	for range s.Clients {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < s.N; i = int(next.Add(1) - 1) {
				t0 := time.Now()
				if err := s.post(c, s.Bodies[i%len(s.Bodies)]); err != nil {
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
	c := newLoadClient(s.Clients)
	if err == nil {
		err = s.warm(c)
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
	res := s.run(c)
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
