package network

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/internal/fabricid"
	"github.com/wanledger/wanledger/network/proc"
)

// Membership is the membership the topology gives channel c on the ledger:
// each member with the MSP ID of its province and, for a province, its
// division-code prefix, sorted by MSP ID; it is checked as the chaincode
// checks one (record.CheckMembership).
func (t Topology) Membership(c Channel) ([]record.Organisation, error) {
	var orgs []record.Organisation
	for _, m := range c.Members {
		o, _ := t.Org(m)
		p, ok := t.Org(o.Province)
		if !ok {
			return nil, fmt.Errorf("organisation %s: its province %q is no organisation of the topology", o.Name, o.Province)
		}
		orgs = append(orgs, record.Organisation{MSPID: o.MSPID, Province: p.MSPID, Prefix: o.Prefix})
	}
	if err := record.CheckMembership(orgs); err != nil {
		var re *record.Error
		if errors.As(err, &re) {
			return nil, errors.New(re.Msg)
		}
		return nil, err
	}
	return orgs, nil
}

// MembershipDiff lists how the membership on a channel's ledger (got)
// differs from the topology's (want), one line per organisation, in MSP ID
// order; nil when they agree.
func MembershipDiff(want, got []record.Organisation) []string {
	var out []string
	i, j := 0, 0
	for i < len(want) || j < len(got) {
		switch {
		case j == len(got) || i < len(want) && want[i].MSPID < got[j].MSPID:
			out = append(out, want[i].MSPID+": in the topology, not on the ledger")
			i++
		case i == len(want) || got[j].MSPID < want[i].MSPID:
			out = append(out, got[j].MSPID+": on the ledger, not in the topology")
			j++
		default:
			if want[i] != got[j] {
				out = append(out, fmt.Sprintf("%s: the topology has %s, the ledger %s", want[i].MSPID, describe(want[i]), describe(got[j])))
			}
			i, j = i+1, j+1
		}
	}
	return out
}

func describe(o record.Organisation) string {
	if o.IsProvince() {
		return "a province of prefix " + o.Prefix
	}
	return "an organisation of " + o.Province
}

// MembershipMismatchError is a channel whose membership on the ledger is
// not the topology's.
type MembershipMismatchError struct {
	Channel string
	Diff    []string
}

func (e *MembershipMismatchError) Error() string {
	return fmt.Sprintf("channel %s: the membership on the ledger differs from the topology: %s", e.Channel, strings.Join(e.Diff, "; "))
}

// errNoMembership means a channel's ledger holds no membership yet.
var errNoMembership = errors.New("no membership on the ledger yet")

// notFound tells whether a peer's answer is the chaincode's NOT_FOUND.
func notFound(err error) bool {
	return err != nil && slices.ContainsFunc(fabricid.ChaincodeMessages(err), func(m string) bool {
		return record.CodeOf(errors.New(m)) == record.CodeNotFound
	})
}

// LedgerMembership reads channel c's membership (registry:GetMembership)
// through its first member's peer, as that organisation's client.
func (nw *Network) LedgerMembership(ctx context.Context, c Channel) (*record.Membership, error) {
	var m record.Membership
	err := nw.queryRegistry(ctx, c, "GetMembership", &m)
	return &m, err
}

// membershipHistory reads every version of channel c's membership on its
// ledger, oldest first; none before its first.
func (nw *Network) membershipHistory(ctx context.Context, c Channel) ([]record.Membership, error) {
	var h []record.Membership
	if err := nw.queryRegistry(ctx, c, "MembershipHistory", &h); err != nil && !errors.Is(err, errNoMembership) {
		return nil, err
	}
	return h, nil
}

// queryRegistry evaluates a query of the registry contract on channel c,
// as a user of its first member, and decodes its JSON answer into out;
// errNoMembership for NOT_FOUND.
func (nw *Network) queryRegistry(ctx context.Context, c Channel, fn string, out any) error {
	return nw.withContract(c.Members[0], "User1", c.Name, "registry", func(r *client.Contract) error {
		b, err := r.EvaluateWithContext(ctx, fn)
		switch {
		case notFound(err):
			return errNoMembership
		case err != nil:
			return fmt.Errorf("%s: %s", fn, fabricid.ErrorMessage(err))
		}
		return json.Unmarshal(b, out)
	})
}

