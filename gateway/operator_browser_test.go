package gateway

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/wanledger/wanledger/gateway/pages/pagetest"
	"github.com/wanledger/wanledger/internal/browsertest"
	"github.com/wanledger/wanledger/internal/nodeops"
)

// reads is how many GET /v1/network the gateway answered, by its metrics.
func (w *watching) reads(t *testing.T) int {
	t.Helper()
	resp, err := http.Get(w.srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	m, err := nodeops.ParseMetrics(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	n := 0.0
	for _, s := range m["wanledger_gateway_requests_total"].GetMetric() {
		for _, l := range s.GetLabel() {
			if l.GetName() == "operation" && l.GetValue() == "network-status" {
				n += s.GetCounter().GetValue()
			}
		}
	}
	return int(n)
}

// The operator's page, in a real browser and with the keyboard alone: a
// verifier's key is refused with the API's code; the operator's shows each
// node with a mark and a word for its health (the peer that does not
// answer down), the channel's height, the relay's directions and how old
// each reading is. A relay stopped is shown down within a refresh, and
// back once restarted; while the tab is hidden or the updates are paused
// the page reads nothing, and reads at once when shown or resumed. A
// peer's channel its organisation has left is shown as left, without a
// height, and not among the channels. In Chinese, the words are Chinese,
// a refusal's too.
// It passes axe in each state, with no console error or policy violation.
func TestTheOperatorPageShowsTheNetworkLive(t *testing.T) {
	w := newWatching(t)
	b := browsertest.Start(t, browsertest.Options{})
	o := pagetest.OpenOperator(b, w.srv.URL, "en")
	b.WaitText("h1", "The network at a glance")
	b.CheckAccessibility()

	o.SignIn(w.keys["Verifier"])
	if got := o.SignInError(); !strings.HasPrefix(got, "FORBIDDEN: ") {
		t.Errorf("a verifier's key: %q", got)
	}
	o.SignIn(w.keys["Operator"])
	nodes, _ := o.Await(browsertest.Timeout, func(n map[string]pagetest.Node) error {
		if len(n) != 6 {
			return errNodes(n)
		}
		return nil
	})
	self, relay, peer, left := nodes["gateway.hefei"], nodes["relay.anhui"], nodes["peer.hefei"], nodes["peer.bengbu"]
	if self.Health != "ok" || self.Shown != "✔ healthy" || self.Heights["anhui"] != 0 || self.Lag["cache"] != 0 || self.Age < 0 || !strings.HasSuffix(self.AgeText, "s ago") {
		t.Errorf("the gateway itself: %+v", self)
	}
	if relay.Health != "ok" || len(relay.Lag) != 2 || relay.Lag["anhui→delta"] != 0 {
		t.Errorf("the relay: %+v", relay)
	}
	if peer.Health != "down" || peer.Shown != "✘ down" || !strings.Contains(peer.Problem, "refused") {
		t.Errorf("the peer that does not answer: %+v", peer)
	}
	if left.Health != "ok" || len(left.Heights) != 1 || left.Heights["anhui"] != 1 || len(left.Left) != 1 ||
		left.Left["delta"] != "delta: left by its organisation (the ledger no longer grows)" {
		t.Errorf("the peer whose organisation left delta: %+v", left)
	}
	if got := o.Summary(); got != "1 of 6 nodes are not healthy: peer.hefei down." {
		t.Errorf("summary: %q", got)
	}
	if c := o.Channels(); len(c) != 1 || c["anhui"].Height != 1 || c["anhui"].Leader != "none" {
		t.Errorf("channels: %+v; want anhui alone, not the left delta", c)
	}
	b.CheckAccessibility()
	b.Screenshot("operator-en")

	w.relay.stop()
	w.chain.advance(time.Second) // past watch.maxAge
	_, took := o.Await(15*time.Second, func(n map[string]pagetest.Node) error {
		if n["relay.anhui"].Health != "down" {
			return errNodes(n)
		}
		return nil
	})
	t.Logf("the relay was shown down %s after it stopped", took.Round(100*time.Millisecond))
	if got := o.Summary(); got != "2 of 6 nodes are not healthy: relay.anhui down, peer.hefei down." {
		t.Errorf("summary: %q", got)
	}
	b.CheckAccessibility()
	b.Screenshot("operator-relay-down")

	// Hidden, then paused: nothing is read; shown, or resumed: read at once.
	w.relay.start()
	w.chain.advance(time.Second)
	hide := func(hidden bool) {
		browsertest.Eval[bool](b, `Object.defineProperty(document, 'hidden', {value: `+map[bool]string{true: "true", false: "false"}[hidden]+`, configurable: true});
			document.dispatchEvent(new Event('visibilitychange')); true`)
	}
	quiet := func(what string) {
		t.Helper()
		before := w.reads(t)
		time.Sleep(6 * time.Second)
		if after := w.reads(t); after != before {
			t.Errorf("%s, the page read the network %d times in 6 s", what, after-before)
		}
	}
	hide(true)
	quiet("hidden")
	hide(false)
	o.Await(3*time.Second, func(n map[string]pagetest.Node) error {
		if n["relay.anhui"].Health != "ok" {
			return errNodes(n)
		}
		return nil
	})
	o.Press("pause")
	if got := browsertest.Eval[string](b, `document.getElementById('pause').getAttribute('aria-pressed') + ' ' + document.getElementById('pause').textContent`); got != "true Resume live updates" {
		t.Errorf("the pause button, pressed: %q", got)
	}
	w.relay.stop()
	w.chain.advance(time.Second)
	quiet("paused")
	if o.Nodes()["relay.anhui"].Health != "ok" {
		t.Error("paused, the page changed")
	}
	b.CheckAccessibility()
	b.Screenshot("operator-paused")
	b.Press(browsertest.Enter) // the focus is still on the button: resume
	o.Await(3*time.Second, func(n map[string]pagetest.Node) error {
		if n["relay.anhui"].Health != "down" {
			return errNodes(n)
		}
		return nil
	})

	// In Chinese, chosen with the keyboard; the key stays for the tab.
	w.relay.start()
	w.chain.advance(time.Second)
	b.TabTo("lang-zh", 20)
	b.Press(browsertest.Enter)
	b.WaitText("h1", "网络概览")
	nodes, _ = o.Await(15*time.Second, func(n map[string]pagetest.Node) error {
		if n["relay.anhui"].Health != "ok" {
			return errNodes(n)
		}
		return nil
	})
	if nodes["peer.hefei"].Shown != "✘ 无响应" || nodes["relay.anhui"].Shown != "✔ 正常" || !strings.HasSuffix(nodes["relay.anhui"].AgeText, "秒前") ||
		nodes["peer.bengbu"].Left["delta"] != "delta：所属机构已退出（账本不再增长）" {
		t.Errorf("in Chinese: %+v", nodes)
	}
	if got := o.Summary(); got != "6 个节点中有 1 个不正常：peer.hefei 无响应。" {
		t.Errorf("in Chinese, the summary: %q", got)
	}
	b.CheckAccessibility()
	b.Screenshot("operator-zh")

	o.Press("signout")
	if kept := browsertest.Eval[bool](b, `sessionStorage.length > 0 || !document.getElementById('work').hidden || document.querySelectorAll('#nodes tbody tr').length > 0`); kept {
		t.Error("signing out kept the key or the readings")
	}
	before := w.reads(t)
	time.Sleep(6 * time.Second)
	if after := w.reads(t); after != before {
		t.Errorf("signed out, the page read the network %d times", after-before)
	}
	// A key of another role is refused in the page's words.
	o.SignIn(w.keys["Verifier"])
	if got := o.SignInError(); got != "FORBIDDEN: 您登录的身份无权进行此操作。" {
		t.Errorf("a verifier's key, in Chinese: %q", got)
	}
	b.NoProblems()
}

// errNodes says what the page shows, for a wait's failure.
type errNodes map[string]pagetest.Node

func (e errNodes) Error() string {
	var b strings.Builder
	for name, n := range e {
		b.WriteString(name + " " + n.Health + " " + n.Problem + "; ")
	}
	return b.String()
}
