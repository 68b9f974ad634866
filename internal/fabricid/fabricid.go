// Package fabricid loads a Fabric client identity from an MSP directory and
// opens TLS gRPC connections to peers, for clients built on
// github.com/hyperledger/fabric-gateway.
package fabricid

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"os"
	"path/filepath"

	"github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/hyperledger/fabric-gateway/pkg/hash"
	"github.com/hyperledger/fabric-gateway/pkg/identity"
	"github.com/hyperledger/fabric-protos-go-apiv2/gateway"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/status"
)

// Load reads the signing certificate and private key of an MSP directory
// (signcerts/ and keystore/, one file each, as cryptogen and fabric-ca write).
func Load(mspID, mspDir string) (*identity.X509Identity, identity.Sign, error) {
	certPEM, err := onlyFile(filepath.Join(mspDir, "signcerts"))
	if err != nil {
		return nil, nil, err
	}
	cert, err := identity.CertificateFromPEM(certPEM)
	if err != nil {
		return nil, nil, fmt.Errorf("signing certificate of %s: %w", mspDir, err)
	}
	id, err := identity.NewX509Identity(mspID, cert)
	if err != nil {
		return nil, nil, err
	}
	keyPEM, err := onlyFile(filepath.Join(mspDir, "keystore"))
	if err != nil {
		return nil, nil, err
	}
	key, err := identity.PrivateKeyFromPEM(keyPEM)
	if err != nil {
		return nil, nil, fmt.Errorf("private key of %s: %w", mspDir, err)
	}
	sign, err := identity.NewPrivateKeySign(key)
	if err != nil {
		return nil, nil, err
	}
	return id, sign, nil
}

func onlyFile(dir string) ([]byte, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var files []string
	for _, e := range entries {
		if !e.IsDir() {
			files = append(files, e.Name())
		}
	}
	if len(files) != 1 {
		return nil, fmt.Errorf("%s holds %d files, want exactly one", dir, len(files))
	}
	return os.ReadFile(filepath.Join(dir, files[0]))
}

// Dial opens a TLS connection to a peer, trusting the CA certificates in
// caFile. The connection is lazy: it is established on first use.
func Dial(addr, caFile string) (*grpc.ClientConn, error) {
	pem, err := os.ReadFile(caFile)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("%s holds no PEM certificate", caFile)
	}
	creds := credentials.NewTLS(&tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12})
	return grpc.NewClient(addr, grpc.WithTransportCredentials(creds))
}

// Connect opens a fabric-gateway connection as the identity in mspDir over
// conn. Closing the Gateway leaves conn open: it is meant to be shared.
func Connect(mspID, mspDir string, conn grpc.ClientConnInterface, opts ...client.ConnectOption) (*client.Gateway, error) {
	id, sign, err := Load(mspID, mspDir)
	if err != nil {
		return nil, err
	}
	opts = append([]client.ConnectOption{client.WithSign(sign), client.WithHash(hash.SHA256), client.WithClientConnection(conn)}, opts...)
	return client.Connect(id, opts...)
}

// ErrorMessage returns err's message followed by the messages of the peers'
// error details that fabric-gateway attaches (where a chaincode's refusal,
// with its code prefix, is found).
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	msg := err.Error()
	st, ok := status.FromError(err)
	if !ok {
		return msg
	}
	for _, d := range st.Details() {
		if ed, ok := d.(*gateway.ErrorDetail); ok {
			msg += "; " + ed.GetMspId() + ": " + ed.GetMessage()
		}
	}
	return msg
}
