package snapshot

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/internal/credential"
	"github.com/wanledger/wanledger/internal/gm"
	"github.com/wanledger/wanledger/internal/presentation"
)

// forge is what a thief of the agency's seal key (not yet revoked)
// presents offline: content of its choosing for the licence's ID, with
// holder's key and name as the "name" field's value, sealed with the
// agency's own seal key, and a presentation disclosing "name" signed by
// holder.
func (f *fixture) forge(t testing.TB, at time.Time, holder *gm.PrivateKey, name string) string {
	t.Helper()
	c := credential.Credential{Content: f.cred.Content}
	c.Content.HolderPublicKey = holder.Public().Hex()
	c.Content.Fields = nil
	for _, d := range f.cred.Disclosures {
		if d.Name == "name" {
			d.Value = name
		}
		digest, err := d.Digest()
		if err != nil {
			t.Fatal(err)
		}
		c.Content.Fields = append(c.Content.Fields, credential.FieldDigest{Name: d.Name, Digest: digest})
		c.Disclosures = append(c.Disclosures, d)
	}
	var err error
	if c.Seal, err = credential.Sign(f.seal, c.Content); err != nil {
		t.Fatal(err)
	}
	ds, err := c.Select([]string{"name"})
	if err != nil {
		t.Fatal(err)
	}
	p, err := presentation.Make(holder, testID, ds, testNonce, testAudience, at)
	if err != nil {
		t.Fatal(err)
	}
	off, err := Offline(c, p)
	if err != nil {
		t.Fatal(err)
	}
	return off
}

// TestContentSealedWithAStolenSealKeyIsRefusedOffline: the thief's
// content passes the key binding, the seal, the accreditation and the
// status, as the licence's ID is listed active; only the content digest
// the snapshot carries tells it from the ledger's content.
func TestContentSealedWithAStolenSealKeyIsRefusedOffline(t *testing.T) {
	f := newFixture(t)
	thief, err := gm.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	relayed := NewBuilder(testMSP, "anhui", 7, testBuilt, nil)
	relayed.AddRelayed(&record.RelayedLicence{Evidence: record.Evidence{Licence: &f.licence, Grant: &f.grant, SealKey: &f.sealKey},
		Type: &record.LicenceType{Code: "BL", MutualRecognition: true}, Source: record.Source{Channel: "delta"}})
	now := testBuilt.Add(time.Minute)
	for snapName, body := range map[string]*Body{"native": f.body(nil, 3), "relayed": relayed.Body()} {
		s := parse(t, f, f.file(t, body))
		v, err := s.Check(f.present(t, now, "name"), expectAt(now), false)
		if err != nil || !v.Valid {
			t.Fatalf("%s: the genuine presentation: %v %v", snapName, err, failed(v))
		}
		for name, off := range map[string]string{
			"the thief's holder key": f.forge(t, now, thief, "合肥示例科技有限公司"),
			"another name":           f.forge(t, now, f.holder, "冒名顶替有限公司"),
			"both":                   f.forge(t, now, thief, "冒名顶替有限公司"),
		} {
			v, err := s.Check(off, expectAt(now), false)
			got := failed(v)
			if err != nil || v.Valid || len(got) != 1 || !strings.HasPrefix(got[0], CheckContent+": "+string(ContentMismatch)+": ") {
				t.Errorf("%s, %s: accepted or refused otherwise: %v %v", snapName, name, err, got)
			}
			if len(v.Disclosed) != 0 {
				t.Errorf("%s, %s: disclosed %v of a content the ledger never held", snapName, name, v.Disclosed)
			}
		}
	}
}

// TestTheContentColumnIsBoundAndChecked: a signed body whose content
// column is of the wrong length or not canonical base64, or of format v1
// (no content column), is refused by Parse with SNAPSHOT_MALFORMED.
func TestTheContentColumnIsBoundAndChecked(t *testing.T) {
	f := newFixture(t)
	b := f.body(nil, 2)
	good, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	body := string(good)
	col := base64.StdEncoding.EncodeToString(b.Licences.Content)
	if len(b.Licences.Content) != 3*DigestLen || !strings.Contains(body, `"content":"`+col+`"`) {
		t.Fatalf("content column %q not in %s", col, body)
	}
	with := func(c string) string { return strings.Replace(body, `"content":"`+col+`"`, `"content":`+c, 1) }
	b64 := func(b []byte) string { return `"` + base64.StdEncoding.EncodeToString(b) + `"` }
	for name, c := range map[string]struct{ js, detail string }{
		"a digest short":    {with(b64(b.Licences.Content[:2*DigestLen])), "content column is 32 bytes, want 48"},
		"one byte short":    {with(b64(b.Licences.Content[:3*DigestLen-1])), "content column is 47 bytes"},
		"one byte more":     {with(b64(append(b.Licences.Content, 0))), "content column is 49 bytes"},
		"empty":             {with(`""`), "content column is 0 bytes"},
		"null":              {with(`null`), "content column is 0 bytes"},
		"missing":           {strings.Replace(body, `,"content":"`+col+`"`, "", 1), "content column is 0 bytes"},
		"not base64":        {with(`"` + col[:10] + "!" + col[11:] + `"`), "illegal base64"},
		"unpadded":          {with(`"` + base64.RawStdEncoding.EncodeToString(b.Licences.Content[:3*DigestLen-1]) + `"`), "illegal base64"},
		"url alphabet":      {with(`"` + strings.NewReplacer("+", "-", "/", "_").Replace(col) + "-_" + `"`), "illegal base64"},
		"a newline in it":   {with(`"` + col[:8] + `\n` + col[8:] + `"`), "canonical JSON form"},
		"a number":          {with(`42`), "cannot unmarshal"},
		"a short array":     {with(`[1,2,3]`), "content column is 3 bytes"},
		"an array":          {with(`[` + strings.TrimSuffix(strings.Repeat("0,", 3*DigestLen), ",") + `]`), "canonical JSON form"},
		"format v1":         {strings.Replace(body, Format, formatV1, 1), "no longer read"},
		"format v1, no col": {strings.Replace(strings.Replace(body, Format, formatV1, 1), `,"content":"`+col+`"`, "", 1), "no longer read"},
	} {
		if c.js == body {
			t.Fatalf("%s: the body did not change", name)
		}
		data, err := seal([]byte(c.js), f.org.signer)
		if err != nil {
			t.Fatal(err)
		}
		_, err = Parse(data, f.trust())
		if !isCode(err, Malformed) || !strings.Contains(err.Error(), c.detail) {
			t.Errorf("%s: %v, want %s with %q", name, err, Malformed, c.detail)
		}
	}
}

// TestAStringLongerThanAnyColumnIsRefusedBeforeDecoding: the scan before
// decoding refuses a body with a string longer than the content column of
// MaxLicences licences, and lets that column through.
func TestAStringLongerThanAnyColumnIsRefusedBeforeDecoding(t *testing.T) {
	long := strings.Repeat("A", maxString)
	if err := boundArrays([]byte(`{"mspId":"` + long + `A"}`)); err == nil || !strings.Contains(err.Error(), "a string of over") {
		t.Fatalf("a string over the bound: %v", err)
	}
	if err := boundArrays([]byte(`{"licences":{"content":"` + long + `"}}`)); err != nil {
		t.Fatalf("a content column of the longest length refused: %v", err)
	}
}
