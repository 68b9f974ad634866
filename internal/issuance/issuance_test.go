package issuance

import (
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/internal/credential"
	"github.com/wanledger/wanledger/internal/gm"
)

var businessLicence = &record.LicenceType{Code: "business-licence", MaxValidityDays: 3650, Fields: []record.FieldSpec{
	{Name: "name", Type: record.FieldString, Required: true},
	{Name: "creditCode", Type: record.FieldString, Required: true},
	{Name: "founded", Type: record.FieldDate},
	{Name: "capital", Type: record.FieldNumber},
	{Name: "listed", Type: record.FieldBool},
}}

// agency is a seal key and province salt written to and read back from
// their files, as an agency keeps them.
func agency(t *testing.T) (*gm.PrivateKey, []byte) {
	t.Helper()
	dir := t.TempDir()
	if _, err := GenerateSealKey(filepath.Join(dir, "seal.pem")); err != nil {
		t.Fatal(err)
	}
	key, err := ReadSealKey(filepath.Join(dir, "seal.pem"))
	if err != nil {
		t.Fatal(err)
	}
	salt, err := NewProvinceSalt()
	if err != nil {
		t.Fatal(err)
	}
	if err := WriteProvinceSalt(filepath.Join(dir, "salt.hex"), salt); err != nil {
		t.Fatal(err)
	}
	if salt, err = ReadProvinceSalt(filepath.Join(dir, "salt.hex")); err != nil {
		t.Fatal(err)
	}
	return key, salt
}

func draft(t *testing.T, id string) Draft {
	t.Helper()
	holder, err := gm.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	from := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	return Draft{ID: id, Type: "business-licence", AgencyID: "hefei-amr", Region: "340100", SealKeyID: "hefei-amr-seal-1",
		Holder:    Holder{CitizenID: "340104199001011234", PublicKey: holder.Public().Hex()},
		Fields:    Fields{"name": "合肥示例科技有限公司", "creditCode": "91340100MA2XXXXX1Q", "founded": "2019-05-20", "capital": "1000000.50", "listed": "false"},
		ValidFrom: from, ValidTo: from.AddDate(5, 0, 0)}
}

func TestASealedDraftVerifiesAndEachDisclosedValueRecomputesItsDigest(t *testing.T) {
	key, salt := agency(t)
	d := draft(t, "BL-0001")
	is, err := Seal(d, businessLicence, key, salt)
	if err != nil {
		t.Fatal(err)
	}
	c := is.Request.Content
	sig, err := hex.DecodeString(is.Request.Signature)
	if err != nil {
		t.Fatal(err)
	}
	if err := credential.Verify(key.Public(), c, sig); err != nil {
		t.Fatalf("the seal does not verify: %v", err)
	}
	if want, _ := credential.HolderPseudonym(salt, d.Holder.CitizenID); c.HolderPseudonym != want {
		t.Errorf("pseudonym %s, want %s", c.HolderPseudonym, want)
	}
	cr := is.Credential
	if err := credential.Verify(key.Public(), cr.Content, cr.Seal); err != nil || cr.Content.HolderPublicKey != d.Holder.PublicKey {
		t.Errorf("the credential's content and seal are not the licence's: %v", err)
	}
	if err := cr.Check(); err != nil {
		t.Error(err)
	}
	if len(cr.Disclosures) != 5 || len(c.Fields) != 5 {
		t.Fatalf("%d disclosures and %d digests of 5 fields", len(cr.Disclosures), len(c.Fields))
	}
	seen := map[string]bool{}
	for i, f := range cr.Disclosures {
		if len(f.Salt) < credential.MinSaltLen || seen[string(f.Salt)] || f.LicenceID != d.ID {
			t.Errorf("salt %x of %s too short or repeated, or licence %s", f.Salt, f.Name, f.LicenceID)
		}
		seen[string(f.Salt)] = true
		got, err := credential.FieldDigestOf(d.ID, f.Name, f.Salt, f.Value)
		if err != nil {
			t.Fatal(err)
		}
		if c.Fields[i].Name != f.Name || c.Fields[i].Digest != got || f.Value != d.Fields[f.Name] {
			t.Errorf("disclosure %+v recomputes %s; the licence has %+v", f, got, c.Fields[i])
		}
	}
	// Sealing again draws new salts: two issues of one draft share no digest.
	again, err := Seal(d, businessLicence, key, salt)
	if err != nil {
		t.Fatal(err)
	}
	if again.Request.Content.Fields[0].Digest == c.Fields[0].Digest {
		t.Error("two seals of one draft have the same field digest: salts are not fresh")
	}
}