// ensureMembership gives each channel whose ledger holds no membership the
// topology's: the admins of its members approve it in turn
// (registry:ApproveMembership) until it takes effect, with a majority. A
// membership on the ledger that differs from the topology stops up with a
// *MembershipMismatchError: the ledger is the record, and only its
// members change it.
func (nw *Network) ensureMembership(ctx context.Context) (bool, error) {
	changed := false
	for _, c := range nw.Topo.Channels {
		want, err := nw.Topo.Membership(c)
		if err != nil {
			return changed, err
		}
		got, err := nw.LedgerMembership(ctx, c)
		if err == nil {
			if d := MembershipDiff(want, got.Orgs); d != nil {
				return changed, &MembershipMismatchError{Channel: c.Name, Diff: d}
			}
			continue
		}
		if !errors.Is(err, errNoMembership) {
			return changed, err
		}
		arg, err := json.Marshal(want)
		if err != nil {
			return changed, err
		}
		for _, m := range c.Members {
			var a record.MembershipApproval
			err := nw.withContract(m, "Admin", c.Name, "registry", func(r *client.Contract) error {
				out, err := nw.submit(ctx, m, r, nil, "ApproveMembership", string(arg))
				if err != nil {
					return fmt.Errorf("ApproveMembership: %s", fabricid.ErrorMessage(err))
				}
				return json.Unmarshal(out, &a)
			})
			if err != nil {
				return changed, fmt.Errorf("%s approving the membership of %s: %w", m, c.Name, err)
			}
			changed = true
			nw.detail("%s approved the membership of %s (%d of %d)", m, c.Name, len(a.Approvers), a.Needed)
			if a.Active {
				break
			}
		}
	}
	return changed, nil
}

// submit submits fn of contract c, a contract of org's client through
// org's peer, endorsed by the organisations named (none named: as the
// peer's gateway plans), in five attempts at most (fabricid.SubmitWith),
// and returns its answer.
func (nw *Network) submit(ctx context.Context, org string, c *client.Contract, endorsers []string, fn string, args ...string) ([]byte, error) {
	o, _ := nw.Topo.Org(org)
	out, _, err := fabricid.SubmitWith(ctx, c, fn, fabricid.SubmitOptions{Attempts: 5, Local: o.MSPID, Endorsers: endorsers}, args...)
	return out, err
}

// withContract calls f with a contract of the chaincode on channel, as user
// of org through org's peer.
func (nw *Network) withContract(org, user, channel, contract string, f func(*client.Contract) error) error {
	o, ok := nw.Topo.Org(org)
	if !ok {
		return fmt.Errorf("no organisation %q", org)
	}
	conn, err := fabricid.Dial(nw.Topo.Peer(o.Name).ListenAddr(), nw.Home.OrgTLSCA(o))
	if err != nil {
		return err
	}
	defer conn.Close()
	msp, _ := nw.Home.User(o, user)
	gw, err := fabricid.Connect(o.MSPID, msp, conn)
	if err != nil {
		return err
	}
	defer gw.Close()
	return f(gw.GetNetwork(channel).GetContractWithName(ChaincodeName, contract))
}

// MembershipStatus is what status reports of one channel's membership.
type MembershipStatus struct {
	Channel  string   `json:"channel"`
	Revision int      `json:"revision,omitempty"` // of the membership on the ledger
	Diff     []string `json:"diff,omitempty"`     // how it differs from the topology
	Err      string   `json:"error,omitempty"`    // why it could not be read
}

// MembershipStatus compares each channel's membership on the ledger with
// the topology's, waiting at most 10 s for each.
func (nw *Network) MembershipStatus(ctx context.Context) []MembershipStatus {
	var out []MembershipStatus
	for _, c := range nw.Topo.Channels {
		s := MembershipStatus{Channel: c.Name}
		want, err := nw.Topo.Membership(c)
		var got *record.Membership
		if err == nil {
			_, err = proc.Read(nw.Home.PIDFile(nw.Topo.Peer(c.Members[0]).Name))
		}
		if err == nil {
			cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			got, err = nw.LedgerMembership(cctx, c)
			cancel()
		}
		if err != nil {
			s.Err = err.Error()
		} else {
			s.Revision, s.Diff = got.Revision, MembershipDiff(want, got.Orgs)
		}
		out = append(out, s)
	}
	return out
}

// PrintMembership writes one line per channel: its membership on the
// ledger agrees with the topology, or how it differs, or why it could not
// be read.
func PrintMembership(w io.Writer, st []MembershipStatus) error {
	for _, s := range st {
		var err error
		switch {
		case s.Err != "":
			_, err = fmt.Fprintf(w, "membership of %s: unknown (%s)\n", s.Channel, s.Err)
		case len(s.Diff) == 0:
			_, err = fmt.Fprintf(w, "membership of %s: revision %d on the ledger, as the topology has it\n", s.Channel, s.Revision)
		default:
			_, err = fmt.Fprintf(w, "membership of %s: revision %d on the ledger DIFFERS from the topology:\n  %s\n", s.Channel, s.Revision, strings.Join(s.Diff, "\n  "))
		}
		if err != nil {
			return err
		}
	}
	return nil
}
