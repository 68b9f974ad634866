package auditreport

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/record"
)

var now = time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)

// org is an organisation's CA and a signing identity it issued.
type org struct {
	roots  *x509.CertPool
	signer Signer
}

func newOrg(t *testing.T, name string) org {
	t.Helper()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ca := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "ca." + name}, NotBefore: now.AddDate(-1, 0, 0), NotAfter: now.AddDate(1, 0, 0),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, ca, ca, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	caCert, _ := x509.ParseCertificate(caDER)
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	leaf := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "User1@" + name}, NotBefore: now.AddDate(-1, 0, 0), NotAfter: now.AddDate(1, 0, 0),
		KeyUsage: x509.KeyUsageDigitalSignature}
	der, err := x509.CreateCertificate(rand.Reader, leaf, caCert, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(caCert)
	return org{roots: pool, signer: Signer{CertPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		Sign: func(d []byte) ([]byte, error) { return ecdsa.SignASN1(rand.Reader, key, d) }}}
}

func entry(id, kind string, block uint64) api.AuditEntry {
	e := api.AuditEntryOf(&record.AccessRecord{ID: id, Kind: kind, At: now.Add(-time.Duration(10-block) * time.Minute), DatasetID: "hefei-licences",
		Owner: "HefeiMSP", Requester: "WuhuMSP", AuthorizationID: "auth-1", Purpose: "licence-check", Fields: []string{"name"}, RecordedBy: "HefeiMSP",
		RequestDigest: strings.Repeat("a", 64)}, id, block, fmt.Sprintf("%064x", block))
	if kind == record.KindDenial {
		e.Reason = "FIELDS_NOT_GRANTED"
	}
	return e
}

// ledger is the ledger as a checker's gateway reads it: the entries it
// holds, and what the query traces.
type ledger map[string]api.AuditEntry

func (l ledger) Entry(_ context.Context, id string) (api.AuditEntry, error) {
	e, ok := l[id]
	if !ok {
		return e, fmt.Errorf("access record %s: %w", id, ErrNotFound)
	}
	return e, nil
}

