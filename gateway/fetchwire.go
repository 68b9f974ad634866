package gateway

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"

	"github.com/hyperledger/fabric-gateway/pkg/identity"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/gateway/cache"
	"github.com/wanledger/wanledger/gateway/config"
	"github.com/wanledger/wanledger/gateway/datasets"
	"github.com/wanledger/wanledger/gateway/fetch"
	"github.com/wanledger/wanledger/gateway/mesh"
	"github.com/wanledger/wanledger/gateway/service"
	"github.com/wanledger/wanledger/internal/fabricid"
	"github.com/wanledger/wanledger/internal/keyfile"
)

// startFetch puts the fetch protocol's provider on the mesh host (if the
// configuration names its data-owner identity) and returns the requester
// side POST /v1/fetch uses.
func startFetch(cfg *config.Config, ledger service.Ledger, store *cache.Store, rows *datasets.Store, host *mesh.Host, log *slog.Logger) (service.Fetcher, error) {
	signers, err := loadSigners(cfg)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(cfg.Fetch.SpoolDir, 0o700); err != nil {
		return nil, fmt.Errorf("fetch spool: %w", err)
	}
	f := &fetcher{host: host, ledger: ledger, signers: signers, cfg: fetch.ClientConfig{SpoolDir: cfg.Fetch.SpoolDir,
		ResumeWait: cfg.Fetch.ResumeWait.Duration, MaxResponse: cfg.Fetch.MaxResponse}}
	if cfg.Fetch.OwnerIdentity == "" {
		log.Info("fetch: no fetch.ownerIdentity configured; this gateway serves no datasets on the mesh")
		return f, nil
	}
	roots, err := loadCAs(cfg.Fetch.CAs)
	if err != nil {
		return nil, err
	}
	ids := mspIdentities{roots: roots, reg: mesh.FromLedger(store, cache.ErrNotCached)}
	salt, err := keyfile.Random(filepath.Join(cfg.Datasets.Dir, SaltKeyFile), 32)
	if err != nil {
		return nil, err
	}
	srv, err := fetch.NewServer(fetch.Config{Channel: cfg.Channel, SaltKey: salt, SpoolDir: cfg.Fetch.SpoolDir,
		MaxStreamsPerPeer: cfg.Fetch.MaxStreamsPerPeer, Log: log.With("component", "fetch")},
		datasetRows(rows), ids, fetchLedger{ledger, cfg.Fetch.OwnerIdentity})
	if err != nil {
		return nil, err
	}
	srv.Register(host.Libp2p())
	return f, nil
}

// SaltKeyFile is the name, in the datasets directory, of the secret the
// provider derives each response's salt from (fetch.Config.SaltKey).
const SaltKeyFile = "fetch-salt.key"

// datasetRows serves the store's rows, its refusals as the protocol's.
func datasetRows(s *datasets.Store) fetch.Rows {
	return fetch.RowsFunc(func(ctx context.Context, id string, fields, subjects []string) (fetch.RowIter, error) {
		it, err := s.Rows(ctx, id, fields, subjects)
		var ae *api.Error
		if errors.As(err, &ae) {
			switch ae.Code {
			case api.CodeDatasetNotImported:
				return nil, fmt.Errorf("%w: %w", fetch.ErrUnknownDataset, err)
			case api.CodeDatasetUnknownField:
				return nil, &fetch.UnknownFieldError{Field: missingField(s, id, fields), Err: err}
			}
		}
		if err != nil {
			return nil, err
		}
		return it, nil
	})
}

// missingField is the first of fields dataset id's rows lack, as the
// store describes them now ("" if it cannot tell).
func missingField(s *datasets.Store, id string, fields []string) string {
	info, err := s.Info(id)
	if err != nil {
		return ""
	}
	for _, f := range fields {
		if !slices.Contains(info.Fields, f) {
			return f
		}
	}
	return ""
}

// fetchLedger is the ledger as one of the gateway's identities: the
// provider's data-owner, or a requester reading its access records.
type fetchLedger struct {
	l  service.Ledger
	as string
}

func (f fetchLedger) RecordAccess(ctx context.Context, r record.AccessRequest) (*record.AccessRecord, error) {
	return submitRecord[record.AccessRecord](ctx, f, "RecordAccess", r)
}

func (f fetchLedger) RecordDenial(ctx context.Context, d record.DenialRequest) (*record.AccessRecord, error) {
	return submitRecord[record.AccessRecord](ctx, f, "RecordDenial", d)
}

func (f fetchLedger) Access(ctx context.Context, id string) (*record.AccessRecord, error) {
	return evaluateRecord[record.AccessRecord](ctx, f, "GetAccess", id)
}

