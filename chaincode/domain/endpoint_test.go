package domain

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

// memState is a State over a map, for the domain's own tests.
type memState struct {
	kv     map[string][]byte
	events []string
	caller Caller
	now    time.Time
	putErr error
}

func newMemState(msp string) *memState {
	return &memState{kv: map[string][]byte{}, caller: Caller{MSPID: msp, ID: "x509::CN=User1"}, now: time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC)}
}

func (m *memState) Get(k string) ([]byte, error) { return m.kv[k], nil }
func (m *memState) Put(k string, v []byte) error {
	if m.putErr != nil {
		return m.putErr
	}
	m.kv[k] = v
	return nil
}
func (m *memState) Emit(name string, p []byte) error { m.events = append(m.events, name); return nil }
func (m *memState) TxID() string                     { return "tx1" }
func (m *memState) TxTime() (time.Time, error)       { return m.now, nil }
func (m *memState) Caller() (Caller, error)          { return m.caller, nil }

func TestSetGatewayEndpointRecordsTheCallersOwnOrganisation(t *testing.T) {
	s := newMemState("HefeiMSP")
	ep, err := SetGatewayEndpoint(s, "12D3KooWxyz", []string{"/ip4/127.0.0.1/tcp/4001"})
	if err != nil {
		t.Fatal(err)
	}
	if ep.MSPID != "HefeiMSP" || ep.TxID != "tx1" || !ep.UpdatedAt.Equal(s.now) {
		t.Errorf("endpoint = %+v", ep)
	}
	got, err := GetGatewayEndpoint(s, "HefeiMSP")
	if err != nil || got.PeerID != "12D3KooWxyz" {
		t.Fatalf("GetGatewayEndpoint = %+v, %v", got, err)
	}
	if len(s.events) != 1 || s.events[0] != EventGatewayEndpointSet {
		t.Errorf("events = %v", s.events)
	}
}

func TestSetGatewayEndpointRefusesBadInput(t *testing.T) {
	long := strings.Repeat("a", MaxPeerIDLen+1)
	tests := []struct {
		name   string
		peerID string
		addrs  []string
	}{
		{"an empty peer ID", "", []string{"/ip4/1.2.3.4/tcp/1"}},
		{"a peer ID too long", long, []string{"/ip4/1.2.3.4/tcp/1"}},
		{"a peer ID with a slash", "a/b", []string{"/ip4/1.2.3.4/tcp/1"}},
		{"no addresses", "p", nil},
		{"too many addresses", "p", make([]string, MaxAddrs+1)},
		{"an address that is no multiaddress", "p", []string{"127.0.0.1:4001"}},
		{"an address with a space", "p", []string{"/ip4/1.2.3.4/tcp/1 x"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newMemState("HefeiMSP")
			_, err := SetGatewayEndpoint(s, tt.peerID, tt.addrs)
			if CodeOf(err) != CodeInvalidArgument {
				t.Errorf("err = %v, want %s", err, CodeInvalidArgument)
			}
			if len(s.kv) != 0 || len(s.events) != 0 {
				t.Error("a refused call wrote state or emitted an event")
			}
		})
	}
}

func TestGetGatewayEndpointOfAnUnknownOrganisationIsNotFound(t *testing.T) {
	_, err := GetGatewayEndpoint(newMemState("HefeiMSP"), "NanjingMSP")
	if CodeOf(err) != CodeNotFound {
		t.Errorf("err = %v, want NOT_FOUND", err)
	}
	if _, err := GetGatewayEndpoint(newMemState("HefeiMSP"), ""); CodeOf(err) != CodeInvalidArgument {
		t.Errorf("empty MSP ID: %v", err)
	}
}

func TestAFailedWriteIsAnInternalError(t *testing.T) {
	s := newMemState("HefeiMSP")
	s.putErr = errors.New("disk full")
	_, err := SetGatewayEndpoint(s, "p", []string{"/ip4/1.2.3.4/tcp/1"})
	if CodeOf(err) != CodeInternal || !errors.Is(err, s.putErr) {
		t.Errorf("err = %v", err)
	}
}

func TestEventsAreVersionedEnvelopes(t *testing.T) {
	s := &recordingState{memState: newMemState("WuhuMSP")}
	if _, err := SetGatewayEndpoint(s, "p", []string{"/ip4/1.2.3.4/tcp/1"}); err != nil {
		t.Fatal(err)
	}
	var ev struct {
		Version int             `json:"version"`
		Type    string          `json:"type"`
		TxID    string          `json:"txId"`
		Payload GatewayEndpoint `json:"payload"`
	}
	if err := json.Unmarshal(s.payload, &ev); err != nil {
		t.Fatal(err)
	}
	if ev.Version != EventVersion || ev.Type != EventGatewayEndpointSet || ev.TxID != "tx1" || ev.Payload.MSPID != "WuhuMSP" {
		t.Errorf("event = %+v", ev)
	}
}

type recordingState struct {
	*memState
	payload []byte
}

func (r *recordingState) Emit(name string, p []byte) error {
	r.payload = p
	return r.memState.Emit(name, p)
}

func TestCodeOfReadsWrappedAndWireErrors(t *testing.T) {
	tests := []struct {
		err  error
		want Code
	}{
		{Errorf(CodeNotFound, "x"), CodeNotFound},
		{errors.Join(errors.New("ctx"), Errorf(CodeForbidden, "y")), CodeForbidden},
		{errors.New("NOT_ACCREDITED: agency A may not issue B"), "NOT_ACCREDITED"},
		{errors.New("transaction failed: something"), ""},
		{errors.New("no colon here"), ""},
		{nil, ""},
	}
	for _, tt := range tests {
		if got := CodeOf(tt.err); got != tt.want {
			t.Errorf("CodeOf(%v) = %q, want %q", tt.err, got, tt.want)
		}
	}
}
