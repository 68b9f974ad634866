package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/record"
)

// execute runs the command tree as main does and returns the exit code.
func execute(t *testing.T, args ...string) (int, string) {
	t.Helper()
	root := newRoot()
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&out)
	root.SetArgs(args)
	err := root.Execute()
	return exitCode(err), out.String() + errString(err)
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// TestUsageErrorsExit2AndFailuresExit1: bad flags, arguments and input
// files are usage errors (2), never a panic; an unreachable gateway is an
// error (1).
func TestUsageErrorsExit2AndFailuresExit1(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte(`{"name":"x","nosuch":1}`), 0o600); err != nil {
		t.Fatal(err)
	}
	gw := []string{"--url", "http://127.0.0.1:1", "--key", "wl_a_b"}
	for _, c := range []struct {
		args []string
		want int
	}{
		{[]string{"nosuch"}, exitUsage},
		{[]string{"registry", "nosuch"}, exitUsage},
		{[]string{"registry", "types", "nosuch", "x"}, exitUsage},
		{[]string{"registry"}, exitOK},
		{append([]string{"keys", "revoke", ""}, gw...), exitUsage},
		{[]string{"licence", "get"}, exitUsage},
		{[]string{"licence", "list", "--nosuch"}, exitUsage},
		{append([]string{"licence", "list", "--issuer", "a", "--limit", "x"}, gw...), exitUsage},
		{append([]string{"licence", "list", "--issuer", "a", "--limit", "1000"}, gw...), exitUsage},
		{append([]string{"licence", "list", "--issuer", "a", "--all", "--cursor", "c"}, gw...), exitUsage},
		{append([]string{"licence", "list"}, gw...), exitUsage},
		{append([]string{"licence", "status", "L1", "--at", "yesterday"}, gw...), exitUsage},
		{append([]string{"verify", "L1", "--field", "novalue"}, gw...), exitUsage},
		{append([]string{"registry", "types", "put", "T", bad}, gw...), exitUsage},
		{append([]string{"registry", "types", "put", "T", filepath.Join(dir, "absent.json")}, gw...), exitUsage},
		{append([]string{"keys", "create", "--identity", "User1"}, gw...), exitUsage},
		{[]string{"whoami", "--url", "ftp://x", "--key", "k"}, exitUsage},
		{[]string{"whoami"}, exitUsage},
		{append([]string{"whoami"}, gw...), exitError},
		{append([]string{"verify", "L1"}, gw...), exitError},
	} {
		t.Setenv("WANLEDGER_URL", "")
		t.Setenv("WANLEDGER_KEY", "")
		if got, out := execute(t, c.args...); got != c.want {
			t.Errorf("wanledger %s: exit %d, want %d\n%s", strings.Join(c.args, " "), got, c.want, out)
		}
	}
}

func TestExitCodesOfTypedErrors(t *testing.T) {
	for _, c := range []struct {
		err  error
		want int
	}{
		{nil, exitOK},
		{errors.New("boom"), exitError},
		{&api.Error{Status: 403, Code: "FORBIDDEN"}, exitError},
		{usagef("bad"), exitUsage},
		{notValid("L1", false), exitNotValid},
		{notValid("L1", true), exitNotValid},
	} {
		if got := exitCode(c.err); got != c.want {
			t.Errorf("exitCode(%v) = %d, want %d", c.err, got, c.want)
		}
	}
}

// TestNextPageHintPastesBack: the printed cursor, pasted into a shell,
// gives the gateway's cursor back byte for byte.
func TestNextPageHintPastesBack(t *testing.T) {
	for _, cur := range []string{"eyJrIjoiYSIsIm4iOjF9", "AAEC-_w", "it's a cursor; with $HOME and `x`", "a b\tc"} {
		hint := nextPageHint(cur)
		_, arg, ok := strings.Cut(hint, "--cursor ")
		if !ok {
			t.Fatalf("hint %q has no --cursor", hint)
		}
		arg = strings.TrimSuffix(arg, " (or --all for every page)")
		out, err := exec.Command("sh", "-c", "printf %s "+arg).Output()
		if err != nil || string(out) != cur {
			t.Errorf("cursor %q printed as %s reads back %q, %v", cur, arg, out, err)
		}
	}
	if h := nextPageHint("a\x00b"); strings.Contains(h, "--cursor") {
		t.Errorf("an unprintable cursor is offered for pasting: %q", h)
	}
}

func TestFollowPagesJoinsEveryPageAndStopsOnARepeat(t *testing.T) {
	pages := map[string]api.Read[record.Page[int]]{
		"p2": {BlockHeight: 5, Data: record.Page[int]{Items: []int{2}, Bookmark: "p3"}},
		"p3": {BlockHeight: 6, Data: record.Page[int]{Items: []int{3}}},
	}
	next := func(c string) (*api.Read[record.Page[int]], error) {
		p, ok := pages[c]
		if !ok {
			return nil, errors.New("no page " + c)
		}
		return &p, nil
	}
	all, err := followPages(&api.Read[record.Page[int]]{BlockHeight: 4, Data: record.Page[int]{Items: []int{1}, Bookmark: "p2"}}, next)
	if err != nil || len(all.Data.Items) != 3 || all.Data.Bookmark != "" || all.BlockHeight != 6 {
		t.Fatalf("followPages = %+v, %v", all, err)
	}
	pages["p3"] = api.Read[record.Page[int]]{Data: record.Page[int]{Items: []int{3}, Bookmark: "p2"}}
	if _, err := followPages(&api.Read[record.Page[int]]{Data: record.Page[int]{Items: []int{1}, Bookmark: "p2"}}, next); err == nil {
		t.Fatal("a repeating cursor was followed forever")
	}
}
