package main

import (
	"bytes"
	"os/exec"
	"strings"
	"testing"
)

func TestPrintExportsQuotesForTheShell(t *testing.T) {
	var b bytes.Buffer
	env := []string{"B=it's here", "A=/a b/c"}
	if err := printExports(&b, env); err != nil {
		t.Fatal(err)
	}
	// The shell must read back exactly the values.
	out, err := exec.Command("sh", "-c", b.String()+`printf '%s|%s' "$A" "$B"`).Output()
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != "/a b/c|it's here" {
		t.Errorf("shell read %q from:\n%s", out, b.String())
	}
	if !strings.HasPrefix(b.String(), "export A=") {
		t.Errorf("exports are not sorted:\n%s", b.String())
	}
}

func TestCommandsRejectWrongArguments(t *testing.T) {
	for _, args := range [][]string{{"up", "extra"}, {"peer-env"}, {"logs"}, {"nosuch"}} {
		root := newRoot()
		root.SetArgs(args)
		root.SetOut(&bytes.Buffer{})
		root.SetErr(&bytes.Buffer{})
		if err := root.Execute(); err == nil {
			t.Errorf("wanledger %v succeeded", args)
		}
	}
}
