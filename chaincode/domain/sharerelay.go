package domain

import (
	"slices"

	"github.com/wanledger/wanledger/api/record"
)

// Events of imports of sharing records; the payload is the ImportResult.
const (
	EventAuthorizationsRelayed = "relay.AuthorizationsImported"
	EventAccessRecordsRelayed  = "relay.AccessRecordsImported"
)

// ExportAuthorization returns an authorization that crosses channels as
// this channel holds it, for the relay to have the channel's peers
// endorse: its party here (the owner on the owner's channel, the requester
// on the requester's) and a majority. One that crosses no channel is
// NOT_RECOGNISED. Only the parties' and the carrier's organisations ask.
func ExportAuthorization(s State, id string) (*record.AuthorizationExport, error) {
	tx, err := begin(s)
	if err != nil {
		return nil, err
	}
	a, err := crossingAuthorization(s, id)
	if err != nil {
		return nil, err
	}
	if err := requireCarrierOrParty(tx, a.Crossing, a.Owner, a.Requester); err != nil {
		return nil, err
	}
	return &record.AuthorizationExport{Channel: s.Channel(), Party: localParty(a.Crossing, s.Channel(), a.Owner, a.Requester), Authorization: a}, nil
}

func crossingAuthorization(s State, id string) (*record.Authorization, error) {
	a, err := authorization(s, id)
	if err != nil {
		return nil, err
	}
	if a.Crossing == nil {
		return nil, record.Errorf(record.CodeNotRecognised, "authorization %s crosses no channel", id)
	}
	return a, nil
}

type provenAuthorization struct {
	a     *record.Authorization
	party string
}

// ImportAuthorizations records, from their proofs, what the other channel
// of crossing authorizations changed: the grant and its revocation from
// the owner's channel, the count of uses from the requester's. Each proof
// must be endorsed by the party of its source channel and a majority of
// the source's organisations, and only that party's part is taken from
// it. The owner's part has revision 1 granted, 2 revoked; the requester's
// is its count of uses. A proof of no later revision than this channel
// holds is "unchanged". Up to MaxBatch at once, all or none.
func ImportAuthorizations(s State, items []record.RelayItem) (*record.ImportResult, error) {
	return runImport(s, items, importer[provenAuthorization]{
		what: "authorization", event: EventAuthorizationsRelayed, prove: proveAuthorization,
		id: func(p provenAuthorization) string { return p.a.ID }, apply: applyAuthorization,
	})
}

func proveAuthorization(s State, tx txContext, it record.RelayItem) (provenAuthorization, error) {
	exp, _, err := prove(s, tx, it, "authorization export", func(e *record.AuthorizationExport) (string, string, error) {
		if e.Authorization == nil {
			return "", "", errNotExport("authorization export")
		}
		a := e.Authorization
		if a.Crossing == nil {
			return "", "", record.Errorf(record.CodeNotRecognised, "authorization %s crosses no channel", a.ID)
		}
		if p := localParty(a.Crossing, e.Channel, a.Owner, a.Requester); p == "" || p != e.Party {
			return "", "", record.Errorf(record.CodeProofInvalid, "the export's party %s is not the authorization's on channel %s", e.Party, e.Channel)
		}
		return e.Channel, e.Party, nil
	})
	if err != nil {
		return provenAuthorization{}, err
	}
	a := exp.Authorization
	if err := checkArrival(s, a.Crossing, exp.Channel, a.Owner, a.Requester); err != nil {
		return provenAuthorization{}, err
	}
	if err := checkTerms(a); err != nil {
		return provenAuthorization{}, record.Wrap(record.CodeProofInvalid, err, "the exported authorization")
	}
	return provenAuthorization{a: a, party: exp.Party}, nil
}

// checkTerms bounds a proven authorization's terms as a grant does.
func checkTerms(a *record.Authorization) error {
	for _, f := range []struct{ what, v string }{{"authorization ID", a.ID}, {"dataset ID", a.DatasetID}, {"purpose", a.Purpose}} {
		if err := record.CheckID(f.what, f.v); err != nil {
			return err
		}
	}
	if err := checkFieldList(a.Fields); err != nil {
		return err
	}
	if err := checkSubjects(a.Subjects); err != nil {
		return err
	}
	if a.Uses < 0 || a.MaxUses < 0 || a.MaxUses > 0 && a.Uses > a.MaxUses {
		return record.Errorf(record.CodeInvalidArgument, "%d uses of %d", a.Uses, a.MaxUses)
	}
	return nil
}

func applyAuthorization(s State, tx txContext, p provenAuthorization) (string, error) {
	in := p.a
	held, err := authorization(s, in.ID)
	if record.CodeOf(err) == record.CodeNotFound {
		if s.Channel() != in.Crossing.To {
			return "", record.Errorf(record.CodeNotFound, "authorization %s was not granted here", in.ID)
		}
		a := *in
		a.Uses, a.Record = 0, tx.record() // the uses are this channel's to count
		return record.OutcomeApplied, putNewAuthorization(s, &a)
	}
	if err != nil {
		return "", err
	}
	if held.Crossing == nil {
		return "", record.Errorf(record.CodeAlreadyExists, "authorization %s of this channel has the same ID", in.ID)
	}
	if !sameTerms(held, in) {
		return "", record.Errorf(record.CodeProofInvalid, "authorization %s is not the one held here", in.ID)
	}
	if p.party == held.Owner {
		switch {
		case in.Revocation == nil:
			return record.OutcomeUnchanged, nil
		case held.Revocation != nil && !sameRevocation(held.Revocation, in.Revocation):
			return "", record.Errorf(record.CodeProofInvalid, "authorization %s has two revocations", in.ID)
		case held.Revocation != nil:
			return record.OutcomeUnchanged, nil
		}
		held.Revocation = in.Revocation
	} else {
		if in.Uses <= held.Uses {
			return record.OutcomeUnchanged, nil
		}
		held.Uses = in.Uses
	}
	held.Record = tx.record()
	return record.OutcomeApplied, putAuthorization(s, held)
}

