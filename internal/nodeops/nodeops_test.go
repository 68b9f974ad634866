package nodeops

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wanledger/wanledger/api"
)

// node serves an operations endpoint: /healthz answering health (and
// body), /metrics the file metrics, /status the text status.
type node struct {
	health  int
	body    string
	metrics string
	status  string
	delay   time.Duration
	hits    atomic.Int64
}

func (n *node) serve(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.hits.Add(1)
		time.Sleep(n.delay)
		switch r.URL.Path {
		case "/healthz":
			w.WriteHeader(n.health)
			w.Write([]byte(n.body))
		case "/metrics":
			b, err := os.ReadFile(n.metrics)
			if err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			w.Write(b)
		case "/status":
			w.Write([]byte(n.status))
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "http://")
}

// closedAddr is a loopback address where nothing listens.
func closedAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

func read(t *testing.T, kind, addr string) api.NodeReading {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Second)
	defer cancel()
	return Read(ctx, Target{Name: "n", Kind: kind, MSPID: "AnhuiOrdererMSP", Address: addr}, time.Now)
}

func TestAnOrdererReportsItsHeightsAndRaftLeadership(t *testing.T) {
	addr := (&node{health: http.StatusOK, body: "OK", metrics: "testdata/orderer.metrics"}).serve(t)
	before := time.Now()
	r := read(t, api.NodeOrderer, addr)
	want := []api.ChannelHeight{{Channel: "anhui", Height: 42, RaftLeader: true}, {Channel: "delta", Height: 17}}
	if r.Health != api.HealthOK || r.Problem != "" || !slices.Equal(r.Channels, want) || r.Address != addr || r.MSPID != "AnhuiOrdererMSP" {
		t.Errorf("reading: %+v", r)
	}
	if r.ReadAt.Before(before) || r.ReadAt.Location() != time.UTC {
		t.Errorf("read at %v, asked at %v", r.ReadAt, before)
	}
	if got := Summarize([]api.NodeReading{{Name: "peer", Channels: []api.ChannelHeight{{Channel: "delta", Height: 18}}}, r}); !slices.Equal(got,
		[]api.ChannelSummary{{Channel: "anhui", Height: 42, RaftLeader: "n"}, {Channel: "delta", Height: 18}}) {
		t.Errorf("summary: %+v", got)
	}
}

// A peer keeps its ledger of a channel its organisation has left, which
// no longer grows: read with its organisation's channels, that channel is
// left, without a height, and the summary does not count it. Read without
// them, or as an orderer, every channel is the node's.
func TestAPeersChannelItsOrganisationLeftIsLeftAndNotSummarized(t *testing.T) {
	addr := (&node{health: http.StatusOK, body: "OK", metrics: "testdata/peer.metrics"}).serve(t)
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Second)
	defer cancel()
	r := Read(ctx, Target{Name: "peer.bengbu", Kind: api.NodePeer, MSPID: "BengbuMSP", Address: addr, Channels: []string{"anhui"}}, time.Now)
	if r.Health != api.HealthOK || r.Problem != "" || !slices.Equal(r.Channels, []api.ChannelHeight{{Channel: "anhui", Height: 40}}) ||
		!slices.Equal(r.LeftChannels, []string{"delta"}) {
		t.Errorf("a peer whose organisation left delta: %+v", r)
	}
	orderer := api.NodeReading{Name: "orderer.anhui", Channels: []api.ChannelHeight{{Channel: "anhui", Height: 40, RaftLeader: true}, {Channel: "delta", Height: 21}}}
	if got := Summarize([]api.NodeReading{r, orderer}); !slices.Equal(got,
		[]api.ChannelSummary{{Channel: "anhui", Height: 40, RaftLeader: "orderer.anhui"}, {Channel: "delta", Height: 21}}) {
		t.Errorf("summary: %+v; want delta at the orderer's 21, not the left peer's 23", got)
	}
	if got := Summarize([]api.NodeReading{r}); !slices.Equal(got, []api.ChannelSummary{{Channel: "anhui", Height: 40}}) {
		t.Errorf("summary of the peer alone: %+v", got)
	}
	for _, tg := range []Target{{Kind: api.NodePeer, Address: addr}, {Kind: api.NodeOrderer, Address: addr, Channels: []string{"anhui"}}} {
		if r := Read(ctx, tg, time.Now); len(r.Channels) != 2 || r.LeftChannels != nil {
			t.Errorf("a %s read with channels %v: %+v", tg.Kind, tg.Channels, r)
		}
	}
	r = Read(ctx, Target{Kind: api.NodePeer, Address: addr, Channels: []string{"shanghai"}}, time.Now)
	if r.Channels != nil || !slices.Equal(r.LeftChannels, []string{"anhui", "delta"}) {
		t.Errorf("a peer with none of its organisation's channels: %+v", r)
	}
}

