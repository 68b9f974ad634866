package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Bad uses of verify's credential flags are refused before any request:
// the URL names a closed port, so a request would fail otherwise.
func TestVerifyRefusesBadCredentialFlagsBeforeAnyRequest(t *testing.T) {
	dir := t.TempDir()
	cred := filepath.Join(dir, "BL-1.json")
	if err := os.WriteFile(cred, []byte(`{"format":"wanledger-holder-credential/v0","licenceId":"BL-1","fields":[{"name":"name","value":"合肥","salt":"00112233445566778899aabbccddeeff"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"verify", "BL-1", "--disclose", "name"}, "--disclose needs --credential"},
		{[]string{"verify", "BL-1", "--credential", cred, "--field", "name=x:00"}, "not both"},
		{[]string{"verify", "BL-2", "--credential", cred}, "is the credential of licence BL-1, not BL-2"},
		{[]string{"verify", "BL-1", "--credential", cred, "--disclose", "name,founded"}, `no field "founded"`},
		{[]string{"verify", "BL-1", "--credential", filepath.Join(dir, "none.json")}, "no such file"},
	} {
		root := newRoot()
		var out bytes.Buffer
		root.SetOut(&out)
		root.SetErr(&out)
		root.SetArgs(append(c.args, "--url", "http://127.0.0.1:1", "--key", "wl_k_s"))
		if err := root.Execute(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: %v, want %q", c.args, err, c.want)
		}
	}
}
