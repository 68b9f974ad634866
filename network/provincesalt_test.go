package network

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

func TestAProvinceSaltIsMadeOnceAndKept(t *testing.T) {
	h := Home(t.TempDir())
	salt, err := h.EnsureProvinceSalt("anhui")
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(h.ProvinceSaltFile("anhui"))
	if err != nil || st.Mode().Perm() != 0o600 || len(salt) < 16 {
		t.Fatalf("salt file %v %v, salt of %d bytes", st, err, len(salt))
	}
	again, err := h.EnsureProvinceSalt("anhui")
	if err != nil || !bytes.Equal(again, salt) {
		t.Errorf("second call: %x %v, want the same salt %x", again, err, salt)
	}
	if other, _ := h.EnsureProvinceSalt("shanghai"); bytes.Equal(other, salt) {
		t.Error("two provinces share a salt")
	}
	if _, err := h.EnsureProvinceSalt("../x"); err == nil {
		t.Error("a province name with a path accepted")
	}
	// A damaged file is an error, never silently replaced.
	os.WriteFile(h.ProvinceSaltFile("anhui"), []byte("00112233\n"), 0o600)
	if _, err := h.EnsureProvinceSalt("anhui"); err == nil || !strings.Contains(err.Error(), "want at least 16") {
		t.Errorf("short salt file: %v", err)
	}
	if b, _ := os.ReadFile(h.ProvinceSaltFile("anhui")); string(b) != "00112233\n" {
		t.Error("the damaged salt file was replaced")
	}
}
