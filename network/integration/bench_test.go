package integration

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"github.com/wanledger/wanledger/api/apiclient"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/network/nettest"
	"google.golang.org/protobuf/proto"
)

// benchReport is the JSON report of `wanledger bench` as docs/bench.md
// gives it; decoding refuses any other field.
type benchReport struct {
	Load struct {
		Mode            string  `json:"mode"`
		Rate            float64 `json:"rate"`
		Clients         int     `json:"clients"`
		DurationSeconds float64 `json:"durationSeconds"`
		Requests        int     `json:"requests"`
	} `json:"load"`
	Org        string   `json:"org"`
	Gateway    string   `json:"gateway"`
	CPUs       int      `json:"cpus"`
	Baseline   *float64 `json:"baselineWritesPerSecond"`
	Operations []struct {
		Operation         string   `json:"operation"`
		Unit              string   `json:"unit"`
		Requests          int      `json:"requests"`
		Succeeded         int      `json:"succeeded"`
		Failed            int      `json:"failed"`
		Items             int      `json:"items"`
		ElapsedSeconds    float64  `json:"elapsedSeconds"`
		RequestsPerSecond float64  `json:"requestsPerSecond"`
		ItemsPerSecond    float64  `json:"itemsPerSecond"`
		XBaseline         *float64 `json:"xBaseline"`
		CPU               *struct {
			MsPerItem       map[string]float64 `json:"msPerItem"`
			TotalMsPerItem  float64            `json:"totalMsPerItem"`
			WindowSeconds   float64            `json:"windowSeconds"`
			IdleMsPerSecond float64            `json:"idleMsPerSecond"`
			XBaseline       *float64           `json:"xBaseline"`
		} `json:"cpu"`
		Latency      map[string]float64 `json:"latencyMs"`
		Errors       map[string]int     `json:"errors"`
		ErrorSamples map[string]string  `json:"errorSamples"`
	} `json:"operations"`
}

// benchJSON runs `wanledger bench` on the test network with --json, wants
// exit 0 and decodes the report strictly.
func benchJSON(t *testing.T, env *nettest.Env, args ...string) benchReport {
	t.Helper()
	stdout, stderr, err := cli(t, env, append(append([]string{"bench"}, args...), "--home", string(env.Net.Home), "--json")...)
	if err != nil {
		t.Fatalf("wanledger bench %s: exit %d: %s", strings.Join(args, " "), exitOf(err), stderr)
	}
	var r benchReport
	dec := json.NewDecoder(strings.NewReader(stdout))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		t.Fatalf("the report is not of the documented shape: %v\n%s", err, stdout)
	}
	return r
}