func TestANodeThatDoesNotAnswerIsDownAndOneThatSaysItIsUnwellIsFailing(t *testing.T) {
	for _, kind := range []string{api.NodePeer, api.NodeRelay, api.NodeChaincode} {
		if r := read(t, kind, closedAddr(t)); r.Health != api.HealthDown || !strings.Contains(r.Problem, "refused") || r.Channels != nil {
			t.Errorf("%s on a closed port: %+v", kind, r)
		}
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if r := read(t, api.NodeChaincode, l.Addr().String()); r.Health != api.HealthOK {
		t.Errorf("a chaincode server that accepts: %+v", r)
	}

	fabric503 := `{"status":"Service Unavailable","time":"2026-01-01T00:00:00Z","failed_checks":[{"component":"docker","reason":"failed to ping"}]}`
	addr := (&node{health: http.StatusServiceUnavailable, body: fabric503, metrics: "testdata/orderer.metrics"}).serve(t)
	r := read(t, api.NodePeer, addr)
	if r.Health != api.HealthFailing || !strings.Contains(r.Problem, "HTTP 503") || !strings.Contains(r.Problem, "failed to ping") || len(r.Channels) != 2 {
		t.Errorf("a peer whose health check fails: %+v", r)
	}

	addr = (&node{health: http.StatusOK, body: strings.Repeat("慢", 3000), delay: time.Second}).serve(t)
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	r = Read(ctx, Target{Name: "slow", Kind: api.NodePeer, Address: addr}, time.Now)
	if r.Health != api.HealthDown || time.Since(start) > 500*time.Millisecond || !strings.Contains(r.Problem, "deadline") {
		t.Errorf("a node slower than the timeout: %+v after %s", r, time.Since(start))
	}
}

func TestWhatCannotBeReadIsNamedAndBounded(t *testing.T) {
	dir := t.TempDir()
	broken := dir + "/broken.metrics"
	if err := os.WriteFile(broken, []byte("ledger_blockchain_height{channel=\"anhui\" 3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := read(t, api.NodePeer, (&node{health: http.StatusOK, metrics: broken}).serve(t))
	if r.Health != api.HealthOK || !strings.HasPrefix(r.Problem, "metrics: ") || r.Channels != nil {
		t.Errorf("unparsable metrics: %+v", r)
	}
	huge := dir + "/huge.metrics"
	if err := os.WriteFile(huge, []byte(strings.Repeat("# padding\n", MaxMetrics/10+1)), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := read(t, api.NodePeer, (&node{health: http.StatusOK, metrics: huge}).serve(t)); !strings.Contains(r.Problem, "passes") {
		t.Errorf("metrics over the bound: %+v", r)
	}
	long := strings.Repeat("故障", 200) // not cut inside a character
	r = read(t, api.NodePeer, (&node{health: http.StatusInternalServerError, body: long, metrics: "testdata/orderer.metrics"}).serve(t))
	if len(r.Problem) > MaxProblem || !strings.HasSuffix(r.Problem, "…") || !strings.Contains(r.Problem, "故障") || strings.ContainsRune(r.Problem, '\uFFFD') {
		t.Errorf("a long problem: %d bytes: %q", len(r.Problem), r.Problem)
	}
	var many strings.Builder
	for i := range MaxChannels + 6 {
		fmt.Fprintf(&many, "ledger_blockchain_height{channel=\"c%03d\"} %d\n", i, i)
	}
	crowded := dir + "/crowded.metrics"
	if err := os.WriteFile(crowded, []byte(many.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := read(t, api.NodePeer, (&node{health: http.StatusOK, metrics: crowded}).serve(t)); len(r.Channels) != MaxChannels || r.Channels[0].Channel != "c000" ||
		r.Problem != "70 channels; the first 64 shown" {
		t.Errorf("a peer of %d channels: %d shown, %q", MaxChannels+6, len(r.Channels), r.Problem)
	}
	if r := read(t, api.NodePeer, (&node{health: http.StatusOK, body: strings.Repeat("x", 5000), metrics: crowded}).serve(t)); r.Health != api.HealthFailing {
		t.Errorf("a /healthz answer over its bound: %+v", r.Health)
	}
	if r := read(t, api.NodeGateway, (&node{health: http.StatusOK, metrics: "testdata/orderer.metrics"}).serve(t)); r.Cache != nil || !strings.Contains(r.Problem, "wanledger_gateway_cache_height") {
		t.Errorf("a gateway without its cache metrics: %+v", r)
	}
}

func TestARelayReportsItsDirections(t *testing.T) {
	addr := (&node{health: http.StatusOK, status: `{"directions":[{"source":"anhui","target":"delta","sourceHeight":30,"checkpoint":28,"lagBlocks":2,"lagSeconds":1.5,"relayed":9}]}`}).serve(t)
	r := read(t, api.NodeRelay, addr)
	if r.Health != api.HealthOK || len(r.Relay) != 1 || r.Relay[0].LagBlocks != 2 || r.Relay[0].LagSeconds != 1.5 || r.Relay[0].Source != "anhui" {
		t.Errorf("relay: %+v", r)
	}
	if r := read(t, api.NodeRelay, (&node{health: http.StatusOK, status: "{"}).serve(t)); !strings.HasPrefix(r.Problem, "relay status: ") {
		t.Errorf("an unreadable status: %+v", r)
	}
}

func TestReadAllReadsAtMostParallelNodesAtOnce(t *testing.T) {
	var mu sync.Mutex
	in, most := 0, 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		in++
		most = max(most, in)
		mu.Unlock()
		time.Sleep(30 * time.Millisecond)
		mu.Lock()
		in--
		mu.Unlock()
		w.Write([]byte("ok"))
	}))
	defer srv.Close()
	addr := strings.TrimPrefix(srv.URL, "http://")
	var targets []Target
	for i := range 9 {
		targets = append(targets, Target{Name: string(rune('a' + i)), Kind: api.NodeRelay, Address: addr})
	}
	targets = append(targets, Target{Name: "gone", Kind: api.NodePeer, Address: closedAddr(t)})
	got := ReadAll(t.Context(), targets, 3, time.Second, time.Now)
	if len(got) != len(targets) || most > 3 || most < 2 {
		t.Fatalf("%d readings, at most %d at once", len(got), most)
	}
	for i, r := range got {
		if r.Name != targets[i].Name {
			t.Errorf("reading %d is %s's", i, r.Name)
		}
	}
	if got[9].Health != api.HealthDown || got[0].Health != api.HealthOK {
		t.Errorf("readings: %+v", got)
	}
}

func TestAWatcherReadsTheNodesAtMostOncePerMaxAge(t *testing.T) {
	n := &node{health: http.StatusOK, metrics: "testdata/orderer.metrics"}
	addr := n.serve(t)
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var clock sync.Mutex
	w := NewWatcher(WatchOptions{Targets: []Target{{Name: "o", Kind: api.NodeOrderer, Address: addr}}, Timeout: time.Second, Parallel: 2,
		MaxAge: time.Second, Clock: func() time.Time { clock.Lock(); defer clock.Unlock(); return now }})
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if r := w.Read(t.Context()); len(r) != 1 || r[0].Health != api.HealthOK {
				t.Errorf("%+v", r)
			}
		})
	}
	wg.Wait()
	if got := n.hits.Load(); got != 2 { // /healthz and /metrics, once
		t.Errorf("8 callers within MaxAge made %d requests", got)
	}
	clock.Lock()
	now = now.Add(time.Second)
	clock.Unlock()
	ctx, cancel := context.WithCancel(t.Context())
	cancel() // a caller that gave up does not cut the read short
	if r := w.Read(ctx); r[0].Health != api.HealthOK || !r[0].ReadAt.Equal(now) || n.hits.Load() != 4 {
		t.Errorf("after MaxAge: %+v, %d requests", r, n.hits.Load())
	}
}
