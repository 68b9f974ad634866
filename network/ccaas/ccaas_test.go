package ccaas

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestPackageIsDeterministic(t *testing.T) {
	a, err := Package("wanledger_1", EnvAddress)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Package("wanledger_1", EnvAddress)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Fatal("two packages of the same label differ, so their package IDs would too")
	}
	id := PackageID("wanledger_1", a)
	if !strings.HasPrefix(id, "wanledger_1:") || len(id) != len("wanledger_1:")+64 {
		t.Errorf("package ID %q", id)
	}
	c, _ := Package("wanledger_2", EnvAddress)
	if PackageID("wanledger_2", c) == id {
		t.Error("another label gives the same package ID")
	}
	d, _ := Package("wanledger_1", EnvBaselineAddress)
	if PackageID("wanledger_1", d) == id {
		t.Error("another server gives the same package ID")
	}
}

func TestPackageHoldsCCaaSMetadataAndConnection(t *testing.T) {
	pkg, err := Package("wanledger_1", EnvAddress)
	if err != nil {
		t.Fatal(err)
	}
	files := untar(t, pkg)
	var m Metadata
	if err := json.Unmarshal(files["metadata.json"], &m); err != nil || m != (Metadata{Type: "ccaas", Label: "wanledger_1"}) {
		t.Errorf("metadata.json = %s (%v)", files["metadata.json"], err)
	}
	code := untar(t, files["code.tar.gz"])
	var c Connection
	if err := json.Unmarshal(code["connection.json"], &c); err != nil {
		t.Fatal(err)
	}
	if !c.TLSRequired || !c.ClientAuthRequired {
		t.Errorf("connection.json does not require mutual TLS: %+v", c)
	}
	if c.Address != "" {
		t.Errorf("the chaincode server's package names address %q, not the default", c.Address)
	}
}

// A package made before packages named their server's variable (an empty
// address) and one made today for the chaincode server are the same bytes,
// so a running network keeps its package ID.
func TestTheChaincodePackageIsTheOneMadeBefore(t *testing.T) {
	pkg, err := Package("wanledger_0.1.0", EnvAddress)
	if err != nil {
		t.Fatal(err)
	}
	code := untar(t, untar(t, pkg)["code.tar.gz"])
	want := "{\n  \"address\": \"\",\n  \"dial_timeout\": \"10s\",\n  \"tls_required\": true,\n  \"client_auth_required\": true\n}"
	if got := string(code["connection.json"]); got != want {
		t.Errorf("connection.json = %s", got)
	}
}

func untar(t *testing.T, b []byte) map[string][]byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(zr)
	out := map[string][]byte{}
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		out[h.Name], _ = io.ReadAll(tr)
	}
}

func TestDetectClaimsOnlyCCaaSPackages(t *testing.T) {
	dir := t.TempDir()
	if err := Detect(dir); !errors.Is(err, ErrNotClaimed) {
		t.Errorf("no metadata: %v", err)
	}
	write(t, dir, "metadata.json", `{"type":"golang","label":"x"}`)
	if err := Detect(dir); !errors.Is(err, ErrNotClaimed) {
		t.Errorf("golang package: %v", err)
	}
	write(t, dir, "metadata.json", `{"type":"ccaas","label":"x"}`)
	if err := Detect(dir); err != nil {
		t.Errorf("ccaas package: %v", err)
	}
}

func TestBuildAndReleaseWriteTheConnectionThePeerReads(t *testing.T) {
	src, out, rel, pki := t.TempDir(), t.TempDir(), t.TempDir(), t.TempDir()
	write(t, src, "connection.json", `{"dial_timeout":"10s","tls_required":true,"client_auth_required":true}`)
	if err := Build(src, out); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{
		EnvAddress:    "127.0.0.1:7052",
		EnvRootCert:   write(t, pki, "ca.pem", "CA PEM"),
		EnvClientCert: write(t, pki, "cert.pem", "CERT PEM"),
		EnvClientKey:  write(t, pki, "key.pem", "KEY PEM"),
	}
	if err := Release(out, rel, func(k string) string { return env[k] }); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(rel, "chaincode", "server", "connection.json"))
	if err != nil {
		t.Fatal(err)
	}
	var c Connection
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	want := Connection{Address: "127.0.0.1:7052", DialTimeout: "10s", TLSRequired: true, ClientAuthRequired: true,
		RootCert: "CA PEM", ClientCert: "CERT PEM", ClientKey: "KEY PEM"}
	if c != want {
		t.Errorf("connection = %+v, want %+v", c, want)
	}
}

