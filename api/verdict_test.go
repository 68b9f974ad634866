package api

import "testing"

func TestAVerdictsErrNamesEachFailedCheck(t *testing.T) {
	if err := (Verdict{Valid: true, Checks: []Check{{Name: "seal-valid", OK: true}}}).Err(); err != nil {
		t.Errorf("a valid verdict: %v", err)
	}
	v := Verdict{Checks: []Check{{Name: "seal-valid", OK: true}, {Name: "status-active", Detail: "revoked"}, {Name: "cache-current", Detail: "stale"}}}
	if got, want := v.Err().Error(), "NOT VALID (status-active: revoked; cache-current: stale)"; got != want {
		t.Errorf("Err() = %q, want %q", got, want)
	}
}
