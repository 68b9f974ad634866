package fetch

import (
	"crypto/x509"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/wanledger/wanledger/api/record"
)

// checkIdentity: the certificate chains to the requester MSP's CA.
func (s *Server) checkIdentity(q record.DataRequest, cert *x509.Certificate) error {
	if err := s.ids.VerifyCertificate(q.Requester, cert); err != nil {
		return record.Wrap(record.CodeBadSignature, err, "the certificate does not chain to %s's CA", q.Requester)
	}
	return nil
}

// timely refuses a request signed more than record.MaxRequestAge from
// now, as the chaincode would, before any row is read.
func (s *Server) timely(q record.DataRequest) error {
	if d := s.cfg.Clock().Sub(q.At); d > record.MaxRequestAge || d < -record.MaxRequestAge {
		return record.Errorf(record.CodeInvalidArgument, "the request was signed at %s, more than %s from now", q.At.Format(time.RFC3339), record.MaxRequestAge)
	}
	return nil
}

// allowed judges a new request by its authorization a as this channel
// holds it, with the chaincode's rule (record.Authorization.Allows), so
// that a request the ledger would refuse costs no projection: its
// refusal is recorded as a denial.
func (s *Server) allowed(a *record.Authorization, q record.DataRequest) error {
	if a.Requester != q.Requester {
		return record.Errorf(record.CodeForbidden, "authorization %s was granted to %s, not %s", a.ID, a.Requester, q.Requester)
	}
	return a.Allows(s.cfg.Clock(), q)
}

// admit counts an exchange with p in, unless MaxStreamsPerPeer are served.
func (s *Server) admit(p peer.ID) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.serving[p] >= s.cfg.MaxStreamsPerPeer {
		return false
	}
	s.serving[p]++
	return true
}

func (s *Server) release(p peer.ID) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.serving[p]--; s.serving[p] == 0 {
		delete(s.serving, p)
	}
}
