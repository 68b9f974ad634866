package api

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"time"

	"github.com/wanledger/wanledger/api/record"
)

// TraceDimensions are the dimensions the trail is traced by
// (GET /v1/audit/trace, /timeline and /report).
var TraceDimensions = []string{record.TraceByDataset, record.TraceByRequester, record.TraceByOwner, record.TraceBySubject, record.TraceByAuthorization, record.TraceByTime}

// AuditQuery selects the access trail: the records under one key of one
// dimension (none for time), with a transaction time in [From, To), each
// end open when zero.
type AuditQuery struct {
	By   string    `json:"by" doc:"the dimension: dataset, requester, owner, subject, authorization or time"`
	Key  string    `json:"key,omitempty" doc:"the dimension's key: a dataset ID, an MSP ID, a subject pseudonym (64 hex digits) or an authorization ID; none for time"`
	From time.Time `json:"from,omitzero" doc:"RFC 3339: the window's start (included); open if absent"`
	To   time.Time `json:"to,omitzero" doc:"RFC 3339: the window's end (excluded); open if absent"`
}

var pseudonym = regexp.MustCompile(`^[0-9a-f]{64}$`)

// Check refuses a query the ledger would refuse, with the reason: a
// dimension it does not know, a key missing (or given for time), a key
// that is not of its dimension's form, or a window that ends before it
// starts.
func (q AuditQuery) Check() error {
	switch {
	case !slices.Contains(TraceDimensions, q.By):
		return fmt.Errorf("by must be one of %v", TraceDimensions)
	case q.By == record.TraceByTime && q.Key != "":
		return fmt.Errorf("tracing by time takes no key")
	case q.By == record.TraceBySubject && !pseudonym.MatchString(q.Key):
		return fmt.Errorf("a subject is a pseudonym: 64 lower-case hex digits")
	case q.By != record.TraceByTime && q.By != record.TraceBySubject:
		if err := record.CheckID(q.By+" key", q.Key); err != nil {
			var e *record.Error
			if errors.As(err, &e) {
				return errors.New(e.Msg)
			}
			return err
		}
	}
	if !q.From.IsZero() && !q.To.IsZero() && !q.From.Before(q.To) {
		return fmt.Errorf("the window's start must be before its end")
	}
	return nil
}

// MaxAuditRecords bounds the records a timeline counts and a report
// lists: a query that holds more is refused (TOO_LARGE), to be narrowed.
const MaxAuditRecords = 10000

// AuditEntry is an access record as an audit report lists it: what it
// says, and where the channel holds it. ID is the record's own
// transaction, on the channel it was recorded on; TxID and Block are those
// of the transaction that wrote it on this channel (the same transaction,
// or for a relayed record the relay's import), and RecordDigest the SM3 of
// the exact bytes written, which covers every member of the record, its
// signed request included.
type AuditEntry struct {
	ID              string    `json:"id" doc:"the record's ID: its transaction ID on the channel it was recorded on"`
	Kind            string    `json:"kind" doc:"access or denial"`
	At              time.Time `json:"at" doc:"RFC 3339: the transaction time"`
	DatasetID       string    `json:"datasetId" doc:"the dataset's ID"`
	Owner           string    `json:"owner" doc:"MSP ID of the data owner"`
	Requester       string    `json:"requester" doc:"MSP ID of the requester organisation"`
	AuthorizationID string    `json:"authorizationId,omitempty" doc:"the authorization's ID"`
	Purpose         string    `json:"purpose" doc:"the purpose code"`
	Fields          []string  `json:"fields" doc:"the fields read or asked for"`
	Subjects        []string  `json:"subjects,omitempty" doc:"holder pseudonyms concerned; empty: any"`
	Reason          string    `json:"reason,omitempty" doc:"denials: the refusal's code"`
	RequestDigest   string    `json:"requestDigest,omitempty" doc:"SM3 of the request body, hex"`
	ResponseDigest  string    `json:"responseDigest,omitempty" doc:"SM3 hash list of the response body, hex"`
	RecordedBy      string    `json:"recordedBy" doc:"MSP ID of the organisation that recorded it"`
	SourceChannel   string    `json:"sourceChannel,omitempty" doc:"a record relayed from another channel: that channel"`
	TxID            string    `json:"txId" doc:"the valid transaction that wrote the record on this channel"`
	Block           uint64    `json:"block" doc:"that transaction's block"`
	RecordDigest    string    `json:"recordDigest" doc:"SM3 of the record's bytes as written, hex"`
}

// AuditEntryOf is the entry of record r, written by transaction txID in
// block, as bytes whose SM3 is digest.
func AuditEntryOf(r *record.AccessRecord, txID string, block uint64, digest string) AuditEntry {
	e := AuditEntry{ID: r.ID, Kind: r.Kind, At: r.At.UTC(), DatasetID: r.DatasetID, Owner: r.Owner, Requester: r.Requester,
		AuthorizationID: r.AuthorizationID, Purpose: r.Purpose, Fields: r.Fields, Subjects: r.Subjects, Reason: r.Reason,
		RequestDigest: r.RequestDigest, ResponseDigest: r.ResponseDigest, RecordedBy: r.RecordedBy,
		TxID: txID, Block: block, RecordDigest: digest}
	if e.Fields == nil {
		e.Fields = []string{}
	}
	if r.Source != nil {
		e.SourceChannel = r.Source.Channel
	}
	return e
}

// Timeline counts the accesses and denials of an audit query in buckets
// of equal length over its window.
type Timeline struct {
	From     time.Time `json:"from" doc:"RFC 3339: the start of the first bucket"`
	To       time.Time `json:"to" doc:"RFC 3339: the end of the last bucket"`
	Step     int64     `json:"stepSeconds" doc:"each bucket's length, in seconds: 1 or 5 minutes, a quarter or 1, 3, 6 or 12 hours, 1 or 7 days, 30 or 365 days, the shortest that draws the window in at most 100 buckets"`
	Buckets  []Bucket  `json:"buckets" doc:"the buckets, oldest first; none if the window is open and holds no record"`
	Accesses int       `json:"accesses" doc:"the accesses in the window"`
	Denials  int       `json:"denials" doc:"the denials in the window"`
}

// Bucket is one interval of a timeline: [Start, Start+Step).
type Bucket struct {
	Start    time.Time `json:"start" doc:"RFC 3339: the bucket's start"`
	Accesses int       `json:"accesses" doc:"accesses with a transaction time in it"`
	Denials  int       `json:"denials" doc:"denials with a transaction time in it"`
}
