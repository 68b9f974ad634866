package domain

import (
	"slices"

	"github.com/wanledger/wanledger/api/record"
)

// EventDatasetRegistered is emitted when a dataset is registered.
const EventDatasetRegistered = "share.DatasetRegistered"

const (
	objDataset = "dataset"
	// MaxDescriptionLen bounds a dataset's description, in bytes.
	MaxDescriptionLen = 1024
)

// RegisterDataset registers a dataset of the caller's organisation; the
// caller is its admin or a data-owner. The owner's endorsement is required
// for every later change of the record.
func RegisterDataset(s State, d record.Dataset) (*record.Dataset, error) {
	tx, err := begin(s)
	if err != nil {
		return nil, err
	}
	if !tx.caller.Admin {
		if _, err := requireRole(s, tx.caller, record.RoleDataOwner); err != nil {
			return nil, err
		}
	}
	if err := record.CheckID("dataset ID", d.ID); err != nil {
		return nil, err
	}
	if err := checkFieldSpecs("a dataset", d.Fields); err != nil {
		return nil, err
	}
	if err := checkText("description", d.Description, MaxDescriptionLen); err != nil {
		return nil, err
	}
	k, err := key(s, objDataset, d.ID)
	if err != nil {
		return nil, err
	}
	if err := mustBeNew(s, k, "dataset", d.ID); err != nil {
		return nil, err
	}
	d.Owner, d.Registrant, d.Record = tx.caller.MSPID, tx.caller.ID, tx.record()
	if err := putJSON(s, k, &d); err != nil {
		return nil, err
	}
	if err := requireEndorsers(s, k, "dataset "+d.ID, d.Owner); err != nil {
		return nil, err
	}
	return &d, emit(s, EventDatasetRegistered, &d)
}

// GetDataset returns a dataset to any reader.
func GetDataset(s State, id string) (*record.Dataset, error) {
	if _, err := requireReader(s); err != nil {
		return nil, err
	}
	return dataset(s, id)
}

func dataset(s State, id string) (*record.Dataset, error) {
	return load[record.Dataset](s, "dataset ID", "dataset", objDataset, id)
}

// ListDatasets lists the registered datasets to any reader.
func ListDatasets(s State, size int32, bookmark string) (record.Page[record.Dataset], error) {
	return listForReaders[record.Dataset](s, size, bookmark, objDataset)
}

// grantable checks that org owns dataset id and that it has every field.
func grantable(s State, org, id string, fields []string) error {
	d, err := dataset(s, id)
	if err != nil {
		return err
	}
	if d.Owner != org {
		return record.Errorf(record.CodeForbidden, "dataset %s belongs to %s; only its owner grants access", id, d.Owner)
	}
	for _, f := range fields {
		if !slices.ContainsFunc(d.Fields, func(s record.FieldSpec) bool { return s.Name == f }) {
			return record.Errorf(record.CodeSchemaMismatch, "dataset %s has no field %s", id, f)
		}
	}
	return nil
}