// TestBenchDrivesEveryOperationAndItsWritesAreOnTheLedger: a short bench
// of every operation, two clients and six requests each (a batch issues
// 50 licences a request), with the baseline deployed by its first run:
// every request succeeds, each operation's rate is set against the
// baseline's, and every write acknowledged is a valid transaction in the
// block it was acknowledged in, on another organisation's peer, with the
// licence in the state it left; each fetch, of Anhui's dataset by Hefei,
// is an access on the auditor's trail. The same issuance again is refused
// ALREADY_EXISTS six times, counted by code.
func TestBenchDrivesEveryOperationAndItsWritesAreOnTheLedger(t *testing.T) {
	env := nettest.Get(t)
	meshReady(t, env, "hefei", "anhui") // fetch's requester and owner
	acksFile := filepath.Join(t.TempDir(), "acks.jsonl")
	ops := []string{"issue", "baseline", "batch", "verify", "present", "suspend", "revoke", "fetch"}
	load := []string{"--clients", "2", "--requests", "6", "--duration", "1m", "--prefix", "it-bench"}
	r := benchJSON(t, env, append(append(slices.Clone(ops), load...), "--acks", acksFile)...)

	if r.Load.Mode != "closed" || r.Load.Clients != 2 || r.Load.Requests != 6 || r.Org != "hefei" || r.Baseline == nil || *r.Baseline <= 0 || len(r.Operations) != len(ops) {
		t.Fatalf("report %+v", r)
	}
	for i, o := range r.Operations {
		items := map[string]int{"batch": 6 * 50}[o.Operation]
		if items == 0 {
			items = 6
		}
		if o.Operation != ops[i] || o.Requests != 6 || o.Succeeded != 6 || o.Failed != 0 || len(o.Errors) != 0 || o.Items != items {
			t.Errorf("%s: %+v, want 6 requests that succeeded with %d items", ops[i], o, items)
		}
		if o.XBaseline == nil || o.ItemsPerSecond <= 0 || o.Latency["p50"] <= 0 || o.Latency["p99"] < o.Latency["p50"] || o.Latency["max"] < o.Latency["p99"] {
			t.Errorf("%s: rate %g ×baseline %v, latency %v", o.Operation, o.ItemsPerSecond, o.XBaseline, o.Latency)
		}
		// The CPU figures: every kind of node of the test network, over a
		// window at least as long as the load (other tests share the
		// network, so the idle rate subtracted may be off; no sign is
		// asserted).
		if c := o.CPU; c == nil || c.XBaseline == nil || c.WindowSeconds < o.ElapsedSeconds || len(c.MsPerItem) != 5 {
			t.Errorf("%s: CPU %+v, want one figure a kind of node over at least %g s and a ratio to the baseline's", o.Operation, c, o.ElapsedSeconds)
		}
	}

	// Every acknowledged write, read on Wuhu's peer.
	acks := readAcks(t, acksFile)
	want := map[string]int{"issue": 6, "baseline": 6, "batch": 300, "suspend": 6, "revoke": 6}
	got := map[string]int{}
	for _, a := range acks {
		got[a.Operation]++
	}
	for op, n := range want {
		if got[op] != n {
			t.Errorf("%d acknowledged writes of %s, want %d", got[op], op, n)
		}
	}
	settled(t, env, "anhui", "hefei")
	qscc := env.Gateway(t, "wuhu", "User1").GetNetwork("anhui").GetContract("qscc")
	checked := map[string]bool{}
	for _, a := range acks {
		if checked[a.TxID] {
			continue
		}
		checked[a.TxID] = true
		out, err := qscc.EvaluateWithContext(t.Context(), "GetTransactionByID", clientArgs("anhui", a.TxID)...)
		if err != nil {
			t.Fatalf("%s's write of %s (transaction %s) is not on the ledger: %v", a.Operation, a.Key, a.TxID, err)
		}
		var pt peer.ProcessedTransaction
		if err := proto.Unmarshal(out, &pt); err != nil {
			t.Fatal(err)
		}
		if code := peer.TxValidationCode(pt.GetValidationCode()); code != peer.TxValidationCode_VALID {
			t.Errorf("%s's transaction %s is %s on the ledger", a.Operation, a.TxID, code)
		}
		out, err = qscc.EvaluateWithContext(t.Context(), "GetBlockByTxID", clientArgs("anhui", a.TxID)...)
		var b common.Block
		if err == nil {
			err = proto.Unmarshal(out, &b)
		}
		if err != nil || b.GetHeader().GetNumber() != a.Block {
			t.Errorf("%s's transaction %s: block %d (%v), acknowledged in %d", a.Operation, a.TxID, b.GetHeader().GetNumber(), err, a.Block)
		}
	}
	// Every fetch, and the first fetch under each client's authorization
	// off the clock, is an access of Hefei's to Anhui's dataset.
	auditGW := gatewayAs(t, env, "anhui", "auditor")
	dataset := fmt.Sprintf("it-bench-%d", slices.Index(ops, "fetch")+1)
	var trail []*record.AccessRecord
	nettest.Eventually(t, 30*time.Second, func() error {
		p, err := apiclient.New(auditGW.url, auditGW.key).Trace(t.Context(), apiclient.TraceQuery{By: record.TraceByDataset, Value: dataset}, apiclient.Paging{Limit: 100})
		if err != nil {
			return err
		}
		if trail = p.Data.Items; len(trail) != 6+2 {
			return fmt.Errorf("the trail of dataset %s holds %d records, want 8", dataset, len(trail))
		}
		return nil
	})
	for _, a := range trail {
		if a.Kind != record.KindAccess || a.Owner != "AnhuiMSP" || a.Requester != "HefeiMSP" || a.ResponseDigest == "" || !strings.HasPrefix(a.AuthorizationID, dataset+"-") {
			t.Errorf("fetch's access %+v, want an access of HefeiMSP to AnhuiMSP's %s", a, dataset)
		}
	}

	issuer := gatewayAs(t, env, "hefei", "issuer")
	c := apiclient.New(issuer.url, issuer.key)
	status := map[string]record.Status{"issue": record.StatusActive, "batch": record.StatusActive, "suspend": record.StatusSuspended, "revoke": record.StatusRevoked}
	for _, a := range acks {
		if want, ok := status[a.Operation]; ok {
			l, err := c.Licence(t.Context(), a.Key, true)
			if err != nil || l.Data.Status != want {
				t.Errorf("%s's licence %s: %v, want it %s on the ledger", a.Operation, a.Key, err, want)
			}
		}
	}

	// The same licences again: refused, each counted by its code.
	again := benchJSON(t, env, append([]string{"issue"}, load...)...)
	o := again.Operations[0]
	if again.Baseline != nil || o.XBaseline != nil || o.Requests != 6 || o.Succeeded != 0 || o.Failed != 6 || len(o.Errors) != 1 || o.Errors[string(record.CodeAlreadyExists)] != 6 ||
		!strings.HasPrefix(o.ErrorSamples[string(record.CodeAlreadyExists)], string(record.CodeAlreadyExists)+" (HTTP 409)") {
		t.Errorf("issuing the same licences again: %+v, want 6 failed %s and no baseline", o, record.CodeAlreadyExists)
	}
	t.Logf("baseline %.1f writes/s; %s", *r.Baseline, strings.Join(rates(r), ", "))
}

// benchAck is a line of --acks.
type benchAck struct {
	Operation string `json:"operation"`
	Key       string `json:"key"`
	TxID      string `json:"txId"`
	Block     uint64 `json:"block"`
}

func readAcks(t *testing.T, path string) []benchAck {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []benchAck
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		var a benchAck
		dec := json.NewDecoder(strings.NewReader(sc.Text()))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&a); err != nil || a.Key == "" || a.TxID == "" {
			t.Fatalf("--acks line %q: %v", sc.Text(), err)
		}
		out = append(out, a)
	}
	return out
}

func rates(r benchReport) []string {
	var out []string
	for _, o := range r.Operations {
		out = append(out, fmt.Sprintf("%s %.1f %s/s", o.Operation, o.ItemsPerSecond, o.Unit))
	}
	return out
}
