package domain

import (
	"slices"
	"time"

	"github.com/wanledger/wanledger/api/record"
)

// Events of imports of seal keys and grants; the payload is the
// ImportResult.
const (
	EventSealKeysRelayed = "relay.SealKeysImported"
	EventGrantsRelayed   = "relay.GrantsImported"
)

const (
	objRelayedSeal  = "relay~seal"  // (source channel, key ID) → RelayedSealKey
	objRelayedGrant = "relay~grant" // (source channel, grant ID) → RelayedGrant
)

// ExportSealKey returns a seal key as this channel holds it, for the relay
// to have the channel's peers endorse: its organisation's and a
// majority. Every seal key leaves the channel, so that a revocation
// reaches the licences it sealed wherever they were relayed. Any client of
// a member organisation may ask.
func ExportSealKey(s State, keyID string) (*record.SealKeyExport, error) {
	if _, err := begin(s); err != nil {
		return nil, err
	}
	k, err := sealKey(s, keyID)
	if err != nil {
		return nil, err
	}
	return &record.SealKeyExport{Channel: s.Channel(), SealKey: k}, nil
}

// ExportGrant returns an accreditation grant as this channel holds it, for
// the relay to have the channel's peers endorse: its granting province's
// and a majority. Every grant leaves the channel. Any client of a member
// organisation may ask.
func ExportGrant(s State, grantID string) (*record.GrantExport, error) {
	if _, err := begin(s); err != nil {
		return nil, err
	}
	a, err := grant(s, grantID)
	if err != nil {
		return nil, err
	}
	return &record.GrantExport{Channel: s.Channel(), Grant: a}, nil
}

// ImportSealKeys records seal keys of other channels from their proofs, up
// to MaxBatch at once, all or none. Each proof must be endorsed by the
// key's organisation and a majority of the source's organisations. A seal
// key's life only moves forward (superseded, revoked), so a proof of less
// of it than this channel holds, recorded no later, is "unchanged"; one
// that would take a change back, or differs in the key's fixed fields, is
// PROOF_INVALID.
func ImportSealKeys(s State, items []record.RelayItem) (*record.ImportResult, error) {
	return runImport(s, items, importer[*record.RelayedSealKey]{
		what: "seal key", event: EventSealKeysRelayed, prove: provenSealKey,
		id: func(r *record.RelayedSealKey) string { return r.SealKey.KeyID },
		apply: func(s State, _ txContext, r *record.RelayedSealKey) (string, error) {
			return applyLife(s, r, objRelayedSeal, r.Source.Channel, r.SealKey.KeyID, func(held *record.RelayedSealKey) (life, life, bool) {
				return sealLife(held.SealKey), sealLife(r.SealKey), sameSeal(held.SealKey, r.SealKey)
			})
		},
	})
}

// ImportGrants records accreditation grants of other channels from their
// proofs, as ImportSealKeys does seal keys: each proof endorsed by the
// granting province and a majority; a grant only gains a withdrawal.
func ImportGrants(s State, items []record.RelayItem) (*record.ImportResult, error) {
	return runImport(s, items, importer[*record.RelayedGrant]{
		what: "grant", event: EventGrantsRelayed, prove: provenGrant,
		id: func(r *record.RelayedGrant) string { return r.Grant.GrantID },
		apply: func(s State, _ txContext, r *record.RelayedGrant) (string, error) {
			return applyLife(s, r, objRelayedGrant, r.Source.Channel, r.Grant.GrantID, func(held *record.RelayedGrant) (life, life, bool) {
				return grantLife(held.Grant), grantLife(r.Grant), sameGrant(held.Grant, r.Grant)
			})
		},
	})
}

func provenSealKey(s State, tx txContext, it record.RelayItem) (*record.RelayedSealKey, error) {
	exp, endorsers, err := prove(s, tx, it, "seal key export", func(e *record.SealKeyExport) (string, string, error) {
		if e.SealKey == nil || record.CheckID("seal key ID", e.SealKey.KeyID) != nil {
			return "", "", errNotExport("seal key export")
		}
		return e.Channel, e.SealKey.MSPID, nil
	})
	if err != nil {
		return nil, err
	}
	k := exp.SealKey
	return &record.RelayedSealKey{SealKey: k, Record: tx.record(),
		Source: record.Source{Channel: exp.Channel, TxID: k.TxID, Block: it.Block, Endorsers: endorsers}}, nil
}

func provenGrant(s State, tx txContext, it record.RelayItem) (*record.RelayedGrant, error) {
	exp, endorsers, err := prove(s, tx, it, "grant export", func(e *record.GrantExport) (string, string, error) {
		if e.Grant == nil {
			return "", "", errNotExport("grant export")
		}
		if _, _, err := record.ParseGrantID(e.Grant.GrantID); err != nil {
			return "", "", errNotExport("grant export")
		}
		return e.Channel, e.Grant.Province, nil
	})
	if err != nil {
		return nil, err
	}
	a := exp.Grant
	return &record.RelayedGrant{Grant: a, Record: tx.record(),
		Source: record.Source{Channel: exp.Channel, TxID: a.TxID, Block: it.Block, Endorsers: endorsers}}, nil
}

// life is where a record stands in its monotone life: the changes it has
// had (one bit each), and when its source last changed it.
type life struct {
	changes uint8
	at      time.Time
}

// Changes in a seal key's or grant's life.
const (
	lifeSuperseded uint8 = 1 << iota // seal key: rotated away
	lifeRevoked                      // seal key: revoked; grant: withdrawn
)

func sealLife(k *record.SealKey) life {
	l := life{at: k.UpdatedAt}
	if k.SupersededBy != "" {
		l.changes |= lifeSuperseded
	}
	if k.Revocation != nil {
		l.changes |= lifeRevoked
	}
	return l
}

