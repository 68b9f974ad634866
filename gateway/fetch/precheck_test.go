package fetch

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/wanledger/wanledger/api/record"
)

// A request the ledger would refuse costs the provider no projection and
// no RecordAccess: it is judged by the authorization first, and its
// refusal is recorded as a denial.
func TestARefusedRequestReadsNoRow(t *testing.T) {
	for _, tt := range []struct {
		name string
		edit func(*record.DataRequest)
		want record.Code
	}{
		{"a field not granted", func(r *record.DataRequest) { r.Fields = []string{"income"} }, record.CodeFieldsNotGranted},
		{"another purpose", func(r *record.DataRequest) { r.Purpose = "curiosity" }, record.CodePurposeMismatch},
	} {
		t.Run(tt.name, func(t *testing.T) {
			n := newNet(t, 20, Config{})
			n.chain.grant("AUTH-1", nil)
			var read atomic.Int32
			n.rows.onRow = func(int) { read.Add(1) }
			q := ask("AUTH-1", "address")
			tt.edit(&q)
			_, err := n.fetch(q)
			if e, ok := err.(*Error); !ok || e.Code != string(tt.want) || e.DenialID == "" {
				t.Fatalf("got %v, want %s with a denial", err, tt.want)
			}
			if read.Load() != 0 || n.pl.accesses.Load() != 0 {
				t.Errorf("%d rows read, %d accesses submitted for a refused request", read.Load(), n.pl.accesses.Load())
			}
		})
	}
}

// A signed request is no secret on the channel: carried by a gateway that
// is not its requester's, it is refused and nothing is recorded in the
// requester's name.
func TestARequestFromAnotherOrganisationsGatewayIsRefusedUnrecorded(t *testing.T) {
	n := newNet(t, 20, Config{})
	n.chain.grant("AUTH-1", nil)
	n.ids.peers[n.req.ID()] = "AnhuiMSP"
	_, err := n.fetch(ask("AUTH-1", "address"))
	if e, ok := err.(*Error); !ok || e.Code != string(record.CodeForbidden) || e.DenialID != "" {
		t.Fatalf("got %v, want FORBIDDEN and no denial", err)
	}
	if trail := n.chain.trail(""); len(trail) != 0 {
		t.Errorf("the trail holds %d records", len(trail))
	}
}

// A request signed more than record.MaxRequestAge ago is refused before
// any row is read, as the chaincode would refuse it.
func TestAStaleRequestIsRefusedBeforeAnyRowIsRead(t *testing.T) {
	n := newNet(t, 20, Config{})
	n.chain.grant("AUTH-1", nil)
	var read atomic.Int32
	n.rows.onRow = func(int) { read.Add(1) }
	n.client.cfg.Clock = func() time.Time { return time.Now().Add(-record.MaxRequestAge - time.Minute) }
	_, err := n.fetch(ask("AUTH-1", "address"))
	if e, ok := err.(*Error); !ok || e.Code != string(record.CodeInvalidArgument) || e.DenialID == "" {
		t.Fatalf("got %v, want INVALID_ARGUMENT with a denial", err)
	}
	if read.Load() != 0 {
		t.Errorf("%d rows read for a stale request", read.Load())
	}
}
