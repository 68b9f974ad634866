package network

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/wanledger/wanledger/network/ccaas"
)

// step is one step of Up or Prepare: it does what is missing and reports
// whether it changed anything.
type step struct {
	name string
	fn   func(context.Context) (bool, error)
}

// filesSteps make the files that do not need a running network.
func (nw *Network) filesSteps() []step {
	return []step{
		{"crypto material (cryptogen, NodeOUs on)", nw.ensureCrypto},
		{"peer-to-chaincode TLS (a CA per organisation)", nw.ensureChaincodeTLS},
		{"channel genesis blocks (configtxgen)", nw.ensureGenesis},
		{"chaincode package and external builder", nw.ensurePackage},
	}
}

// Prepare writes every file the nodes read, as Up would, and starts
// nothing: crypto material, the chaincode links' TLS, genesis blocks, the
// chaincode package and builder, the gateways' API keys, and each node's
// configuration. It is what an operator copies to the hosts before the
// first Up across machines (docs/operations.md); Up writes the same files
// again only where they changed. It reports whether it changed anything.
func (nw *Network) Prepare(ctx context.Context) (bool, error) {
	if err := nw.begin(); err != nil {
		return false, err
	}
	steps := append(nw.filesSteps(),
		step{"gateway API keys", nw.ensureKeys},
		step{"every node's configuration", nw.ensureConfigs})
	changed, err := nw.run(ctx, steps)
	if err == nil {
		nw.step("every node's files are in %s; nothing was started", nw.Home)
	}
	return changed, err
}

// ensureConfigs writes each node's configuration as its start would, and
// reports whether a node had none yet.
func (nw *Network) ensureConfigs(context.Context) (bool, error) {
	made := 0
	for _, n := range nw.Topo.Nodes() {
		_, statErr := os.Stat(nw.Home.NodeDir(n.Name))
		if _, err := nw.spec(n); err != nil {
			return made > 0, fmt.Errorf("%s: %w", n.Name, err)
		}
		if errors.Is(statErr, os.ErrNotExist) {
			made++
		}
	}
	if made > 0 {
		nw.detail("configuration of %d nodes in %s", made, nw.Home.Path("nodes"))
	}
	return made > 0, nil
}

func (nw *Network) ensureCrypto(ctx context.Context) (bool, error) {
	cfg, err := nw.Topo.RenderCryptoConfig(nw.Home)
	if err != nil {
		return false, err
	}
	cfgPath := filepath.Join(nw.Home.Config(), "crypto-config.yaml")
	wrote, err := writeIfChanged(cfgPath, cfg, 0o644)
	if err != nil {
		return false, err
	}
	if _, err := os.Stat(nw.Home.Crypto()); err == nil {
		if wrote {
			return false, fmt.Errorf("%s exists but its cryptogen input changed: `%s` to start afresh", nw.Home.Crypto(), nw.Home.Command("down --purge"))
		}
		return false, nil
	}
	tmp := nw.Home.Crypto() + ".tmp"
	if err := os.RemoveAll(tmp); err != nil {
		return false, err
	}
	if _, err := nw.fabric(ctx, nil, "cryptogen", "generate", "--config", cfgPath, "--output", tmp); err != nil {
		return false, err
	}
	nw.detail("generated certificates for %d organisations", len(nw.Topo.Orgs)+len(nw.Topo.OrdererOrgs))
	return true, os.Rename(tmp, nw.Home.Crypto())
}

func (nw *Network) ensureGenesis(ctx context.Context) (bool, error) {
	cfg, err := nw.Topo.RenderConfigtx(nw.Home)
	if err != nil {
		return false, err
	}
	if _, err := writeIfChanged(filepath.Join(nw.Home.Config(), "configtx.yaml"), cfg, 0o644); err != nil {
		return false, err
	}
	changed := false
	for _, c := range nw.Topo.Channels {
		block := nw.Home.GenesisBlock(c.Name)
		if _, err := os.Stat(block); err == nil {
			continue
		}
		if err := os.MkdirAll(filepath.Dir(block), 0o755); err != nil {
			return changed, err
		}
		if _, err := nw.fabric(ctx, nil, "configtxgen", "-configPath", nw.Home.Config(),
			"-profile", profileName(c.Name), "-channelID", c.Name, "-outputBlock", block+".tmp"); err != nil {
			return changed, err
		}
		if err := os.Rename(block+".tmp", block); err != nil {
			return changed, err
		}
		nw.detail("genesis block of %s", c.Name)
		changed = true
	}
	return changed, nil
}

func (nw *Network) ensurePackage(context.Context) (bool, error) {
	id, wrote, err := nw.PackageID()
	if err != nil {
		return false, err
	}
	b, err := ccaas.InstallBuilder(filepath.Join(nw.Home.Builders(), "ccaas"), nw.Self)
	if err != nil {
		return false, err
	}
	if wrote || b {
		nw.detail("package %s", id)
	}
	return wrote || b, nil
}
