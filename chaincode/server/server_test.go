package server

import (
	"strings"
	"testing"
)

func TestServeRefusesAnIncompleteConfiguration(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"nothing", Config{}, EnvID},
		{"no address", Config{ID: "cc:1"}, EnvAddress},
		{"TLS material missing", Config{ID: "cc:1", Address: "127.0.0.1:0"}, "TLS needs"},
		{"unreadable TLS files", Config{ID: "cc:1", Address: "127.0.0.1:0", TLSCert: "/nonexistent", TLSKey: "/x", ClientCA: "/y"}, "no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Serve(tt.cfg)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Serve = %v, want an error about %s", err, tt.want)
			}
		})
	}
}

func TestFromEnvReadsTheVariables(t *testing.T) {
	t.Setenv(EnvID, "wanledger_0.1.0:abc")
	t.Setenv(EnvAddress, "127.0.0.1:9999")
	t.Setenv(EnvTLSOff, "true")
	c := FromEnv()
	if c.ID != "wanledger_0.1.0:abc" || c.Address != "127.0.0.1:9999" || !c.Insecure {
		t.Errorf("FromEnv = %+v", c)
	}
}
