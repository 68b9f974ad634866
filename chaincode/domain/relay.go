package domain

import (
	"bytes"
	"cmp"
	"encoding/json"
	"slices"

	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/internal/relayproof"
)

// EventLicencesRelayed is emitted by an import; its payload is the
// ImportResult.
const EventLicencesRelayed = "relay.LicencesImported"

const objRelayed = "relay~licence" // (licence ID) → RelayedLicence

// ExportLicence returns what another channel needs to verify a licence of
// this one, for the relay to have the channel's peers endorse: the
// licence, its type, the grant it names and its seal key. Only licences of
// a type on the mutual-recognition list leave the channel (NOT_RECOGNISED).
// Any client of a member organisation may ask: the content is digests.
func ExportLicence(s State, id string) (*record.LicenceExport, error) {
	if _, err := begin(s); err != nil {
		return nil, err
	}
	l, err := licence(s, id)
	if err != nil {
		return nil, err
	}
	t, err := licenceType(s, l.Type)
	if err != nil {
		return nil, err
	}
	if !t.MutualRecognition {
		return nil, record.Errorf(record.CodeNotRecognised, "licence type %s is not on the mutual-recognition list", t.Code)
	}
	ev, err := evidence(s, l)
	if err != nil {
		return nil, err
	}
	if ev.SealKey == nil || l.GrantID != "" && ev.Grant == nil {
		return nil, record.Errorf(record.CodeNotFound, "the ledger lacks the grant %q or the seal key %q of licence %s", l.GrantID, l.SealKeyID, id)
	}
	return &record.LicenceExport{Channel: s.Channel(), Type: t, Evidence: *ev}, nil
}

// ImportLicences records licences of another channel from their proofs,
// up to MaxBatch at once, all or none. Each proof must hold against the
// source channel's definition in effect here (ApproveSource) and be
// endorsed by peers of the licence's issuing organisation and of a
// majority of the source's organisations; the relayer's word counts for
// nothing. A version this channel already holds, or an earlier one, is
// left as it is ("unchanged"), so imports are idempotent and a licence's
// versions apply in order. A licence ID this channel issued itself is
// refused (ALREADY_EXISTS).
func ImportLicences(s State, items []record.RelayItem) (*record.ImportResult, error) {
	return runImport(s, items, importer[*record.RelayedLicence]{
		what: "licence", event: EventLicencesRelayed, prove: provenLicence,
		id:    func(r *record.RelayedLicence) string { return r.Licence.ID },
		apply: func(s State, _ txContext, r *record.RelayedLicence) (string, error) { return applyRelayed(s, r) },
	})
}

// importer is one kind of relayed record: how an item's proof yields the
// record (prove), which record it changes (id) and how it is applied here
// (apply, returning the outcome).
type importer[T any] struct {
	what, event string
	prove       func(State, txContext, record.RelayItem) (T, error)
	id          func(T) string
	apply       func(State, txContext, T) (string, error)
}

// runImport applies 1 to MaxBatch relayed items, all or none, and emits
// the ImportResult as event im.event. A transaction does not read its own
// writes, so each record appears at most once (ALREADY_EXISTS).
func runImport[T any](s State, items []record.RelayItem, im importer[T]) (*record.ImportResult, error) {
	tx, err := begin(s)
	if err != nil {
		return nil, err
	}
	if len(items) == 0 || len(items) > MaxBatch {
		return nil, record.Errorf(record.CodeTooLarge, "an import holds 1 to %d items", MaxBatch)
	}
	res := &record.ImportResult{}
	var done []string
	for i, it := range items {
		r, err := im.prove(s, tx, it)
		if err != nil {
			return nil, prefixed(err, "item %d", i)
		}
		id := im.id(r)
		if slices.Contains(done, id) {
			return nil, record.Errorf(record.CodeAlreadyExists, "item %d: %s %s appears twice in the import", i, im.what, id)
		}
		done = append(done, id)
		outcome, err := im.apply(s, tx, r)
		if err != nil {
			return nil, prefixed(err, "item %d (%s)", i, id)
		}
		res.Outcomes = append(res.Outcomes, outcome)
	}
	return res, emit(s, im.event, res)
}

