package integration

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/p2p/net/swarm"
	"github.com/libp2p/go-libp2p/p2p/protocol/ping"
	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/apiclient"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/gateway/keys"
	"github.com/wanledger/wanledger/gateway/mesh"
	"github.com/wanledger/wanledger/network/nettest"
)

// adminClient is the API client of org's gateway with its admin key.
func adminClient(t *testing.T, env *nettest.Env, org string) *apiclient.Client {
	g := gatewayAs(t, env, org, keys.RoleAdmin)
	return apiclient.New(g.url, g.key)
}

// TestMeshEndpointsRegisteredOnTheLedger: every gateway runs a mesh host
// on its topology's mesh port (TCP and QUIC), shows its peer ID in
// /healthz, and the ledger's endpoint of its organisation names that peer
// ID and those addresses (registered during up; registered again here if
// another test of the shared network overwrote it).
func TestMeshEndpointsRegisteredOnTheLedger(t *testing.T) {
	env := nettest.Get(t)
	ctx := t.Context()
	for _, o := range env.Net.Topo.Orgs {
		t.Run(o.Name, func(t *testing.T) {
			c := adminClient(t, env, o.Name)
			st, err := c.Mesh(ctx)
			if err != nil {
				t.Fatal(err)
			}
			n, _ := env.Net.Topo.Node("gateway." + o.Name)
			want := slices.Sorted(slices.Values(n.MeshAddrs()))
			if !slices.Equal(st.Data.Addrs, want) {
				t.Fatalf("mesh addresses %v, want the topology's %v", st.Data.Addrs, want)
			}
			if !st.Data.Registered {
				t.Logf("%s's endpoint was overwritten by another test: registering it again", o.MSPID)
				if _, err := c.RegisterMesh(ctx); err != nil {
					t.Fatal(err)
				}
			}
			var health struct {
				Mesh struct {
					PeerID string `json:"peerId"`
				} `json:"mesh"`
			}
			resp, err := http.Get(c.URL + "/healthz")
			if err != nil {
				t.Fatal(err)
			}
			err = json.NewDecoder(resp.Body).Decode(&health)
			resp.Body.Close()
			if err != nil || health.Mesh.PeerID != st.Data.PeerID {
				t.Fatalf("/healthz mesh peer %q, %v; want %s", health.Mesh.PeerID, err, st.Data.PeerID)
			}
			out, err := registry(env.Gateway(t, o.Name, "User1"), env.Net.Topo.GatewayChannel(o.Name)).EvaluateTransaction("GetGatewayEndpoint", o.MSPID)
			if err != nil {
				t.Fatal(err)
			}
			var ep record.GatewayEndpoint
			if err := json.Unmarshal(out, &ep); err != nil {
				t.Fatal(err)
			}
			if ep.MSPID != o.MSPID || ep.PeerID != st.Data.PeerID || !slices.Equal(ep.Addrs, want) {
				t.Fatalf("the ledger's endpoint %+v; the gateway is %s at %v", ep, st.Data.PeerID, want)
			}
		})
	}
}

// ledgerView is a Registry of endpoints as a gateway's /v1/mesh lists them.
type ledgerView struct {
	mu  sync.Mutex
	eps []record.GatewayEndpoint
}

func (v *ledgerView) Endpoint(msp string) (string, []string, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	for _, ep := range v.eps {
		if ep.MSPID == msp {
			return ep.PeerID, ep.Addrs, nil
		}
	}
	return "", nil, fmt.Errorf("%s has no endpoint", msp)
}

func (v *ledgerView) Registered(p peer.ID) (string, bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	for _, ep := range v.eps {
		if ep.PeerID == p.String() {
			return ep.MSPID, true
		}
	}
	return "", false
}

// pingGateway dials org's gateway from h and pings it once.
func pingGateway(ctx context.Context, h *mesh.Host, msp string) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	p, err := h.Dial(ctx, msp)
	if err == nil {
		res := <-ping.Ping(ctx, h.Libp2p(), p)
		err = res.Error
	}
	if err != nil {
		for _, c := range h.Libp2p().Network().ConnsToPeer(p) {
			c.Close()
		}
		if sw, ok := h.Libp2p().Network().(*swarm.Swarm); ok {
			sw.Backoff().Clear(p)
		}
	}
	return err
}

