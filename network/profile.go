package network

import "github.com/wanledger/wanledger/internal/profiling"

// profileEnv turns on a node's profiling listener at its ProfileAddr:
// Fabric's own for orderers (orderer.yaml General.Profile) and peers
// (core.yaml peer.profile), the project's for its own processes
// (internal/profiling). Each serves net/http/pprof under /debug/pprof/.
func profileEnv(n Node) []string {
	addr := n.ProfileAddr()
	switch n.Kind {
	case KindOrderer:
		return []string{"ORDERER_GENERAL_PROFILE_ENABLED=true", "ORDERER_GENERAL_PROFILE_ADDRESS=" + addr}
	case KindPeer:
		return []string{"CORE_PEER_PROFILE_ENABLED=true", "CORE_PEER_PROFILE_LISTENADDRESS=" + addr}
	}
	return []string{profiling.EnvAddress + "=" + addr}
}
