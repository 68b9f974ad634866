package pagetest

import (
	"fmt"
	"strings"
	"time"

	"github.com/wanledger/wanledger/internal/browsertest"
)

// Operator is the operator's page (/ui/operator) open in a browser.
type Operator struct {
	B *browsertest.Browser
}

// OpenOperator opens gatewayURL's operator page in lang (zh or en).
func OpenOperator(b *browsertest.Browser, gatewayURL, lang string) *Operator {
	b.Open(gatewayURL + "/ui/operator?lang=" + lang)
	return &Operator{B: b}
}

// SignIn types the API key into the sign-in form and presses Enter.
func (o *Operator) SignIn(key string) { signIn(o.B, key) }

// SignInError waits for the sign-in form's error and answers it.
func (o *Operator) SignInError() string { return signInError(o.B) }

// Node is a node's row as the page shows it.
type Node struct {
	Health  string            // ok, failing or down (the row's data-health)
	Shown   string            // the health's mark and word, as shown
	Problem string            // why it is not ok, as shown
	Heights map[string]uint64 // by channel
	Left    map[string]string // the channels shown as left by its organisation, with what is shown
	Leads   []string          // the channels it shows it leads
	Lag     map[string]uint64 // blocks: "cache", or a relay's direction "anhui→delta"
	Age     int               // how old its reading is, in seconds, as shown
	AgeText string
}

// Nodes are the rows of the page's table of nodes, by node name.
func (o *Operator) Nodes() map[string]Node {
	return browsertest.Eval[map[string]Node](o.B, `Object.fromEntries([...document.querySelectorAll('#nodes tbody tr')].map(r => [r.dataset.node, {
		Health: r.dataset.health,
		Shown: r.querySelector('.health .mark').textContent + r.querySelector('.health strong').textContent,
		Problem: r.querySelector('.health .problem')?.textContent ?? '',
		Heights: Object.fromEntries([...r.querySelectorAll('li[data-height]')].map(l => [l.dataset.channel, Number(l.dataset.height)])),
		Left: Object.fromEntries([...r.querySelectorAll('li[data-left]')].map(l => [l.dataset.channel, l.textContent])),
		Leads: [...r.querySelectorAll('li[data-height]')].filter(l => l.querySelector('.leader')).map(l => l.dataset.channel),
		Lag: Object.fromEntries([...r.querySelectorAll('li[data-lag]')].map(l => [l.dataset.direction ?? 'cache', Number(l.dataset.lag)])),
		Age: Number(r.querySelector('td.age').dataset.age ?? -1),
		AgeText: r.querySelector('td.age').textContent,
	}]))`)
}

// Channel is a channel's row: its highest height and Raft leader.
type Channel struct {
	Height uint64
	Leader string
}

// Channels are the rows of the page's table of channels, by name.
func (o *Operator) Channels() map[string]Channel {
	return browsertest.Eval[map[string]Channel](o.B, `Object.fromEntries([...document.querySelectorAll('#channels tbody tr')].map(r => [r.dataset.channel, {
		Height: Number(r.cells[1].dataset.height), Leader: r.cells[2].textContent }]))`)
}

// Summary is the page's sentence on the nodes' health.
func (o *Operator) Summary() string { return strings.TrimSpace(o.B.Text("#summary")) }

// Await waits until the page shows the nodes in a state ok accepts (nil if
// it does), failing the test with the last reason after within. It answers
// the nodes and how long they took to be shown so.
func (o *Operator) Await(within time.Duration, ok func(map[string]Node) error) (map[string]Node, time.Duration) {
	start := time.Now()
	var err error
	for time.Since(start) < within {
		nodes := o.Nodes()
		if err = ok(nodes); err == nil {
			return nodes, time.Since(start)
		}
		time.Sleep(200 * time.Millisecond)
	}
	o.B.Fatalf("after %s the page does not show it: %v", within, err)
	return nil, 0
}

// AllHealthy accepts nodes that are all ok, each of the names among them.
func AllHealthy(names ...string) func(map[string]Node) error {
	return func(nodes map[string]Node) error {
		for _, n := range names {
			if _, ok := nodes[n]; !ok {
				return fmt.Errorf("no row of %s", n)
			}
		}
		for name, n := range nodes {
			if n.Health != "ok" {
				return fmt.Errorf("%s is %s: %s", name, n.Health, n.Problem)
			}
		}
		return nil
	}
}

// Press moves to a button of the page with Tab and presses Enter: refresh,
// pause (which pauses and resumes the live updates), signout.
func (o *Operator) Press(id string) {
	o.B.TabTo(id, maxTabs)
	o.B.Press(browsertest.Enter)
}