// provenLicence checks one item's proof and returns the relayed licence it
// proves.
func provenLicence(s State, tx txContext, it record.RelayItem) (*record.RelayedLicence, error) {
	exp, endorsers, err := prove(s, tx, it, "licence export", func(e *record.LicenceExport) (string, string, error) {
		if e.Licence == nil || e.Type == nil || e.SealKey == nil {
			return "", "", errNotExport("licence export")
		}
		return e.Channel, e.Licence.IssuerMSP, nil
	})
	if err != nil {
		return nil, err
	}
	if err := consistentExport(exp); err != nil {
		return nil, err
	}
	if err := regionOfItsProvince(s, exp); err != nil {
		return nil, err
	}
	l := exp.Licence
	return &record.RelayedLicence{Evidence: exp.Evidence, Type: exp.Type,
		Source: record.Source{Channel: exp.Channel, TxID: l.TxID, Block: it.Block, Endorsers: endorsers}, Record: tx.record()}, nil
}

// prove checks one item's proof and returns the export it proves and the
// source organisations whose peers endorsed it. parties reads the export's
// source channel and the organisation whose change it carries, or refuses
// an export that is not of its kind. The proof must hold against that
// source's definition in effect here (ApproveSource): the response is the
// source chaincode's, every endorsement verifies against the registered CA
// certificates, and the endorsers include that organisation and a majority
// of the source's organisations.
func prove[T any](s State, tx txContext, it record.RelayItem, what string, parties func(*T) (channel, party string, err error)) (*T, []string, error) {
	resp, err := relayproof.Open(&it.Proof)
	if err != nil {
		return nil, nil, err
	}
	exp := new(T)
	dec := json.NewDecoder(bytes.NewReader(resp.Payload))
	dec.DisallowUnknownFields()
	if err := dec.Decode(exp); err != nil {
		return nil, nil, errNotExport(what)
	}
	channel, party, err := parties(exp)
	if err != nil {
		return nil, nil, err
	}
	src, err := relaySource(s, channel)
	if err != nil {
		return nil, nil, prefixed(err, "source channel %q", channel)
	}
	if resp.Chaincode != src.Source.Chaincode {
		return nil, nil, record.Errorf(record.CodeProofInvalid, "the response is of chaincode %q, not %q", resp.Chaincode, src.Source.Chaincode)
	}
	endorsers, err := relayproof.Verify(&it.Proof, src.Source.Orgs, tx.now)
	if err != nil {
		return nil, nil, err
	}
	if !slices.Contains(endorsers, party) {
		return nil, nil, record.Errorf(record.CodeProofInvalid, "no peer of %s, whose change the %s carries, endorsed it", party, what)
	}
	if need := majority(len(src.Source.Orgs)); len(endorsers) < need {
		return nil, nil, record.Errorf(record.CodeProofInvalid, "endorsed by %d organisations of %s; the policy needs %d", len(endorsers), channel, need)
	}
	return exp, endorsers, nil
}

func errNotExport(what string) error {
	return record.Errorf(record.CodeProofInvalid, "the response is not a %s", what)
}

// consistentExport checks the export's parts belong together; the source's
// chaincode makes them so, and a proof that says otherwise is refused.
func consistentExport(exp *record.LicenceExport) error {
	l := exp.Licence
	switch {
	case record.CheckID("licence ID", l.ID) != nil:
		return record.Errorf(record.CodeProofInvalid, "the export's licence ID is invalid")
	case !exp.Type.MutualRecognition:
		return record.Errorf(record.CodeNotRecognised, "licence type %s is not on the mutual-recognition list", exp.Type.Code)
	case exp.Type.Code != l.Type:
		return record.Errorf(record.CodeProofInvalid, "the export's type %s is not the licence's %s", exp.Type.Code, l.Type)
	case exp.SealKey.KeyID != l.SealKeyID:
		return record.Errorf(record.CodeProofInvalid, "the export's seal key %s is not the licence's %s", exp.SealKey.KeyID, l.SealKeyID)
	case l.GrantID != "" && (exp.Grant == nil || exp.Grant.GrantID != l.GrantID):
		return record.Errorf(record.CodeProofInvalid, "the export lacks the licence's grant %s", l.GrantID)
	}
	return nil
}

