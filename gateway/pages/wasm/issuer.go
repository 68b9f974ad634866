//go:build js && wasm

package main

import (
	"encoding/json"
	"fmt"
	"syscall/js"
	"time"

	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/internal/gm"
	"github.com/wanledger/wanledger/internal/issuance"
)

// Bounds of the issuer's inputs: a drafts file as `licence issue` reads
// it, the ledger's records the page hands over, and one licence record.
const (
	maxDraftsFile = 16 << 20
	maxRecords    = 4 << 20
	maxLicence    = 1 << 20
)

func init() {
	exports["checkSealKey"] = checkSealKey
	exports["drafts"] = drafts
	exports["check"] = check
	exports["seal"] = seal
	exports["renew"] = renew
	exports["zipCredentials"] = zipCredentials
}

// bounded refuses a text of more than max bytes.
func bounded(what, s string, max int) error {
	if len(s) > max {
		return fmt.Errorf("%s has %d bytes, more than %d", what, len(s), max)
	}
	return nil
}

// decodeJSON decodes a bounded JSON text into v.
func decodeJSON(what, s string, max int, v any) error {
	if err := bounded(what, s, max); err != nil {
		return err
	}
	if err := json.Unmarshal([]byte(s), v); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// checkSealKey(sealKeyPEM, provinceSaltText, sealKeyRecordJSON, keyId,
// agencyId) checks the agency's secrets: the salt file's text, and that
// the PEM key is the one the ledger registered as keyId for the agency (the
// record as GET /v1/registry/seals/{keyId} answers it). It answers the
// key's public key, hex.
func checkSealKey(args []js.Value) (any, error) {
	s, err := strings(args, 5)
	if err != nil {
		return nil, err
	}
	k, err := key(s[0])
	if err != nil {
		return nil, err
	}
	if _, err := issuance.ParseProvinceSalt([]byte(s[1])); err != nil {
		return nil, fmt.Errorf("province salt: %w", err)
	}
	var rec record.SealKey
	if err := decodeJSON("seal key record", s[2], maxRecords, &rec); err != nil {
		return nil, err
	}
	if err := issuance.CheckSealKey(&rec, s[3], s[4], k); err != nil {
		return nil, err
	}
	return k.Public().Hex(), nil
}

// parseDrafts reads a drafts text as `licence issue` does.
func parseDrafts(text string) ([]issuance.Draft, bool, error) {
	if err := bounded("the drafts", text, maxDraftsFile); err != nil {
		return nil, false, err
	}
	return issuance.ParseDrafts([]byte(text))
}

// drafts(text) reads one draft (a JSON object) or a list of them, as
// `licence issue` does, and answers {list, drafts: [each draft's JSON],
// types: [type codes], sealKeys: [seal key IDs]}: what to fetch for
// check and seal, and the drafts one by one, to seal a part at a time.
func drafts(args []js.Value) (any, error) {
	s, err := strings(args, 1)
	if err != nil {
		return nil, err
	}
	ds, list, err := parseDrafts(s[0])
	if err != nil {
		return nil, err
	}
	each := make([]any, len(ds))
	for i, d := range ds {
		b, err := json.Marshal(d)
		if err != nil {
			return nil, err
		}
		each[i] = string(b)
	}
	types, seals := issuance.Needs(ds)
	return map[string]any{"list": list, "drafts": each, "types": anys(types), "sealKeys": anys(seals)}, nil
}

// anys is ss as a []any, which js.ValueOf takes.
func anys(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// records reads the ledger's records for drafts: {"types": {code: type},
// "sealKeys": {keyId: seal key}}.
func records(text string) (issuance.Records, error) {
	var r issuance.Records
	return r, decodeJSON("the ledger's records", text, maxRecords, &r)
}

// sealInputs reads what check and seal share: the drafts, the ledger's
// records and the seal key, from the first three of s.
func sealInputs(s []string) ([]issuance.Draft, issuance.Records, *gm.PrivateKey, error) {
	ds, _, err := parseDrafts(s[0])
	if err != nil {
		return nil, issuance.Records{}, nil, err
	}
	r, err := records(s[1])
	if err != nil {
		return nil, issuance.Records{}, nil, err
	}
	k, err := key(s[2])
	return ds, r, k, err
}

// check(draftsText, recordsJSON, sealKeyPEM) checks every draft against
// its type and seal key record (issuance.Records.Check); it seals nothing
// and answers null.
func check(args []js.Value) (any, error) {
	s, err := strings(args, 3)
	if err != nil {
		return nil, err
	}
	ds, r, k, err := sealInputs(s)
	if err != nil {
		return nil, err
	}
	return nil, r.Check(ds, k)
}

// seal(draftsText, recordsJSON, sealKeyPEM, provinceSaltText) checks and
// seals the drafts (issuance.Records.SealAll) and answers, in their order,
// [{id, request, credential}]: the JSON of POST /v1/licences's body and the
// holder's credential file.
func seal(args []js.Value) (any, error) {
	s, err := strings(args, 4)
	if err != nil {
		return nil, err
	}
	ds, r, k, err := sealInputs(s)
	if err != nil {
		return nil, err
	}
	salt, err := issuance.ParseProvinceSalt([]byte(s[3]))
	if err != nil {
		return nil, fmt.Errorf("province salt: %w", err)
	}
	sealed, err := r.SealAll(ds, k, salt)
	if err != nil {
		return nil, err
	}
	out := make([]any, len(sealed))
	for i, is := range sealed {
		req, err := json.Marshal(is.Request)
		if err != nil {
			return nil, err
		}
		file, err := issuance.EncodeCredentialFile(is.Credential)
		if err != nil {
			return nil, err
		}
		out[i] = map[string]any{"id": is.Request.Content.ID, "request": string(req), "credential": string(file)}
	}
	return out, nil
}

// renew(licenceJSON, validTo, sealKeyRecordJSON, sealKeyPEM) seals a
// licence (as GET /v1/licences/{id} answers it) again with the new validTo
// (RFC 3339) and the seal key of the record, which must be the licence
// agency's and the PEM's; it answers the JSON of POST
// /v1/licences/{id}/renew's body.
func renew(args []js.Value) (any, error) {
	s, err := strings(args, 4)
	if err != nil {
		return nil, err
	}
	var l record.Licence
	if err := decodeJSON("the licence", s[0], maxLicence, &l); err != nil {
		return nil, err
	}
	to, err := time.Parse(time.RFC3339, s[1])
	if err != nil {
		return nil, fmt.Errorf("validTo: want RFC 3339: %w", err)
	}
	var rec record.SealKey
	if err := decodeJSON("seal key record", s[2], maxRecords, &rec); err != nil {
		return nil, err
	}
	k, err := key(s[3])
	if err != nil {
		return nil, err
	}
	if err := issuance.CheckSealKey(&rec, rec.KeyID, l.AgencyID, k); err != nil {
		return nil, err
	}
	req, err := issuance.Renew(l.Content, to, rec.KeyID, k)
	if err != nil {
		return nil, err
	}
	b, err := json.Marshal(req)
	return string(b), err
}

// zipCredentials([credential files]) answers a ZIP archive of them, each
// named LICENCE-ID.json (issuance.ZipCredentials), as a Uint8Array.
func zipCredentials(args []js.Value) (any, error) {
	if len(args) != 1 {
		return nil, fmt.Errorf("%d arguments, want 1", len(args))
	}
	files, err := stringArray(args[0], issuance.MaxZippedCredentials)
	if err != nil {
		return nil, err
	}
	bs := make([][]byte, len(files))
	for i, f := range files {
		bs[i] = []byte(f)
	}
	z, err := issuance.ZipCredentials(bs)
	if err != nil {
		return nil, err
	}
	out := js.Global().Get("Uint8Array").New(len(z))
	js.CopyBytesToJS(out, z)
	return out, nil
}
