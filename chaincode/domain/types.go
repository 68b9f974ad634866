package domain

import "slices"

// FieldType is the type of a licence field's value. Values stay off the
// ledger; the type tells wallets and verifiers how to read a disclosed one.
type FieldType string

// Field types.
const (
	FieldString FieldType = "string"
	FieldDate   FieldType = "date"
	FieldNumber FieldType = "number"
	FieldBool   FieldType = "boolean"
)

var fieldTypes = []FieldType{FieldString, FieldDate, FieldNumber, FieldBool}

// FieldSpec is one field of a licence type's schema.
type FieldSpec struct {
	Name     string    `json:"name"`
	Type     FieldType `json:"type"`
	Required bool      `json:"required"`
}

// LicenceType is a kind of e-licence and its schema, owned by the province
// whose admin defined it.
type LicenceType struct {
	Code              string      `json:"code"`
	Name              string      `json:"name"`
	Province          string      `json:"province"` // MSP ID of the owning province
	Fields            []FieldSpec `json:"fields"`
	MaxValidityDays   int         `json:"maxValidityDays"`
	MutualRecognition bool        `json:"mutualRecognition"` // recognised across the Yangtze River Delta
	Record
}

// EventLicenceTypePut is emitted when a type is defined or changed.
const EventLicenceTypePut = "registry.LicenceTypePut"

const (
	objType         = "type"
	maxValidityDays = 100 * 366
)

func (t *LicenceType) validate() error {
	if err := checkID("type code", t.Code); err != nil {
		return err
	}
	if err := checkText("type name", t.Name, MaxNameLen); err != nil {
		return err
	}
	if t.MaxValidityDays < 1 || t.MaxValidityDays > maxValidityDays {
		return Errorf(CodeInvalidArgument, "maximum validity must be 1 to %d days", maxValidityDays)
	}
	return checkFieldSpecs("a type", t.Fields)
}

// checkFieldSpecs accepts 1 to MaxFields fields of distinct names and known types.
func checkFieldSpecs(what string, fields []FieldSpec) error {
	if len(fields) == 0 || len(fields) > MaxFields {
		return Errorf(CodeInvalidArgument, "%s has 1 to %d fields", what, MaxFields)
	}
	for i, f := range fields {
		if err := checkFieldName(f.Name); err != nil {
			return err
		}
		if !slices.Contains(fieldTypes, f.Type) {
			return Errorf(CodeInvalidArgument, "field %s: unknown type %q", f.Name, f.Type)
		}
		for _, g := range fields[:i] {
			if g.Name == f.Name {
				return Errorf(CodeInvalidArgument, "field %s defined twice", f.Name)
			}
		}
	}
	return nil
}

// checkFieldName accepts [a-zA-Z][a-zA-Z0-9_]{0,63}.
func checkFieldName(n string) error {
	if n == "" || len(n) > 64 {
		return Errorf(CodeInvalidArgument, "field names are 1 to 64 characters")
	}
	for i, r := range n {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || i > 0 && (r >= '0' && r <= '9' || r == '_')) {
			return Errorf(CodeInvalidArgument, "field name %.40q: letters, digits and _ only, starting with a letter", n)
		}
	}
	return nil
}

// PutLicenceType defines or changes a licence type. Only a province's admin
// may, and only for types its province owns.
func PutLicenceType(s State, t LicenceType) (*LicenceType, error) {
	tx, err := begin(s)
	if err != nil {
		return nil, err
	}
	if !tx.caller.Admin || !IsProvince(tx.caller.MSPID) {
		return nil, Errorf(CodeForbidden, "only a province's admin defines licence types")
	}
	if err := t.validate(); err != nil {
		return nil, err
	}
	k, err := key(s, objType, t.Code)
	if err != nil {
		return nil, err
	}
	var old LicenceType
	found, err := getJSON(s, k, &old)
	if err != nil {
		return nil, err
	}
	if found && old.Province != tx.caller.MSPID {
		return nil, Errorf(CodeForbidden, "type %s belongs to %s", t.Code, old.Province)
	}
	t.Province, t.Record = tx.caller.MSPID, tx.record()
	if err := putJSON(s, k, &t); err != nil {
		return nil, err
	}
	if err := s.RequireEndorsers(k, tx.caller.MSPID); err != nil {
		return nil, Wrap(CodeInternal, err, "endorsement policy of type %s", t.Code)
	}
	return &t, emit(s, EventLicenceTypePut, &t)
}

// GetLicenceType returns a licence type.
func GetLicenceType(s State, code string) (*LicenceType, error) {
	if _, err := requireReader(s); err != nil {
		return nil, err
	}
	return licenceType(s, code)
}

func licenceType(s State, code string) (*LicenceType, error) {
	return load[LicenceType](s, "type code", "licence type", objType, code)
}

// ListLicenceTypes lists licence types.
func ListLicenceTypes(s State, size int32, bookmark string) (Page[LicenceType], error) {
	return listForReaders[LicenceType](s, size, bookmark, objType)
}
