package domain_test

import (
	"testing"
	"time"

	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/chaincode/domain"
)

// The failing input: a revocation effective in the future set "revoked" at
// once while StatusAt said active, and then Suspend was refused. A change
// now takes effect now or from a past time, never later.
func TestAFutureEffectiveTimeIsRefused(t *testing.T) {
	w := newWorld(t).setUp()
	w.issue("BL-F")
	_, err := w.run("hefei-issuer", func(s domain.State) (any, error) {
		return domain.Revoke(s, "BL-F", "FRAUD", w.now.Add(24*time.Hour))
	})
	wantCode(t, err, record.CodeInvalidArgument)
	l := w.must("hefei-issuer", func(s domain.State) (any, error) { return domain.Suspend(s, "BL-F", "COURT_ORDER") }).(*record.Licence)
	if l.Status != record.StatusSuspended {
		t.Errorf("status = %s, want suspended", l.Status)
	}
	_, err = w.run("hefei-admin", func(s domain.State) (any, error) {
		return domain.RevokeSealKey(s, sealID, "KEY_COMPROMISED", w.now.Add(time.Hour))
	})
	wantCode(t, err, record.CodeInvalidArgument)
	// A past effective time is allowed, but in whole seconds as every time on the ledger.
	_, err = w.run("hefei-issuer", func(s domain.State) (any, error) {
		return domain.Revoke(s, "BL-F", "FRAUD", w.now.Add(-time.Minute+500*time.Millisecond))
	})
	wantCode(t, err, record.CodeInvalidArgument)
}

// The stored status and StatusAt agree at every time after each change,
// past effective times included.
func TestStoredStatusIsTheStatusNow(t *testing.T) {
	w := newWorld(t).setUp()
	w.issue("BL-S")
	issued := w.now
	steps := []func(domain.State) (any, error){
		func(s domain.State) (any, error) { return domain.Suspend(s, "BL-S", "COURT_ORDER") },
		func(s domain.State) (any, error) { return domain.Reinstate(s, "BL-S", "ISSUE_RESOLVED") },
		func(s domain.State) (any, error) { return domain.Revoke(s, "BL-S", "FRAUD", issued.Add(time.Second)) },
	}
	for i, step := range steps {
		l := w.must("hefei-issuer", step).(*record.Licence)
		for _, at := range []time.Time{w.now, w.now.Add(time.Hour), w.now.AddDate(0, 6, 0)} {
			if got := l.StatusAt(at).Status; got != l.Status {
				t.Errorf("step %d: stored %s, StatusAt(%s) %s", i, l.Status, at.Format(time.RFC3339), got)
			}
		}
	}
	// Revoked from a past time: before it, the history still says active.
	l := w.must("hefei-verifier", func(s domain.State) (any, error) { return domain.StatusAt(s, "BL-S", issued) }).(*record.StatusAnswer)
	if l.Status != record.StatusActive {
		t.Errorf("status at issuance = %s, want active", l.Status)
	}
}
