package server

import (
	"strings"
	"testing"

	"github.com/wanledger/wanledger/chaincode/serverconfig"
)

func TestServeRefusesAnIncompleteConfiguration(t *testing.T) {
	tests := []struct {
		name string
		cfg  serverconfig.Config
		want string
	}{
		{"nothing", serverconfig.Config{}, serverconfig.EnvID},
		{"no address", serverconfig.Config{ID: "cc:1"}, serverconfig.EnvAddress},
		{"TLS material missing", serverconfig.Config{ID: "cc:1", Address: "127.0.0.1:0"}, "TLS needs"},
		{"a baseline without its address", serverconfig.Config{ID: "cc:1", Address: "127.0.0.1:0", Insecure: true, BaselineID: "baseline:1"}, serverconfig.EnvBaselineAddress},
		{"unreadable TLS files", serverconfig.Config{ID: "cc:1", Address: "127.0.0.1:0", TLSCert: "/nonexistent", TLSKey: "/x", ClientCA: "/y"}, "no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Servers(tt.cfg)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Servers = %v, want an error about %s", err, tt.want)
			}
		})
	}
}

// The baseline's server is beside the chaincode's, on its own address.
func TestServersServeTheBaselineBesideTheChaincode(t *testing.T) {
	c := serverconfig.Config{ID: "cc:1", Address: "127.0.0.1:7052", Insecure: true}
	if s, err := Servers(c); err != nil || len(s) != 1 || s[0].CCID != "cc:1" {
		t.Fatalf("without a baseline: %v %v", s, err)
	}
	c.BaselineID, c.BaselineAddress = "baseline:1", "127.0.0.1:7053"
	s, err := Servers(c)
	if err != nil || len(s) != 2 || s[1].CCID != "baseline:1" || s[1].Address != "127.0.0.1:7053" {
		t.Fatalf("with a baseline: %v %v", s, err)
	}
}

func TestFromEnvReadsTheVariables(t *testing.T) {
	t.Setenv(serverconfig.EnvID, "wanledger_0.1.0:abc")
	t.Setenv(serverconfig.EnvAddress, "127.0.0.1:9999")
	t.Setenv(serverconfig.EnvTLSOff, "true")
	t.Setenv(serverconfig.EnvBaselineID, "baseline_0.1.0:def")
	t.Setenv(serverconfig.EnvBaselineAddress, "127.0.0.1:9998")
	c := serverconfig.FromEnv()
	if c.ID != "wanledger_0.1.0:abc" || c.Address != "127.0.0.1:9999" || !c.Insecure || c.BaselineID != "baseline_0.1.0:def" || c.BaselineAddress != "127.0.0.1:9998" {
		t.Errorf("FromEnv = %+v", c)
	}
}
