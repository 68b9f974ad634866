//go:build faults

package faults

import (
	"testing"

	"github.com/wanledger/wanledger/network/nettest"
)

func TestMain(m *testing.M) { nettest.Main(m, nettest.Orderers(5)) }

func TestSmoke(t *testing.T) {
	env := nettest.Get(t)
	st, err := env.Net.Status(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range st {
		t.Log(s.Name, s.Health, s.Heights, s.Leader)
	}
}
