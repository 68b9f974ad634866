package network

import "fmt"

// Place is where an organisation is, as the subjects of its certificates name
// it (X.509 attributes C, ST and L; RFC 5280 §4.1.2.4): a two-letter ISO 3166
// country code, the province (or province-level city) and the city, in
// pinyin. Every certificate of the organisation's CAs carries it. The zero
// Place leaves cryptogen's defaults (a run directory recorded before places
// were named keeps its certificates).
type Place struct {
	Country, Province, Locality string
}

// Validate accepts the zero Place, or a country code of two capital letters
// with a province and a city of 1 to 64 letters, digits, inner spaces, dots
// and hyphens, starting with a letter (a PrintableString, and plain in YAML).
func (p Place) Validate() error {
	if p == (Place{}) {
		return nil
	}
	if len(p.Country) != 2 || !upper(p.Country[0]) || !upper(p.Country[1]) {
		return fmt.Errorf("country %q is not a two-letter ISO 3166 code", p.Country)
	}
	for _, v := range []string{p.Province, p.Locality} {
		if !placeName(v) {
			return fmt.Errorf("place name %q: want 1 to 64 letters, digits, spaces, dots or hyphens, starting with a letter", v)
		}
	}
	return nil
}

func upper(b byte) bool { return b >= 'A' && b <= 'Z' }

func placeName(s string) bool {
	if s == "" || len(s) > 64 || !upper(s[0]) && !(s[0] >= 'a' && s[0] <= 'z') || s[len(s)-1] == ' ' {
		return false
	}
	for _, r := range s {
		if !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == ' ' || r == '.' || r == '-') {
			return false
		}
	}
	return true
}
