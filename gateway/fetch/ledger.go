package fetch

import (
	"context"
	"errors"
	"time"

	"github.com/wanledger/wanledger/api/record"
)

// Ledger is what a provider needs of the ledger, as its data-owner
// identity. RecordAccess submits share:RecordAccess and returns the record
// once committed: an access, or a denial the chaincode committed (its
// Reason the code). An error carrying one of the chaincode's codes
// (record.Codes, as a *record.Error, an *api.Error or a "CODE: message")
// is a refusal that wrote nothing; any other error, a failure to commit.
// RecordDenial records a refusal the provider makes itself.
type Ledger interface {
	AccessReader
	RecordAccess(ctx context.Context, r record.AccessRequest) (*record.AccessRecord, error)
	RecordDenial(ctx context.Context, d record.DenialRequest) (*record.AccessRecord, error)
	Authorization(ctx context.Context, id string) (*record.Authorization, error)
}

// AccessReader reads a committed access record by its ID (share:GetAccess).
type AccessReader interface {
	Access(ctx context.Context, id string) (*record.AccessRecord, error)
}

// errNotThere: an access record did not appear within the wait.
var errNotThere = errors.New("the access record did not appear within the wait")

// awaitAccess reads access record id through l, again every interval
// while the ledger says NOT_FOUND, for at most wait (errNotThere then);
// any other answer is returned as it is.
func awaitAccess(ctx context.Context, l AccessReader, id string, wait, interval time.Duration) (*record.AccessRecord, error) {
	ctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	for {
		rec, err := l.Access(ctx, id)
		if record.CodeOf(err) != record.CodeNotFound {
			return rec, err
		}
		select {
		case <-ctx.Done():
			return nil, errNotThere
		case <-time.After(interval):
		}
	}
}
