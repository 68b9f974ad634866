package network

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/wanledger/wanledger/gateway/config"
)

// OverridesFile is the file, in a gateway node's directory, whose settings
// `up` lays over the gateway configuration it renders: the operator's own
// (snapshot freshness, purpose codes, ...), kept across every `up`.
const OverridesFile = "gateway.overrides.json"

// withOverrides returns cfg with the node's overrides file, if any, laid
// over it: objects merge key by key, any other value replaces. The result
// must be a valid configuration (no unknown field), or the file is named
// in the error and nothing is written.
func withOverrides(nodeDir string, cfg config.Config) ([]byte, error) {
	base, err := json.Marshal(cfg)
	if err != nil {
		return nil, err
	}
	path := filepath.Join(nodeDir, OverridesFile)
	over, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return json.MarshalIndent(cfg, "", "  ")
	} else if err != nil {
		return nil, err
	}
	var b, o map[string]any
	if err := json.Unmarshal(base, &b); err != nil {
		return nil, err
	}
	if err := json.Unmarshal(over, &o); err != nil {
		return nil, fmt.Errorf("%s: not a JSON object: %w", path, err)
	}
	merged, err := json.MarshalIndent(merge(b, o), "", "  ")
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(merged))
	dec.DisallowUnknownFields()
	if err := dec.Decode(new(config.Config)); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return merged, nil
}

// merge lays over onto base: objects key by key, anything else replaced.
func merge(base, over map[string]any) map[string]any {
	for k, v := range over {
		bo, ok1 := base[k].(map[string]any)
		oo, ok2 := v.(map[string]any)
		if ok1 && ok2 {
			base[k] = merge(bo, oo)
			continue
		}
		base[k] = v
	}
	return base
}