func (l ledger) Trace(_ context.Context, q api.AuditQuery, max int) ([]string, error) {
	var ids []string
	for id, e := range l {
		if e.DatasetID == q.Key {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids, nil
}

func body(entries ...api.AuditEntry) *Body {
	b := &Body{MSPID: "HefeiMSP", Channel: "anhui", GeneratedAt: now, LedgerHeight: 9,
		Query: api.AuditQuery{By: record.TraceByDataset, Key: "hefei-licences"}, Entries: entries}
	for _, e := range entries {
		if e.Kind == record.KindAccess {
			b.Accesses++
		} else {
			b.Denials++
		}
	}
	return b
}

func encode(t *testing.T, b *Body, s Signer) []byte {
	t.Helper()
	data, err := Encode(b, s)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func check(t *testing.T, data []byte, trust Trust, l ledger) *Result {
	t.Helper()
	p, err := Parse(data, trust, now)
	if err != nil {
		t.Fatal(err)
	}
	r, err := Check(context.Background(), p, l)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestAReportChecksAgainstTheLedgerItWasMadeFrom: Hefei's signed report of
// two accesses and a denial parses with Hefei's CA and matches the ledger;
// a record added later (block 9, the report's height) is no difference.
func TestAReportChecksAgainstTheLedgerItWasMadeFrom(t *testing.T) {
	hefei := newOrg(t, "hefei")
	l := ledger{"T1": entry("T1", record.KindAccess, 3), "T2": entry("T2", record.KindDenial, 4), "T3": entry("T3", record.KindAccess, 5)}
	data := encode(t, body(l["T1"], l["T2"], l["T3"]), hefei.signer)
	l["T4"] = entry("T4", record.KindAccess, 9)
	r := check(t, data, Trust{MSPID: "HefeiMSP", Roots: hefei.roots, Channels: []string{"anhui"}}, l)
	if !r.Matches || len(r.Differences) != 0 || r.Entries != 3 || r.MSPID != "HefeiMSP" || r.Signer != "CN=User1@hefei" || r.LedgerHeight != 9 {
		t.Errorf("result: %+v", r)
	}
}

// TestChangingAnyByteOfAnEntryBreaksTheSignature: each member of an entry,
// changed in the file, and the height, are refused as REPORT_BAD_SIGNATURE.
func TestChangingAnyByteOfAnEntryBreaksTheSignature(t *testing.T) {
	hefei := newOrg(t, "hefei")
	trust := Trust{MSPID: "HefeiMSP", Roots: hefei.roots}
	data := encode(t, body(entry("T1", record.KindAccess, 3), entry("T2", record.KindDenial, 4)), hefei.signer)
	for _, c := range []struct{ from, to string }{
		{`"requester": "WuhuMSP"`, `"requester": "WuhuMSX"`},
		{`"block": 4`, `"block": 5`},
		{`"kind": "denial"`, `"kind": "access"`},
		{`"ledgerHeight": 9`, `"ledgerHeight": 90`},
		{`"reason": "FIELDS_NOT_GRANTED"`, `"reason": "USES_EXHAUSTED"`},
		{`"recordDigest": "0000000000000000000000000000000000000000000000000000000000000003"`, `"recordDigest": "1000000000000000000000000000000000000000000000000000000000000003"`},
	} {
		tampered := bytes.Replace(data, []byte(c.from), []byte(c.to), 1)
		if bytes.Equal(tampered, data) {
			t.Fatalf("%s is not in the report:\n%s", c.from, data)
		}
		if _, err := Parse(tampered, trust, now); !isCode(err, CodeBadSignature) && !isCode(err, CodeMalformed) {
			t.Errorf("%s → %s: %v", c.from, c.to, err)
		}
	}
}

// TestAReportReSignedAfterTamperingDiffersFromTheLedger: a signer who
// changes an entry, drops one and invents one and signs again passes the
// signature, and the check names each difference.
func TestAReportReSignedAfterTamperingDiffersFromTheLedger(t *testing.T) {
	hefei := newOrg(t, "hefei")
	l := ledger{"T1": entry("T1", record.KindAccess, 3), "T2": entry("T2", record.KindDenial, 4), "T3": entry("T3", record.KindAccess, 5)}
	changed := l["T1"]
	changed.Requester, changed.Fields = "ShanghaiMSP", []string{"name", "creditCode"}
	data := encode(t, body(changed, l["T3"], entry("T9", record.KindAccess, 6)), hefei.signer)
	r := check(t, data, Trust{MSPID: "HefeiMSP", Roots: hefei.roots}, l)
	want := []Difference{{ID: "T1", Problem: Changed, Members: []string{"requester", "fields"}}, {ID: "T9", Problem: Missing}, {ID: "T2", Problem: Unlisted, Block: 4}}
	if r.Matches || fmt.Sprint(r.Differences) != fmt.Sprint(want) {
		t.Errorf("differences %+v, want %+v", r.Differences, want)
	}
}

// TestOnlyTheCanonicalFormSignedByTheTrustedOrganisationParses.
func TestOnlyTheCanonicalFormSignedByTheTrustedOrganisationParses(t *testing.T) {
	hefei, wuhu := newOrg(t, "hefei"), newOrg(t, "wuhu")
	trust := Trust{MSPID: "HefeiMSP", Roots: hefei.roots, Channels: []string{"anhui"}}
	data := encode(t, body(entry("T1", record.KindAccess, 3)), hefei.signer)
	wuhuSigned := body(entry("T1", record.KindAccess, 3))
	wuhuSigned.MSPID = "WuhuMSP"
	var r Report
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatal(err)
	}
	future := body()
	future.GeneratedAt = now.Add(time.Hour)
	for name, c := range map[string]struct {
		data  []byte
		trust Trust
		code  string
	}{
		"a repeated member": {bytes.Replace(data, []byte(`"ledgerHeight": 9,`), []byte(`"ledgerHeight": 9, "ledgerHeight": 9,`), 1), trust, CodeMalformed},
		"an unknown member": {bytes.Replace(data, []byte(`"ledgerHeight": 9,`), []byte(`"ledgerHeight": 9, "note": "x",`), 1), trust, CodeMalformed},
		"reordered members": {bytes.Replace(data, []byte(`"mspId": "HefeiMSP",
    "channel": "anhui",`), []byte(`"channel": "anhui",
    "mspId": "HefeiMSP",`), 1), trust, CodeMalformed},
		"signed by Wuhu's CA":           {encode(t, body(entry("T1", record.KindAccess, 3)), wuhu.signer), trust, CodeWrongSigner},
		"naming another organisation":   {encode(t, wuhuSigned, hefei.signer), trust, CodeWrongSigner},
		"of a channel Hefei is not in":  {data, Trust{MSPID: "HefeiMSP", Roots: hefei.roots, Channels: []string{"delta"}}, CodeWrongSigner},
		"made in the future":            {encode(t, future, hefei.signer), trust, CodeMalformed},
		"not JSON":                      {[]byte("WLSNAP1\n"), trust, CodeMalformed},
		"a signature of another report": {bytes.Replace(encode(t, body(), hefei.signer), []byte(`"signature": "`), []byte(`"signature": "`+r.Signature[:8]), 1), trust, CodeBadSignature},
	} {
		if _, err := Parse(c.data, c.trust, now); !isCode(err, c.code) {
			t.Errorf("%s: %v, want %s", name, err, c.code)
		}
	}
	if _, err := Parse(bytes.ReplaceAll(data, []byte("\n  "), []byte("\n\t")), trust, now); err != nil {
		t.Errorf("the same report indented otherwise: %v", err)
	}
}

func isCode(err error, code string) bool {
	var e *Error
	return errors.As(err, &e) && e.Code == code
}
