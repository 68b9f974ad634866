package orgs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/internal/credential"
	"github.com/wanledger/wanledger/internal/fabricid"
	"github.com/wanledger/wanledger/network"
	"github.com/wanledger/wanledger/network/proc"
)

// addSteps is how many steps org add has.
const addSteps = 19

// TestAnOrganisationJoinsARunningChannelAndLeavesIt: on a running network
// (Anhui, Hefei and Wuhu on anhui; Anhui and Shanghai on delta), `org add
// bengbu` in one run brings Bengbu's peer to anhui's height, and its
// gateway verifies Hefei's demo licence; an agency of Bengbu's, accredited
// by Anhui, issues a licence that Wuhu verifies, and Shanghai across the
// relay (which now counts Bengbu among anhui's members, and whose source
// definition of anhui delta's members approved again with Bengbu's CA);
// the same command again, and up, change nothing. Bengbu's
// endorsement counts while it is a member; `org remove` ends that: once
// the configuration no longer admits it, a transaction its peer endorsed
// fails the channel's policy, though its peer still runs; then its nodes
// stop and its identities are refused by the channel. Huainan then joins
// with the command killed at every one of its steps and run again each
// time: it ends in the state Bengbu's one clean run left.
func TestAnOrganisationJoinsARunningChannelAndLeavesIt(t *testing.T) {
	n := startNet(t)
	hefeiLicence := n.demoLicence(t)
	n.refuses(t, badRequests)

	start := time.Now()
	out := n.mustCLI(t, "bengbu added to anhui", "org", "add", "bengbu", "--province", "anhui", "--channel", "anhui")
	t.Logf("org add bengbu: %s", time.Since(start).Round(time.Second))
	for k := 1; k <= addSteps; k++ {
		if !strings.Contains(out, fmt.Sprintf("==> [%d/%d] ", k, addSteps)) {
			t.Errorf("org add printed no step %d of %d:\n%s", k, addSteps, out)
		}
	}
	oneOutcomePerStep(t, out)
	n.mustCLI(t, "network already up: nothing changed", "up")
	n.caughtUp(t, "bengbu")
	n.verifies(t, "bengbu", hefeiLicence)
	bengbu := n.accredit(t, "bengbu", "BengbuMSP", "bengbu-amr", "340300")
	bengbuLicence := n.issue(t, bengbu, "BB-0001")
	n.verifies(t, "wuhu", bengbuLicence)
	n.verifies(t, "shanghai", bengbuLicence)
	clean := n.state(t, "bengbu")
	if !clean.Unchanged {
		t.Errorf("org add bengbu again changed something")
	}
	if got := n.invoke(t, "ORG-A", "anhui", "hefei", "bengbu"); got != "VALID" {
		t.Errorf("endorsed by Anhui, Hefei and Bengbu, 3 of 4 members: %s", got)
	}

	t.Run("bengbu leaves", func(t *testing.T) { n.remove(t, bengbuLicence) })

	t.Run("huainan joins with a failure at every step", func(t *testing.T) {
		args := []string{"org", "add", "huainan", "--province", "anhui", "--channel", "anhui"}
		start := time.Now()
		for k := 1; k <= addSteps; k++ {
			if out, killed := n.killedAt(t, k, args...); !killed {
				t.Fatalf("org add ended before step %d:\n%s", k, out)
			}
			if k == addSteps/2 {
				n.saysPending(t, "huainan")
			}
		}
		// The kill as the last step begins may land after that step's
		// write: the addition is then whole, and the last run finds
		// nothing to do.
		want := "huainan added to anhui"
		if o, _ := n.net(t).Topo.Org("huainan"); !o.Pending {
			want = "huainan is on anhui already: nothing changed"
		}
		n.mustCLI(t, want, args...)
		t.Logf("org add huainan, killed at each of %d steps and run again: %s", addSteps, time.Since(start).Round(time.Second))
		n.caughtUp(t, "huainan")
		n.verifies(t, "huainan", hefeiLicence)
		if d := diff(clean, n.state(t, "huainan")); d != nil {
			t.Errorf("Huainan after a failure at every step differs from Bengbu after one run:\n%s", strings.Join(d, "\n"))
		}
		n.mustCLI(t, "huainan removed from anhui", "org", "remove", "huainan", "--channel", "anhui")
	})

	t.Run("bengbu joins delta", func(t *testing.T) { n.joinsAnotherChannel(t, hefeiLicence) })
	t.Run("a new province joins delta and leaves", func(t *testing.T) { n.newProvince(t) })
}

