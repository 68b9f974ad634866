package network

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wanledger/wanledger/gateway/config"
)

func TestOverridesAreLaidOverTheRenderedGatewayConfig(t *testing.T) {
	dir := t.TempDir()
	cfg := config.Config{Org: "wuhu", MSPID: "WuhuMSP", Listen: "127.0.0.1:1", DataDir: "/d",
		Presentations: config.Presentations{HolderIdentity: "User4"}}
	plain, err := withOverrides(dir, cfg)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := json.MarshalIndent(cfg, "", "  ")
	if string(plain) != string(want) {
		t.Errorf("with no overrides file: %s", plain)
	}
	over := `{"snapshot": {"freshness": "1m"}, "presentations": {"verifierName": "wuhu-amr"}, "listen": "127.0.0.1:2"}`
	if err := os.WriteFile(filepath.Join(dir, OverridesFile), []byte(over), 0o644); err != nil {
		t.Fatal(err)
	}
	b, err := withOverrides(dir, cfg)
	if err != nil {
		t.Fatal(err)
	}
	var got config.Config
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if got.Snapshot.Freshness.Duration != time.Minute || got.Presentations.VerifierName != "wuhu-amr" || got.Listen != "127.0.0.1:2" {
		t.Errorf("overridden: %+v", got)
	}
	if got.Presentations.HolderIdentity != "User4" || got.MSPID != "WuhuMSP" || got.DataDir != "/d" {
		t.Errorf("what the overrides do not name must stay as rendered: %+v", got)
	}
	for _, bad := range []string{`{"snapshot": {"freshnes": "1m"}}`, `[1]`, `{"listen": 7}`} {
		os.WriteFile(filepath.Join(dir, OverridesFile), []byte(bad), 0o644) //nolint:errcheck // read next
		if _, err := withOverrides(dir, cfg); err == nil || !strings.Contains(err.Error(), OverridesFile) {
			t.Errorf("overrides %s: %v, want an error naming the file", bad, err)
		}
	}
}
