// Package ccaas is the project's external chaincode builder for chaincode as
// a service, and the packaging of the chaincode for it.
//
// A package is metadata.json ({"type":"ccaas","label":...}) and code.tar.gz
// holding connection.json. The package is the same for every peer, so its ID
// is too; each peer's own chaincode server address and TLS material come from
// variables the peer passes to the builder (propagateEnvironment), and release
// writes them into the connection.json the peer reads. A package's address
// names the variable: "" is EnvAddress, the organisation's chaincode server;
// "${EnvBaselineAddress}" its baseline chaincode server (ADR 31).
package ccaas

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Type is the package type this builder claims.
const Type = "ccaas"

// Variables the peer propagates to the builder.
const (
	EnvAddress = "WANLEDGER_CCAAS_ADDRESS" // host:port of the organisation's chaincode server
	// EnvBaselineAddress is host:port of its server of the baseline
	// chaincode `wanledger bench` measures against (ADR 31).
	EnvBaselineAddress = "WANLEDGER_CCAAS_BASELINE_ADDRESS"
	EnvRootCert        = "WANLEDGER_CCAAS_ROOT_CERT"   // PEM file: CA of the chaincode server's certificate
	EnvClientCert      = "WANLEDGER_CCAAS_CLIENT_CERT" // PEM file: the peer's TLS client certificate
	EnvClientKey       = "WANLEDGER_CCAAS_CLIENT_KEY"  // PEM file: its key
)

// PropagatedEnv lists the variables a peer must pass to the builder.
var PropagatedEnv = []string{EnvAddress, EnvBaselineAddress, EnvRootCert, EnvClientCert, EnvClientKey}

// addressVars are the variables a package's address may name.
var addressVars = []string{EnvAddress, EnvBaselineAddress}

// addressOf is the address a package takes its server's address from: ""
// for EnvAddress (a package made before packages named one), else
// "${VAR}".
func addressOf(variable string) string {
	if variable == EnvAddress {
		return ""
	}
	return "${" + variable + "}"
}

// variableOf is the variable a package's address names.
func variableOf(address string) (string, error) {
	if address == "" {
		return EnvAddress, nil
	}
	v, ok := strings.CutPrefix(address, "${")
	if v, ok2 := strings.CutSuffix(v, "}"); ok && ok2 && slices.Contains(addressVars, v) {
		return v, nil
	}
	return "", fmt.Errorf("connection.json: address %q is neither empty nor one of ${%s}", address, strings.Join(addressVars, "}, ${"))
}

// Metadata is a package's metadata.json.
type Metadata struct {
	Type  string `json:"type"`
	Label string `json:"label"`
}

// Connection is connection.json, as the peer reads it from the release
// directory.
type Connection struct {
	Address            string `json:"address"`
	DialTimeout        string `json:"dial_timeout"`
	TLSRequired        bool   `json:"tls_required"`
	ClientAuthRequired bool   `json:"client_auth_required"`
	ClientKey          string `json:"client_key,omitempty"`
	ClientCert         string `json:"client_cert,omitempty"`
	RootCert           string `json:"root_cert,omitempty"`
}

// Package builds a chaincode package whose server's address the peer's
// variable addressVar holds (one of PropagatedEnv's addresses). Its bytes
// depend only on the label and the variable, so its package ID is stable
// and a repeated install is recognised.
func Package(label, addressVar string) ([]byte, error) {
	conn, err := json.MarshalIndent(Connection{Address: addressOf(addressVar), DialTimeout: "10s", TLSRequired: true, ClientAuthRequired: true}, "", "  ")
	if err != nil {
		return nil, err
	}
	code, err := targz(map[string][]byte{"connection.json": conn})
	if err != nil {
		return nil, err
	}
	meta, err := json.Marshal(Metadata{Type: Type, Label: label})
	if err != nil {
		return nil, err
	}
	return targz(map[string][]byte{"metadata.json": meta, "code.tar.gz": code})
}