// The baseline's package takes its address from the baseline server's
// variable, never the chaincode server's.
func TestReleaseTakesTheAddressOfTheServerThePackageNames(t *testing.T) {
	pkg, err := Package("baseline_1", EnvBaselineAddress)
	if err != nil {
		t.Fatal(err)
	}
	src, out, rel := t.TempDir(), t.TempDir(), t.TempDir()
	write(t, src, "connection.json", string(untar(t, untar(t, pkg)["code.tar.gz"])["connection.json"]))
	if err := Build(src, out); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{EnvAddress: "127.0.0.1:7052", EnvBaselineAddress: "127.0.0.1:7053"}
	if err := Release(out, rel, func(k string) string { return env[k] }); err == nil || !strings.Contains(err.Error(), EnvRootCert) {
		t.Fatalf("release without TLS material: %v", err) // it got past the address
	}
	pki := t.TempDir()
	env[EnvRootCert], env[EnvClientCert], env[EnvClientKey] = write(t, pki, "ca", "CA"), write(t, pki, "c", "C"), write(t, pki, "k", "K")
	if err := Release(out, rel, func(k string) string { return env[k] }); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(filepath.Join(rel, "chaincode", "server", "connection.json"))
	var c Connection
	if err := json.Unmarshal(b, &c); err != nil || c.Address != "127.0.0.1:7053" {
		t.Errorf("released %s (%v), want the baseline server's address", b, err)
	}
	delete(env, EnvBaselineAddress)
	if err := Release(out, t.TempDir(), func(k string) string { return env[k] }); err == nil || !strings.Contains(err.Error(), EnvBaselineAddress) {
		t.Errorf("a peer without the baseline's variable: %v", err)
	}
}

func TestReleaseRefusesWithoutAddressOrTLSMaterial(t *testing.T) {
	out := t.TempDir()
	write(t, out, "connection.json", `{"tls_required":true}`)
	for name, env := range map[string]map[string]string{
		"no address":     {},
		"no client cert": {EnvAddress: "127.0.0.1:1", EnvRootCert: "/nonexistent"},
	} {
		if err := Release(out, t.TempDir(), func(k string) string { return env[k] }); err == nil {
			t.Errorf("%s: released", name)
		}
	}
}

func TestBuildRefusesAPackageWithoutConnection(t *testing.T) {
	if err := Build(t.TempDir(), t.TempDir()); err == nil {
		t.Error("built a package without connection.json")
	}
	src := t.TempDir()
	write(t, src, "connection.json", `{not json`)
	if err := Build(src, t.TempDir()); err == nil {
		t.Error("built a package with a malformed connection.json")
	}
	write(t, src, "connection.json", `{"address":"${HOME}"}`)
	if err := Build(src, t.TempDir()); err == nil {
		t.Error("built a package whose address names a variable that is no server's")
	}
}

func TestInstallBuilderWritesScriptsOnce(t *testing.T) {
	dir := t.TempDir()
	changed, err := InstallBuilder(dir, "/opt/wanledger")
	if err != nil || !changed {
		t.Fatalf("first install: %v, %v", changed, err)
	}
	b, _ := os.ReadFile(filepath.Join(dir, "bin", "release"))
	if !strings.Contains(string(b), `exec "/opt/wanledger" ccaas-builder release "$@"`) {
		t.Errorf("release script = %q", b)
	}
	if changed, err := InstallBuilder(dir, "/opt/wanledger"); err != nil || changed {
		t.Errorf("second install: %v, %v", changed, err)
	}
}

func write(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}