// sameTerms reports whether two versions are of one grant: everything but
// the uses, the revocation and the last change.
func sameTerms(a, b *record.Authorization) bool {
	return a.ID == b.ID && a.Owner == b.Owner && a.Requester == b.Requester && *a.Crossing == *b.Crossing && a.DatasetID == b.DatasetID &&
		slices.Equal(a.Fields, b.Fields) && a.Purpose == b.Purpose && a.LegalBasis == b.LegalBasis && a.ConsentDigest == b.ConsentDigest &&
		slices.Equal(a.Subjects, b.Subjects) && a.ValidFrom.Equal(b.ValidFrom) && a.ValidTo.Equal(b.ValidTo) && a.MaxUses == b.MaxUses && a.GrantedBy == b.GrantedBy
}

func sameRevocation(a, b *record.Revocation) bool {
	return a.Reason == b.Reason && a.EffectiveAt.Equal(b.EffectiveAt) && a.RecordedAt.Equal(b.RecordedAt)
}

// ExportAccessRecord returns an access or denial recorded on this channel
// under an authorization that crosses channels, for the other channel's
// trail: endorsed by the organisation that recorded it and a majority.
// A record of an authorization that crosses no channel, or one relayed
// here, is NOT_RECOGNISED. Only the parties' and the carrier's
// organisations ask.
func ExportAccessRecord(s State, id string) (*record.AccessExport, error) {
	tx, err := begin(s)
	if err != nil {
		return nil, err
	}
	r, err := accessRecord(s, id)
	if err != nil {
		return nil, err
	}
	if r.Source != nil || r.AuthorizationID == "" {
		return nil, record.Errorf(record.CodeNotRecognised, "access record %s was relayed here or names no authorization", id)
	}
	a, err := crossingAuthorization(s, r.AuthorizationID)
	if err != nil {
		return nil, err
	}
	if err := requireCarrierOrParty(tx, a.Crossing, a.Owner, a.Requester); err != nil {
		return nil, err
	}
	return &record.AccessExport{Channel: s.Channel(), Party: r.RecordedBy, Access: r}, nil
}

// ImportAccessRecords puts on this channel's trail, from their proofs, the
// accesses and denials recorded on the other channel of crossing
// authorizations, each under the same indexes as this channel's own and
// with its source. Each proof must be endorsed by the organisation that
// recorded it, the authorization's party on the source channel, and a
// majority of the source's organisations. A record held already is
// "unchanged". Up to MaxBatch at once, all or none.
func ImportAccessRecords(s State, items []record.RelayItem) (*record.ImportResult, error) {
	return runImport(s, items, importer[*record.AccessRecord]{
		what: "access record", event: EventAccessRecordsRelayed, prove: proveAccess,
		id: func(r *record.AccessRecord) string { return r.ID }, apply: applyAccess,
	})
}

func proveAccess(s State, tx txContext, it record.RelayItem) (*record.AccessRecord, error) {
	var a *record.Authorization
	exp, endorsers, err := prove(s, tx, it, "access export", func(e *record.AccessExport) (string, string, error) {
		if e.Access == nil {
			return "", "", errNotExport("access export")
		}
		r := e.Access
		if r.Source != nil || record.CheckID("authorization ID", r.AuthorizationID) != nil {
			return "", "", record.Errorf(record.CodeNotRecognised, "the access record names no authorization or was relayed")
		}
		var err error
		if a, err = crossingAuthorization(s, r.AuthorizationID); err != nil {
			return "", "", err
		}
		if e.Channel != otherChannel(a.Crossing, s.Channel()) || r.RecordedBy != e.Party || e.Party != localParty(a.Crossing, e.Channel, a.Owner, a.Requester) {
			return "", "", record.Errorf(record.CodeProofInvalid, "access record %s was not recorded by %s's party on %s", r.ID, r.AuthorizationID, e.Channel)
		}
		return e.Channel, e.Party, nil
	})
	if err != nil {
		return nil, err
	}
	r := exp.Access
	if r.Owner != a.Owner || r.Requester != a.Requester || record.CheckID("access record ID", r.ID) != nil ||
		checkFieldList(r.Fields) != nil || checkSubjects(r.Subjects) != nil || record.CheckID("dataset ID", r.DatasetID) != nil {
		return nil, record.Errorf(record.CodeProofInvalid, "access record %s is not one of authorization %s", r.ID, a.ID)
	}
	r.Source = &record.Source{Channel: exp.Channel, TxID: r.ID, Block: it.Block, Endorsers: endorsers}
	return r, nil
}

func applyAccess(s State, _ txContext, r *record.AccessRecord) (string, error) {
	held, err := accessRecord(s, r.ID)
	switch {
	case record.CodeOf(err) == record.CodeNotFound:
		return record.OutcomeApplied, putAccess(s, r)
	case err != nil:
		return "", err
	case held.Source != nil && held.Source.Channel == r.Source.Channel:
		return record.OutcomeUnchanged, nil
	}
	return "", record.Errorf(record.CodeAlreadyExists, "access record %s exists", r.ID)
}