func grantLife(a *record.Accreditation) life {
	l := life{at: a.UpdatedAt}
	if a.Withdrawn != nil {
		l.changes |= lifeRevoked
	}
	return l
}

// sameSeal reports whether two versions are of one seal key and agree
// where both have changes: the fixed fields, the rotation (which also
// ended the window) and the revocation.
func sameSeal(a, b *record.SealKey) bool {
	if a.KeyID != b.KeyID || a.AgencyID != b.AgencyID || a.MSPID != b.MSPID || a.PublicKey != b.PublicKey || !a.ValidFrom.Equal(b.ValidFrom) {
		return false
	}
	switch {
	case a.SupersededBy != "" && b.SupersededBy != "":
		if a.SupersededBy != b.SupersededBy || !a.ValidTo.Equal(b.ValidTo) {
			return false
		}
	case a.SupersededBy != "":
		if a.ValidTo.After(b.ValidTo) {
			return false
		}
	case b.SupersededBy != "":
		if b.ValidTo.After(a.ValidTo) {
			return false
		}
	default:
		if !a.ValidTo.Equal(b.ValidTo) {
			return false
		}
	}
	if a.Revocation != nil && b.Revocation != nil {
		ra, rb := a.Revocation, b.Revocation
		return ra.Reason == rb.Reason && ra.EffectiveAt.Equal(rb.EffectiveAt) && ra.RecordedAt.Equal(rb.RecordedAt)
	}
	return true
}

// sameGrant reports whether two versions are of one grant and agree on
// its withdrawal where both have one.
func sameGrant(a, b *record.Accreditation) bool {
	if a.GrantID != b.GrantID || a.Seq != b.Seq || a.AgencyID != b.AgencyID || a.MSPID != b.MSPID || a.Province != b.Province ||
		!slices.Equal(a.Types, b.Types) || a.Region != b.Region || !a.ValidFrom.Equal(b.ValidFrom) || !a.ValidTo.Equal(b.ValidTo) {
		return false
	}
	if a.Withdrawn != nil && b.Withdrawn != nil {
		return a.Withdrawn.At.Equal(b.Withdrawn.At) && a.Withdrawn.Reason == b.Withdrawn.Reason
	}
	return true
}

// applyLife writes a relayed record r of a monotone life under (object,
// channel, id) unless this channel holds as much of its life or more.
// compare reads the held version's life, r's, and whether they agree.
func applyLife[T any](s State, r *T, object, channel, id string, compare func(*T) (held, in life, agree bool)) (string, error) {
	k, err := key(s, object, channel, id)
	if err != nil {
		return "", err
	}
	var held T
	found, err := getJSON(s, k, &held)
	if err != nil {
		return "", err
	}
	if found {
		h, in, agree := compare(&held)
		both := h.changes & in.changes
		switch {
		case !agree:
			return "", record.Errorf(record.CodeProofInvalid, "%s of channel %s differs from the version held here", id, channel)
		case in.changes == h.changes:
			return record.OutcomeUnchanged, nil
		case both == in.changes && !in.at.After(h.at):
			return record.OutcomeUnchanged, nil // an earlier version, arriving late
		case both != h.changes:
			return "", record.Errorf(record.CodeProofInvalid, "the proof of %s of channel %s takes back a change held here", id, channel)
		}
	}
	return record.OutcomeApplied, putJSON(s, k, r)
}

// latestRelayed returns rl judged by the latest seal key and grant of its
// source channel relayed here, where this channel holds them.
func latestRelayed(s State, rl *record.RelayedLicence) (*record.RelayedLicence, error) {
	if rl.Licence == nil {
		return rl, nil
	}
	var key *record.RelayedSealKey
	var grant *record.RelayedGrant
	if rl.SealKey != nil {
		var k record.RelayedSealKey
		if ok, err := getRelayedLife(s, objRelayedSeal, rl.Source.Channel, rl.SealKey.KeyID, &k); err != nil {
			return nil, err
		} else if ok {
			key = &k
		}
	}
	if rl.Grant != nil {
		var g record.RelayedGrant
		if ok, err := getRelayedLife(s, objRelayedGrant, rl.Source.Channel, rl.Grant.GrantID, &g); err != nil {
			return nil, err
		} else if ok {
			grant = &g
		}
	}
	return rl.Latest(key, grant), nil
}

func getRelayedLife(s State, object, channel, id string, v any) (bool, error) {
	if channel == "" || id == "" {
		return false, nil
	}
	k, err := key(s, object, channel, id)
	if err != nil {
		return false, err
	}
	return getJSON(s, k, v)
}

// GetRelayedSealKey returns a seal key relayed from a channel.
func GetRelayedSealKey(s State, channel, keyID string) (*record.RelayedSealKey, error) {
	return getRelayed[record.RelayedSealKey](s, "seal key", objRelayedSeal, channel, keyID)
}

// GetRelayedGrant returns a grant relayed from a channel.
func GetRelayedGrant(s State, channel, grantID string) (*record.RelayedGrant, error) {
	return getRelayed[record.RelayedGrant](s, "grant", objRelayedGrant, channel, grantID)
}

func getRelayed[T any](s State, what, object, channel, id string) (*T, error) {
	if _, err := requireReader(s); err != nil {
		return nil, err
	}
	for _, f := range []struct{ name, v string }{{"channel", channel}, {what + " ID", id}} {
		if err := record.CheckID(f.name, f.v); err != nil {
			return nil, err
		}
	}
	var v T
	if err := mustGet(s, "relayed "+what, id, &v, object, channel, id); err != nil {
		return nil, err
	}
	return &v, nil
}
