package domain_test

import (
	"testing"
	"time"

	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/chaincode/domain"
)

func (r *relayWorlds) setEndpoint(admin, peerID string) {
	r.src.must(admin, func(s domain.State) (any, error) {
		return domain.SetGatewayEndpoint(s, peerID, []string{"/ip4/127.0.0.1/tcp/4001"})
	})
}

func (r *relayWorlds) endpointExport(msp string) []byte {
	return r.exportOf(func(s domain.State) (any, error) { return domain.ExportGatewayEndpoint(s, msp) })
}

func (r *relayWorlds) endpointOn(msp string) (*record.GatewayEndpoint, error) {
	v, err := r.dst.run("shanghai-clerk", func(s domain.State) (any, error) { return domain.GetGatewayEndpoint(s, msp) })
	if err != nil {
		return nil, err
	}
	return v.(*record.GatewayEndpoint), nil
}

// Hefei's endpoint, set on anhui, reaches delta from a proof its peer and
// a majority of anhui endorsed; a stale proof takes nothing back.
func TestAGatewayEndpointReachesTheChannelsItsOrganisationIsNoMemberOf(t *testing.T) {
	r := newRelayWorlds(t)
	r.register()
	r.setEndpoint("hefei-admin", "peer-1")
	first := r.endpointExport("HefeiMSP")
	if out, err := r.importWith(domain.ImportGatewayEndpoints, r.proof(first, "HefeiMSP", "AnhuiMSP")); err != nil || out != record.OutcomeApplied {
		t.Fatalf("first import: %v %s", err, out)
	}
	ep, err := r.endpointOn("HefeiMSP")
	if err != nil || ep.PeerID != "peer-1" || ep.Source == nil || ep.Source.Channel != "anhui" || len(ep.Source.Endorsers) != 2 {
		t.Fatalf("on delta: %+v, %v", ep, err)
	}
	if out, err := r.importWith(domain.ImportGatewayEndpoints, r.proof(first, "HefeiMSP", "WuhuMSP")); err != nil || out != record.OutcomeUnchanged {
		t.Fatalf("the same proof again: %v %s", err, out)
	}

	r.src.now = r.src.now.Add(time.Minute)
	r.setEndpoint("hefei-admin", "peer-2")
	second := r.endpointExport("HefeiMSP")
	if out, err := r.importWith(domain.ImportGatewayEndpoints, r.proof(second, "HefeiMSP", "AnhuiMSP")); err != nil || out != record.OutcomeApplied {
		t.Fatalf("the new endpoint: %v %s", err, out)
	}
	if out, err := r.importWith(domain.ImportGatewayEndpoints, r.proof(first, "HefeiMSP", "AnhuiMSP")); err != nil || out != record.OutcomeUnchanged {
		t.Fatalf("the stale proof: %v %s", err, out)
	}
	if ep, err := r.endpointOn("HefeiMSP"); err != nil || ep.PeerID != "peer-2" {
		t.Fatalf("after the stale proof: %+v, %v", ep, err)
	}
	// A relayed endpoint does not leave again.
	_, err = r.dst.run("shanghai-clerk", func(s domain.State) (any, error) { return domain.ExportGatewayEndpoint(s, "HefeiMSP") })
	if got := record.CodeOf(err); got != record.CodeNotRecognised {
		t.Fatalf("export of a relayed endpoint: %v (%s)", err, got)
	}
}

func TestGatewayEndpointProofsTheChannelRefusesOrIgnores(t *testing.T) {
	r := newRelayWorlds(t)
	r.register()
	r.setEndpoint("hefei-admin", "peer-h")
	r.setEndpoint("anhui-admin", "peer-a")
	hefei := r.endpointExport("HefeiMSP")
	if _, err := r.importWith(domain.ImportGatewayEndpoints, r.proof(hefei, "AnhuiMSP", "WuhuMSP")); record.CodeOf(err) != record.CodeProofInvalid {
		t.Fatalf("a majority without Hefei's peer: %v", err)
	}
	if _, err := r.importWith(domain.ImportGatewayEndpoints, r.proof(hefei, "HefeiMSP")); record.CodeOf(err) != record.CodeProofInvalid {
		t.Fatalf("Hefei's peer alone: %v", err)
	}
	if _, err := r.endpointOn("HefeiMSP"); record.CodeOf(err) != record.CodeNotFound {
		t.Fatalf("a refused proof wrote %v", err)
	}
	// Anhui is a member of delta: its admin sets its endpoint there.
	anhui := r.endpointExport("AnhuiMSP")
	if out, err := r.importWith(domain.ImportGatewayEndpoints, r.proof(anhui, "AnhuiMSP", "HefeiMSP")); err != nil || out != record.OutcomeUnchanged {
		t.Fatalf("a member's endpoint: %v %s", err, out)
	}
	if _, err := r.endpointOn("AnhuiMSP"); record.CodeOf(err) != record.CodeNotFound {
		t.Fatalf("a member's endpoint was written from a proof: %v", err)
	}
	if _, err := r.importWith(domain.ImportGatewayEndpoints, r.proof(r.sealExport(), "HefeiMSP", "AnhuiMSP")); record.CodeOf(err) != record.CodeProofInvalid {
		t.Fatalf("a seal key export as an endpoint: %v", err)
	}
	// A peer ID a member of delta holds is not another's there.
	r.dst.must("shanghai-admin", func(s domain.State) (any, error) {
		return domain.SetGatewayEndpoint(s, "peer-h", []string{"/ip4/127.0.0.1/tcp/9"})
	})
	if _, err := r.importWith(domain.ImportGatewayEndpoints, r.proof(hefei, "HefeiMSP", "AnhuiMSP")); record.CodeOf(err) != record.CodeAlreadyExists {
		t.Fatalf("Hefei's endpoint naming Shanghai's peer ID: %v", err)
	}
}