func (f fetchLedger) Authorization(ctx context.Context, id string) (*record.Authorization, error) {
	return evaluateRecord[record.Authorization](ctx, f, "Get", id)
}

func submitRecord[T any](ctx context.Context, f fetchLedger, fn string, v any) (*T, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	res, err := f.l.Submit(ctx, f.as, "share", fn, string(b))
	if err != nil {
		return nil, ledgerError(err)
	}
	out := new(T)
	return out, json.Unmarshal(res.Payload, out)
}

func evaluateRecord[T any](ctx context.Context, f fetchLedger, fn, id string) (*T, error) {
	b, err := f.l.Evaluate(ctx, f.as, "share", fn, id)
	if err != nil {
		return nil, ledgerError(err)
	}
	out := new(T)
	return out, json.Unmarshal(b, out)
}

// ledgerError is the ledger's refusal as the *record.Error the fetch
// protocol reads its code from (an *api.Error's message does not start
// with its code); other failures as they are.
func ledgerError(err error) error {
	var ae *api.Error
	if errors.As(err, &ae) && slices.Contains(record.Codes, record.Code(ae.Code)) {
		return &record.Error{Code: record.Code(ae.Code), Msg: ae.Message}
	}
	return err
}

// mspIdentities verifies certificates against each MSP's configured CA
// certificates, and names a peer's organisation by the ledger's endpoint
// registry.
type mspIdentities struct {
	roots map[string]*x509.CertPool
	reg   mesh.Registry
}

func (m mspIdentities) VerifyCertificate(msp string, cert *x509.Certificate) error {
	pool, ok := m.roots[msp]
	if !ok {
		return fmt.Errorf("this gateway has no CA certificates of %.64s", msp)
	}
	_, err := cert.Verify(x509.VerifyOptions{Roots: pool, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}})
	return err
}

func (m mspIdentities) PeerMSP(p peer.ID) (string, error) {
	msp, ok := m.reg.Registered(p)
	if !ok {
		return "", fmt.Errorf("peer %s is no organisation's registered gateway", p)
	}
	return msp, nil
}

// loadCAs reads each MSP's CA certificates: a PEM file, or every file of a
// directory.
func loadCAs(paths map[string]string) (map[string]*x509.CertPool, error) {
	roots := map[string]*x509.CertPool{}
	for msp, path := range paths {
		files := []string{path}
		if entries, err := os.ReadDir(path); err == nil {
			files = files[:0]
			for _, e := range entries {
				if !e.IsDir() {
					files = append(files, filepath.Join(path, e.Name()))
				}
			}
		}
		pool := x509.NewCertPool()
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				return nil, fmt.Errorf("fetch.cas[%s]: %w", msp, err)
			}
			if !pool.AppendCertsFromPEM(b) {
				return nil, fmt.Errorf("fetch.cas[%s]: %s holds no certificate", msp, f)
			}
		}
		roots[msp] = pool
	}
	return roots, nil
}

// loadSigners makes a request signer of each configured identity.
func loadSigners(cfg *config.Config) (map[string]fetch.Signer, error) {
	out := make(map[string]fetch.Signer, len(cfg.Identities))
	for _, c := range cfg.Identities {
		id, sign, err := fabricid.Load(cfg.MSPID, c.MSPDir)
		if err != nil {
			return nil, fmt.Errorf("identity %s: %w", c.Name, err)
		}
		pem := id.Credentials()
		cert, err := identity.CertificateFromPEM(pem)
		if err != nil {
			return nil, fmt.Errorf("identity %s: %w", c.Name, err)
		}
		msp, clientID := cfg.MSPID, record.ClientIDOf(cert)
		out[c.Name] = func(r record.DataRequest) (record.SignedRequest, error) {
			r.Requester, r.RequesterID = msp, clientID
			return record.Sign(r, pem, sign)
		}
	}
	return out, nil
}

// fetcher is the requester's side: it fetches from the owner's gateway as
// the caller's identity.
type fetcher struct {
	host    *mesh.Host
	ledger  service.Ledger
	signers map[string]fetch.Signer
	cfg     fetch.ClientConfig
}

func (f *fetcher) Fetch(ctx context.Context, who, owner string, r record.DataRequest) (*fetch.Result, error) {
	sign, ok := f.signers[who]
	if !ok {
		return nil, fmt.Errorf("no identity %q configured", who)
	}
	p, err := f.host.Dial(ctx, owner)
	if err != nil {
		return nil, err
	}
	l := fetchLedger{f.ledger, who}
	cfg := f.cfg
	cfg.Recorder = l
	c := fetch.NewClient(f.host.Libp2p(), l, cfg)
	return c.Fetch(ctx, p, r, sign)
}
