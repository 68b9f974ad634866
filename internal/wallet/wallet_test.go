package wallet

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/internal/credential"
	"github.com/wanledger/wanledger/internal/gm"
	"github.com/wanledger/wanledger/internal/issuance"
	"github.com/wanledger/wanledger/internal/presentation"
)

var businessLicence = &record.LicenceType{Code: "BL", MaxValidityDays: 3650, Fields: []record.FieldSpec{
	{Name: "name", Type: record.FieldString, Required: true},
	{Name: "creditCode", Type: record.FieldString, Required: true},
	{Name: "founded", Type: record.FieldDate},
}}

// issued is a licence sealed by a fresh agency key to the holder key pub,
// its credential file written as the issuer's tooling writes it.
type issued struct {
	seal    *gm.PrivateKey
	content credential.Content
	file    string
}

func issue(t *testing.T, id, pub string) issued {
	t.Helper()
	seal, err := gm.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	from := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	d := issuance.Draft{ID: id, Type: "BL", AgencyID: "hefei-amr", Region: "340100", SealKeyID: "hefei-amr-1",
		Holder:    issuance.Holder{CitizenID: "340104199001011234", PublicKey: pub},
		Fields:    issuance.Fields{"name": "合肥示例科技有限公司", "creditCode": "91340100MA2XXXXX1Q", "founded": "2021-03-15"},
		ValidFrom: from, ValidTo: from.AddDate(5, 0, 0)}
	is, err := issuance.Seal(d, businessLicence, seal, []byte("anhui-province-salt-2026"))
	if err != nil {
		t.Fatal(err)
	}
	file, err := issuance.WriteCredential(t.TempDir(), is.Credential)
	if err != nil {
		t.Fatal(err)
	}
	return issued{seal: seal, content: is.Request.Content, file: file}
}

func newWallet(t *testing.T) (*Wallet, *gm.PublicKey) {
	t.Helper()
	w := Open(filepath.Join(t.TempDir(), "wallet"))
	pub, err := w.Init()
	if err != nil {
		t.Fatal(err)
	}
	return w, pub
}

func TestInitWritesAKeyOnlyTheHolderReadsAndNeverReplacesIt(t *testing.T) {
	w, pub := newWallet(t)
	st, err := os.Stat(w.KeyFile())
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("key file %v: %v", st, err)
	}
	key, err := w.Key()
	if err != nil || !key.Public().Equal(pub) {
		t.Fatalf("the key read back is not the one made: %v", err)
	}
	if _, err := w.Init(); err == nil || !strings.Contains(err.Error(), "refusing to overwrite") {
		t.Errorf("a second init: %v", err)
	}
	if again, _ := w.Key(); !again.Public().Equal(pub) {
		t.Error("a second init replaced the key")
	}
	if _, err := Open(t.TempDir()).Key(); !errors.Is(err, ErrNoKey) {
		t.Errorf("a wallet without a key: %v", err)
	}
}

func TestImportKeepsOnlyCredentialsIssuedToTheWalletsKey(t *testing.T) {
	w, pub := newWallet(t)
	mine := issue(t, "BL-1", pub.Hex())
	c, err := w.Import(mine.file)
	if err != nil {
		t.Fatal(err)
	}
	if c.Content.ID != "BL-1" || len(c.Disclosures) != 3 {
		t.Errorf("imported %+v", c)
	}
	if _, err := w.Import(mine.file); err == nil || !strings.Contains(err.Error(), "holds licence BL-1 already") {
		t.Errorf("a second import: %v", err)
	}
	stranger, _ := gm.GenerateKey()
	theirs := issue(t, "BL-2", stranger.Public().Hex())
	if _, err := w.Import(theirs.file); !errors.Is(err, ErrNotHeld) || !strings.Contains(err.Error(), "not this wallet's") {
		t.Errorf("a credential of another holder: %v", err)
	}
	v0 := filepath.Join(t.TempDir(), "BL-3.json")
	os.WriteFile(v0, []byte(`{"format":"wanledger-holder-credential/v0","licenceId":"BL-3","holderPublicKey":"`+pub.Hex()+`","fields":[]}`), 0o600)
	if _, err := w.Import(v0); !errors.Is(err, ErrNoSeal) || !strings.Contains(err.Error(), "version 0") {
		t.Errorf("a version 0 credential: %v", err)
	}
	list, err := w.List()
	if err != nil || len(list) != 1 || list[0].Content.ID != "BL-1" {
		t.Errorf("list %+v: %v", list, err)
	}
	st, err := os.Stat(filepath.Join(w.dir, "credentials", "BL-1.json"))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("the wallet's copy: %v %v", st, err)
	}
	if _, err := w.Get("BL-2"); err == nil || !strings.Contains(err.Error(), "no licence BL-2") {
		t.Errorf("get of a licence not held: %v", err)
	}
	if _, err := w.Get("../BL-1"); err == nil {
		t.Error("get of a path")
	}
}

func TestPresentDisclosesTheFieldsNamedAndVerifiesAgainstTheLicence(t *testing.T) {
	w, pub := newWallet(t)
	lic := issue(t, "BL-1", pub.Hex())
	if _, err := w.Import(lic.file); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	text, err := w.Present("BL-1", []string{"name", "founded"}, "nonce-12345678", "wuhu-amr", now)
	if err != nil {
		t.Fatal(err)
	}
	p, err := presentation.Parse(text)
	if err != nil {
		t.Fatal(err)
	}
	ds, err := presentation.Verify(p, lic.content, presentation.Expect{Nonce: "nonce-12345678", Audience: "wuhu-amr", Now: now})
	if err != nil || len(ds) != 2 || ds[0].Name != "founded" || ds[1].Value != "合肥示例科技有限公司" {
		t.Errorf("verified %+v: %v", ds, err)
	}
	if _, err := w.Present("BL-1", []string{"nickname"}, "nonce-12345678", "wuhu-amr", now); err == nil || !strings.Contains(err.Error(), `"nickname"`) {
		t.Errorf("a field the licence lacks: %v", err)
	}
	if _, err := w.Present("BL-1", []string{"name", "name"}, "nonce-12345678", "wuhu-amr", now); err == nil || !strings.Contains(err.Error(), "twice") {
		t.Errorf("a field named twice: %v", err)
	}
	if _, err := w.Present("BL-1", nil, "short", "wuhu-amr", now); err == nil || !strings.Contains(err.Error(), string(presentation.KBNonceFormat)) {
		t.Errorf("a bad nonce: %v", err)
	}
}
