package relayconfig

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wanledger/wanledger/gateway/config"
)

// validConfig is a configuration that validates, with a real MSP directory
// layout.
func validConfig(t *testing.T) *Config {
	t.Helper()
	msp := t.TempDir()
	if err := os.MkdirAll(filepath.Join(msp, "signcerts"), 0o755); err != nil {
		t.Fatal(err)
	}
	return &Config{Org: "anhui", MSPID: "AnhuiMSP", MSPDir: msp, DataDir: t.TempDir(),
		Peer: config.PeerConfig{Address: "127.0.0.1:7051", TLSCA: "ca.pem"},
		Channels: []Channel{{Name: "anhui", Members: []string{"AnhuiMSP", "HefeiMSP", "WuhuMSP"}},
			{Name: "delta", Members: []string{"AnhuiMSP", "ShanghaiMSP", "JiangsuMSP", "ZhejiangMSP"}}}}
}

func TestAValidConfigTakesItsDefaultsAndRelaysEachWay(t *testing.T) {
	c := validConfig(t)
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if c.Chaincode != "wanledger" || c.BatchSize != MaxBatch || c.Listen == "" {
		t.Errorf("defaults not set: %+v", c)
	}
	var names []string
	for _, d := range c.Directions() {
		names = append(names, d.Name())
	}
	if strings.Join(names, ",") != "anhui→delta,delta→anhui" {
		t.Errorf("directions = %v", names)
	}
}

func TestConfigValidationReportsEveryProblem(t *testing.T) {
	for name, c := range map[string]struct {
		edit func(*Config)
		want []string
	}{
		"required fields": {func(c *Config) { c.Org, c.MSPID, c.Peer, c.DataDir = "", "", config.PeerConfig{}, "" },
			[]string{"org is required", "mspId is required", "peer.address is required", "peer.tlsCa is required", "dataDir is required"}},
		"no identity":  {func(c *Config) { c.MSPDir = filepath.Join(c.MSPDir, "missing") }, []string{"mspDir"}},
		"one channel":  {func(c *Config) { c.Channels = c.Channels[:1] }, []string{"at least two channels"}},
		"same channel": {func(c *Config) { c.Channels[1].Name = "anhui" }, []string{`channel "anhui" is invalid or named twice`}},
		"not a member": {func(c *Config) { c.Channels[1].Members = []string{"ShanghaiMSP"} }, []string{"AnhuiMSP is not a member"}},
		"member twice": {func(c *Config) { c.Channels[0].Members = append(c.Channels[0].Members, "WuhuMSP") }, []string{`member "WuhuMSP" is empty or named twice`}},
		"batch":        {func(c *Config) { c.BatchSize = MaxBatch + 1 }, []string{"batchSize is 51"}},
		"listen":       {func(c *Config) { c.Listen = "nowhere" }, []string{"listen:"}},
	} {
		cfg := validConfig(t)
		c.edit(cfg)
		err := cfg.Validate()
		if err == nil {
			t.Errorf("%s: no error", name)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q lacks %q", name, err, w)
			}
		}
	}
}

func TestLoadConfigRefusesUnknownFields(t *testing.T) {
	path := filepath.Join(t.TempDir(), "relay.json")
	if err := os.WriteFile(path, []byte(`{"org":"anhui","surprise":1}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadConfig(path); err == nil || !strings.Contains(err.Error(), "surprise") {
		t.Errorf("LoadConfig = %v, want the unknown field refused", err)
	}
}
