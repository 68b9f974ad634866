package snapshot

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestEveryAlteredByteOfASnapshotIsRefused(t *testing.T) {
	f := newFixture(t)
	data := f.file(t, f.body(nil, 2))
	if _, err := Parse(data, f.trust()); err != nil {
		t.Fatal(err)
	}
	for i := range data {
		bent := bytes.Clone(data)
		bent[i] ^= 0x01
		if _, err := Parse(bent, f.trust()); err == nil {
			t.Fatalf("byte %d altered: accepted", i)
		} else if _, ok := err.(*Error); !ok {
			t.Fatalf("byte %d altered: %v is not a coded refusal", i, err)
		}
	}
	for name, bent := range map[string][]byte{
		"trailing byte": append(bytes.Clone(data), 0),
		"truncated":     data[:len(data)-1],
		"empty":         nil,
		"magic only":    []byte(Magic),
	} {
		if _, err := Parse(bent, f.trust()); !isCode(err, Malformed) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestASnapshotOfAnotherOrganisationIsRefused(t *testing.T) {
	f := newFixture(t)
	data := f.file(t, f.body(nil, 0))
	other := newOrg(t, "hefei.example.com")
	if _, err := Parse(data, Trust{MSPID: testMSP, Roots: other.roots}); !isCode(err, WrongSigner) {
		t.Fatalf("another CA: %v", err)
	}
	if _, err := Parse(data, Trust{MSPID: "HefeiMSP", Roots: f.org.roots}); !isCode(err, WrongSigner) {
		t.Fatalf("another MSP: %v", err)
	}
	// Signed by another organisation's identity, claiming to be Wuhu's.
	forged, err := Encode(f.body(nil, 0), other.signer)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Parse(forged, f.trust()); !isCode(err, WrongSigner) {
		t.Fatalf("forged: %v", err)
	}
	// Another organisation's certificate with Wuhu's signature.
	swapped := bytes.Replace(data, f.org.signer.CertPEM, other.signer.CertPEM, 1)
	if _, err := Parse(swapped, f.trust()); !isCode(err, BadSignature) && !isCode(err, Malformed) {
		t.Fatalf("swapped certificate: %v", err)
	}
}

// TestASignedBodyMustHoldTogether signs bodies Build would never write:
// the signature is right, the body is refused.
func TestASignedBodyMustHoldTogether(t *testing.T) {
	f := newFixture(t)
	good, err := json.Marshal(f.body(nil, 2))
	if err != nil {
		t.Fatal(err)
	}
	body := string(good)
	ids := f.body(nil, 2).Licences.IDs
	for name, js := range map[string]string{
		"unknown member": strings.Replace(body, `"format"`, `"extra":1,"format"`, 1),
		"two bodies":     body + body,
		"unsorted":       strings.Replace(strings.Replace(body, `"`+ids[0]+`"`, `"X"`, 1), `"`+ids[1]+`"`, `"`+ids[0]+`"`, 1),
		"short column":   strings.Replace(body, `"status":"aaa"`, `"status":"aa"`, 1),
		"bad status":     strings.Replace(body, `"status":"aaa"`, `"status":"aax"`, 1),
		"bad grant":      strings.Replace(body, `"grant":[0,0,0]`, `"grant":[0,0,5]`, 1),
		"other format":   strings.Replace(body, Format, "wanledger-snapshot/v3", 1),
		"not json":       "{",
	} {
		if js == body {
			t.Fatalf("%s: the body did not change", name)
		}
		data, err := seal([]byte(js), f.org.signer)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Parse(data, f.trust()); !isCode(err, Malformed) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestBuildRefusesAnInconsistentBody(t *testing.T) {
	f := newFixture(t)
	b := f.body(nil, 1)
	b.Licences.Grant = b.Licences.Grant[:1]
	if _, err := Encode(b, f.org.signer); err == nil {
		t.Fatal("encoded a body with a short column")
	}
}

func TestABodyIsInItsOneJSONForm(t *testing.T) {
	f := newFixture(t)
	good, err := json.Marshal(f.body(nil, 1))
	if err != nil {
		t.Fatal(err)
	}
	body := string(good)
	for name, js := range map[string]string{
		"member case": strings.Replace(body, `"format"`, `"Format"`, 1),
		"space":       strings.Replace(body, `"format":`, `"format": `, 1),
		"twice":       strings.Replace(body, `"format":"`+Format+`",`, `"format":"x","format":"`+Format+`",`, 1),
		"newline":     body + "\n",
	} {
		if _, err := decodeBody([]byte(js)); !isCode(err, Malformed) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := decodeBody(good); err != nil {
		t.Fatal(err)
	}
}
