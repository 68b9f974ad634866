package config

import (
	"fmt"
	"strings"
	"time"
)

// Datasets configure the rows of the organisation's datasets that the
// gateway keeps and serves (gateway/datasets).
type Datasets struct {
	// Dir holds the rows, sealed, and their data key; dataDir + "-datasets"
	// if empty. The key file must be of mode 0600 or stricter.
	Dir string `json:"dir,omitempty"`
	// MaxUpload bounds an import's body, in bytes (DefaultMaxUpload if 0).
	MaxUpload int64 `json:"maxUpload,omitempty"`
	// UploadTimeout bounds an import's request, reading and storing its
	// body (30m if 0): it replaces timeouts.read for that request.
	UploadTimeout Duration `json:"uploadTimeout,omitzero"`
}

// DefaultMaxUpload is the default bound of an import's body: 1 GiB.
const DefaultMaxUpload = 1 << 30

// Mesh configures the gateway's libp2p host (gateway/mesh).
type Mesh struct {
	// Listen are its multiaddresses; loopback TCP and QUIC on ports the
	// system picks if empty.
	Listen []string `json:"listen,omitempty"`
	// KeyFile holds its Ed25519 key, made on first start (mode 0600);
	// dataDir + "-mesh.key" if empty. Its peer ID is what the organisation
	// registers on the ledger: keep the file.
	KeyFile string `json:"keyFile,omitempty"`
}

func (c *Config) fillMesh() []error {
	var errs []error
	d := &c.Datasets
	if d.Dir == "" && c.DataDir != "" {
		d.Dir = c.DataDir + "-datasets"
	}
	if d.MaxUpload == 0 {
		d.MaxUpload = DefaultMaxUpload
	}
	if d.MaxUpload < 1<<10 {
		errs = append(errs, fmt.Errorf("datasets.maxUpload is %d bytes; it must be at least 1024", d.MaxUpload))
	}
	if d.UploadTimeout.Duration == 0 {
		d.UploadTimeout.Duration = 30 * time.Minute
	}
	if d.UploadTimeout.Duration < time.Second || d.UploadTimeout.Duration > 24*time.Hour {
		errs = append(errs, fmt.Errorf("datasets.uploadTimeout is %s; it must be 1s to 24h", d.UploadTimeout.Duration))
	}
	m := &c.Mesh
	if m.KeyFile == "" && c.DataDir != "" {
		m.KeyFile = c.DataDir + "-mesh.key"
	}
	for _, a := range m.Listen {
		if !strings.HasPrefix(a, "/") {
			errs = append(errs, fmt.Errorf("mesh.listen: %q is not a multiaddress", a))
		}
	}
	return append(errs, c.fillFetch()...)
}
