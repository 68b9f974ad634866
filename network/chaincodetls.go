package network

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// ChaincodeTLS is the TLS material of the link between an organisation's
// peer and its chaincode server. It has a CA of its own, which issued
// exactly two certificates, the server's and the peer's client
// certificate, and whose key was never written anywhere: no other
// certificate can pass the server's client check (ADR 0011).
type ChaincodeTLS struct {
	CA                    string // PEM certificate of the link's CA
	ServerCert, ServerKey string // the chaincode server's
	PeerCert, PeerKey     string // the peer's client certificate, the server's only client
}

// ChaincodeTLS returns where an organisation's link material is.
func (h Home) ChaincodeTLS(o Org) ChaincodeTLS {
	d := h.chaincodeTLSDir(o)
	return ChaincodeTLS{CA: filepath.Join(d, "ca.crt"),
		ServerCert: filepath.Join(d, "server.crt"), ServerKey: filepath.Join(d, "server.key"),
		PeerCert: filepath.Join(d, "peer.crt"), PeerKey: filepath.Join(d, "peer.key")}
}

func (h Home) chaincodeTLSDir(o Org) string { return h.Path("chaincode-tls", o.Name) }

func (c ChaincodeTLS) files() []string {
	return []string{c.CA, c.ServerCert, c.ServerKey, c.PeerCert, c.PeerKey}
}

// ensureChaincodeTLS makes each organisation's link material once.
func (nw *Network) ensureChaincodeTLS(context.Context) (bool, error) {
	changed := false
	for _, o := range nw.Topo.Orgs {
		made, err := nw.makeChaincodeTLS(o)
		if err != nil {
			return changed, fmt.Errorf("%s: %w", o.Name, err)
		}
		if made {
			nw.detail("%s: chaincode link CA, server and peer certificates in %s", o.MSPID, nw.Home.chaincodeTLSDir(o))
			changed = true
		}
	}
	return changed, nil
}

// makeChaincodeTLS writes an organisation's link material unless it exists.
// It is written in a scratch directory renamed into place, so it is either
// whole or absent. It is not made anew for a peer that already built the
// chaincode: that peer keeps the old certificates in its build cache.
func (nw *Network) makeChaincodeTLS(o Org) (bool, error) {
	dir, want := nw.Home.chaincodeTLSDir(o), nw.Home.ChaincodeTLS(o)
	if _, err := os.Stat(dir); err == nil {
		for _, f := range want.files() {
			if _, err := os.Stat(f); err != nil {
				return false, fmt.Errorf("incomplete chaincode link material: %w (`%s` to start afresh)", err, nw.Home.Command("down --purge"))
			}
		}
		return false, nil
	}
	builds := nw.Home.chaincodeBuilds(nw.Topo.Peer(o.Name).Name)
	if _, err := os.Stat(builds); err == nil {
		return false, fmt.Errorf("%s is missing but the peer already built the chaincode with older certificates: `%s` to start afresh", dir, nw.Home.Command("down --purge"))
	}
	tmp := dir + ".tmp"
	if err := os.RemoveAll(tmp); err != nil {
		return false, err
	}
	if err := os.MkdirAll(tmp, 0o700); err != nil {
		return false, err
	}
	server, _ := nw.Topo.Node("chaincode." + o.Name)
	if err := writeChaincodeTLS(o, server, nw.Topo.Peer(o.Name).Host, want, tmp); err != nil {
		return false, errors.Join(err, os.RemoveAll(tmp))
	}
	return true, os.Rename(tmp, dir)
}

// writeChaincodeTLS makes a CA of the organisation, in its place, whose key
// lives only in memory, and with it the certificates of the server (its
// host name and its host's names) and of the peer (host name peer), into
// dir (files named as in c).
func writeChaincodeTLS(o Org, server Node, peer string, c ChaincodeTLS, dir string) error {
	in := func(f string) string { return filepath.Join(dir, filepath.Base(f)) }
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	tmpl := &x509.Certificate{
		Subject:               subject("chaincode-link-ca."+o.Domain(), o.Domain(), o.Place),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true, IsCA: true, MaxPathLenZero: true,
	}
	der, err := sign(tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return err
	}
	if err := writeKeyPair(in(c.CA), der, "", nil); err != nil {
		return err
	}
	ca := issuer{cert: cert, key: key}
	if err := ca.issue(server.Host, x509.ExtKeyUsageServerAuth, server.On, in(c.ServerCert), in(c.ServerKey)); err != nil {
		return err
	}
	return ca.issue(peer, x509.ExtKeyUsageClientAuth, Host{}, in(c.PeerCert), in(c.PeerKey))
}