// A field issued in one Unicode form and disclosed in another matches; the
// credential keeps the NFC form; the pseudonym ignores the ID's form.
func TestNFCAndNFDFormsOfAValueAndACitizenIDAreOne(t *testing.T) {
	key, salt := agency(t)
	d := draft(t, "BL-NFD")
	d.Fields["name"] = "LU\u0308\u030c Xiaoming 豈" // decomposed Ǚ and compatibility ideograph U+F900
	d.Holder.CitizenID = "LU\u0308\u030c-340104199001011234"
	is, err := Seal(d, businessLicence, key, salt)
	if err != nil {
		t.Fatal(err)
	}
	sel, err := is.Credential.Select([]string{"name"})
	if err != nil {
		t.Fatal(err)
	}
	name := sel[0]
	if name.Value != "L\u01d9 Xiaoming \u8c48" {
		t.Errorf("the credential keeps %+q, not its NFC form", name.Value)
	}
	s := name.Salt
	for _, disclosed := range []string{d.Fields["name"], name.Value, "L\u00dc\u030c Xiaoming \u8c48"} {
		got, _ := credential.FieldDigestOf(d.ID, "name", s, disclosed)
		if got != is.Request.Content.Fields[4].Digest {
			t.Errorf("disclosed %+q: digest %s, the licence has %s", disclosed, got, is.Request.Content.Fields[4].Digest)
		}
	}
	nfc, _ := credential.HolderPseudonym(salt, "L\u01d9-340104199001011234")
	if is.Request.Content.HolderPseudonym != nfc {
		t.Error("the pseudonym of an NFD citizen ID is not that of its NFC form")
	}
}

func TestRenewSealsTheContentAgainWithTheNewValidToAndKey(t *testing.T) {
	key, salt := agency(t)
	is, err := Seal(draft(t, "BL-R"), businessLicence, key, salt)
	if err != nil {
		t.Fatal(err)
	}
	c := is.Request.Content
	next, _ := agency(t)
	to := c.ValidTo.AddDate(1, 0, 0)
	r, err := Renew(c, to, "hefei-amr-seal-2", next)
	if err != nil {
		t.Fatal(err)
	}
	if !r.ValidTo.Equal(to) || r.SealKeyID != "hefei-amr-seal-2" {
		t.Errorf("renewal %+v", r)
	}
	renewed := c
	renewed.ValidTo, renewed.SealKeyID = to, r.SealKeyID
	sig, _ := hex.DecodeString(r.Signature)
	if err := credential.Verify(next.Public(), renewed, sig); err != nil {
		t.Errorf("the renewal's seal: %v", err)
	}
	if r, err := Renew(c, to, "", key); err != nil || r.SealKeyID != c.SealKeyID {
		t.Errorf("renewal with the same key: %+v, %v", r, err)
	}
	for _, bad := range []time.Time{c.ValidTo, c.ValidTo.Add(-time.Hour), to.Add(time.Millisecond)} {
		if _, err := Renew(c, bad, "", key); err == nil {
			t.Errorf("renewal to %s of a licence valid to %s accepted", bad, c.ValidTo)
		}
	}
	if _, err := Renew(c, to, "bad/key", key); err == nil {
		t.Error("a bad seal key ID accepted")
	}
}

