package integration

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/gateway/fabric"
	"github.com/wanledger/wanledger/internal/fabricid"
	"github.com/wanledger/wanledger/internal/gm"
	"github.com/wanledger/wanledger/internal/nodeops"
	"github.com/wanledger/wanledger/network"
	"github.com/wanledger/wanledger/network/nettest"
)

// readLicence reads a licence on its own channel.
func readLicence(ctx context.Context, c *client.Contract, id string) (*record.Licence, error) {
	out, err := c.EvaluateWithContext(ctx, "Get", client.WithArguments(id))
	if err != nil {
		return nil, fmt.Errorf("Get %s: %s", id, fabricid.ErrorMessage(err))
	}
	var l record.Licence
	return &l, json.Unmarshal(out, &l)
}

// readRelayed reads a licence relayed to another channel.
func readRelayed(ctx context.Context, c *client.Contract, id string) (*record.RelayedLicence, error) {
	out, err := c.EvaluateWithContext(ctx, "GetRelayed", client.WithArguments(id))
	if err != nil {
		return nil, fmt.Errorf("GetRelayed %s: %s", id, fabricid.ErrorMessage(err))
	}
	var r record.RelayedLicence
	return &r, json.Unmarshal(out, &r)
}

// sameAsSource checks a relayed licence is the source's version: the same
// revision, transaction, status and status history.
func sameAsSource(src *record.Licence, r *record.RelayedLicence) error {
	switch l := r.Licence; {
	case l == nil:
		return fmt.Errorf("relayed %s carries no licence", src.ID)
	case l.Revision != src.Revision || l.TxID != src.TxID:
		return fmt.Errorf("relayed %s at revision %d (tx %s), source at %d (tx %s)", src.ID, l.Revision, l.TxID, src.Revision, src.TxID)
	case l.Status != src.Status || !reflect.DeepEqual(l.StatusHistory, src.StatusHistory):
		return fmt.Errorf("relayed %s: status %s history %v, source: %s %v", src.ID, l.Status, l.StatusHistory, src.Status, src.StatusHistory)
	case r.Source.TxID != src.TxID:
		return fmt.Errorf("relayed %s names source transaction %s, want %s", src.ID, r.Source.TxID, src.TxID)
	}
	return nil
}

// awaitRelayed waits until the relayed record of id on the target equals
// the source licence, and returns how long that took from since.
func awaitRelayed(t *testing.T, source, target *client.Contract, id string, since time.Time, within time.Duration) (*record.RelayedLicence, time.Duration) {
	t.Helper()
	ctx := t.Context()
	src, err := readLicence(ctx, source, id)
	if err != nil {
		t.Fatal(err)
	}
	var r *record.RelayedLicence
	nettest.Eventually(t, within, func() error {
		if r, err = readRelayed(ctx, target, id); err != nil {
			return err
		}
		return sameAsSource(src, r)
	})
	return r, time.Since(since)
}

// checkProof checks what a relayed record says of its proof.
func checkProof(t *testing.T, r *record.RelayedLicence, channel string, majority int) {
	t.Helper()
	if r.Source.Channel != channel || !slices.Contains(r.Source.Endorsers, r.Licence.IssuerMSP) || len(r.Source.Endorsers) < majority {
		t.Errorf("relayed %s: source %+v, want channel %s endorsed by %s and %d organisations", r.Licence.ID, r.Source, channel, r.Licence.IssuerMSP, majority)
	}
}

// TestRelayCarriesAHefeiLicenceAndItsRevocationToDelta: a licence issued
// by Hefei's issuer on anhui appears on delta, read by Shanghai, with the
// same revision and status history, proven by Hefei and a majority of
// anhui; its revocation follows.
func TestRelayCarriesAHefeiLicenceAndItsRevocationToDelta(t *testing.T) {
	env := nettest.Get(t)
	now := time.Now().UTC().Truncate(time.Second)
	seal := hefeiAgency(t, env, "relay-hefei", "relay-hefei-seal", now)
	issuer := contract(t, env, "hefei", "User1", "licence")
	source := contract(t, env, "hefei", "Admin", "licence")
	target := contractOn(t, env, "delta", "shanghai", "Admin", "relay")

	c, sig := businessLicence(t, "BL-RELAY-0001", "relay-hefei", "relay-hefei-seal", seal, now)
	issue(t, issuer, c, sig)
	r, took := awaitRelayed(t, source, target, c.ID, time.Now(), time.Minute)
	checkProof(t, r, "anhui", 2)
	t.Logf("issuance on anhui relayed to delta %s after its commit", took.Round(time.Millisecond))

	mustSubmit(t, issuer, "Revoke", c.ID, "FRAUD", "")
	r, took = awaitRelayed(t, source, target, c.ID, time.Now(), time.Minute)
	if r.Licence.Status != record.StatusRevoked {
		t.Errorf("relayed status %s after the revocation", r.Licence.Status)
	}
	t.Logf("revocation on anhui relayed to delta %s after its commit", took.Round(time.Millisecond))
}

