package integration

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/apiclient"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/gateway/keys"
	"github.com/wanledger/wanledger/network/nettest"
)

// exitOf is a command's exit code (0 for success, -1 if it did not run).
func exitOf(err error) int {
	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ee):
		return ee.ExitCode()
	}
	return -1
}

// cliJSON runs a command with --json against a gateway as a key, wants
// exit 0, and decodes what it printed into out.
func cliJSON(t *testing.T, env *nettest.Env, g gw, out any, args ...string) {
	t.Helper()
	stdout, stderr, err := cli(t, env, append(args, "--url", g.url, "--key", g.key, "--json")...)
	if err != nil {
		t.Fatalf("wanledger %s: exit %d: %s", strings.Join(args, " "), exitOf(err), stderr)
	}
	if err := json.Unmarshal([]byte(stdout), out); err != nil {
		t.Fatalf("wanledger %s --json printed %q: %v", strings.Join(args, " "), stdout, err)
	}
}

func writeFile(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "body.json")
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestCLIKeysCreateUseRevoke: Wuhu's admin creates a verifier key with the
// command line; the key works at once and whoami shows its identity and
// roles; the list never shows a secret or hash; once revoked, the key is
// refused (exit 1) and verify of an unknown licence exits 3.
func TestCLIKeysCreateUseRevoke(t *testing.T) {
	env := nettest.Get(t)
	admin := gatewayAs(t, env, "wuhu", keys.RoleAdmin)
	var created api.NewKey
	cliJSON(t, env, admin, &created, "keys", "create", "--identity", "User3", "--role", "verifier", "--role", "auditor")
	if created.Secret == "" || created.ID == "" || created.Identity != "User3" {
		t.Fatalf("keys create printed %+v", created)
	}
	fresh := gw{t: t, url: admin.url, key: created.Secret}

	var who struct {
		KeyID    string   `json:"keyId"`
		Identity string   `json:"identity"`
		Roles    []string `json:"roles"`
		MSPID    string   `json:"mspId"`
		ClientID string   `json:"clientId"`
	}
	cliJSON(t, env, fresh, &who, "whoami")
	if who.KeyID != created.ID || who.Identity != "User3" || who.MSPID != "WuhuMSP" || who.ClientID == "" ||
		!slices.Equal(who.Roles, []string{"verifier", "auditor"}) {
		t.Fatalf("whoami with the new key: %+v", who)
	}
	out, _, err := cli(t, env, "whoami", "--url", fresh.url, "--key", fresh.key)
	if err != nil || !strings.Contains(out, "verifier") || !strings.Contains(out, "User3") {
		t.Fatalf("whoami (human): %v\n%s", err, out)
	}

	// A NOT VALID verdict exits 3, with the verdict printed (as JSON too).
	stdout, _, err := cli(t, env, "verify", "NO-SUCH-LICENCE", "--url", fresh.url, "--key", fresh.key, "--json")
	var v api.Verdict
	if exitOf(err) != 3 || json.Unmarshal([]byte(stdout), &v) != nil || v.Valid {
		t.Fatalf("verify of an unknown licence: exit %d, %s", exitOf(err), stdout)
	}
	stdout, stderr, err := cli(t, env, "verify", "NO-SUCH-LICENCE", "--url", fresh.url, "--key", fresh.key)
	if exitOf(err) != 3 || !strings.Contains(stdout, "NO-SUCH-LICENCE NOT VALID") || !strings.Contains(stdout, "FAIL licence-found") || !strings.Contains(stderr, "NOT VALID") {
		t.Fatalf("verify (human) of an unknown licence: exit %d\n%s%s", exitOf(err), stdout, stderr)
	}

	var list []map[string]any
	cliJSON(t, env, admin, &list, "keys", "list")
	found := false
	for _, k := range list {
		if _, ok := k["hash"]; ok {
			t.Fatalf("keys list shows a hash: %v", k)
		}
		found = found || k["id"] == created.ID
	}
	if !found {
		t.Fatalf("keys list lacks %s: %v", created.ID, list)
	}
	if _, stderr, err := cli(t, env, "keys", "revoke", created.ID, "--url", fresh.url, "--key", fresh.key); exitOf(err) != 1 || !strings.Contains(stderr, "FORBIDDEN") {
		t.Errorf("a verifier revoking a key: exit %d: %s", exitOf(err), stderr)
	}
	var revoked api.Key
	cliJSON(t, env, admin, &revoked, "keys", "revoke", created.ID)
	if revoked.ID != created.ID {
		t.Fatalf("keys revoke printed %+v", revoked)
	}
	_, stderr, err = cli(t, env, "whoami", "--url", fresh.url, "--key", fresh.key)
	if exitOf(err) != 1 || !strings.Contains(stderr, "UNAUTHENTICATED") {
		t.Fatalf("the revoked key: exit %d: %s", exitOf(err), stderr)
	}
	if _, stderr, err := cli(t, env, "keys", "create", "--identity", "Nobody", "--role", "verifier", "--url", admin.url, "--key", admin.key); exitOf(err) != 1 || !strings.Contains(stderr, "BAD_REQUEST") {
		t.Errorf("a key for an unknown identity: exit %d: %s", exitOf(err), stderr)
	}
	if _, stderr, err := cli(t, env, "keys", "create", "--identity", "User3", "--url", admin.url, "--key", admin.key); exitOf(err) != 2 {
		t.Errorf("keys create without --role: exit %d: %s", exitOf(err), stderr)
	}
}

