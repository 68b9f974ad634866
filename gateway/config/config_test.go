package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func write(t *testing.T, body string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "msp", "signcerts"), 0o755); err != nil {
		t.Fatal(err)
	}
	body = strings.ReplaceAll(body, "MSPDIR", filepath.Join(dir, "msp"))
	p := filepath.Join(dir, "gateway.json")
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

const base = `"org":"hefei","mspId":"HefeiMSP","listen":"127.0.0.1:17160","peer":{"address":"127.0.0.1:7051","tlsCa":"ca.pem"},
"channel":"anhui","keysFile":"keys.json","dataDir":"data","identities":[{"name":"User1","mspDir":"MSPDIR"}]`

func TestTimeoutsDefaultAndAreBounded(t *testing.T) {
	c, err := LoadConfig(write(t, `{`+base+`,"timeouts":{"endorse":"30s"}}`))
	if err != nil {
		t.Fatal(err)
	}
	if c.Timeouts.Endorse.Duration != 30*time.Second || c.Timeouts.Evaluate != DefaultTimeouts.Evaluate || c.Timeouts.Shutdown != DefaultTimeouts.Shutdown {
		t.Errorf("timeouts %+v", c.Timeouts)
	}
	if c.PublicURL != "http://127.0.0.1:17160" {
		t.Errorf("public URL %q", c.PublicURL)
	}
	_, err = LoadConfig(write(t, `{`+base+`,"timeouts":{"commitStatus":"10ms","idle":"3h"},"publicUrl":"ftp://x"}`))
	for _, want := range []string{"timeouts.commitStatus", "timeouts.idle", "publicUrl"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("want an error about %s, got %v", want, err)
		}
	}
	// A submission's timeouts in all must end before the HTTP answer's.
	_, err = LoadConfig(write(t, `{`+base+`,"timeouts":{"endorse":"30s","commitStatus":"90s"}}`))
	if err == nil || !strings.Contains(err.Error(), "below timeouts.write (2m0s)") {
		t.Errorf("endorse + submit + commitStatus of 2m5s against write 2m: %v", err)
	}
}

func TestBodyBudgetDefaultsAndIsBounded(t *testing.T) {
	c, err := LoadConfig(write(t, `{`+base+`}`))
	if err != nil {
		t.Fatal(err)
	}
	if c.BodyBudget != DefaultBodyBudget || c.Timeouts.BodyWait != DefaultTimeouts.BodyWait {
		t.Errorf("bodyBudget %d, bodyWait %s", c.BodyBudget, c.Timeouts.BodyWait)
	}
	_, err = LoadConfig(write(t, `{`+base+`,"bodyBudget":1000,"timeouts":{"bodyWait":"1ms"}}`))
	for _, want := range []string{"bodyBudget", "timeouts.bodyWait"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("want an error about %s, got %v", want, err)
		}
	}
}

func TestCacheMinFreeDefaultsAndIsBounded(t *testing.T) {
	c, err := LoadConfig(write(t, `{`+base+`}`))
	if err != nil || c.CacheMinFree != DefaultCacheMinFree {
		t.Errorf("cacheMinFree %d, %v; want the default", c.CacheMinFree, err)
	}
	if c, err := LoadConfig(write(t, `{`+base+`,"cacheMinFree":16777216}`)); err != nil || c.CacheMinFree != 16<<20 {
		t.Errorf("cacheMinFree of 16 MiB: %v", err)
	}
	for _, v := range []string{"1000", "-1"} {
		if _, err := LoadConfig(write(t, `{`+base+`,"cacheMinFree":`+v+`}`)); err == nil || !strings.Contains(err.Error(), "cacheMinFree") {
			t.Errorf("cacheMinFree %s: %v; want an error naming it", v, err)
		}
	}
}