// shanghaiAgency sets up on delta what a Shanghai issuer needs: Shanghai's
// own mutually recognised type typ, agency accredited to ShanghaiMSP for
// Shanghai (310000), its seal key, and Shanghai's User1 bound as its
// issuer. It returns the seal's private key.
func shanghaiAgency(t *testing.T, env *nettest.Env, typ, agency, sealID string, now time.Time) *gm.PrivateKey {
	t.Helper()
	admin := contractOn(t, env, "delta", "shanghai", "Admin", "registry")
	mustSubmit(t, admin, "PutLicenceType", toJSON(t, record.LicenceType{Code: typ, Name: "上海营业执照",
		MaxValidityDays: 3650, MutualRecognition: true,
		Fields: []record.FieldSpec{{Name: "name", Type: record.FieldString, Required: true}, {Name: "creditCode", Type: record.FieldString, Required: true}}}))
	mustSubmit(t, admin, "GrantAccreditation", toJSON(t, record.Accreditation{AgencyID: agency, MSPID: "ShanghaiMSP",
		Types: []string{typ}, Region: "310000", ValidFrom: now.Add(-time.Hour), ValidTo: now.AddDate(2, 0, 0)}))
	seal, err := gm.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	mustSubmit(t, admin, "RegisterSealKey", toJSON(t, record.SealKey{KeyID: sealID, AgencyID: agency,
		PublicKey: seal.Public().Hex(), ValidFrom: now.Add(-time.Hour), ValidTo: now.AddDate(1, 0, 0)}))
	mustSubmit(t, admin, "BindRole", clientID(t, contractOn(t, env, "delta", "shanghai", "User1", "registry")), "issuer", agency)
	return seal
}

// TestRelayCarriesAShanghaiLicenceToAnhui: the reverse direction, a
// Shanghai licence of a mutually recognised type read on anhui by Wuhu.
func TestRelayCarriesAShanghaiLicenceToAnhui(t *testing.T) {
	env := nettest.Get(t)
	now := time.Now().UTC().Truncate(time.Second)
	seal := shanghaiAgency(t, env, "sh-relay-licence", "sh-relay", "sh-relay-seal", now)
	issuer := contractOn(t, env, "delta", "shanghai", "User1", "licence")
	c, sig := licenceContent(t, "SH-RELAY-0001", "sh-relay-licence", "310104", "sh-relay", "sh-relay-seal", seal, now)
	issue(t, issuer, c, sig)
	source := contractOn(t, env, "delta", "shanghai", "Admin", "licence")
	target := contract(t, env, "wuhu", "Admin", "relay")
	r, took := awaitRelayed(t, source, target, c.ID, time.Now(), time.Minute)
	checkProof(t, r, "delta", 3)
	if r.Type == nil || r.Type.Code != "sh-relay-licence" || r.SealKey == nil || r.SealKey.KeyID != "sh-relay-seal" || r.Grant == nil {
		t.Errorf("relayed %s lacks its type, seal key or grant: %+v", c.ID, r)
	}
	t.Logf("issuance on delta relayed to anhui %s after its commit", took.Round(time.Millisecond))
	checkStatusShowsTheRelay(t, env)
}

// checkStatusShowsTheRelay: `wanledger status` lists the relay, running,
// with the lag of each direction.
func checkStatusShowsTheRelay(t *testing.T, env *nettest.Env) {
	t.Helper()
	st, err := env.Net.Status(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(st, func(n network.NodeStatus) bool { return n.Name == "relay.anhui" })
	if i < 0 || !st[i].Running || st[i].Health != "ok" || len(st[i].Relays) != 2 {
		t.Fatalf("status of the relay: %+v", st)
	}
	var out strings.Builder
	if err := network.PrintStatus(&out, st[i:i+1]); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"anhui→delta lag", "delta→anhui lag"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("status table lacks %q:\n%s", want, out.String())
		}
	}
}