// TestMeshGatewayRefusesUnregisteredPeers: a libp2p host that runs the
// gateway's own mesh code but whose peer ID no organisation registered is
// refused by Hefei's gateway; once Wuhu's admin registers it as Wuhu's
// endpoint, Hefei's gateway (following the ledger through its cache) lets
// it in; when Wuhu's gateway registers itself again, it is refused again.
func TestMeshGatewayRefusesUnregisteredPeers(t *testing.T) {
	env := nettest.Get(t)
	ctx := t.Context()
	hefei, wuhu := adminClient(t, env, "hefei"), adminClient(t, env, "wuhu")
	if _, err := hefei.RegisterMesh(ctx); err != nil { // as up left it, whatever other tests did
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if _, err := wuhu.RegisterMesh(context.Background()); err != nil {
			t.Errorf("Wuhu's gateway endpoint not restored: %v", err)
		}
	})
	view := &ledgerView{}
	refresh := func() {
		st, err := hefei.Mesh(ctx)
		if err != nil {
			t.Fatal(err)
		}
		view.mu.Lock()
		view.eps = st.Data.Endpoints
		view.mu.Unlock()
	}
	nettest.Eventually(t, time.Minute, func() error {
		refresh()
		if _, _, err := view.Endpoint("HefeiMSP"); err != nil {
			return err
		}
		st, err := hefei.Mesh(ctx)
		if err != nil || !st.Data.Registered {
			return errors.Join(err, errors.New("Hefei's cache does not show its endpoint yet"))
		}
		return nil
	})
	outsider, err := mesh.New(ctx, mesh.Config{KeyFile: filepath.Join(t.TempDir(), "mesh.key")}, view)
	if err != nil {
		t.Fatal(err)
	}
	defer outsider.Close()

	if err := pingGateway(ctx, outsider, "HefeiMSP"); err == nil {
		t.Fatal("Hefei's gateway answered a peer no organisation registered")
	}
	if _, err := registry(env.Gateway(t, "wuhu", "Admin"), "anhui").SubmitTransaction("SetGatewayEndpoint", outsider.ID().String(), toJSON(t, outsider.Addrs())); err != nil {
		t.Fatal(err)
	}
	nettest.Eventually(t, time.Minute, func() error { return pingGateway(ctx, outsider, "HefeiMSP") })
	if _, err := wuhu.RegisterMesh(ctx); err != nil {
		t.Fatal(err)
	}
	nettest.Eventually(t, time.Minute, func() error {
		for _, c := range outsider.Libp2p().Network().Conns() {
			c.Close()
		}
		if err := pingGateway(ctx, outsider, "HefeiMSP"); err == nil {
			return errors.New("still answered after Wuhu registered its own gateway again")
		}
		return nil
	})
}

// TestMeshDataCommandsAtTheOwnersGateway: Hefei's data-owner registers a
// dataset, imports its rows with `wanledger data import` (CSV, then JSON
// lines), lists and describes them; an import with a column the
// registration lacks is refused with its code and changes nothing; the
// gateway's files never hold a value in the clear and its data key is
// 0600; `data delete` removes the rows.
func TestMeshDataCommandsAtTheOwnersGateway(t *testing.T) {
	env := nettest.Get(t)
	owner := gatewayAs(t, env, "hefei", "data-owner")
	id := fmt.Sprintf("hefei.rows-%d", time.Now().UnixNano())
	var tx struct{}
	cliJSON(t, env, owner, &tx, "share", "register-dataset", writeFile(t, api.DatasetRequest{ID: id, Description: "户籍人口 rows",
		Fields: []record.FieldSpec{{Name: "address", Type: record.FieldString, Required: true}, {Name: "members", Type: record.FieldNumber}}}))

	const marker = "Plain-Marker-9QzX"
	dir := t.TempDir()
	csvPath := filepath.Join(dir, "rows.csv")
	csv := "_subject,address,members\n" + strings.Repeat(pseudonym(1)+","+marker+" Road,3\n"+pseudonym(2)+",Huaihe Road,\n", 100)
	if err := os.WriteFile(csvPath, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	var info api.DatasetRows
	cliJSON(t, env, owner, &info, "data", "import", "--dataset", id, csvPath)
	if info.Rows != 200 || !info.Subjects || !slices.Equal(info.Fields, []string{"address", "members"}) {
		t.Fatalf("imported %+v", info)
	}
	bad := filepath.Join(dir, "bad.csv")
	if err := os.WriteFile(bad, []byte("address,members,income\nA,1,2\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, stderr, err := cli(t, env, "data", "import", "--dataset", id, bad, "--url", owner.url, "--key", owner.key)
	if err == nil || !strings.Contains(stderr, api.CodeDatasetUnknownField) {
		t.Fatalf("a column the registration lacks: %v, %s", err, stderr)
	}
	var again api.DatasetRows
	cliJSON(t, env, owner, &again, "data", "info", id)
	if again.Generation != info.Generation || again.Rows != 200 {
		t.Fatalf("a refused import changed the rows: %+v", again)
	}
	jsonl := filepath.Join(dir, "rows.jsonl")
	if err := os.WriteFile(jsonl, []byte(`{"address":"A","members":2}`+"\n"+`{"address":"B"}`+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cliJSON(t, env, owner, &info, "data", "import", "--dataset", id, jsonl)
	if info.Rows != 2 || info.Subjects {
		t.Fatalf("JSON lines imported %+v", info)
	}
	var list []api.DatasetRows
	cliJSON(t, env, owner, &list, "data", "list")
	if !slices.ContainsFunc(list, func(d api.DatasetRows) bool { return d.ID == id && d.Rows == 2 }) {
		t.Fatalf("list %+v lacks %s", list, id)
	}

	cliJSON(t, env, owner, &info, "data", "import", "--dataset", id, csvPath)
	store := filepath.Join(env.Net.Home.NodeDir("gateway.hefei"), "cache-datasets")
	fi, err := os.Stat(filepath.Join(store, "data.key"))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("data key %v, %v", fi, err)
	}
	var files int
	err = filepath.WalkDir(store, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if bytes.Contains(b, []byte(marker)) {
			t.Errorf("%s holds a value in the clear", p)
		}
		files++
		return err
	})
	if err != nil || files < 3 {
		t.Fatalf("walked %d files: %v", files, err)
	}
	var deleted map[string]string
	cliJSON(t, env, owner, &deleted, "data", "delete", id)
	_, stderr, err = cli(t, env, "data", "info", id, "--url", owner.url, "--key", owner.key)
	if err == nil || !strings.Contains(stderr, api.CodeDatasetNotImported) {
		t.Fatalf("info after delete: %v, %s", err, stderr)
	}
}
