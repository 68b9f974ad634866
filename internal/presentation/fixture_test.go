package presentation

import (
	"testing"
	"time"

	"github.com/wanledger/wanledger/internal/canon"
	"github.com/wanledger/wanledger/internal/credential"
	"github.com/wanledger/wanledger/internal/gm"
)

// fixture is a licence of three fields held by a fresh holder key.
type fixture struct {
	holder  *gm.PrivateKey
	content credential.Content
	fields  map[string]credential.Disclosure
	exp     Expect
}

const (
	testID       = "BL-340100-2026-000042"
	testNonce    = "nonce-0123456789"
	testAudience = "wuhu-amr"
)

var testNow = time.Date(2026, 6, 1, 8, 30, 0, 0, time.UTC)

func newFixture(t testing.TB) *fixture {
	holder, err := gm.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{holder: holder, fields: map[string]credential.Disclosure{},
		exp: Expect{Nonce: testNonce, Audience: testAudience, Now: testNow}}
	f.content = credential.Content{ID: testID, Type: "BL", AgencyID: "hefei-amr", Region: "340100", SealKeyID: "hefei-amr-1",
		HolderPseudonym: gm.SM3Hex([]byte("holder")), HolderPublicKey: holder.Public().Hex(),
		ValidFrom: testNow.AddDate(-1, 0, 0), ValidTo: testNow.AddDate(4, 0, 0)}
	for i, nv := range [][2]string{{"creditCode", "91340100MA2XXXXX1Q"}, {"founded", "2021-03-15"}, {"name", "合肥示例科技有限公司"}} {
		d := credential.Disclosure{LicenceID: testID, Name: nv[0], Salt: []byte("salt-0123456789-" + string(rune('a'+i))), Value: nv[1]}
		digest, err := d.Digest()
		if err != nil {
			t.Fatal(err)
		}
		f.content.Fields = append(f.content.Fields, credential.FieldDigest{Name: d.Name, Digest: digest})
		f.fields[d.Name] = d
	}
	return f
}

// parts are a presentation's pieces before encoding, for tests to bend.
type parts struct {
	ref      []byte
	discs    [][]byte
	tag      string
	nonce    string
	audience string
	at       time.Time
	sdHash   []byte                 // nil: computed
	sign     func(kb []byte) []byte // nil: the holder signs
	kbTail   string                 // appended after the key binding's signature
}

// parts returns the pieces of a presentation disclosing names, in order.
func (f *fixture) parts(t testing.TB, names ...string) parts {
	p := parts{ref: enc(t, func(l *canon.Encoder) { l.String(TagReference).String(testID) }),
		tag: TagKeyBinding, nonce: testNonce, audience: testAudience, at: testNow}
	for _, n := range names {
		p.discs = append(p.discs, encDisclosure(t, f.fields[n]))
	}
	return p
}

func (f *fixture) text(t testing.TB, p parts) string {
	prefix := credential.B64.EncodeToString(p.ref) + "~"
	for _, d := range p.discs {
		prefix += credential.B64.EncodeToString(d) + "~"
	}
	sd := p.sdHash
	if sd == nil {
		h := gm.SM3([]byte(prefix))
		sd = h[:]
	}
	kb := enc(t, func(l *canon.Encoder) { l.String(p.tag).String(p.nonce).String(p.audience).Time(p.at).Bytes(sd) })
	var sig []byte
	if p.sign != nil {
		sig = p.sign(kb)
	} else {
		var err error
		if sig, err = f.holder.Sign(kb); err != nil {
			t.Fatal(err)
		}
	}
	return prefix + credential.B64.EncodeToString(kb) + "." + credential.B64.EncodeToString(sig) + p.kbTail
}

func enc(t testing.TB, items func(*canon.Encoder)) []byte {
	var e canon.Encoder
	e.List(items)
	b, err := e.Result()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// encDisclosure encodes d as it is, without checks or normalisation.
func encDisclosure(t testing.TB, d credential.Disclosure) []byte {
	return enc(t, func(l *canon.Encoder) {
		l.String(credential.TagField).String(d.LicenceID).String(d.Name).Bytes(d.Salt).String(d.Value)
	})
}
