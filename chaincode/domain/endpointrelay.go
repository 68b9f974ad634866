package domain

import (
	"github.com/wanledger/wanledger/api/record"
)

// EventGatewayEndpointsRelayed is emitted by an import of gateway
// endpoints; the payload is the ImportResult.
const EventGatewayEndpointsRelayed = "relay.GatewayEndpointsImported"

// ExportGatewayEndpoint returns an organisation's gateway endpoint as this
// channel holds it, for the relay to have the channel's peers endorse: the
// organisation's and a majority. Only an endpoint its own admin set here
// leaves the channel; one relayed in is NOT_RECOGNISED. Any client of a
// member organisation may ask.
func ExportGatewayEndpoint(s State, msp string) (*record.GatewayEndpointExport, error) {
	if _, err := begin(s); err != nil {
		return nil, err
	}
	ep, err := GetGatewayEndpoint(s, msp)
	if err != nil {
		return nil, err
	}
	if ep.Source != nil {
		return nil, record.Errorf(record.CodeNotRecognised, "the gateway endpoint of %s was relayed from channel %s", msp, ep.Source.Channel)
	}
	return &record.GatewayEndpointExport{Channel: s.Channel(), Endpoint: ep}, nil
}

// ImportGatewayEndpoints records, from their proofs, the gateway endpoints
// of organisations of other channels, so that this channel's gateways
// admit theirs on the mesh (a fetch across channels). Each proof must be
// endorsed by the endpoint's organisation and a majority of the source's
// organisations. An endpoint of a member of this channel is "unchanged":
// its own admin sets it here. A proof of an endpoint set no later than the
// one held (by the organisation's revision of it) is "unchanged", so a
// stale proof replayed takes nothing back; one of a peer ID another
// organisation's endpoint holds here is ALREADY_EXISTS. Up to MaxBatch at once, all or
// none.
func ImportGatewayEndpoints(s State, items []record.RelayItem) (*record.ImportResult, error) {
	return runImport(s, items, importer[*record.GatewayEndpoint]{
		what: "gateway endpoint", event: EventGatewayEndpointsRelayed, prove: provenEndpoint,
		id: func(e *record.GatewayEndpoint) string { return e.MSPID }, apply: applyEndpoint,
	})
}

func provenEndpoint(s State, tx txContext, it record.RelayItem) (*record.GatewayEndpoint, error) {
	exp, endorsers, err := prove(s, tx, it, "gateway endpoint export", func(e *record.GatewayEndpointExport) (string, string, error) {
		if e.Endpoint == nil || e.Endpoint.Source != nil || checkEndpoint(e.Endpoint.PeerID, e.Endpoint.Addrs) != nil {
			return "", "", errNotExport("gateway endpoint export")
		}
		return e.Channel, e.Endpoint.MSPID, nil
	})
	if err != nil {
		return nil, err
	}
	ep := *exp.Endpoint
	ep.Source = &record.Source{Channel: exp.Channel, TxID: ep.TxID, Block: it.Block, Endorsers: endorsers}
	return &ep, nil
}

func applyEndpoint(s State, _ txContext, in *record.GatewayEndpoint) (string, error) {
	if member, err := isMember(s, in.MSPID); err != nil || member {
		return record.OutcomeUnchanged, err
	}
	held, err := heldEndpoint(s, in.MSPID)
	switch {
	case err != nil:
		return "", err
	case held != nil && in.Revision <= held.Revision:
		return record.OutcomeUnchanged, nil
	}
	return record.OutcomeApplied, putEndpoint(s, in, held)
}
