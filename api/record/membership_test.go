package record

import "testing"

// TestValidPrefixIsAProvincialLevelDivisionsPrefix: GB/T 2260's
// provincial-level prefixes only, not every two digits.
func TestValidPrefixIsAProvincialLevelDivisionsPrefix(t *testing.T) {
	for _, p := range []string{"11", "15", "31", "34", "35", "37", "46", "54", "65", "71", "81", "82"} {
		if !ValidPrefix(p) {
			t.Errorf("ValidPrefix(%q) = false", p)
		}
	}
	for _, p := range []string{"", "1", "10", "16", "20", "30", "38", "40", "47", "55", "66", "70", "80", "83", "99", "3a", "+5", "035", "３５"} {
		if ValidPrefix(p) {
			t.Errorf("ValidPrefix(%q) = true", p)
		}
	}
}
