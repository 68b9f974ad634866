package auditreport

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/wanledger/wanledger/api"
)

// Codes of a report refused before its entries are checked.
const (
	CodeMalformed    = "REPORT_MALFORMED"     // not a report, or not in its canonical form
	CodeBadSignature = "REPORT_BAD_SIGNATURE" // altered, or not signed by the certificate it carries
	CodeWrongSigner  = "REPORT_WRONG_SIGNER"  // not signed by the organisation trusted
)

// Error is a report refused, with its code.
type Error struct {
	Code string
	Msg  string
}

func (e *Error) Error() string { return e.Code + ": " + e.Msg }

func refuse(code, format string, args ...any) *Error {
	return &Error{Code: code, Msg: fmt.Sprintf(format, args...)}
}

// ErrNotFound is what a Ledger answers for a record it does not hold.
var ErrNotFound = errors.New("no such access record on the ledger")

// Ledger is what a check reads of the ledger, through a gateway the
// checker trusts: an access record as an entry (ErrNotFound, wrapped, if
// there is none), and the IDs of the records an audit query traces, at
// most max (more is an error).
type Ledger interface {
	Entry(ctx context.Context, id string) (api.AuditEntry, error)
	Trace(ctx context.Context, q api.AuditQuery, max int) ([]string, error)
}

// Problems of an entry, as a Difference names them.
const (
	Changed  = "changed"  // the ledger's record differs from the entry
	Missing  = "missing"  // the ledger holds no such record
	Unlisted = "unlisted" // the ledger traces it for the query, in a block below the report's height, and the report does not list it
)

// Difference is one way the report and the ledger differ.
type Difference struct {
	ID      string   `json:"id" doc:"the access record's ID"`
	Problem string   `json:"problem" doc:"changed, missing or unlisted"`
	Members []string `json:"members,omitempty" doc:"changed: the entry's members that differ from the ledger's"`
	Block   uint64   `json:"block,omitempty" doc:"unlisted: the block the ledger holds it in"`
}

// Result is a check's outcome.
type Result struct {
	MSPID        string       `json:"mspId" doc:"the organisation that signed the report"`
	Signer       string       `json:"signer" doc:"the subject of the signer's certificate"`
	Channel      string       `json:"channel"`
	LedgerHeight uint64       `json:"ledgerHeight" doc:"the height the report states"`
	Entries      int          `json:"entries" doc:"the entries checked"`
	Matches      bool         `json:"matches" doc:"every entry is on the ledger unchanged and none is missing"`
	Differences  []Difference `json:"differences" doc:"each difference found"`
}

// Check holds every entry of p against the ledger, then traces p's query
// again: a record of it in a block below the report's height that the
// report does not list is unlisted (a record added later is not). It
// reads each entry and each record not listed once; an error is a ledger
// that cannot be read, not a difference.
func Check(ctx context.Context, p *Parsed, l Ledger) (*Result, error) {
	r := &Result{MSPID: p.MSPID, Signer: p.Signer.Subject.String(), Channel: p.Channel, LedgerHeight: p.LedgerHeight,
		Entries: len(p.Entries), Differences: []Difference{}}
	listed := make(map[string]bool, len(p.Entries))
	for _, e := range p.Entries {
		listed[e.ID] = true
		held, err := l.Entry(ctx, e.ID)
		if errors.Is(err, ErrNotFound) {
			r.Differences = append(r.Differences, Difference{ID: e.ID, Problem: Missing})
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("reading access record %s: %w", e.ID, err)
		}
		if m := differing(e, held); len(m) > 0 {
			r.Differences = append(r.Differences, Difference{ID: e.ID, Problem: Changed, Members: m})
		}
	}
	ids, err := l.Trace(ctx, p.Query, api.MaxAuditRecords)
	if err != nil {
		return nil, fmt.Errorf("tracing the report's query: %w", err)
	}
	for _, id := range ids {
		if listed[id] {
			continue
		}
		held, err := l.Entry(ctx, id)
		if err != nil {
			return nil, fmt.Errorf("reading access record %s: %w", id, err)
		}
		if held.Block < p.LedgerHeight {
			r.Differences = append(r.Differences, Difference{ID: id, Problem: Unlisted, Block: held.Block})
		}
	}
	r.Matches = len(r.Differences) == 0
	return r, nil
}

// differing names the JSON members in which two entries differ.
func differing(a, b api.AuditEntry) []string {
	var out []string
	va, vb, t := reflect.ValueOf(a), reflect.ValueOf(b), reflect.TypeOf(a)
	for i := range t.NumField() {
		var same bool
		switch x := va.Field(i).Interface().(type) {
		case []string: // absent and empty are the same list
			same = slices.Equal(x, vb.Field(i).Interface().([]string))
		case time.Time:
			same = x.Equal(vb.Field(i).Interface().(time.Time))
		default:
			same = x == vb.Field(i).Interface()
		}
		if !same {
			name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
			out = append(out, name)
		}
	}
	return out
}
