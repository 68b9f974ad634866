package network

import (
	"fmt"
	"time"
)

// TimeWindow bounds the proposal timestamps the peers endorse. Chaincode takes
// a transaction's time from its proposal, which the client writes; every peer
// refuses a proposal whose timestamp is more than Past behind or more than
// Future ahead of its own clock (Fabric patch 0002, ADR 8).
type TimeWindow struct {
	Past   time.Duration
	Future time.Duration
}

// Defaults and limits of the proposal time window.
const (
	DefaultPastWindow   = 5 * time.Minute
	DefaultFutureWindow = time.Minute
	// MinWindow and MaxWindow bound each side: below a second honest clients
	// with ordinary clock skew are refused; beyond an hour the bound no longer
	// keeps clients from choosing the time.
	MinWindow = time.Second
	MaxWindow = time.Hour
)

// DefaultTimeWindow is 5 minutes in the past and 1 minute in the future.
func DefaultTimeWindow() TimeWindow {
	return TimeWindow{Past: DefaultPastWindow, Future: DefaultFutureWindow}
}

// Validate rejects a side outside [MinWindow, MaxWindow].
func (w TimeWindow) Validate() error {
	for _, s := range []struct {
		name string
		d    time.Duration
	}{{"past", w.Past}, {"future", w.Future}} {
		if s.d < MinWindow || s.d > MaxWindow {
			return fmt.Errorf("proposal time window: %s side %s is out of range: give between %s and %s", s.name, s.d, MinWindow, MaxWindow)
		}
	}
	return nil
}

// env is the peer's environment for the window (core.yaml
// peer.authentication.proposalPastWindow and proposalFutureWindow).
func (w TimeWindow) env() []string {
	return []string{
		"CORE_PEER_AUTHENTICATION_PROPOSALPASTWINDOW=" + w.Past.String(),
		"CORE_PEER_AUTHENTICATION_PROPOSALFUTUREWINDOW=" + w.Future.String(),
	}
}
