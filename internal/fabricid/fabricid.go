// Package fabricid loads a Fabric client identity from an MSP directory and
// opens TLS gRPC connections to peers, for clients built on
// github.com/hyperledger/fabric-gateway.
package fabricid

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/hyperledger/fabric-gateway/pkg/hash"
	"github.com/hyperledger/fabric-gateway/pkg/identity"
	"github.com/hyperledger/fabric-protos-go-apiv2/gateway"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/status"
)

// Load reads the signing certificate and private key of an MSP directory
// (signcerts/ and keystore/, one file each, as cryptogen and fabric-ca write).
func Load(mspID, mspDir string) (*identity.X509Identity, identity.Sign, error) {
	certFile, keyFile, err := Files(mspDir)
	if err != nil {
		return nil, nil, err
	}
	certPEM, err := os.ReadFile(certFile)
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
	keyPEM, err := os.ReadFile(keyFile)
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

// Files returns the paths of an MSP directory's signing certificate and
// private key: the one file in signcerts/ and the one in keystore/, whatever
// their names (cryptogen writes User2@hefei.wanledger-cert.pem and priv_sk;
// fabric-ca cert.pem and a hash-named key).
func Files(mspDir string) (certFile, keyFile string, err error) {
	if certFile, err = onlyFile(filepath.Join(mspDir, "signcerts")); err != nil {
		return "", "", err
	}
	if keyFile, err = onlyFile(filepath.Join(mspDir, "keystore")); err != nil {
		return "", "", err
	}
	return certFile, keyFile, nil
}

// onlyFile returns the path of the one file in dir.
func onlyFile(dir string) (string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return "", err
	}
	var files []string
	for _, e := range entries {
		if !e.IsDir() {
			files = append(files, e.Name())
		}
	}
	if len(files) != 1 {
		return "", fmt.Errorf("%s holds %d files, want exactly one", dir, len(files))
	}
	return filepath.Join(dir, files[0]), nil
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

// ErrorMessage returns err's message on one line, followed by each
// distinct message of the peers' error details that fabric-gateway
// attaches (where a chaincode's refusal, with its code prefix, is found),
// with the MSP ID of the first peer that gave it. fabric-gateway's own
// multi-line rendering of the details is left out.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	msg, _, _ := strings.Cut(err.Error(), "\nDetails:")
	st, ok := status.FromError(err)
	if !ok {
		return msg
	}
	seen := map[string]bool{}
	for _, d := range st.Details() {
		if ed, ok := d.(*gateway.ErrorDetail); ok && !seen[ed.GetMessage()] {
			seen[ed.GetMessage()] = true
			msg += "; " + ed.GetMspId() + ": " + ed.GetMessage()
		}
	}
	return msg
}

// ChaincodeMessages lists the chaincode's own messages among the peers'
// error details that fabric-gateway attaches to err, in their order: a
// peer reports a chaincode's error response as "chaincode response
// <status>, <message>", and a chaincode refusal's message begins with its
// code (record.CodeOf reads it).
func ChaincodeMessages(err error) []string {
	st, ok := status.FromError(err)
	if !ok {
		return nil
	}
	var out []string
	for _, d := range st.Details() {
		ed, ok := d.(*gateway.ErrorDetail)
		if !ok {
			continue
		}
		msg := ed.GetMessage()
		if rest, ok := strings.CutPrefix(msg, chaincodeResponse); ok {
			if _, m, ok := strings.Cut(rest, ", "); ok {
				msg = m
			}
		}
		out = append(out, msg)
	}
	return out
}

// chaincodeResponse begins a peer's report of a chaincode's error response.
const chaincodeResponse = "chaincode response "

// CommitError is a transaction that was ordered but not committed as valid.
type CommitError struct {
	Status *client.Status
}

func (e *CommitError) Error() string {
	return fmt.Sprintf("transaction %s failed validation: %s", e.Status.TransactionID, e.Status.Code)
}

// Submit endorses, submits and waits for the commit of a transaction,
// planned by the peer's gateway, attempts times at most; it is
// SubmitWith without a local organisation, so a refusal is final.
func Submit(ctx context.Context, c *client.Contract, name string, attempts int, args ...string) ([]byte, *client.Status, error) {
	return SubmitWith(ctx, c, name, SubmitOptions{Attempts: attempts}, args...)
}

// SubmitOptions says who endorses a transaction and how often Submit
// starts it again.
type SubmitOptions struct {
	// Attempts bounds the attempts in all (at least one is made).
	Attempts int
	// Local is the MSP ID of the organisation whose peer the client's
	// gateway is; "" for unknown.
	Local string
	// Endorsers are the MSP IDs of the organisations asked to endorse (a
	// peer of each); none named, the peer's gateway plans from the
	// policies it discovers.
	Endorsers []string
	// Endorse, Submit and CommitStatus bound each attempt's endorsement,
	// its hand-over to the orderers and the wait for its commit status
	// (fabric-gateway applies its own timeout options only to calls
	// without a context); zero leaves a step to ctx alone.
	Endorse, Submit, CommitStatus time.Duration
}

