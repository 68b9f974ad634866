package domain

import (
	"time"

	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/internal/gm"
)

// Events of seal keys.
const (
	EventSealKeyRegistered = "registry.SealKeyRegistered"
	EventSealKeyRotated    = "registry.SealKeyRotated"
	EventSealKeyRevoked    = "registry.SealKeyRevoked"
)

const objSeal = "seal"

// RegisterSealKey records a new seal key of one of the caller
// organisation's agencies that holds a grant still running (not withdrawn,
// not ended; it may start later). Only that organisation's admin may, and
// later changes need its endorsement.
func RegisterSealKey(s State, k record.SealKey) (*record.SealKey, error) {
	tx, err := begin(s)
	if err != nil {
		return nil, err
	}
	if err := checkNewSeal(s, tx, &k); err != nil {
		return nil, err
	}
	if err := putSeal(s, tx, &k); err != nil {
		return nil, err
	}
	return &k, emit(s, EventSealKeyRegistered, &k)
}

func checkNewSeal(s State, tx txContext, k *record.SealKey) error {
	if err := record.CheckID("seal key ID", k.KeyID); err != nil {
		return err
	}
	a, err := liveGrant(s, k.AgencyID, tx.now)
	if err != nil {
		return err
	}
	if !tx.caller.Admin || tx.caller.MSPID != a.MSPID {
		return record.Errorf(record.CodeForbidden, "only %s's admin registers seal keys of agency %s", a.MSPID, k.AgencyID)
	}
	if _, err := gm.ParsePublicKeyHex(k.PublicKey); err != nil {
		return record.Wrap(record.CodeInvalidArgument, err, "seal public key")
	}
	if err := checkWindow("seal key", k.ValidFrom, k.ValidTo); err != nil {
		return err
	}
	sk, err := key(s, objSeal, k.KeyID)
	if err != nil {
		return err
	}
	if err := mustBeNew(s, sk, "seal key", k.KeyID); err != nil {
		return err
	}
	k.MSPID, k.SupersededBy, k.Revocation = a.MSPID, "", nil
	return nil
}

func putSeal(s State, tx txContext, k *record.SealKey) error {
	k.Record = tx.record()
	sk, err := key(s, objSeal, k.KeyID)
	if err != nil {
		return err
	}
	if err := putJSON(s, sk, k); err != nil {
		return err
	}
	return requireEndorsers(s, sk, "seal key "+k.KeyID, k.MSPID)
}

// RotateSealKey replaces a key: the new key is valid from now, and the old
// one's window ends now.
func RotateSealKey(s State, oldKeyID string, next record.SealKey) (*record.Rotation, error) {
	tx, err := begin(s)
	if err != nil {
		return nil, err
	}
	old, err := sealKey(s, oldKeyID)
	if err != nil {
		return nil, err
	}
	if old.SupersededBy != "" || old.Revocation != nil || !tx.now.Before(old.ValidTo) {
		return nil, record.Errorf(record.CodeInvalidTransition, "seal key %s is superseded, revoked or expired", oldKeyID)
	}
	next.AgencyID, next.ValidFrom = old.AgencyID, tx.now
	if err := checkNewSeal(s, tx, &next); err != nil {
		return nil, err
	}
	old.ValidTo, old.SupersededBy = tx.now, next.KeyID
	if err := putSeal(s, tx, old); err != nil {
		return nil, err
	}
	if err := putSeal(s, tx, &next); err != nil {
		return nil, err
	}
	r := &record.Rotation{Old: old, New: &next}
	return r, emit(s, EventSealKeyRotated, r)
}

// RevokeSealKey revokes a key from effectiveAt, which may lie in the past
// but not in the future: signatures it made from then on are invalid.
func RevokeSealKey(s State, keyID, reason string, effectiveAt time.Time) (*record.SealKey, error) {
	tx, err := begin(s)
	if err != nil {
		return nil, err
	}
	if err := checkReason(record.ReasonSealKeyRevocation, reason); err != nil {
		return nil, err
	}
	k, err := sealKey(s, keyID)
	if err != nil {
		return nil, err
	}
	if !tx.caller.Admin || tx.caller.MSPID != k.MSPID {
		return nil, record.Errorf(record.CodeForbidden, "only %s's admin revokes its seal keys", k.MSPID)
	}
	if k.Revocation != nil {
		return nil, record.Errorf(record.CodeInvalidTransition, "seal key %s is revoked already", keyID)
	}
	if effectiveAt, err = tx.effective(effectiveAt); err != nil {
		return nil, err
	}
	k.Revocation = &record.Revocation{Reason: reason, EffectiveAt: effectiveAt, RecordedAt: tx.now}
	if err := putSeal(s, tx, k); err != nil {
		return nil, err
	}
	return k, emit(s, EventSealKeyRevoked, k)
}

// GetSealKey returns a seal key.
func GetSealKey(s State, keyID string) (*record.SealKey, error) {
	if _, err := requireReader(s); err != nil {
		return nil, err
	}
	return sealKey(s, keyID)
}

func sealKey(s State, keyID string) (*record.SealKey, error) {
	return load[record.SealKey](s, "seal key ID", "seal key", objSeal, keyID)
}

// ListSealKeys lists seal keys.
func ListSealKeys(s State, size int32, bookmark string) (record.Page[record.SealKey], error) {
	return listForReaders[record.SealKey](s, size, bookmark, objSeal)
}
