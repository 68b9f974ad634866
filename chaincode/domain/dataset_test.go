package domain_test

import (
	"strings"
	"testing"

	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/chaincode/domain"
	"github.com/wanledger/wanledger/chaincode/fakestub"
)

// datasets is the sharing world with a data-owner in Wuhu too.
func datasets(t *testing.T) *world {
	w := sharing(t)
	id, err := fakestub.NewIdentity("WuhuMSP", "wuhu-owner", false)
	if err != nil {
		t.Fatal(err)
	}
	w.ids["wuhu-owner"] = id
	w.bind("wuhu-admin", "wuhu-owner", record.RoleDataOwner, "")
	return w
}

// The failing input: Wuhu grants Anhui access to Hefei's dataset.
func TestOnlyTheOwnerGrantsOnADataset(t *testing.T) {
	w := datasets(t)
	a := authorization()
	a.ID, a.Requester = "AUTH-WUHU", "AnhuiMSP"
	_, err := w.run("wuhu-owner", func(s domain.State) (any, error) { return domain.GrantAuthorization(s, a) })
	wantCode(t, err, record.CodeForbidden)
	// Nor can Wuhu take the dataset's ID for itself.
	_, err = w.run("wuhu-owner", func(s domain.State) (any, error) { return domain.RegisterDataset(s, household()) })
	wantCode(t, err, record.CodeAlreadyExists)
	// Hefei, the owner, grants Anhui.
	a.ID = "AUTH-HEFEI-ANHUI"
	got := w.must("hefei-owner", func(s domain.State) (any, error) { return domain.GrantAuthorization(s, a) }).(*record.Authorization)
	if got.Owner != "HefeiMSP" {
		t.Errorf("owner = %s", got.Owner)
	}
}

func TestGrantNeedsARegisteredDatasetAndItsFields(t *testing.T) {
	w := datasets(t)
	for _, tc := range []struct {
		name    string
		dataset string
		fields  []string
		want    record.Code
	}{
		{"an unregistered dataset", "hefei.unknown", []string{"address"}, record.CodeNotFound},
		{"a field outside the schema", "hefei.household", []string{"address", "religion"}, record.CodeSchemaMismatch},
	} {
		a := authorization()
		a.ID, a.DatasetID, a.Fields = "AUTH-"+strings.ReplaceAll(tc.name, " ", "-"), tc.dataset, tc.fields
		_, err := w.run("hefei-owner", func(s domain.State) (any, error) { return domain.GrantAuthorization(s, a) })
		if record.CodeOf(err) != tc.want {
			t.Errorf("%s: %v, want %s", tc.name, err, tc.want)
		}
	}
}

func TestRegisterDataset(t *testing.T) {
	w := datasets(t)
	const want = "AND(HefeiMSP.peer, OR(AnhuiMSP.peer, WuhuMSP.peer))"
	if got, err := w.l.PolicyOf("\x00dataset\x00hefei.household\x00"); got != want || err != nil {
		t.Errorf("a dataset's record needs its owner and a majority; policy = %q, %v; want %q", got, err, want)
	}
	good := record.Dataset{ID: "wuhu.vehicles", Description: "芜湖市机动车登记", Fields: []record.FieldSpec{{Name: "plate", Type: record.FieldString}}}
	for _, tc := range []struct {
		name, who string
		edit      func(*record.Dataset)
		want      record.Code
	}{
		{"a client without the data-owner role", "wuhu-requester", func(*record.Dataset) {}, record.CodeForbidden},
		{"a bad ID", "wuhu-owner", func(d *record.Dataset) { d.ID = "a/b" }, record.CodeInvalidArgument},
		{"an ID of dots only", "wuhu-owner", func(d *record.Dataset) { d.ID = ".." }, record.CodeInvalidArgument},
		{"no fields", "wuhu-owner", func(d *record.Dataset) { d.Fields = nil }, record.CodeInvalidArgument},
		{"an unknown field type", "wuhu-owner", func(d *record.Dataset) { d.Fields = []record.FieldSpec{{Name: "x", Type: "blob"}} }, record.CodeInvalidArgument},
		{"a field twice", "wuhu-owner", func(d *record.Dataset) { d.Fields = append(d.Fields, d.Fields[0]) }, record.CodeInvalidArgument},
		{"no description", "wuhu-owner", func(d *record.Dataset) { d.Description = "" }, record.CodeInvalidArgument},
		{"a long description", "wuhu-owner", func(d *record.Dataset) { d.Description = strings.Repeat("x", domain.MaxDescriptionLen+1) }, record.CodeInvalidArgument},
	} {
		d := good
		d.Fields = append([]record.FieldSpec(nil), good.Fields...)
		tc.edit(&d)
		_, err := w.run(tc.who, func(s domain.State) (any, error) { return domain.RegisterDataset(s, d) })
		if record.CodeOf(err) != tc.want {
			t.Errorf("%s: %v, want %s", tc.name, err, tc.want)
		}
	}
	// An admin registers too; the owner is always the caller's organisation.
	d := good
	d.Owner = "HefeiMSP"
	got := w.must("wuhu-admin", func(s domain.State) (any, error) { return domain.RegisterDataset(s, d) }).(*record.Dataset)
	if got.Owner != "WuhuMSP" {
		t.Errorf("owner = %s, want the caller's organisation", got.Owner)
	}
	read := w.must("hefei-clerk", func(s domain.State) (any, error) { return domain.GetDataset(s, "wuhu.vehicles") }).(*record.Dataset)
	if read.Owner != "WuhuMSP" || read.Description != good.Description || len(read.Fields) != 1 {
		t.Errorf("read back %+v", read)
	}
	p := w.must("hefei-clerk", func(s domain.State) (any, error) { return domain.ListDatasets(s, 0, "") }).(record.Page[record.Dataset])
	if len(p.Items) != 2 {
		t.Errorf("listed %d datasets, want 2", len(p.Items))
	}
}