// newProvince: Fujian joins delta as a province with prefix 35, which the
// members approved (ADR 43), and leaves; its prefix stays its own, and
// org add of another province with 35 is refused before any step.
func (n *testNet) newProvince(t *testing.T) {
	out := n.mustCLI(t, "fujian added to delta", "org", "add", "fujian", "--province", "fujian", "--prefix", "35", "--city", "Fuzhou", "--channel", "delta")
	if !strings.Contains(out, "approves FujianMSP as a province with prefix 35") {
		t.Errorf("org add fujian printed no approval of the members:\n%s", out)
	}
	var m record.Membership
	n.query(t, "anhui", "delta", &m, "registry:GetMembership")
	if o, ok := m.Org("FujianMSP"); !ok || !o.IsProvince() || o.Prefix != "35" {
		t.Errorf("delta's membership has Fujian as %+v (%v), want a province with prefix 35", o, ok)
	}
	n.mustCLI(t, "fujian removed from delta", "org", "remove", "fujian", "--channel", "delta")
	n.refuses(t, []refusal{{[]string{"org", "add", "minnan", "--province", "minnan", "--prefix", "35", "--city", "Xiamen", "--channel", "delta"},
		"35 is province FujianMSP's on channel delta"}})
}

// remove takes Bengbu off anhui: the command is killed as it begins to
// remove Bengbu from the membership on the ledger, when the channel's
// configuration no longer admits it (the ledger refuses the removal
// before); its peer and chaincode server run (started again if the kill
// came late) and endorse, but the endorsement no longer counts. The
// command run again removes it from the membership, endorsed by the three
// others, and stops them; Bengbu's identities are refused by the channel, and
// its licence, issued while it was a member, still verifies.
func (n *testNet) remove(t *testing.T, bengbuLicence credential.Credential) {
	nw := n.net(t)
	var pids []int
	for _, name := range []string{"peer.bengbu", "chaincode.bengbu", "gateway.bengbu"} {
		h, err := nw.Handle(name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		pids = append(pids, h.PID)
	}
	args := []string{"org", "remove", "bengbu", "--channel", "anhui"}
	if out, killed := n.killedAt(t, 3, args...); !killed {
		t.Fatalf("org remove ended before step 3:\n%s", out)
	}
	if _, in := applicationOrgs(t, n, "anhui")["BengbuMSP"]; in {
		t.Fatal("anhui's configuration admits Bengbu after org remove's step 2")
	}
	nw = n.net(t) // Bengbu is recorded as being removed
	for _, name := range []string{"peer.bengbu", "chaincode.bengbu"} {
		if _, err := nw.Handle(name); err != nil {
			if err := nw.StartNode(t.Context(), name); err != nil {
				t.Fatal(err)
			}
		}
	}
	if got := n.invoke(t, "ORG-B", "anhui", "bengbu"); got != "ENDORSEMENT_POLICY_FAILURE" {
		t.Errorf("endorsed by Anhui and Bengbu once Bengbu left: %s, want ENDORSEMENT_POLICY_FAILURE", got)
	}
	if got := n.invoke(t, "ORG-C", "anhui", "hefei"); got != "VALID" {
		t.Errorf("endorsed by Anhui and Hefei, 2 of the 3 organisations of the configuration: %s", got)
	}

	n.mustCLI(t, "bengbu removed from anhui", args...)
	for i, pid := range pids {
		if (proc.Handle{PID: pid}).Alive() {
			t.Errorf("process %d of Bengbu (%d of 3) still runs", pid, i+1)
		}
	}
	nw = n.net(t)
	if _, ok := nw.Topo.Org("bengbu"); ok {
		t.Error("bengbu is still in the topology")
	}
	out := n.mustCLI(t, "membership of anhui: revision 3 on the ledger, as the topology has it", "status")
	if strings.Contains(out, "bengbu") {
		t.Errorf("status names Bengbu after its removal:\n%s", out)
	}
	n.mustCLI(t, "bengbu was removed from this network already", args...)
	n.refusedByTheChannel(t, "bengbu", "BengbuMSP")
	// The ledger's membership history holds Bengbu as Anhui's: it comes
	// back only as that, which org add says before changing anything.
	n.refuses(t, []refusal{{[]string{"org", "add", "bengbu", "--province", "bengbu", "--prefix", "36", "--city", "Bengbu", "--channel", "anhui"},
		"BengbuMSP was a member of anhui as an organisation of AnhuiMSP: it rejoins only as that"}})
	n.verifies(t, "wuhu", bengbuLicence)
	if got := n.sourceOrgs(t, "delta", "anhui"); !slices.Equal(got, []string{"AnhuiMSP", "HefeiMSP", "WuhuMSP"}) {
		t.Errorf("delta's definition of anhui as a relay source names %v after Bengbu left, want its CA no longer trusted", got)
	}
	_, stderr, err := n.cli("whoami", "--as", "bengbu/verifier")
	if want := "bengbu is no longer part of the network in " + n.home; err == nil || !strings.Contains(stderr, want) {
		t.Errorf("--as bengbu/verifier after its removal: %v, %s; want %q", err, stderr, want)
	}
}

// refusal is a command org add or org remove refuses, and what it says.
type refusal struct {
	args []string
	want string
}

// badRequests are what the topology cannot take.
var badRequests = []refusal{
	{[]string{"org", "add", "Bengbu", "--province", "anhui", "--channel", "anhui"}, `name "Bengbu": want 1 to 32 lower-case letters`},
	{[]string{"org", "add", "bengbu", "--province", "hefei", "--channel", "anhui"}, "--province hefei: no province"},
	{[]string{"org", "add", "bengbu", "--province", "shanghai", "--channel", "anhui"}, "--province shanghai: not a member of channel anhui"},
	{[]string{"org", "add", "bengbu", "--province", "anhui", "--channel", "huaihe"}, "--channel huaihe: no such channel"},
	{[]string{"org", "add", "bengbu", "--province", "anhui", "--channel", "anhui", "--city", "Beng'bu"}, "--city: place name"},
	{[]string{"org", "add", "bengbu", "--province", "anhui", "--channel", "anhui", "--host", "wuhu"}, "--host wuhu: the topology has no hosts"},
	{[]string{"org", "add", "wuhu", "--province", "anhui", "--channel", "delta"}, "organisation wuhu: part of the network since it was made"},
	{[]string{"org", "add", "wuhu", "--province", "anhui", "--channel", "anhui"}, "organisation wuhu: part of the network since it was made"},
	{[]string{"org", "remove", "hefei", "--channel", "anhui"}, "only an organisation added by `wanledger org add` can be removed"},
	{[]string{"org", "remove", "bengbuu", "--channel", "anhui"}, "bengbuu is no organisation of this network: nothing to remove"},
}

// refuses: each command exits 2 before changing anything.
func (n *testNet) refuses(t *testing.T, cases []refusal) {
	t.Helper()
	for _, c := range cases {
		before, err := os.ReadFile(network.Home(n.home).Path(network.TopologyFile))
		if err != nil {
			t.Fatal(err)
		}
		_, stderr, err := n.cli(c.args...)
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 2 || !strings.Contains(stderr, c.want) {
			t.Errorf("wanledger %s: %v, %s; want exit 2 and %q", strings.Join(c.args, " "), err, stderr, c.want)
		}
		if after, err := os.ReadFile(network.Home(n.home).Path(network.TopologyFile)); err != nil || string(after) != string(before) {
			t.Errorf("wanledger %s changed %s", strings.Join(c.args, " "), network.TopologyFile)
		}
	}
}

// saysPending: while the organisation's addition has not finished, status
// says so and up refuses to run, naming both ways out.
func (n *testNet) saysPending(t *testing.T, org string) {
	t.Helper()
	want := "organisation " + org + " is being added or removed: finish with `wanledger org add " + org + " --province anhui --channel anhui --home " + n.home +
		"`, or undo with `wanledger org remove " + org + " --channel anhui --home " + n.home + "`"
	n.mustCLI(t, want, "status")
	_, stderr, err := n.cli("up")
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 || !strings.Contains(stderr, want) {
		t.Errorf("up while %s is pending: %v, %s; want exit 1 and %q", org, err, stderr, want)
	}
}

// caughtUp wants every node of the organisation running and healthy, and
// its peer at the height of Anhui's.
func (n *testNet) caughtUp(t *testing.T, org string) {
	t.Helper()
	eventually(t, "peer."+org+" at the height of anhui", func() error {
		var st []network.NodeStatus
		out := n.mustCLI(t, "", "status", "--json")
		if err := json.Unmarshal([]byte(out), &st); err != nil {
			t.Fatal(err)
		}
		heights, nodes := map[string]int{}, 0
		for _, s := range st {
			heights[s.Name] = s.Heights["anhui"]
			if s.Name == "peer."+org || s.Name == "chaincode."+org || s.Name == "gateway."+org {
				nodes++
				if !s.Running || s.Health != "ok" {
					return fmt.Errorf("%s running %v, health %s", s.Name, s.Running, s.Health)
				}
			}
		}
		if h, want := heights["peer."+org], heights["peer.anhui"]; nodes != 3 || h != want || h == 0 {
			return fmt.Errorf("%d nodes of %s; its peer at %d, Anhui's at %d", nodes, org, h, want)
		}
		return nil
	})
}

// invoke has Anhui's admin define a licence type with Fabric's peer CLI,
// endorsed by exactly the peers of the organisations named, the first
// Anhui, and returns the transaction's validation code as Anhui's peer
// committed it (the CLI logs it for each peer it waits on; a peer that no
// longer receives blocks keeps it waiting until its timeout).
func (n *testNet) invoke(t *testing.T, code string, endorsers ...string) string {
	t.Helper()
	nw := n.net(t)
	typ, err := json.Marshal(record.LicenceType{Code: code, Name: "试验许可证", MaxValidityDays: 365,
		Fields: []record.FieldSpec{{Name: "name", Type: record.FieldString, Required: true}}})
	if err != nil {
		t.Fatal(err)
	}
	call, err := json.Marshal(map[string][]string{"Args": {"registry:PutLicenceType", string(typ)}})
	if err != nil {
		t.Fatal(err)
	}
	ord := nw.Topo.NodesOf(network.KindOrderer)[0]
	args := []string{"chaincode", "invoke", "-C", "anhui", "-n", network.ChaincodeName, "-o", ord.ListenAddr(), "--tls", "--cafile", nw.Home.NodeTLS(ord).CA,
		"--waitForEvent", "--waitForEventTimeout", "15s", "-c", string(call)}
	topo, _, err := network.RecordedTopology(n.home)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range endorsers {
		o, _ := topo.Org(e)
		args = append(args, "--peerAddresses", topo.Peer(e).ListenAddr(), "--tlsRootCertFiles", nw.Home.OrgTLSCA(o))
	}
	out, err := n.peerCLI(t, "anhui", args...)
	for _, m := range committed.FindAllStringSubmatch(out, -1) {
		if m[2] == topo.Peer(endorsers[0]).ListenAddr() {
			return m[1]
		}
	}
	t.Fatalf("invoke endorsed by %v: %v\n%s", endorsers, err, out)
	return ""
}

var committed = regexp.MustCompile(`committed with status \((\w+)\) at (\S+)`)

// refusedByTheChannel wants a client of the organisation, through Anhui's
// peer, refused: its MSP is no longer one of the channel's.
func (n *testNet) refusedByTheChannel(t *testing.T, org, mspID string) {
	t.Helper()
	nw := n.net(t)
	anhui, _ := nw.Topo.Org("anhui")
	conn, err := fabricid.Dial(nw.Topo.Peer("anhui").ListenAddr(), nw.Home.OrgTLSCA(anhui))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	o := network.Org{Name: org, MSPID: mspID}
	msp, _ := nw.Home.User(o, "User1")
	gw, err := fabricid.Connect(mspID, msp, conn)
	if err != nil {
		t.Fatal(err)
	}
	defer gw.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err = gw.GetNetwork("anhui").GetContractWithName(network.ChaincodeName, "registry").EvaluateWithContext(ctx, "WhoAmI")
	if err == nil || !strings.Contains(fabricid.ErrorMessage(err), "access denied") {
		t.Errorf("%s's client asked anhui through Anhui's peer: %v, want access denied", org, err)
	}
}
