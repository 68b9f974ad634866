package gateway

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/apiclient"
	"github.com/wanledger/wanledger/gateway/datasets"
)

// rowsFixture is the handler fixture with a real rows store, whose ledger
// answers GetDataset with a dataset of owner.
func rowsFixture(t *testing.T, owner string, maxUpload int64) (*fixture, *apiclient.Client) {
	f := newFixture(t)
	rows, err := datasets.Open(datasets.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	f.g.rows = rows
	f.g.cfg.Datasets.MaxUpload = maxUpload
	f.ledger.result = []byte(`{"id":"hefei.household","owner":"` + owner + `","fields":[{"name":"address","type":"string","required":true},{"name":"members","type":"number"}],"description":"d"}`)
	f.srv = httptest.NewServer(f.g.Handler())
	t.Cleanup(f.srv.Close)
	return f, apiclient.New(f.srv.URL, f.keys["data-owner"])
}

func codeOf(err error) string {
	var e *api.Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

func TestRowsImportInfoListDeleteThroughTheAPI(t *testing.T) {
	f, c := rowsFixture(t, "HefeiMSP", 0)
	ctx := context.Background()
	csv := "_subject,address,members\n0000000000000000000000000000000000000000000000000000000000000001,No. 1 Changjiang Road,3\n0000000000000000000000000000000000000000000000000000000000000002,No. 2 Huaihe Road,\n"
	info, err := c.ImportRows(ctx, "hefei.household", "text/csv", strings.NewReader(csv))
	if err != nil {
		t.Fatal(err)
	}
	if info.Rows != 2 || !info.Subjects || info.ID != "hefei.household" {
		t.Fatalf("imported %+v", info)
	}
	if got := f.ledger.calls[len(f.ledger.calls)-1]; got != "User1 share:GetDataset hefei.household" {
		t.Fatalf("the schema was read by %q", got)
	}
	jsonl := `{"address":"A","members":1}` + "\n"
	if info, err = c.ImportRows(ctx, "hefei.household", "application/x-ndjson", strings.NewReader(jsonl)); err != nil || info.Rows != 1 {
		t.Fatalf("JSON lines: %+v, %v", info, err)
	}
	got, err := c.Rows(ctx, "hefei.household")
	if err != nil || got.Generation != info.Generation || got.Rows != 1 {
		t.Fatalf("info %+v, %v", got, err)
	}
	list, err := c.RowsList(ctx)
	if err != nil || len(list) != 1 {
		t.Fatalf("list %+v, %v", list, err)
	}
	if err := c.DeleteRows(ctx, "hefei.household"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Rows(ctx, "hefei.household"); codeOf(err) != api.CodeDatasetNotImported {
		t.Fatalf("after delete: %v", err)
	}
	auditor := apiclient.New(f.srv.URL, f.keys["auditor"])
	if _, err := auditor.ImportRows(ctx, "hefei.household", "text/csv", strings.NewReader(csv)); codeOf(err) != string("FORBIDDEN") {
		t.Fatalf("an auditor imported: %v", err)
	}
}

func TestRowsImportRefusals(t *testing.T) {
	for _, c := range []struct {
		name, owner, contentType, body, code string
		status                               int
	}{
		{"a column the registration lacks", "HefeiMSP", "text/csv", "address,members,income\nA,1,2\n", api.CodeDatasetUnknownField, http.StatusUnprocessableEntity},
		{"a registered field without a column", "HefeiMSP", "text/csv", "address\nA\n", api.CodeDatasetMissingField, http.StatusUnprocessableEntity},
		{"a number that is not one", "HefeiMSP", "application/x-ndjson", `{"address":"A","members":"three"}`, api.CodeDatasetBadValue, http.StatusUnprocessableEntity},
		{"another organisation's dataset", "WuhuMSP", "text/csv", "address,members\nA,1\n", "FORBIDDEN", http.StatusForbidden},
		{"a body of another media type", "HefeiMSP", "application/json", `{"address":"A"}`, api.CodeUnsupportedMediaType, http.StatusUnsupportedMediaType},
		{"a body past the gateway's limit", "HefeiMSP", "text/csv", "address,members\n" + strings.Repeat("Some Road,1\n", 200), api.CodeDatasetLimit, http.StatusRequestEntityTooLarge},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, cl := rowsFixture(t, c.owner, 1024)
			_, err := cl.ImportRows(context.Background(), "hefei.household", c.contentType, strings.NewReader(c.body))
			var e *api.Error
			if !errors.As(err, &e) || e.Code != c.code || e.Status != c.status {
				t.Fatalf("error %v, want %d %s", err, c.status, c.code)
			}
			if _, err := cl.Rows(context.Background(), "hefei.household"); codeOf(err) != api.CodeDatasetNotImported {
				t.Fatalf("a refused import stored rows: %v", err)
			}
		})
	}
}
