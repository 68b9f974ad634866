package issuance

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"time"
	"unicode/utf8"

	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/internal/credential"
	"github.com/wanledger/wanledger/internal/gm"
)

// Limits of a draft, those the ledger and verifiers apply.
const (
	MaxValueLen  = credential.MaxValueLen // bytes of one field value in NFC, what a verifier accepts disclosed
	MaxCitizenID = 64                     // bytes of a citizen ID
	maxFields    = 64                     // fields of one licence
)

// decimal is the form of a number field's value.
var decimal = regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?$`)

// Draft is one licence in clear, as an issuing agency prepares it. Its
// clear values and the holder's citizen ID never leave the agency: Seal
// turns them into digests and a pseudonym.
type Draft struct {
	ID        string    `json:"id"`
	Type      string    `json:"type"`     // licence type code
	AgencyID  string    `json:"agencyId"` // the issuing agency
	Region    string    `json:"region"`   // six-digit division code within the agency's grant
	SealKeyID string    `json:"sealKeyId"`
	Holder    Holder    `json:"holder"`
	Fields    Fields    `json:"fields"`
	ValidFrom time.Time `json:"validFrom"` // whole seconds
	ValidTo   time.Time `json:"validTo"`   // whole seconds, after ValidFrom
}

// Holder is the citizen or company a licence is issued to.
type Holder struct {
	CitizenID string `json:"citizenId"` // hashed with the province salt into the holder pseudonym
	PublicKey string `json:"publicKey"` // hex uncompressed SM2 point (65 bytes) of the holder's key
}

// Fields maps field names to clear values. In JSON it is an object; a name
// given twice is refused rather than silently keeping the last value.
type Fields map[string]string

// UnmarshalJSON reads an object of string values with distinct names.
func (f *Fields) UnmarshalJSON(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return errors.New("fields must be an object of field name to value")
	}
	out := Fields{}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return err
		}
		name, _ := t.(string)
		var v string
		if err := dec.Decode(&v); err != nil {
			return fmt.Errorf("field %q: the value must be a string", name)
		}
		if _, dup := out[name]; dup {
			return fmt.Errorf("field %q is given twice", name)
		}
		out[name] = v
	}
	*f = out
	return nil
}

// ParseDrafts reads one draft (a JSON object) or several (a JSON array of
// them). list tells which it was. Unknown properties, duplicate field names
// and licence IDs repeated in a list are refused; every draft is validated.
func ParseDrafts(data []byte) (drafts []Draft, list bool, err error) {
	data = bytes.TrimSpace(data)
	if len(data) > 0 && data[0] == '[' {
		var raws []json.RawMessage
		if err := json.Unmarshal(data, &raws); err != nil {
			return nil, true, fmt.Errorf("a list of drafts: %w", err)
		}
		if len(raws) == 0 {
			return nil, true, errors.New("the list of drafts is empty")
		}
		seen := map[string]int{}
		for i, raw := range raws {
			d, err := parseDraft(raw)
			if err != nil {
				return nil, true, fmt.Errorf("draft %d: %w", i+1, err)
			}
			if j, dup := seen[d.ID]; dup {
				return nil, true, fmt.Errorf("drafts %d and %d are both licence %s", j+1, i+1, d.ID)
			}
			seen[d.ID] = i
			drafts = append(drafts, d)
		}
		return drafts, true, nil
	}
	d, err := parseDraft(data)
	if err != nil {
		return nil, false, err
	}
	return []Draft{d}, false, nil
}

func parseDraft(raw []byte) (Draft, error) {
	var d Draft
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&d); err != nil {
		return Draft{}, fmt.Errorf("not a licence draft: %w", err)
	}
	if dec.More() {
		return Draft{}, errors.New("not a licence draft: data after the object")
	}
	return d, d.Validate()
}

// Validate checks a draft on its own, without its licence type.
func (d Draft) Validate() error {
	if err := checkID("id", d.ID); err != nil {
		return err
	}
	if err := d.check(); err != nil {
		return fmt.Errorf("licence %s: %w", d.ID, err)
	}
	return nil
}

func (d Draft) check() error {
	for _, f := range []struct{ what, v string }{{"type", d.Type}, {"agencyId", d.AgencyID}, {"region", d.Region}, {"sealKeyId", d.SealKeyID}} {
		if err := checkID(f.what, f.v); err != nil {
			return err
		}
	}
	if err := checkText("holder.citizenId", d.Holder.CitizenID, MaxCitizenID); err != nil {
		return err
	}
	if _, err := gm.ParsePublicKeyHex(d.Holder.PublicKey); err != nil {
		return fmt.Errorf("holder.publicKey: %w", err)
	}
	if len(d.Fields) == 0 || len(d.Fields) > maxFields {
		return fmt.Errorf("a licence has 1 to %d fields, not %d", maxFields, len(d.Fields))
	}
	for _, name := range d.names() {
		if err := checkFieldName(name); err != nil {
			return err
		}
		if err := checkText("field "+name, credential.NFC(d.Fields[name]), MaxValueLen); err != nil {
			return err
		}
	}
	return checkWindow(d.ValidFrom, d.ValidTo)
}

// CheckType checks a draft against its licence type: every field known,
// every required field present, values of the field's type (date:
// YYYY-MM-DD, number: a decimal such as -12 or 1000000.50, boolean: true
// or false), and a validity no longer than the type allows.
func (d Draft) CheckType(t *record.LicenceType) error {
	if t == nil || t.Code != d.Type {
		return fmt.Errorf("licence %s: no definition of its type %s", d.ID, d.Type)
	}
	for _, name := range d.names() {
		i := fieldIndex(t, name)
		if i < 0 {
			return fmt.Errorf("licence %s: type %s has no field %q", d.ID, t.Code, name)
		}
		if err := checkValue(t.Fields[i].Type, d.Fields[name]); err != nil {
			return fmt.Errorf("licence %s: field %s: %w", d.ID, name, err)
		}
	}
	for _, spec := range t.Fields {
		if _, ok := d.Fields[spec.Name]; spec.Required && !ok {
			return fmt.Errorf("licence %s: type %s requires field %q", d.ID, t.Code, spec.Name)
		}
	}
	if d.ValidTo.Sub(d.ValidFrom) > time.Duration(t.MaxValidityDays)*24*time.Hour {
		return fmt.Errorf("licence %s: type %s is valid for at most %d days", d.ID, t.Code, t.MaxValidityDays)
	}
	return nil
}

// names are the draft's field names, sorted.
func (d Draft) names() []string { return slices.Sorted(maps.Keys(d.Fields)) }

func fieldIndex(t *record.LicenceType, name string) int {
	for i, f := range t.Fields {
		if f.Name == name {
			return i
		}
	}
	return -1
}

func checkValue(typ record.FieldType, v string) error {
	ok := true
	switch typ {
	case record.FieldDate:
		_, err := time.Parse(time.DateOnly, v)
		ok = err == nil
	case record.FieldNumber:
		ok = decimal.MatchString(v)
	case record.FieldBool:
		ok = v == "true" || v == "false"
	}
	if !ok {
		return fmt.Errorf("%q is not a %s", v, typ)
	}
	return nil
}

// spoofing are the invisible format characters that reorder or disguise
// how a value is displayed: the bidi marks, embeddings, overrides and
// isolates. A value holding one can show as a different value.
var spoofing = map[rune]string{
	0x061C: "ARABIC LETTER MARK", 0x200E: "LEFT-TO-RIGHT MARK", 0x200F: "RIGHT-TO-LEFT MARK",
	0x202A: "LEFT-TO-RIGHT EMBEDDING", 0x202B: "RIGHT-TO-LEFT EMBEDDING", 0x202C: "POP DIRECTIONAL FORMATTING",
	0x202D: "LEFT-TO-RIGHT OVERRIDE", 0x202E: "RIGHT-TO-LEFT OVERRIDE",
	0x2066: "LEFT-TO-RIGHT ISOLATE", 0x2067: "RIGHT-TO-LEFT ISOLATE", 0x2068: "FIRST STRONG ISOLATE", 0x2069: "POP DIRECTIONAL ISOLATE",
}

// checkText accepts 1 to max bytes of UTF-8 without control characters
// or the bidi controls of spoofing.
func checkText(what, s string, max int) error {
	if s == "" {
		return fmt.Errorf("%s is missing or empty", what)
	}
	if len(s) > max || !utf8.ValidString(s) {
		return fmt.Errorf("%s must be at most %d bytes of UTF-8", what, max)
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return fmt.Errorf("%s holds a control character", what)
		}
		if name, ok := spoofing[r]; ok {
			return fmt.Errorf("%s holds U+%04X %s, an invisible bidi control that can disguise how the value reads", what, r, name)
		}
	}
	return nil
}

// checkWindow accepts validFrom < validTo, both set and whole seconds.
func checkWindow(from, to time.Time) error {
	switch {
	case from.IsZero() || to.IsZero():
		return errors.New("validFrom and validTo are required (RFC 3339)")
	case from.Nanosecond() != 0 || to.Nanosecond() != 0:
		return errors.New("validFrom and validTo are whole seconds")
	case !from.Before(to):
		return fmt.Errorf("validTo %s is not after validFrom %s", to.Format(time.RFC3339), from.Format(time.RFC3339))
	}
	return nil
}

// checkID and checkFieldName apply the ledger's rules (api/record) to a
// draft before anything is sent, with the ledger's message without its
// code: a licence ID also names its credential file.
func checkID(what, id string) error { return local(record.CheckID(what, id)) }

func checkFieldName(n string) error { return local(record.CheckFieldName(n)) }

// local is a ledger rule's refusal as a plain error.
func local(err error) error {
	if e, ok := errors.AsType[*record.Error](err); ok {
		return errors.New(e.Msg)
	}
	return err
}