func TestFetchResumeWaitDefaultsAndIsBounded(t *testing.T) {
	c, err := LoadConfig(write(t, `{`+base+`}`))
	if err != nil {
		t.Fatal(err)
	}
	if c.Fetch.ResumeWait.Duration != time.Minute {
		t.Errorf("fetch.resumeWait %s, want 1m", c.Fetch.ResumeWait)
	}
	if c, err := LoadConfig(write(t, `{`+base+`,"fetch":{"resumeWait":"2m"}}`)); err != nil || c.Fetch.ResumeWait.Duration != 2*time.Minute {
		t.Errorf("fetch.resumeWait 2m: %v, %v", c, err)
	}
	for _, v := range []string{"10ms", "1h"} {
		if _, err := LoadConfig(write(t, `{`+base+`,"fetch":{"resumeWait":"`+v+`"}}`)); err == nil || !strings.Contains(err.Error(), "fetch.resumeWait") {
			t.Errorf("fetch.resumeWait %s: want an error about it, got %v", v, err)
		}
	}
}

func TestWatchedNodesAreCheckedAndTheBoundsDefault(t *testing.T) {
	c, err := LoadConfig(write(t, `{`+base+`,"watch":{"nodes":[{"name":"peer.hefei","kind":"peer","mspId":"HefeiMSP","address":"127.0.0.1:17042"}]}}`))
	if err != nil {
		t.Fatal(err)
	}
	if w := c.Watch; w.Self != "gateway.hefei" || w.Timeout.Duration != 2*time.Second || w.Parallel != 8 || w.MaxAge.Duration != time.Second || len(w.Nodes) != 1 {
		t.Errorf("watch %+v", w)
	}
	_, err = LoadConfig(write(t, `{`+base+`,"watch":{"self":"gateway hefei","timeout":"1m","parallel":100,"maxAge":"1ms","nodes":[
		{"name":"peer.hefei","kind":"peer","mspId":"HefeiMSP","address":"127.0.0.1:17042"},
		{"name":"peer.hefei","kind":"couchdb","mspId":"","address":"127.0.0.1"},
		{"name":"relay.anhui","kind":"relay","mspId":"AnhuiMSP","address":"127.0.0.1:99999"}]}}`))
	for _, want := range []string{"watch.self", "watch.timeout", "watch.parallel", "watch.maxAge", `watch.nodes[1]: name "peer.hefei"`,
		`watch.nodes[1]: kind "couchdb"`, "watch.nodes[1]: mspId", `watch.nodes[1]: address "127.0.0.1"`, `watch.nodes[2]: address "127.0.0.1:99999"`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("want an error about %s, got %v", want, err)
		}
	}
	many := strings.Repeat(`{"name":"x","kind":"peer","mspId":"M","address":"h:1"},`, MaxWatched+1)
	if _, err := LoadConfig(write(t, `{`+base+`,"watch":{"nodes":[`+strings.TrimSuffix(many, ",")+`]}}`)); err == nil || !strings.Contains(err.Error(), "at most 64") {
		t.Errorf("%d nodes: %v", MaxWatched+1, err)
	}
}

// A watched peer's channels are its organisation's: a peer's only, each a
// channel's name given once, at most 64.
func TestAWatchedPeersChannelsAreChecked(t *testing.T) {
	node := func(kind, channels string) string {
		return `{` + base + `,"watch":{"nodes":[{"name":"peer.hefei","kind":"` + kind + `","mspId":"HefeiMSP","address":"127.0.0.1:17042","channels":[` + channels + `]}]}}`
	}
	c, err := LoadConfig(write(t, node("peer", `"anhui","delta"`)))
	if err != nil || strings.Join(c.Watch.Nodes[0].Channels, " ") != "anhui delta" {
		t.Fatalf("a peer's channels: %v", err)
	}
	many := `"c0"` + strings.Repeat(`,"c0"`, 64)
	for _, c := range []struct{ kind, channels, want string }{
		{"orderer", `"anhui"`, "watch.nodes[0]: channels are named for a peer only, not kind orderer"},
		{"peer", `"anhui","an hui"`, `watch.nodes[0]: channel "an hui" is invalid`},
		{"peer", `"anhui",""`, `watch.nodes[0]: channel "" is invalid`},
		{"peer", `"anhui","anhui"`, `watch.nodes[0]: channel "anhui" is invalid or named twice`},
		{"peer", many, "watch.nodes[0]: 65 channels; at most 64"},
	} {
		if _, err := LoadConfig(write(t, node(c.kind, c.channels))); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("a %s's channels [%.40s]: %v; want %q", c.kind, c.channels, err, c.want)
		}
	}
}
