package main

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
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

// runWallet runs `wanledger wallet ARGS --wallet dir` as main does.
func runWallet(t *testing.T, dir string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	root := newRoot()
	var out, errOut bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&errOut)
	root.SetArgs(append(append([]string{"wallet"}, args...), "--wallet", dir))
	err := root.Execute()
	return exitCode(err), out.String(), errOut.String() + errString(err)
}

// issueFile seals a licence to the holder key pub as `licence issue` does
// and writes its credential file; it returns the file and the content.
func issueFile(t *testing.T, id, pub string, fields issuance.Fields) (string, credential.Content) {
	t.Helper()
	seal, err := gm.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	is := sealFor(t, seal, id, pub, fields)
	file, err := issuance.WriteCredential(t.TempDir(), is.Credential)
	if err != nil {
		t.Fatal(err)
	}
	return file, is.Request.Content
}

// sealFor seals licence id of type BL to the holder key pub with seal.
func sealFor(t *testing.T, seal *gm.PrivateKey, id, pub string, fields issuance.Fields) *issuance.Issued {
	t.Helper()
	typ := &record.LicenceType{Code: "BL", MaxValidityDays: 3650, Fields: []record.FieldSpec{
		{Name: "name", Type: record.FieldString, Required: true}, {Name: "creditCode", Type: record.FieldString},
		{Name: "scope", Type: record.FieldString}}}
	from := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	d := issuance.Draft{ID: id, Type: "BL", AgencyID: "hefei-amr", Region: "340100", SealKeyID: "hefei-amr-1",
		Holder: issuance.Holder{CitizenID: "340104199001011234", PublicKey: pub}, Fields: fields, ValidFrom: from, ValidTo: from.AddDate(5, 0, 0)}
	is, err := issuance.Seal(d, typ, seal, []byte("anhui-province-salt-2026"))
	if err != nil {
		t.Fatal(err)
	}
	return is
}

func TestWalletCommandsFromKeyToPresentationAndQRCode(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "w")
	code, pub, stderr := runWallet(t, dir, "init")
	pub = strings.TrimSpace(pub)
	if code != exitOK || len(pub) != 130 || !strings.Contains(stderr, "give the issuer this public key") {
		t.Fatalf("init: %d %q %q", code, pub, stderr)
	}
	if st, err := os.Stat(filepath.Join(dir, "holder.pem")); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("the key file: %v %v", st, err)
	}
	if code, _, stderr := runWallet(t, dir, "init"); code != exitError || !strings.Contains(stderr, "refusing to overwrite") {
		t.Errorf("a second init: %d %s", code, stderr)
	}
	if code, out, _ := runWallet(t, dir, "key"); code != exitOK || strings.TrimSpace(out) != pub {
		t.Errorf("key prints %q, init printed %q", out, pub)
	}

	file, content := issueFile(t, "BL-0002", pub, issuance.Fields{"name": "合肥新桥物流有限公司", "creditCode": "91340100MA2YYYYY2R"})
	if code, out, stderr := runWallet(t, dir, "import", file); code != exitOK || !strings.Contains(out, "licence BL-0002 imported (2 fields)") {
		t.Fatalf("import: %d %s %s", code, out, stderr)
	}
	if code, out, _ := runWallet(t, dir, "list"); code != exitOK || !strings.HasPrefix(out, "BL-0002\tBL\thefei-amr\t340100\t") {
		t.Errorf("list: %d %q", code, out)
	}
	var shown licenceSummary
	code, out, _ := runWallet(t, dir, "show", "BL-0002", "--json")
	shownJSON := out
	if err := json.Unmarshal([]byte(out), &shown); code != exitOK || err != nil || len(shown.Values) != 2 || shown.Values[1].Value != "合肥新桥物流有限公司" {
		t.Fatalf("show --json: %d %q %v", code, out, err)
	}
	code, out, _ = runWallet(t, dir, "show", "BL-0002")
	if code != exitOK || !strings.Contains(out, "name: 合肥新桥物流有限公司") {
		t.Errorf("show: %d %q", code, out)
	}
	held, err := issuance.ReadCredential(file)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range held.Disclosures {
		if salt := hex.EncodeToString(d.Salt); strings.Contains(out, salt) || strings.Contains(shownJSON, salt) {
			t.Errorf("show prints the salt of %s", d.Name)
		}
	}

	png := filepath.Join(t.TempDir(), "p.png")
	code, out, stderr = runWallet(t, dir, "present", "BL-0002", "--disclose", "name", "--nonce", "nonce-12345678", "--audience", "wuhu-amr", "--qr", png, "--qr-terminal")
	if code != exitOK || !strings.Contains(stderr, "█") {
		t.Fatalf("present: %d %s", code, stderr)
	}
	p, err := presentation.Parse(strings.TrimSpace(out))
	if err != nil {
		t.Fatal(err)
	}
	ds, err := presentation.Verify(p, content, presentation.Expect{Nonce: "nonce-12345678", Audience: "wuhu-amr", Now: time.Now()})
	if err != nil || len(ds) != 1 || ds[0].Name != "name" {
		t.Errorf("the presentation printed verifies as %+v: %v", ds, err)
	}
	if st, err := os.Stat(png); err != nil || st.Size() == 0 {
		t.Errorf("the PNG: %v %v", st, err)
	}

	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"present", "BL-0002", "--audience", "wuhu-amr"}, exitUsage, `"nonce" not set`},
		{[]string{"present", "BL-0002", "--nonce", "nonce-12345678"}, exitUsage, `"audience" not set`},
		{[]string{"present", "BL-9", "--nonce", "nonce-12345678", "--audience", "a"}, exitError, "no licence BL-9"},
		{[]string{"present", "BL-0002", "--disclose", "founded", "--nonce", "nonce-12345678", "--audience", "a"}, exitError, `no field "founded"`},
		{[]string{"import", filepath.Join(dir, "none.json")}, exitUsage, "cannot read input file"},
		{[]string{"import", file}, exitError, "holds licence BL-0002 already"},
		{[]string{"show"}, exitUsage, "accepts 1 arg"},
	} {
		if code, _, stderr := runWallet(t, dir, c.args...); code != c.code || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: %d %q, want %d %q", c.args, code, stderr, c.code, c.want)
		}
	}
}

// A presentation too large for one QR code is printed without --qr, and
// refused with one.
func TestWalletPresentSaysWhenAPresentationIsTooLargeForAQRCode(t *testing.T) {
	dir := t.TempDir()
	code, pub, _ := runWallet(t, dir, "init")
	if code != exitOK {
		t.Fatal(pub)
	}
	long := strings.Repeat("道路普通货物运输", 130) // 3120 bytes
	file, _ := issueFile(t, "BL-L", strings.TrimSpace(pub), issuance.Fields{"name": "合肥", "scope": long})
	if code, _, stderr := runWallet(t, dir, "import", file); code != exitOK {
		t.Fatal(stderr)
	}
	args := []string{"present", "BL-L", "--disclose", "scope", "--nonce", "nonce-12345678", "--audience", "wuhu-amr"}
	if code, out, _ := runWallet(t, dir, args...); code != exitOK || len(out) < 4000 {
		t.Errorf("as text: %d, %d bytes", code, len(out))
	}
	if code, out, stderr := runWallet(t, dir, append(args, "--qr-terminal")...); code != exitError || out != "" || !strings.Contains(stderr, "too large for one QR code") {
		t.Errorf("as a QR code: %d %q %q", code, out, stderr)
	}
}
