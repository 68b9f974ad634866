package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestVerifyOfflineExitCodes: what is missing is a usage error (2); a
// snapshot that is not a signed snapshot is NOT VALID (3), with its code.
func TestVerifyOfflineExitCodes(t *testing.T) {
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.snap")
	if err := os.WriteFile(garbage, []byte("WLSNAP1\nnot a snapshot"), 0o600); err != nil {
		t.Fatal(err)
	}
	pres := []string{"--presentation", "abc~def.ghi", "--nonce", "nonce-0123456789", "--audience", "wuhu-amr"}
	for _, c := range []struct {
		args []string
		want int
		says string
	}{
		{[]string{"verify"}, exitUsage, "give a licence ID"},
		{[]string{"verify", "--offline", garbage}, exitUsage, "--offline needs --presentation"},
		{[]string{"verify", "--offline", garbage, "--presentation", "x", "--nonce", "nonce-0123456789"}, exitUsage, "--audience"},
		{append([]string{"verify", "L1", "--offline", garbage}, pres...), exitUsage, "not a licence ID"},
		{append([]string{"verify", "--offline", filepath.Join(dir, "none")}, pres...), exitUsage, "no such file"},
		{append([]string{"verify", "--offline", garbage, "--msp", "WuhuMSP"}, pres...), exitUsage, "--msp goes with --ca"},
		{append([]string{"verify", "--offline", garbage}, pres...), exitNotValid, "SNAPSHOT_MALFORMED"},
	} {
		code, out := execute(t, c.args...)
		if code != c.want || !strings.Contains(out, c.says) {
			t.Errorf("%v: exit %d, %q; want %d and %q", c.args, code, out, c.want, c.says)
		}
	}
}
