package domain

import (
	"slices"

	"github.com/wanledger/wanledger/api/record"
)

var fieldTypes = []record.FieldType{record.FieldString, record.FieldDate, record.FieldNumber, record.FieldBool}

// EventLicenceTypePut is emitted when a type is defined or changed.
const EventLicenceTypePut = "registry.LicenceTypePut"

const (
	objType         = "type"
	maxValidityDays = 100 * 366
)

func validateType(t *record.LicenceType) error {
	if err := record.CheckID("type code", t.Code); err != nil {
		return err
	}
	if err := checkText("type name", t.Name, MaxNameLen); err != nil {
		return err
	}
	if t.MaxValidityDays < 1 || t.MaxValidityDays > maxValidityDays {
		return record.Errorf(record.CodeInvalidArgument, "maximum validity must be 1 to %d days", maxValidityDays)
	}
	return checkFieldSpecs("a type", t.Fields)
}

// checkFieldSpecs accepts 1 to MaxFields fields of distinct names and known types.
func checkFieldSpecs(what string, fields []record.FieldSpec) error {
	if len(fields) == 0 || len(fields) > MaxFields {
		return record.Errorf(record.CodeInvalidArgument, "%s has 1 to %d fields", what, MaxFields)
	}
	for i, f := range fields {
		if err := record.CheckFieldName(f.Name); err != nil {
			return err
		}
		if !slices.Contains(fieldTypes, f.Type) {
			return record.Errorf(record.CodeInvalidArgument, "field %s: unknown type %q", f.Name, f.Type)
		}
		for _, g := range fields[:i] {
			if g.Name == f.Name {
				return record.Errorf(record.CodeInvalidArgument, "field %s defined twice", f.Name)
			}
		}
	}
	return nil
}

// PutLicenceType defines or changes a licence type. Only a province's admin
// may, and only for types its province owns.
func PutLicenceType(s State, t record.LicenceType) (*record.LicenceType, error) {
	tx, err := begin(s)
	if err != nil {
		return nil, err
	}
	province, err := isProvince(s, tx.caller.MSPID)
	if err != nil {
		return nil, err
	}
	if !tx.caller.Admin || !province {
		return nil, record.Errorf(record.CodeForbidden, "only a province's admin defines licence types")
	}
	if err := validateType(&t); err != nil {
		return nil, err
	}
	k, err := key(s, objType, t.Code)
	if err != nil {
		return nil, err
	}
	var old record.LicenceType
	found, err := getJSON(s, k, &old)
	if err != nil {
		return nil, err
	}
	if found && old.Province != tx.caller.MSPID {
		return nil, record.Errorf(record.CodeForbidden, "type %s belongs to %s", t.Code, old.Province)
	}
	t.Province, t.Record = tx.caller.MSPID, tx.record()
	if err := putJSON(s, k, &t); err != nil {
		return nil, err
	}
	if err := requireEndorsers(s, k, "type "+t.Code, tx.caller.MSPID); err != nil {
		return nil, err
	}
	return &t, emit(s, EventLicenceTypePut, &t)
}

// GetLicenceType returns a licence type.
func GetLicenceType(s State, code string) (*record.LicenceType, error) {
	if _, err := requireReader(s); err != nil {
		return nil, err
	}
	return licenceType(s, code)
}

func licenceType(s State, code string) (*record.LicenceType, error) {
	return load[record.LicenceType](s, "type code", "licence type", objType, code)
}

// ListLicenceTypes lists licence types.
func ListLicenceTypes(s State, size int32, bookmark string) (record.Page[record.LicenceType], error) {
	return listForReaders[record.LicenceType](s, size, bookmark, objType)
}