// TestCLIRegistryTypePutAndGet: a licence type put from a file of the
// request type (api.LicenceTypeRequest) and read back, as JSON.
func TestCLIRegistryTypePutAndGet(t *testing.T) {
	env := nettest.Get(t)
	anhuiAdmin := gatewayAs(t, env, "anhui", keys.RoleAdmin)
	code := fmt.Sprintf("cli-type-%d", time.Now().UnixNano())
	var put api.Tx[record.LicenceType]
	cliJSON(t, env, anhuiAdmin, &put, "registry", "types", "put", code, writeFile(t, api.LicenceTypeRequest{Name: "命令行证照", MaxValidityDays: 365,
		Fields: []record.FieldSpec{{Name: "name", Type: record.FieldString, Required: true}}}))
	if put.TxID == "" || put.Data.Code != code || put.Data.Province != "AnhuiMSP" {
		t.Fatalf("registry types put printed %+v", put)
	}
	nettest.Eventually(t, 15*time.Second, func() error {
		var got api.Read[record.LicenceType]
		stdout, stderr, err := cli(t, env, "registry", "types", "get", code, "--url", anhuiAdmin.url, "--key", anhuiAdmin.key, "--json")
		if err != nil {
			return fmt.Errorf("types get: exit %d: %s", exitOf(err), stderr)
		}
		if err := json.Unmarshal([]byte(stdout), &got); err != nil || got.Data.Name != "命令行证照" {
			return fmt.Errorf("types get printed %s: %v", stdout, err)
		}
		return nil
	})
}

// TestCLIPagingAndTrace: three datasets listed one a page: the printed
// next-page line pasted into a shell reaches page 2, --all reaches every
// page; audit trace takes its dimension's value as --value while --key
// stays the API key.
func TestCLIPagingAndTrace(t *testing.T) {
	env := nettest.Get(t)
	owner := gatewayAs(t, env, "hefei", "data-owner")
	prefix := fmt.Sprintf("cli-ds-%d-", time.Now().UnixNano())
	for i := range 3 {
		var tx api.Tx[record.Dataset]
		cliJSON(t, env, owner, &tx, "share", "register-dataset", writeFile(t, api.DatasetRequest{ID: fmt.Sprintf("%s%d", prefix, i),
			Fields: []record.FieldSpec{{Name: "x", Type: record.FieldString}}, Description: "a dataset of the CLI test"}))
	}
	gwArgs := []string{"--url", owner.url, "--key", owner.key}
	page1, stderr, err := cli(t, env, append([]string{"share", "datasets", "--limit", "1"}, gwArgs...)...)
	if err != nil {
		t.Fatalf("datasets --limit 1: exit %d: %s", exitOf(err), stderr)
	}
	i := strings.Index(page1, "next page: add ")
	if i < 0 {
		t.Fatalf("page 1 has no pasteable next-page line:\n%s", page1)
	}
	hint := strings.TrimSuffix(strings.SplitN(page1[i+len("next page: add "):], "\n", 2)[0], " (or --all for every page)")
	script := shellWords(append([]string{env.Net.Self, "share", "datasets", "--limit", "1"}, gwArgs...)) + " " + hint
	page2, err := exec.CommandContext(t.Context(), "sh", "-c", script).CombinedOutput()
	if err != nil {
		t.Fatalf("the pasted next page (%s): %v\n%s", script, err, page2)
	}
	if firstRow(string(page2)) == "" || firstRow(string(page2)) == firstRow(page1) {
		t.Fatalf("page 2 is page 1 again:\npage 1:\n%s\npage 2:\n%s", page1, page2)
	}
	var all api.Read[record.Page[record.Dataset]]
	cliJSON(t, env, owner, &all, "share", "datasets", "--limit", "1", "--all")
	var ours int
	for _, d := range all.Data.Items {
		if strings.HasPrefix(d.ID, prefix) {
			ours++
		}
	}
	if ours != 3 || all.Data.Bookmark != "" {
		t.Fatalf("--all listed %d of our 3 datasets (bookmark %q) among %d", ours, all.Data.Bookmark, len(all.Data.Items))
	}

	// audit trace --value: --key is still the API key.
	auditor := gatewayAs(t, env, "hefei", "auditor")
	var trace api.Read[record.Page[*record.AccessRecord]]
	cliJSON(t, env, auditor, &trace, "audit", "trace", "--by", "dataset", "--value", prefix+"0", "--limit", "5")
	if len(trace.Data.Items) != 0 {
		t.Errorf("a dataset nobody accessed has a trail: %+v", trace.Data.Items)
	}
	c := apiclient.New(auditor.url, auditor.key)
	if _, err := c.Trace(t.Context(), apiclient.TraceQuery{By: "dataset", Value: prefix + "0"}, apiclient.Paging{Limit: 5}); err != nil {
		t.Errorf("the typed client's trace: %v", err)
	}
}

// firstRow is the first line after a listing's header.
func firstRow(out string) string {
	lines := strings.Split(out, "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "ID ") && i+1 < len(lines) {
			return lines[i+1]
		}
	}
	return ""
}

// shellWords quotes words for sh.
func shellWords(words []string) string {
	q := make([]string, len(words))
	for i, w := range words {
		q[i] = "'" + strings.ReplaceAll(w, "'", `'\''`) + "'"
	}
	return strings.Join(q, " ")
}