func TestBadDraftsAndKeysGiveClearErrors(t *testing.T) {
	key, salt := agency(t)
	for _, c := range []struct {
		name, want string
		change     func(*Draft)
	}{
		{"missing required field", `requires field "creditCode"`, func(d *Draft) { delete(d.Fields, "creditCode") }},
		{"unknown field", `has no field "colour"`, func(d *Draft) { d.Fields["colour"] = "red" }},
		{"bad field name", "field name", func(d *Draft) { d.Fields["9lives"] = "x" }},
		{"empty value", "field founded is missing or empty", func(d *Draft) { d.Fields["founded"] = "" }},
		{"value not of its type", `"20 May 2019" is not a date`, func(d *Draft) { d.Fields["founded"] = "20 May 2019" }},
		{"number not a decimal", `"NaN" is not a number`, func(d *Draft) { d.Fields["capital"] = "NaN" }},
		{"boolean not true or false", `"1" is not a boolean`, func(d *Draft) { d.Fields["listed"] = "1" }},
		{"too long value", "at most 4096 bytes", func(d *Draft) { d.Fields["name"] = strings.Repeat("合", 1366) }},
		{"validTo before validFrom", "is not after validFrom", func(d *Draft) { d.ValidTo = d.ValidFrom.Add(-time.Hour) }},
		{"no validTo", "validFrom and validTo are required", func(d *Draft) { d.ValidTo = time.Time{} }},
		{"fractional time", "whole seconds", func(d *Draft) { d.ValidTo = d.ValidTo.Add(time.Millisecond) }},
		{"too long validity", "at most 3650 days", func(d *Draft) { d.ValidTo = d.ValidFrom.AddDate(11, 0, 0) }},
		{"missing agency", "agencyId must be 1 to 64", func(d *Draft) { d.AgencyID = "" }},
		{"missing citizen ID", "holder.citizenId is missing", func(d *Draft) { d.Holder.CitizenID = "" }},
		{"bad holder key", "holder.publicKey", func(d *Draft) { d.Holder.PublicKey = "04abcd" }},
		{"bad licence ID", "may hold only", func(d *Draft) { d.ID = "../x" }},
		{"other type", "no definition of its type", func(d *Draft) { d.Type = "driving-licence" }},
	} {
		d := draft(t, "BL-BAD")
		c.change(&d)
		if _, err := Seal(d, businessLicence, key, salt); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one saying %q", c.name, err, c.want)
		}
	}
	if _, err := Seal(draft(t, "BL-S"), businessLicence, key, salt[:15]); err == nil || !strings.Contains(err.Error(), "province salt shorter than 16") {
		t.Errorf("short province salt: %v", err)
	}
	if _, err := Seal(draft(t, "BL-K"), businessLicence, nil, salt); err == nil || !strings.Contains(err.Error(), "no seal key") {
		t.Errorf("no seal key: %v", err)
	}
}

func TestParseDraftsReadsOneOrAListAndRefusesAmbiguity(t *testing.T) {
	const one = `{"id":"L1","type":"business-licence","agencyId":"a","region":"340100","sealKeyId":"k",
		"holder":{"citizenId":"340104199001011234","publicKey":"%s"},"fields":{"name":"x","creditCode":"y"},
		"validFrom":"2026-01-01T00:00:00Z","validTo":"2027-01-01T00:00:00+08:00"}`
	holder, _ := gm.GenerateKey()
	doc := strings.ReplaceAll(one, "%s", holder.Public().Hex())
	ds, list, err := ParseDrafts([]byte(doc))
	if err != nil || list || len(ds) != 1 || ds[0].Fields["creditCode"] != "y" || ds[0].ValidTo.UTC().Hour() != 16 {
		t.Fatalf("one draft: %+v list=%v %v", ds, list, err)
	}
	if ds, list, err = ParseDrafts([]byte("[" + doc + "," + strings.Replace(doc, `"L1"`, `"L2"`, 1) + "]")); err != nil || !list || len(ds) != 2 {
		t.Fatalf("a list: %+v list=%v %v", ds, list, err)
	}
	for _, c := range []struct{ name, doc, want string }{
		{"duplicate field", strings.Replace(doc, `"name":"x"`, `"name":"x","name":"z"`, 1), `field "name" is given twice`},
		{"unknown property", strings.Replace(doc, `"id":"L1"`, `"id":"L1","colour":"red"`, 1), `unknown field "colour"`},
		{"value not a string", strings.Replace(doc, `"name":"x"`, `"name":7`, 1), `field "name": the value must be a string`},
		{"repeated licence", "[" + doc + "," + doc + "]", "drafts 1 and 2 are both licence L1"},
		{"bad draft in a list", "[" + doc + "," + strings.Replace(doc, `"agencyId":"a"`, `"agencyId":""`, 1) + "]", "draft 2: licence L1: agencyId"},
		{"empty list", "[]", "empty"},
		{"trailing data", doc + "{}", "data after the object"},
		{"not JSON", "id: L1", "not a licence draft"},
	} {
		if _, _, err := ParseDrafts([]byte(c.doc)); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one saying %q", c.name, err, c.want)
		}
	}
}