// TestRelayKilledDuringABurstResumesExactlyOnce: 200 status changes
// (suspend and reinstate in turn over 20 Hefei licences) while the relay
// is killed with SIGKILL and started again; in the end every licence's
// relayed record on delta equals the source licence.
func TestRelayKilledDuringABurstResumesExactlyOnce(t *testing.T) {
	env := nettest.Get(t)
	ctx := t.Context()
	now := time.Now().UTC().Truncate(time.Second)
	seal := hefeiAgency(t, env, "relay-burst", "relay-burst-seal", now)
	issuer := contract(t, env, "hefei", "User1", "licence")
	source := contract(t, env, "hefei", "Admin", "licence")
	target := contractOn(t, env, "delta", "shanghai", "Admin", "relay")

	const licences, changes = 20, 10
	var ids []string
	for i := range licences {
		c, sig := businessLicence(t, fmt.Sprintf("BL-BURST-%03d", i), "relay-burst", "relay-burst-seal", seal, now)
		issue(t, issuer, c, sig)
		ids = append(ids, c.ID)
	}

	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		acked int
		errs  []error
	)
	start := time.Now()
	for _, id := range ids {
		wg.Go(func() {
			for j := range changes {
				fn, reason := "Suspend", "INVESTIGATION"
				if j%2 == 1 {
					fn, reason = "Reinstate", "INVESTIGATION_CLOSED"
				}
				err := changeStatus(ctx, issuer, fn, id, reason)
				mu.Lock()
				if err != nil {
					errs = append(errs, fmt.Errorf("%s %s: %s", fn, id, fabricid.ErrorMessage(err)))
				} else {
					acked++
				}
				mu.Unlock()
				if err != nil {
					return
				}
			}
		})
	}
	// Kill the relay with a third of the changes committed.
	nettest.Eventually(t, 2*time.Minute, func() error {
		mu.Lock()
		defer mu.Unlock()
		if acked < licences*changes/3 && len(errs) == 0 {
			return fmt.Errorf("%d changes committed", acked)
		}
		return nil
	})
	h, err := env.Net.Handle("relay.anhui")
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Kill(); err != nil {
		t.Fatal(err)
	}
	if !h.WaitExit(10 * time.Second) {
		t.Fatal("the relay did not exit after SIGKILL")
	}
	time.Sleep(time.Second) // changes go on while it is down
	if err := env.Net.StartNode(ctx, "relay.anhui"); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	if len(errs) > 0 {
		t.Fatalf("%d status changes failed, first: %v", len(errs), errs[0])
	}
	committed := time.Now()

	var slowest time.Duration
	for _, id := range ids {
		_, took := awaitRelayed(t, source, target, id, committed, 2*time.Minute)
		slowest = max(slowest, took)
	}
	t.Logf("%d status changes committed in %s; all relayed %s after the last commit",
		licences*changes, committed.Sub(start).Round(time.Millisecond), slowest.Round(time.Millisecond))
	for _, id := range ids {
		src, err := readLicence(ctx, source, id)
		if err != nil {
			t.Fatal(err)
		}
		// The issuance and every change, each once.
		if src.Revision != 1+changes || len(src.StatusHistory) != 1+changes {
			t.Errorf("source %s at revision %d with %d status entries, want %d of each", id, src.Revision, len(src.StatusHistory), 1+changes)
		}
	}
	// The restarted relay catches up with the sources: its checkpoints
	// reach their heights.
	relaysIdle(t, env)
	t.Logf("relay caught up with anhui %s after the last commit", time.Since(committed).Round(time.Millisecond))
}

// changeStatus submits a status change, again while the endorsing peers of
// other organisations have not committed the previous change yet (they
// refuse it as INVALID_TRANSITION until they have).
func changeStatus(ctx context.Context, issuer *client.Contract, fn, id, reason string) error {
	for attempt := 1; ; attempt++ {
		_, _, err := fabricid.Submit(ctx, issuer, fn, 5, id, reason)
		if err == nil || attempt == 20 || fabric.Classify(err).Code != string(record.CodeInvalidTransition) {
			return err
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// relaysIdle waits until the relay has imported every change it read and
// is at the sources' heights, twice a second and a half apart (it polls
// the heights every second).
func relaysIdle(t *testing.T, env *nettest.Env) {
	t.Helper()
	idle := func() error {
		ctx, cancel := context.WithTimeout(t.Context(), 3*time.Second)
		defer cancel()
		st, err := nodeops.RelayStatus(ctx, relayNode(t, env).OperationsAddr())
		if err != nil {
			return err
		}
		for _, d := range st {
			if d.SourceHeight == 0 || d.LagBlocks > 0 || d.LagSeconds > 0 {
				return fmt.Errorf("relay %s→%s busy: %+v", d.Source, d.Target, d)
			}
		}
		return nil
	}
	nettest.Eventually(t, 2*time.Minute, func() error {
		if err := idle(); err != nil {
			return err
		}
		time.Sleep(1500 * time.Millisecond)
		return idle()
	})
}

func relayNode(t *testing.T, env *nettest.Env) network.Node {
	n, ok := env.Net.Topo.Node("relay.anhui")
	if !ok {
		t.Fatal("no relay.anhui node")
	}
	return n
}
