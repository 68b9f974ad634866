package credential

import (
	"bytes"
	"testing"
)

// A value issued in NFC and disclosed in NFD (or the reverse) is the same
// text: its digest must match, or a genuine licence verifies as a forgery.
func TestAValueDisclosedInAnotherUnicodeFormMatchesItsDigest(t *testing.T) {
	salt := bytes.Repeat([]byte{7}, MinSaltLen)
	for _, c := range []struct{ issued, disclosed string }{
		{"LǙ Xiaoming", "LU\u0308\u030c Xiaoming"}, // U+01D9 issued, decomposed disclosed
		{"LU\u0308\u030c", "L\u01d9"},
		{"\uf900山", "\u8c48山"}, // compatibility ideograph issued, unified disclosed
	} {
		issued, err := FieldDigestOf("L-1", "name", salt, c.issued)
		if err != nil {
			t.Fatal(err)
		}
		disclosed, err := FieldDigestOf("L-1", "name", salt, c.disclosed)
		if err != nil {
			t.Fatal(err)
		}
		if issued != disclosed {
			t.Errorf("%+q issued, %+q disclosed: digests %s and %s differ", c.issued, c.disclosed, issued, disclosed)
		}
	}
	// Different text still differs: NFC is not a looser comparison.
	a, _ := FieldDigestOf("L-1", "name", salt, "L\u01d9")
	b, _ := FieldDigestOf("L-1", "name", salt, "L\u00dc")
	if a == b {
		t.Error("Ǚ and Ü have one digest")
	}
}

func TestTheHolderPseudonymHashesTheCitizenIDInNFC(t *testing.T) {
	salt := bytes.Repeat([]byte{9}, MinSaltLen)
	composed, err := HolderPseudonym(salt, "L\u01d9-340104199001011234")
	if err != nil {
		t.Fatal(err)
	}
	decomposed, err := HolderPseudonym(salt, "LU\u0308\u030c-340104199001011234")
	if err != nil {
		t.Fatal(err)
	}
	if composed != decomposed {
		t.Errorf("pseudonyms %s and %s of one citizen ID in NFC and NFD", composed, decomposed)
	}
}