func TestKeyAndSaltFilesAreSecretAndNeverOverwritten(t *testing.T) {
	dir := t.TempDir()
	pem := filepath.Join(dir, "seal.pem")
	key, err := GenerateSealKey(pem)
	if err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(pem); st.Mode().Perm() != 0o600 {
		t.Errorf("seal key file mode %v", st.Mode().Perm())
	}
	before, _ := os.ReadFile(pem)
	if _, err := GenerateSealKey(pem); err == nil || !strings.Contains(err.Error(), "refusing to overwrite") {
		t.Errorf("second keygen to one file: %v", err)
	}
	if after, _ := os.ReadFile(pem); string(after) != string(before) {
		t.Error("the key file changed")
	}
	back, err := ReadSealKey(pem)
	if err != nil || !back.Public().Equal(key.Public()) {
		t.Errorf("read back: %v", err)
	}
	pub, _ := key.Public().PEM()
	for name, content := range map[string][]byte{"pub.pem": pub, "junk.pem": []byte("not a key"), "big.pem": make([]byte, maxSecretFile+1)} {
		os.WriteFile(filepath.Join(dir, name), content, 0o600)
		if _, err := ReadSealKey(filepath.Join(dir, name)); err == nil {
			t.Errorf("%s read as a seal key", name)
		}
	}

	saltFile := filepath.Join(dir, "salt.hex")
	if err := WriteProvinceSalt(saltFile, make([]byte, 8)); err == nil {
		t.Error("an 8-byte province salt written")
	}
	salt, _ := NewProvinceSalt()
	if err := WriteProvinceSalt(saltFile, salt); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(saltFile); st.Mode().Perm() != 0o600 {
		t.Errorf("salt file mode %v", st.Mode().Perm())
	}
	if err := WriteProvinceSalt(saltFile, salt); err == nil {
		t.Error("a province salt overwritten")
	}
	for content, want := range map[string]string{"zz11": "not hex", "0011223344556677\n": "8 bytes, want at least 16", "": "0 bytes"} {
		os.WriteFile(filepath.Join(dir, "bad.hex"), []byte(content), 0o600)
		if _, err := ReadProvinceSalt(filepath.Join(dir, "bad.hex")); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("salt file %q: %v, want %q", content, err, want)
		}
	}
}

func TestACredentialFileAppearsOnlyWhenCommitted(t *testing.T) {
	key, salt := agency(t)
	dir := t.TempDir()
	is, err := Seal(draft(t, "BL-F"), businessLicence, key, salt)
	if err != nil {
		t.Fatal(err)
	}
	p, err := StageCredential(dir, is.Credential)
	if err != nil {
		t.Fatal(err)
	}
	final := CredentialFile(dir, "BL-F")
	if _, err := os.Stat(final); err == nil {
		t.Fatal("the credential file exists before the commit")
	}
	if st, err := os.Stat(p.Pending()); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("pending file: %v %v", st, err)
	}
	if _, err := StageCredential(dir, is.Credential); err == nil {
		t.Error("a second pending file of one licence")
	}
	path, err := p.Commit()
	if err != nil || path != final {
		t.Fatalf("commit: %s %v", path, err)
	}
	if st, err := os.Stat(final); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("credential file: %v %v", st, err)
	}
	if _, err := os.Stat(p.Pending()); err == nil {
		t.Error("the pending file remains")
	}
	if _, err := WriteCredential(dir, is.Credential); err == nil || !strings.Contains(err.Error(), "refusing to overwrite") {
		t.Errorf("overwrite: %v", err)
	}
	other, _ := Seal(draft(t, "BL-G"), businessLicence, key, salt)
	q, err := StageCredential(dir, other.Credential)
	if err != nil {
		t.Fatal(err)
	}
	if err := q.Discard(); err != nil {
		t.Fatal(err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("after a discard the directory holds %d files", len(entries))
	}
}

// TestBidiControlsAreRefusedInValuesAndCitizenIDs: a value or citizen ID
// holding an invisible bidi control (one that can make it display as
// another) is refused naming the field; a zero-width joiner, which
// emoji and some scripts need, is kept.
func TestBidiControlsAreRefusedInValuesAndCitizenIDs(t *testing.T) {
	key, salt := agency(t)
	for _, r := range []rune{0x061C, 0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069} {
		d := draft(t, "BL-BIDI")
		d.Fields["name"] = "合肥" + string(r) + "示例"
		if _, err := Seal(d, businessLicence, key, salt); err == nil || !strings.Contains(err.Error(), "field name holds U+") {
			t.Errorf("U+%04X in a value: %v", r, err)
		}
		d = draft(t, "BL-BIDI")
		d.Holder.CitizenID = "3401" + string(r) + "04199001011234"
		if _, err := Seal(d, businessLicence, key, salt); err == nil || !strings.Contains(err.Error(), "holder.citizenId holds U+") {
			t.Errorf("U+%04X in a citizen ID: %v", r, err)
		}
	}
	d := draft(t, "BL-ZWJ")
	d.Fields["name"] = "合肥\u200d示例"
	if _, err := Seal(d, businessLicence, key, salt); err != nil {
		t.Errorf("a zero-width joiner is refused: %v", err)
	}
}