// SubmitWith endorses, submits and waits for the commit of a transaction.
// It starts again from endorsement, up to o.Attempts times in all and
// after a random pause that doubles each time (from 20–200 ms), while the
// peers disagree on the state the transaction reads, as peers at different
// heights do until the one behind commits the latest block:
//   - the commit failed with an MVCC read conflict;
//   - the endorsing peers returned different results;
//   - another organisation's peer refused what the local organisation's
//     peer endorsed (refusedElsewhere): say, NOT_FOUND for a licence type
//     the client itself defined in the block before.
//
// Any other failure returns at once, and so does the refusal that still
// stands after the last attempt.
func SubmitWith(ctx context.Context, c *client.Contract, name string, o SubmitOptions, args ...string) ([]byte, *client.Status, error) {
	opts := []client.ProposalOption{client.WithArguments(args...)}
	if len(o.Endorsers) > 0 {
		opts = append(opts, client.WithEndorsingOrganizations(o.Endorsers...))
	}
	for i := 1; ; i++ {
		res, st, err := submitOnce(ctx, c, name, opts, o)
		if err == nil || i >= o.Attempts || !(readConflict(err) || refusedElsewhere(err, o.Local, o.Endorsers)) {
			return res, st, err
		}
		select {
		case <-ctx.Done():
			return nil, st, ctx.Err()
		case <-time.After(time.Duration(20+rand.IntN(180)) * time.Millisecond << (i - 1)):
		}
	}
}

// submitOnce endorses, submits and waits for the commit status of one
// attempt, each step within its timeout of o.
func submitOnce(ctx context.Context, c *client.Contract, name string, opts []client.ProposalOption, o SubmitOptions) ([]byte, *client.Status, error) {
	p, err := c.NewProposal(name, opts...)
	if err != nil {
		return nil, nil, err
	}
	tx, err := Within(ctx, o.Endorse, p.EndorseWithContext)
	if err != nil {
		return nil, nil, err
	}
	commit, err := Within(ctx, o.Submit, tx.SubmitWithContext)
	if err != nil {
		return nil, nil, err
	}
	st, err := Within(ctx, o.CommitStatus, commit.StatusWithContext)
	if err != nil {
		return nil, nil, err
	}
	if !st.Successful {
		return nil, st, &CommitError{Status: st}
	}
	return tx.Result(), st, nil
}

// Within calls f with ctx bounded by d (ctx alone if d is 0), as
// fabric-gateway's *WithContext calls take it.
func Within[T any](ctx context.Context, d time.Duration, f func(context.Context, ...grpc.CallOption) (T, error)) (T, error) {
	if d > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, d)
		defer cancel()
	}
	return f(ctx)
}

// mismatch is how a peer's gateway reports endorsers that disagree.
const mismatch = "ProposalResponsePayloads do not match"

// readConflict tells whether err is an MVCC read conflict, at commit or
// caught at endorsement.
func readConflict(err error) bool {
	var ce *CommitError
	if errors.As(err, &ce) {
		return ce.Status.Code == peer.TxValidationCode_MVCC_READ_CONFLICT
	}
	var ee *client.EndorseError
	if !errors.As(err, &ee) {
		return false
	}
	st, ok := status.FromError(err)
	if !ok {
		return false
	}
	for _, d := range st.Details() {
		if ed, ok := d.(*gateway.ErrorDetail); ok && ed.GetMessage() == mismatch {
			return true
		}
	}
	return false
}

// refusedElsewhere tells whether err is an endorsement (nothing was sent
// to the orderers) that the local organisation's peer gave and other
// organisations' peers refused (othersRefused).
func refusedElsewhere(err error, local string, endorsers []string) bool {
	var ee *client.EndorseError
	return errors.As(err, &ee) && othersRefused(err, local, endorsers)
}

// othersRefused tells whether the peers' error details of err say that
// other organisations refused what the local one endorsed: the local
// organisation is among those asked (a planning gateway asks its own peer
// first, and answers that peer's refusal alone), and every detail is a
// chaincode's answer from another organisation.
func othersRefused(err error, local string, endorsers []string) bool {
	if local == "" || len(endorsers) > 0 && !slices.Contains(endorsers, local) {
		return false
	}
	st, ok := status.FromError(err)
	if !ok {
		return false
	}
	n := 0
	for _, d := range st.Details() {
		ed, ok := d.(*gateway.ErrorDetail)
		if !ok {
			continue
		}
		if ed.GetMspId() == local || !strings.HasPrefix(ed.GetMessage(), chaincodeResponse) {
			return false
		}
		n++
	}
	return n > 0
}
