package presentation

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wanledger/wanledger/internal/canon"
	"github.com/wanledger/wanledger/internal/credential"
	"github.com/wanledger/wanledger/internal/gm"
)

// check parses and verifies text against the fixture's licence.
func (f *fixture) check(text string, c credential.Content) ([]credential.Disclosure, error) {
	p, err := Parse(text)
	if err != nil {
		return nil, err
	}
	return Verify(p, c, f.exp)
}

func TestAPresentationMadeByMakeVerifiesAndDisclosesOnlyTheFieldsChosen(t *testing.T) {
	f := newFixture(t)
	text, err := Make(f.holder, testID, []credential.Disclosure{f.fields["name"], f.fields["creditCode"]}, testNonce, testAudience, testNow.Add(-10*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	ds, err := f.check(text, f.content)
	if err != nil {
		t.Fatal(err)
	}
	if len(ds) != 2 || ds[0].Name != "creditCode" || ds[1].Name != "name" || ds[1].Value != "合肥示例科技有限公司" {
		t.Errorf("disclosed %+v", ds)
	}
	if strings.Contains(text, credential.B64.EncodeToString(encDisclosure(t, f.fields["founded"]))) {
		t.Error("an undisclosed field is in the presentation")
	}
	none, err := Make(f.holder, testID, nil, testNonce, testAudience, testNow)
	if err != nil {
		t.Fatal(err)
	}
	if ds, err := f.check(none, f.content); err != nil || len(ds) != 0 {
		t.Errorf("a presentation of no field: %+v %v", ds, err)
	}
}

// Every way a presentation can be bent is refused with its own code.
func TestEveryMutationOfAPresentationIsRefusedWithItsCode(t *testing.T) {
	f := newFixture(t)
	other, err := gm.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	good := func() parts { return f.parts(t, "creditCode", "name") }
	text := func(p parts) string { return f.text(t, p) }
	withDisc := func(name string, edit func(*credential.Disclosure)) parts {
		p := good()
		d := f.fields[name]
		edit(&d)
		p.discs[len(p.discs)-1] = encDisclosure(t, d)
		return p
	}
	valid := text(good())
	lastDot := strings.LastIndex(valid, ".")
	kbStart := strings.LastIndex(valid, "~") + 1
	cases := []struct {
		name    string
		text    string
		content func(*credential.Content)
		want    Code
	}{
		{"nothing at all", "", nil, Empty},
		{"longer than the limit", strings.Repeat("A", MaxLen+1), nil, TooLarge},
		{"a space inside", strings.Replace(valid, "~", " ~", 1), nil, Charset},
		{"base64 padding", valid + "==", nil, Charset},
		{"a line break at the end", valid + "\n", nil, Charset},
		{"an offline presentation, its credential part first", "YWJj.ZGVm~" + valid, nil, RefBase64},
		{"no key binding (ends in ~)", valid[:kbStart], nil, Structure},
		{"no separator at all", valid[kbStart:], nil, Structure},
		{"an empty disclosure", strings.Replace(valid, "~", "~~", 1), nil, Structure},
		{"more disclosures than a licence has fields", strings.Repeat(strings.SplitN(valid, "~", 2)[0]+"~", MaxDisclosures+2) + valid[kbStart:], nil, TooManyDisclosures},
		{"reference not base64url", "A" + valid, nil, RefBase64},
		{"reference of the wrong shape", text(func() parts { p := good(); p.ref = enc(t, func(l *canon.Encoder) { l.String(TagReference) }); return p }()), nil, RefMalformed},
		{"reference with a trailing byte", text(func() parts { p := good(); p.ref = append(p.ref, 0); return p }()), nil, RefMalformed},
		{"reference of another version", text(func() parts {
			p := good()
			p.ref = enc(t, func(l *canon.Encoder) { l.String("wanledger/credential-ref/v2").String(testID) })
			return p
		}()), nil, RefVersion},
		{"reference to a path, not a licence ID", text(func() parts {
			p := good()
			p.ref = enc(t, func(l *canon.Encoder) { l.String(TagReference).String("../etc") })
			return p
		}()), nil, RefLicenceID},
		{"disclosure with stray bits in base64url", strings.Replace(valid, "~", "~B", 1), nil, DiscBase64},
		{"disclosure of four values", text(func() parts {
			p := good()
			p.discs[0] = enc(t, func(l *canon.Encoder) {
				l.String(credential.TagField).String(testID).String("name").Bytes(make([]byte, 16))
			})
			return p
		}()), nil, DiscMalformed},
		{"disclosure tagged as a licence", text(func() parts {
			p := good()
			d := f.fields["creditCode"]
			p.discs[0] = enc(t, func(l *canon.Encoder) {
				l.String(credential.TagLicence).String(testID).String(d.Name).Bytes(d.Salt).String(d.Value)
			})
			return p
		}()), nil, DiscVersion},
		{"disclosure of a bad field name", text(withDisc("name", func(d *credential.Disclosure) { d.Name = "9lives" })), nil, DiscName},
		{"disclosure with a short salt", text(withDisc("name", func(d *credential.Disclosure) { d.Salt = d.Salt[:8] })), nil, DiscSalt},
		{"disclosure with a value not in NFC", text(withDisc("name", func(d *credential.Disclosure) { d.Value = "LU\u0308\u030c" })), nil, DiscValue},
		{"disclosure with an empty value", text(withDisc("name", func(d *credential.Disclosure) { d.Value = "" })), nil, DiscValue},
		{"disclosure of another licence", text(withDisc("name", func(d *credential.Disclosure) { d.LicenceID = "BL-OTHER" })), nil, DiscLicence},
		{"a duplicated disclosure", text(func() parts { p := good(); p.discs = append(p.discs, p.discs[1]); return p }()), nil, DiscDuplicate},
		{"disclosures out of order", text(func() parts { p := good(); p.discs[0], p.discs[1] = p.discs[1], p.discs[0]; return p }()), nil, DiscOrder},
		{"key binding without its signature", valid[:lastDot], nil, KBStructure},
		{"key binding with a second signature", valid + "." + valid[lastDot+1:], nil, KBStructure},
		{"key binding payload not base64url", valid[:kbStart] + "A" + valid[kbStart:], nil, KBBase64},
		{"key binding time as an integer", func() string {
			prefix := valid[:kbStart]
			h := gm.SM3([]byte(prefix))
			kb := enc(t, func(l *canon.Encoder) {
				l.String(TagKeyBinding).String(testNonce).String(testAudience).Uint(uint64(testNow.Unix())).Bytes(h[:])
			})
			sig, _ := f.holder.Sign(kb)
			return prefix + credential.B64.EncodeToString(kb) + "." + credential.B64.EncodeToString(sig)
		}(), nil, KBMalformed},
		{"key binding digest of 31 bytes", text(func() parts { p := good(); p.sdHash = make([]byte, 31); return p }()), nil, KBMalformed},
		{"key binding of another version", text(func() parts { p := good(); p.tag = "wanledger/key-binding/v0"; return p }()), nil, KBVersion},
		{"nonce too short", text(func() parts { p := good(); p.nonce = "abc"; return p }()), nil, KBNonceFormat},
		{"audience with a space", text(func() parts { p := good(); p.audience = "wuhu amr"; return p }()), nil, KBAudienceFormat},
		{"an extra disclosure slipped in", join(slices.Insert(split(valid), 2, credential.B64.EncodeToString(encDisclosure(t, f.fields["founded"])))), nil, KBSDHash},
		{"a disclosure dropped", join(slices.Delete(split(valid), 1, 2)), nil, KBSDHash},
		{"a value altered after signing", join(func() []string {
			ps := split(valid)
			d := f.fields["name"]
			d.Value = "伪造公司"
			ps[2] = credential.B64.EncodeToString(encDisclosure(t, d))
			return ps
		}()), nil, KBSDHash},
		{"signature not base64url", valid[:lastDot+1] + "A", nil, SigBase64},
		{"signature truncated", func() string {
			sig, _ := credential.B64.DecodeString(valid[lastDot+1:])
			return valid[:lastDot+1] + credential.B64.EncodeToString(sig[:len(sig)-3])
		}(), nil, SigMalformed},
		{"signature in BER, not DER", text(func() parts {
			p := good()
			p.sign = func(kb []byte) []byte {
				sig, _ := f.holder.Sign(kb)
				return append([]byte{0x30, 0x81, sig[1]}, sig[2:]...) // long-form length
			}
			return p
		}()), nil, SigMalformed},
		{"record of another licence", valid, func(c *credential.Content) { c.ID = "BL-OTHER" }, LicenceMismatch},
		{"record with a broken holder key", valid, func(c *credential.Content) { c.HolderPublicKey = "04" + strings.Repeat("00", 64) }, HolderKeyInvalid},
		{"signed by another key", text(func() parts {
			p := good()
			p.sign = func(kb []byte) []byte { sig, _ := other.Sign(kb); return sig }
			return p
		}()), nil, SigInvalid},
		{"signature of other bytes", text(func() parts {
			p := good()
			p.sign = func(kb []byte) []byte { sig, _ := f.holder.Sign(append(kb, 0)); return sig }
			return p
		}()), nil, SigInvalid},
		{"nonce changed after signing", func() string {
			p := good()
			p.nonce = "nonce-0123456780"
			changed := text(p)
			return changed[:strings.LastIndex(changed, ".")] + valid[lastDot:]
		}(), nil, SigInvalid},
		{"replayed to a verifier that issued another nonce", text(func() parts { p := good(); p.nonce = "nonce-of-yesterday"; return p }()), nil, NonceMismatch},
		{"made for another verifier", text(func() parts { p := good(); p.audience = "hefei-amr"; return p }()), nil, AudienceMismatch},
		{"made in the future", text(func() parts { p := good(); p.at = testNow.Add(DefaultMaxSkew + time.Second); return p }()), nil, TimeFuture},
		{"made too long ago", text(func() parts { p := good(); p.at = testNow.Add(-DefaultMaxAge - time.Second); return p }()), nil, TimeExpired},
		{"a field the licence does not have", text(func() parts {
			p := good()
			d := f.fields["name"]
			d.Name = "nickname"
			p.discs = append(p.discs, encDisclosure(t, d))
			return p
		}()), nil, DiscUnknown},
		{"a value the holder altered and signed", text(withDisc("name", func(d *credential.Disclosure) { d.Value = "伪造公司" })), nil, DiscDigest},
		{"a salt the holder altered and signed", text(withDisc("name", func(d *credential.Disclosure) { d.Salt = []byte("another-salt-0123") })), nil, DiscDigest},
	}
	if len(cases) < 30 {
		t.Fatalf("%d cases", len(cases))
	}
	if _, err := f.check(valid, f.content); err != nil {
		t.Fatalf("the unbent presentation: %v", err)
	}
	codes := map[Code]bool{}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			content := f.content
			content.Fields = append([]credential.FieldDigest(nil), f.content.Fields...)
			if c.content != nil {
				c.content(&content)
			}
			_, err := f.check(c.text, content)
			e, ok := errors.AsType[*Error](err)
			if !ok || e.Code != c.want {
				t.Fatalf("got %v, want code %s", err, c.want)
			}
			if !strings.HasPrefix(err.Error(), string(c.want)+": ") {
				t.Errorf("message %q does not start with its code", err)
			}
		})
		codes[c.want] = true
	}
	t.Logf("%d mutations, %d distinct codes", len(cases), len(codes))
}

func TestVerifyRefusesAnExpectationWithoutNonceAudienceOrTime(t *testing.T) {
	f := newFixture(t)
	p, err := Parse(f.text(t, f.parts(t, "name")))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range []Expect{{Audience: testAudience, Now: testNow}, {Nonce: testNonce, Now: testNow},
		{Nonce: testNonce, Audience: testAudience}, {Nonce: testNonce, Audience: testAudience, Now: testNow, MaxAge: -1}} {
		if _, err := Verify(p, f.content, e); !errors.Is(err, ErrExpect) {
			t.Errorf("%+v: %v", e, err)
		}
	}
}

func split(text string) []string { return strings.Split(text, "~") }

func join(parts []string) string { return strings.Join(parts, "~") }