// regionOfItsProvince refuses (WRONG_REGION) a relayed licence of a region
// whose prefix a province of this channel holds or held, unless that
// province granted it: on its channel a province's division codes are its
// own (ADR 43), also when another channel let another province take them.
// The membership key is read, so a change to it between endorsement and
// commit fails the import.
func regionOfItsProvince(s State, exp *record.LicenceExport) error {
	l := exp.Licence
	if len(l.Region) < 2 {
		return record.Errorf(record.CodeProofInvalid, "licence %s names no region", l.ID)
	}
	if _, err := membership(s); err != nil && record.CodeOf(err) != record.CodeNotFound {
		return err
	}
	holder, _, err := prefixHolder(s, l.Region[:2])
	if err != nil || holder == "" {
		return err
	}
	granter := ""
	if exp.Grant != nil {
		granter = exp.Grant.Province
	}
	if granter != holder {
		return record.Errorf(record.CodeWrongRegion, "licence %s is of region %s, whose prefix %s is province %s's on channel %s, and %s granted it", l.ID, l.Region, l.Region[:2], holder, s.Channel(), cmp.Or(granter, "no province"))
	}
	return nil
}

// applyRelayed writes r unless this channel holds its version or a later
// one.
func applyRelayed(s State, r *record.RelayedLicence) (string, error) {
	id := r.Licence.ID
	nk, err := key(s, objLicence, id)
	if err != nil {
		return "", err
	}
	if err := mustBeNew(s, nk, "licence", id); err != nil {
		return "", prefixed(err, "this channel issued a licence of the same ID")
	}
	k, err := key(s, objRelayed, id)
	if err != nil {
		return "", err
	}
	var old record.RelayedLicence
	found, err := getJSON(s, k, &old)
	if err != nil {
		return "", err
	}
	if found {
		if old.Source.Channel != r.Source.Channel {
			return "", record.Errorf(record.CodeAlreadyExists, "licence %s was relayed from channel %s", id, old.Source.Channel)
		}
		later, err := r.Licence.Follows(old.Licence)
		if err != nil {
			return "", record.Wrap(record.CodeProofInvalid, err, "relay")
		}
		if later <= 0 {
			return record.OutcomeUnchanged, nil
		}
	}
	return record.OutcomeApplied, putJSON(s, k, r)
}

// GetRelayed returns a licence relayed from another channel, with the
// latest seal key and grant of its source relayed here in place of the
// copies its proof carried (ImportSealKeys, ImportGrants).
func GetRelayed(s State, id string) (*record.RelayedLicence, error) {
	if _, err := requireReader(s); err != nil {
		return nil, err
	}
	rl, err := load[record.RelayedLicence](s, "licence ID", "relayed licence", objRelayed, id)
	if err != nil {
		return nil, err
	}
	return latestRelayed(s, rl)
}

// ListRelayed lists the licences relayed from other channels, each as
// GetRelayed returns it.
func ListRelayed(s State, size int32, bookmark string) (record.Page[record.RelayedLicence], error) {
	p, err := listForReaders[record.RelayedLicence](s, size, bookmark, objRelayed)
	if err != nil {
		return p, err
	}
	for i := range p.Items {
		rl, err := latestRelayed(s, &p.Items[i])
		if err != nil {
			return record.Page[record.RelayedLicence]{}, err
		}
		p.Items[i] = *rl
	}
	return p, nil
}