// PackageID is the ID the peer gives a package: label:sha256(bytes).
func PackageID(label string, pkg []byte) string {
	sum := sha256.Sum256(pkg)
	return label + ":" + hex.EncodeToString(sum[:])
}

// targz writes files in a fixed order with fixed metadata.
func targz(files map[string][]byte) ([]byte, error) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	for _, name := range []string{"metadata.json", "code.tar.gz", "connection.json"} {
		b, ok := files[name]
		if !ok {
			continue
		}
		hdr := &tar.Header{Name: name, Mode: 0o644, Size: int64(len(b)), ModTime: time.Unix(0, 0), Typeflag: tar.TypeReg, Format: tar.FormatPAX}
		if err := tw.WriteHeader(hdr); err != nil {
			return nil, err
		}
		if _, err := tw.Write(b); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// ErrNotClaimed means detect declines the package.
var ErrNotClaimed = errors.New("not a ccaas package")

// Detect claims packages whose metadata type is ccaas.
func Detect(metadataDir string) error {
	b, err := os.ReadFile(filepath.Join(metadataDir, "metadata.json"))
	if err != nil {
		return fmt.Errorf("%w: %v", ErrNotClaimed, err)
	}
	var m Metadata
	if err := json.Unmarshal(b, &m); err != nil || m.Type != Type {
		return ErrNotClaimed
	}
	return nil
}

// Build checks the package's connection.json and copies it to the output.
func Build(sourceDir, outputDir string) error {
	b, err := os.ReadFile(filepath.Join(sourceDir, "connection.json"))
	if err != nil {
		return fmt.Errorf("package has no connection.json: %w", err)
	}
	var c Connection
	if err := json.Unmarshal(b, &c); err != nil {
		return fmt.Errorf("connection.json: %w", err)
	}
	if _, err := variableOf(c.Address); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(outputDir, "connection.json"), b, 0o644)
}

// Release completes connection.json with the peer's chaincode server address
// and TLS material (from getenv) and writes it where the peer reads it.
func Release(buildDir, releaseDir string, getenv func(string) string) error {
	b, err := os.ReadFile(filepath.Join(buildDir, "connection.json"))
	if err != nil {
		return err
	}
	var c Connection
	if err := json.Unmarshal(b, &c); err != nil {
		return fmt.Errorf("connection.json: %w", err)
	}
	v, err := variableOf(c.Address)
	if err != nil {
		return err
	}
	if c.Address = getenv(v); c.Address == "" {
		return fmt.Errorf("%s is not set: the peer must propagate it to the builder", v)
	}
	if c.TLSRequired {
		for _, f := range []struct {
			env string
			dst *string
		}{{EnvRootCert, &c.RootCert}, {EnvClientCert, &c.ClientCert}, {EnvClientKey, &c.ClientKey}} {
			path := getenv(f.env)
			if path == "" {
				return fmt.Errorf("%s is not set: TLS to the chaincode server needs it", f.env)
			}
			pem, err := os.ReadFile(path)
			if err != nil {
				return fmt.Errorf("%s: %w", f.env, err)
			}
			*f.dst = string(pem)
		}
	}
	out, err := json.Marshal(c)
	if err != nil {
		return err
	}
	dir := filepath.Join(releaseDir, "chaincode", "server")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "connection.json"), out, 0o600)
}

// InstallBuilder writes the builder's bin/detect, bin/build and bin/release
// into dir: scripts that run self (the wanledger executable).
func InstallBuilder(dir, self string) (changed bool, err error) {
	bin := filepath.Join(dir, "bin")
	if err := os.MkdirAll(bin, 0o755); err != nil {
		return false, err
	}
	for _, step := range []string{"detect", "build", "release"} {
		script := fmt.Sprintf("#!/bin/sh\nexec %q ccaas-builder %s \"$@\"\n", self, step)
		p := filepath.Join(bin, step)
		if old, err := os.ReadFile(p); err == nil && string(old) == script {
			continue
		}
		if err := os.WriteFile(p, []byte(script), 0o755); err != nil {
			return false, err
		}
		changed = true
	}
	return changed, nil
}
