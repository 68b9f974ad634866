package service

import (
	"context"
	"io"
	"net/http"

	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/gateway/datasets"
)

// Mesh is what the service knows of the gateway's libp2p host.
type Mesh interface {
	ID() string
	Addrs() []string
}

// ImportRows replaces the rows the gateway holds of one of the
// organisation's datasets with those of body, checked against the
// dataset's registration read from the ledger as who.
func (s *Service) ImportRows(ctx context.Context, who, id string, f datasets.Format, body io.Reader) (api.DatasetRows, error) {
	if s.rows == nil {
		return api.DatasetRows{}, noRows()
	}
	d, err := evaluate[*record.Dataset](ctx, s, who, "share", "GetDataset", id)
	if err != nil {
		return api.DatasetRows{}, err
	}
	if d.Data == nil || d.Data.Owner != s.msp {
		return api.DatasetRows{}, api.Errorf(http.StatusForbidden, string(record.CodeForbidden), "dataset %.64q is not %s's: only its owner's gateway holds its rows", id, s.msp)
	}
	return s.rows.Import(ctx, id, d.Data.Fields, f, body)
}

// Rows describes the rows the gateway holds of a dataset.
func (s *Service) Rows(id string) (api.DatasetRows, error) {
	if s.rows == nil {
		return api.DatasetRows{}, noRows()
	}
	return s.rows.Info(id)
}

// RowsList describes every dataset the gateway holds rows of.
func (s *Service) RowsList() ([]api.DatasetRows, error) {
	if s.rows == nil {
		return nil, noRows()
	}
	list, err := s.rows.List()
	if list == nil {
		list = []api.DatasetRows{}
	}
	return list, err
}

// DeleteRows deletes the rows the gateway holds of a dataset (the
// registration on the ledger stays).
func (s *Service) DeleteRows(id string) error {
	if s.rows == nil {
		return noRows()
	}
	return s.rows.Delete(id)
}

func noRows() error {
	return api.Errorf(http.StatusServiceUnavailable, api.CodeUnavailable, "this gateway keeps no dataset rows")
}

// MeshStatus is the gateway's mesh host and the endpoints its cache holds.
func (s *Service) MeshStatus() (api.Read[api.MeshStatus], error) {
	if s.mesh == nil {
		return api.Read[api.MeshStatus]{}, api.Errorf(http.StatusServiceUnavailable, api.CodeUnavailable, "this gateway runs no mesh host")
	}
	h, err := s.store.Height()
	if err != nil {
		return api.Read[api.MeshStatus]{}, err
	}
	eps, err := s.store.Endpoints()
	if err != nil {
		return api.Read[api.MeshStatus]{}, err
	}
	st := api.MeshStatus{PeerID: s.mesh.ID(), Addrs: s.mesh.Addrs(), Endpoints: eps}
	if st.Endpoints == nil {
		st.Endpoints = []record.GatewayEndpoint{}
	}
	for _, ep := range eps {
		if ep.MSPID == s.msp {
			st.Registered = ep.PeerID == st.PeerID
		}
	}
	return api.Read[api.MeshStatus]{BlockHeight: h, Source: SourceCache, Data: st}, nil
}

// RegisterMesh publishes the gateway's mesh peer ID and addresses on the
// ledger as who, which must be an admin of the organisation.
func (s *Service) RegisterMesh(ctx context.Context, who string) (api.Tx[*record.GatewayEndpoint], error) {
	if s.mesh == nil {
		return api.Tx[*record.GatewayEndpoint]{}, api.Errorf(http.StatusServiceUnavailable, api.CodeUnavailable, "this gateway runs no mesh host")
	}
	return submitJSON[*record.GatewayEndpoint](ctx, s, who, "registry", "SetGatewayEndpoint", s.mesh.Addrs(), s.mesh.ID())
}
