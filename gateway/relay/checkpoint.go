package relay

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/wanledger/wanledger/gateway/relayconfig"
)

// checkpoint is a direction's progress, persisted in the data directory:
// every licence change of the source blocks before Next is imported on the
// target (or was not to be relayed).
type checkpoint struct {
	Next uint64 `json:"next"`
}

func checkpointFile(dataDir string, d relayconfig.Direction) string {
	return filepath.Join(dataDir, d.Source.Name+"-to-"+d.Target.Name+".json")
}

// loadCheckpoint reads a direction's checkpoint; none yet is block 0.
func loadCheckpoint(path string) (uint64, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	var c checkpoint
	if err := json.Unmarshal(b, &c); err != nil {
		return 0, fmt.Errorf("%s: %w", path, err)
	}
	return c.Next, nil
}

// saveCheckpoint replaces the checkpoint atomically: it writes and syncs a
// new file, renames it over the old one and syncs the directory, so that a
// crash leaves the old checkpoint or the new one, never a torn one.
func saveCheckpoint(path string, next uint64) error {
	b, err := json.Marshal(checkpoint{Next: next})
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	_, err = f.Write(append(b, '\n'))
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	dir, err := os.Open(filepath.Dir(path))
	if err != nil {
		return err
	}
	defer dir.Close()
	return dir.Sync()
}
