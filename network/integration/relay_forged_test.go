package integration

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/internal/fabricid"
	"github.com/wanledger/wanledger/internal/relayproof"
	"github.com/wanledger/wanledger/network/nettest"
	"github.com/wanledger/wanledger/network/nettest/rogue"
	"google.golang.org/protobuf/proto"
)

// TestAForgedRelayedRecordIsRefusedOnChain: Anhui, the one organisation on
// both channels, relays as a dishonest relayer would. It takes a genuine
// proof of a Hefei licence from anhui's peers and submits to delta
// versions of it altered, re-signed by its own peer, short of the issuer's
// endorsement or endorsed by a peer off the source channel. Delta's peers
// refuse every one with PROOF_INVALID, and hold the licence as anhui's
// peers endorsed it.
func TestAForgedRelayedRecordIsRefusedOnChain(t *testing.T) {
	env := nettest.Get(t)
	ctx := t.Context()
	now := time.Now().UTC().Truncate(time.Second)
	seal := hefeiAgency(t, env, "relay-forge", "relay-forge-seal", now)
	c, sig := businessLicence(t, "RELAY-FORGE-1", "relay-forge", "relay-forge-seal", seal, now)
	issue(t, contract(t, env, "hefei", "User1", "licence"), c, sig)

	exporter := contractOn(t, env, "anhui", "anhui", "User1", "relay")
	endorsed := func(orgs ...string) *record.RelayProof {
		t.Helper()
		var p *record.RelayProof
		nettest.Eventually(t, 20*time.Second, func() error { // until each endorsing peer has the licence's block
			prop, err := exporter.NewProposal("ExportLicence", client.WithArguments(c.ID), client.WithEndorsingOrganizations(orgs...))
			if err != nil {
				return err
			}
			tx, err := prop.EndorseWithContext(ctx)
			if err != nil {
				return errors.New(fabricid.ErrorMessage(err))
			}
			b, err := tx.Bytes()
			if err != nil {
				return err
			}
			p, err = relayproof.FromTransaction(b)
			return err
		})
		return p
	}
	genuine := endorsed("HefeiMSP", "AnhuiMSP")
	var exp record.LicenceExport
	resp, err := relayproof.Open(genuine)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(resp.Payload, &exp); err != nil || exp.Channel != "anhui" || exp.Licence.ID != c.ID {
		t.Fatalf("export = %s, %v", resp.Payload, err)
	}

	// rewrite returns the genuine response with its export altered.
	rewrite := func(alter func(*record.LicenceExport)) []byte {
		t.Helper()
		e := exp
		l := *exp.Licence
		e.Licence = &l
		alter(&e)
		payload, err := json.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		var prp peer.ProposalResponsePayload
		var act peer.ChaincodeAction
		if err := proto.Unmarshal(genuine.Response, &prp); err != nil {
			t.Fatal(err)
		}
		if err := proto.Unmarshal(prp.Extension, &act); err != nil {
			t.Fatal(err)
		}
		act.Response.Payload = payload
		if prp.Extension, err = proto.Marshal(&act); err != nil {
			t.Fatal(err)
		}
		b, err := proto.Marshal(&prp)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	signedBy := func(org string, response []byte) record.ProofEndorsement {
		t.Helper()
		o, _ := env.Net.Topo.Org(org)
		e, err := rogue.PeerEndorser(o.MSPID, env.Net.Home.NodeMSP(env.Net.Topo.Peer(org)))
		if err != nil {
			t.Fatal(err)
		}
		end, err := e.Endorse(response)
		if err != nil {
			t.Fatal(err)
		}
		return record.ProofEndorsement{Endorser: end.Endorser, Signature: end.Signature}
	}
	revoked := rewrite(func(e *record.LicenceExport) {
		e.Licence.Status = record.StatusRevoked
		e.Licence.Revision++
		e.Licence.StatusHistory = append(e.Licence.StatusHistory, record.StatusChange{Status: record.StatusRevoked, Reason: "FRAUD", EffectiveAt: now, RecordedAt: now, TxID: "forged", By: "HefeiMSP"})
	})
	otherDigest := rewrite(func(e *record.LicenceExport) { e.Licence.Fields[0].Digest = strings.Repeat("ab", 32) })

	importer := contractOn(t, env, "delta", "anhui", "User1", "relay")
	submit := func(p record.RelayProof) error {
		_, _, err := fabricid.Submit(ctx, importer, "ImportLicences", 1, toJSON(t, []record.RelayItem{{Proof: p, Block: 1}}))
		return err
	}
	for _, f := range []struct {
		name  string
		proof record.RelayProof
	}{
		{"an altered digest under the genuine endorsements", record.RelayProof{Response: otherDigest, Endorsements: genuine.Endorsements}},
		{"a revocation re-signed by the relayer's own peer", record.RelayProof{Response: revoked, Endorsements: []record.ProofEndorsement{signedBy("anhui", revoked), genuine.Endorsements[0]}}},
		{"a revocation signed by Anhui's and Wuhu's peers, not the issuer's", record.RelayProof{Response: revoked, Endorsements: []record.ProofEndorsement{signedBy("anhui", revoked), signedBy("wuhu", revoked)}}},
		{"the genuine export without the issuer's endorsement", *endorsed("AnhuiMSP", "WuhuMSP")},
		{"the genuine export endorsed by a peer off the source channel", record.RelayProof{Response: genuine.Response, Endorsements: []record.ProofEndorsement{signedBy("shanghai", genuine.Response), signedBy("anhui", genuine.Response)}}},
	} {
		err := submit(f.proof)
		if msg := fabricid.ErrorMessage(err); err == nil || !strings.Contains(msg, string(record.CodeProofInvalid)) {
			t.Errorf("%s: %v, want a %s refusal", f.name, msg, record.CodeProofInvalid)
		}
	}

	// The genuine proof imports (or the relay brought it already: the two
	// imports may conflict once), and delta holds the licence as anhui's
	// peers endorsed it.
	nettest.Eventually(t, 20*time.Second, func() error {
		if err := submit(*genuine); err != nil {
			return errors.New(fabricid.ErrorMessage(err))
		}
		return nil
	})
	var got record.RelayedLicence
	out, err := contractOn(t, env, "delta", "shanghai", "Admin", "relay").EvaluateWithContext(ctx, "GetRelayed", client.WithArguments(c.ID))
	if err != nil {
		t.Fatal(fabricid.ErrorMessage(err))
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}
	if got.Licence.Status != record.StatusActive || got.Licence.Fields[0].Digest != c.Fields[0].Digest || got.Source.Channel != "anhui" {
		t.Errorf("delta holds %+v from %+v", got.Licence, got.Source)
	}
}
