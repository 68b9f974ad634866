package cache

import (
	"encoding/json"
	"log/slog"
	"testing"

	"github.com/wanledger/wanledger/chaincode/domain"
	"github.com/wanledger/wanledger/internal/credential"
)

func open(t *testing.T, dir string) *Store {
	t.Helper()
	s, err := Open(dir, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func event(t *testing.T, name string, payload any) Event {
	t.Helper()
	b, err := json.Marshal(domain.Event{Version: domain.EventVersion, Type: name, TxID: "tx", Payload: payload})
	if err != nil {
		t.Fatal(err)
	}
	return Event{Name: name, Payload: b}
}

func licence(id string, st domain.Status) *domain.Licence {
	return &domain.Licence{Content: credential.Content{ID: id}, Status: st}
}

func TestBlocksApplyInOrderOnceAndSurviveReopening(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir)
	if ok, err := s.ApplyBlock(0, nil); err != nil || !ok {
		t.Fatalf("genesis: %v %v", ok, err)
	}
	if _, err := s.ApplyBlock(2, nil); err == nil {
		t.Error("a block beyond the next one was applied")
	}
	if ok, err := s.ApplyBlock(1, []Event{event(t, domain.EventLicenceIssued, licence("L1", domain.StatusActive))}); err != nil || !ok {
		t.Fatal(ok, err)
	}
	if ok, err := s.ApplyBlock(1, []Event{event(t, domain.EventLicenceStatusChanged, licence("L1", domain.StatusRevoked))}); err != nil || ok {
		t.Errorf("a block applied twice: %v %v", ok, err)
	}
	s.Close()

	s = open(t, dir)
	defer s.Close()
	if h, _ := s.Height(); h != 2 {
		t.Errorf("height after reopening = %d, want 2", h)
	}
	l, err := s.Licence("L1")
	if err != nil || l.Status != domain.StatusActive {
		t.Errorf("licence = %+v, %v", l, err)
	}
	if _, err := s.Licence("L2"); err != ErrNotCached {
		t.Errorf("absent licence: %v", err)
	}
}

func TestEveryCachedEventKindIsStored(t *testing.T) {
	s := open(t, t.TempDir())
	defer s.Close()
	events := []Event{
		event(t, domain.EventLicenceBatchIssued, domain.BatchResult{Count: 2, Licences: []*domain.Licence{licence("B1", domain.StatusActive), licence("B2", domain.StatusActive)}}),
		event(t, domain.EventLicenceTypePut, domain.LicenceType{Code: "T"}),
		event(t, domain.EventAccreditationGranted, domain.Accreditation{GrantID: "A:000001", AgencyID: "A", Seq: 1}),
		event(t, domain.EventSealKeyRotated, domain.Rotation{Old: &domain.SealKey{KeyID: "K1", SupersededBy: "K2"}, New: &domain.SealKey{KeyID: "K2"}}),
		event(t, domain.EventGatewayEndpointSet, domain.GatewayEndpoint{MSPID: "X"}),
	}
	if _, err := s.ApplyBlock(0, events); err != nil {
		t.Fatal(err)
	}
	all, err := s.Licences()
	if err != nil || len(all) != 2 {
		t.Errorf("licences = %v, %v", all, err)
	}
	if _, err := s.LicenceType("T"); err != nil {
		t.Error(err)
	}
	if _, err := s.Grant("A:000001"); err != nil {
		t.Error(err)
	}
	if k, err := s.SealKey("K1"); err != nil || k.SupersededBy != "K2" {
		t.Errorf("old key = %+v, %v", k, err)
	}
	if _, err := s.SealKey("K2"); err != nil {
		t.Error(err)
	}
}

func TestABadEventLeavesTheBlockUnapplied(t *testing.T) {
	s := open(t, t.TempDir())
	defer s.Close()
	bad := []Event{event(t, domain.EventLicenceIssued, licence("L1", domain.StatusActive)), {Name: domain.EventLicenceIssued, Payload: []byte("{")}}
	if _, err := s.ApplyBlock(0, bad); err == nil {
		t.Fatal("a malformed event applied")
	}
	if h, _ := s.Height(); h != 0 {
		t.Errorf("height moved to %d", h)
	}
	if _, err := s.Licence("L1"); err != ErrNotCached {
		t.Error("half a block was applied")
	}
}
