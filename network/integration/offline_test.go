package integration

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/internal/credential"
	"github.com/wanledger/wanledger/internal/gm"
	"github.com/wanledger/wanledger/internal/issuance"
	"github.com/wanledger/wanledger/internal/presentation"
	"github.com/wanledger/wanledger/internal/snapshot"
	"github.com/wanledger/wanledger/network/nettest"
)

// TestOfflineSnapshotsBeforeAndAfterARevocation: Hefei issues a licence to
// a wallet's key; Wuhu's gateway gives a snapshot, Hefei revokes the
// licence, Wuhu gives another. With no network, the holder's offline
// presentation verifies against the first snapshot (VALID, with its age)
// and is refused against the second (revoked), each snapshot checked
// against Wuhu's CA certificate in the run directory.
func TestOfflineSnapshotsBeforeAndAfterARevocation(t *testing.T) {
	env := nettest.Get(t)
	dir := t.TempDir()
	now := time.Now().UTC().Truncate(time.Second)
	const agency, sealID, id = "offline-agency", "offline-seal", "OFFLINE-0001"
	seal := hefeiAgency(t, env, agency, sealID, now)

	walletDir, _ := walletHolder(t, env, dir, agency, sealID, id, "340104199001015678", seal,
		issuance.Fields{"name": "合肥离线科技", "creditCode": "91340100MA2OFFL01Q"}, now)

	wuhu := gatewayAs(t, env, "wuhu", "verifier")
	// wuhuSees waits until Wuhu's cache has the licence in status st.
	wuhuSees := func(st record.Status) {
		nettest.Eventually(t, 30*time.Second, func() error {
			var v api.Verdict
			if code := wuhu.call(http.MethodPost, "/v1/verify", api.VerifyRequest{LicenceID: id}, &v); code != http.StatusOK || v.Status != st {
				return fmt.Errorf("Wuhu sees %s as %q (HTTP %d), want %s", id, v.Status, code, st)
			}
			return nil
		})
	}
	save := func(name string) string {
		file := filepath.Join(dir, name)
		if out, errOut, err := cli(t, env, "snapshot", "save", file, "--url", wuhu.url, "--key", wuhu.key); err != nil {
			t.Fatalf("snapshot save: %v %s\n%s", err, out, errOut)
		}
		return file
	}
	wuhuSees(record.StatusActive)
	before := save("before.snap")
	mustSubmit(t, contract(t, env, "hefei", "User1", "licence"), "Revoke", id, "FRAUD", "")
	wuhuSees(record.StatusRevoked)
	after := save("after.snap")
	if info, err := os.Stat(after); err != nil || info.Size() == 0 || info.Size() > 1<<20 {
		t.Fatalf("after.snap: %v %v", info, err)
	}

	// The checkpoint's own nonce and name; the holder presents offline.
	const nonce, audience = "checkpoint-nonce-0001", "wuhu-checkpoint"
	out, errOut, err := cli(t, env, "wallet", "present", id, "--offline", "--disclose", "name", "--nonce", nonce, "--audience", audience, "--wallet", walletDir)
	if err != nil {
		t.Fatalf("wallet present --offline: %v\n%s", err, errOut)
	}
	pres := strings.TrimSpace(out)
	verifyAs := func(snap, pres string) (snapshot.Verdict, error) {
		out, errOut, err := cli(t, env, "verify", "--offline", snap, "--msp", "WuhuMSP", "--presentation", pres, "--nonce", nonce, "--audience", audience,
			"--home", string(env.Net.Home), "--json")
		var v snapshot.Verdict
		if jerr := json.Unmarshal([]byte(out), &v); jerr != nil {
			t.Fatalf("verify --offline printed %q: %v\n%s", out, jerr, errOut)
		}
		return v, err
	}
	verify := func(snap string) (snapshot.Verdict, error) { return verifyAs(snap, pres) }
	v, err := verify(before)
	if err != nil || !v.Valid || v.Status != record.StatusActive || v.Stale || v.SnapshotMSPID != "WuhuMSP" || v.SnapshotChannel != "anhui" ||
		v.AgeSeconds < 0 || v.AgeSeconds > 600 || v.FreshnessLimit != 86400 || v.BlockHeight == 0 {
		t.Fatalf("against the snapshot before the revocation: %v %+v", err, v)
	}
	if len(v.Disclosed) != 1 || v.Disclosed[0] != (snapshot.Field{Name: "name", Value: "合肥离线科技"}) {
		t.Errorf("disclosed: %+v (creditCode must stay hidden)", v.Disclosed)
	}
	// A thief of the agency's seal key (not revoked) seals content of its
	// choosing for the same licence ID: the snapshot's content digest
	// refuses it.
	forged, err := verifyAs(before, forgeOffline(t, pres, seal, nonce, audience))
	if exitOf(err) != 3 || forged.Valid || !slices.ContainsFunc(forged.Checks, func(c api.Check) bool {
		return c.Name == snapshot.CheckContent && !c.OK && strings.HasPrefix(c.Detail, string(snapshot.ContentMismatch)+": ")
	}) || len(forged.Disclosed) != 0 {
		t.Fatalf("a content sealed with the stolen seal key: exit %d %+v", exitOf(err), forged)
	}
	v2, err := verify(after)
	if exitOf(err) != 3 || v2.Valid || v2.Status != record.StatusRevoked || v2.BlockHeight <= v.BlockHeight {
		t.Fatalf("against the snapshot after the revocation: exit %d %+v", exitOf(err), v2)
	}
	// Text output reports the snapshot's age and limit.
	out, _, err = cli(t, env, "verify", "--offline", before, "--msp", "WuhuMSP", "--presentation", pres, "--nonce", nonce, "--audience", audience, "--home", string(env.Net.Home))
	if err != nil || !strings.Contains(out, id+" VALID offline") || !strings.Contains(out, "old (limit 24h0m0s)") || !strings.Contains(out, "snapshot of anhui at block") || !strings.Contains(out, "signed by WuhuMSP") {
		t.Fatalf("text verdict: %v\n%s", err, out)
	}
}

// forgeOffline is the offline presentation a thief of the seal key makes
// from a genuine one: the same licence ID and fields but "name" with its
// own value and salt, its own holder key, sealed with the agency's key.
func forgeOffline(t *testing.T, genuine string, seal *gm.PrivateKey, nonce, audience string) string {
	t.Helper()
	c, _, _, err := snapshot.ParseOffline(genuine)
	if err != nil {
		t.Fatal(err)
	}
	thief, err := gm.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	d := credential.Disclosure{LicenceID: c.ID, Name: "name", Salt: []byte("thief-salt-0123456789"), Value: "冒名顶替公司"}
	i := slices.IndexFunc(c.Fields, func(f credential.FieldDigest) bool { return f.Name == d.Name })
	if i < 0 {
		t.Fatal("no field name")
	}
	c.Fields = slices.Clone(c.Fields)
	if c.Fields[i].Digest, err = d.Digest(); err != nil {
		t.Fatal(err)
	}
	c.HolderPublicKey = thief.Public().Hex()
	msg, err := c.SigningBytes()
	if err != nil {
		t.Fatal(err)
	}
	sig, err := seal.Sign(msg)
	if err != nil {
		t.Fatal(err)
	}
	p, err := presentation.Make(thief, c.ID, []credential.Disclosure{d}, nonce, audience, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return credential.B64.EncodeToString(msg) + "." + credential.B64.EncodeToString(sig) + "~" + p
}
