package fetch

import (
	"context"
	"crypto/x509"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/wanledger/wanledger/internal/gm"
)

// identities trusts each MSP's certificates issued by its CA: here the
// chain's self-signed identities are their own CAs, so the test verifies
// real chains against real roots. Peers map to MSPs as the on-chain
// endpoint registry would.
type identities struct {
	roots map[string]*x509.CertPool
	peers map[peer.ID]string
}

func (i *identities) VerifyCertificate(msp string, cert *x509.Certificate) error {
	pool, ok := i.roots[msp]
	if !ok {
		return fmt.Errorf("no CA of %s", msp)
	}
	_, err := cert.Verify(x509.VerifyOptions{Roots: pool, CurrentTime: cert.NotBefore.Add(time.Hour), KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}})
	return err
}

func (i *identities) PeerMSP(p peer.ID) (string, error) {
	msp, ok := i.peers[p]
	if !ok {
		return "", fmt.Errorf("peer %s is not registered", p)
	}
	return msp, nil
}

// table is a dataset at the provider's gateway: named columns, the last
// the subject pseudonym.
type table struct {
	fields []string
	rows   [][]string
}

// memRows is an in-memory dataset store.
type memRows struct {
	mu     sync.Mutex
	tables map[string]*table
	onRow  func(n int) // called before each row a projection yields
}

func (m *memRows) Rows(_ context.Context, id string, fields, subjects []string) (RowIter, error) {
	m.mu.Lock()
	t, ok := m.tables[id]
	m.mu.Unlock()
	if !ok {
		return nil, fmt.Errorf("%s: %w", id, ErrUnknownDataset)
	}
	cols := make([]int, len(fields))
	for i, f := range fields {
		if cols[i] = slices.Index(t.fields, f); cols[i] < 0 {
			return nil, &UnknownFieldError{Field: f, Err: fmt.Errorf("table %s has no column %s", id, f)}
		}
	}
	return &memIter{m: m, t: t, cols: cols, subjects: subjects, i: -1}, nil
}

type memIter struct {
	m        *memRows
	t        *table
	cols     []int
	subjects []string
	i, n     int
	row      []string
}

func (it *memIter) Next() bool {
	for it.i++; it.i < len(it.t.rows); it.i++ {
		r := it.t.rows[it.i]
		if len(it.subjects) > 0 && !slices.Contains(it.subjects, r[len(r)-1]) {
			continue
		}
		if it.m.onRow != nil {
			it.m.onRow(it.n)
		}
		it.n++
		it.row = it.row[:0]
		for _, c := range it.cols {
			it.row = append(it.row, r[c])
		}
		return true
	}
	return false
}

func (it *memIter) Row() []string { return slices.Clone(it.row) }
func (it *memIter) Err() error    { return nil }
func (it *memIter) Close() error  { return nil }

// household makes n rows of the household dataset.
func household(n int) *table {
	t := &table{fields: []string{"name", "address", "members", "income", "subject"}}
	for i := range n {
		s := strconv.Itoa(i)
		t.rows = append(t.rows, []string{"居民" + s, "合肥市蜀山区" + s + "号", strconv.Itoa(1 + i%5), strconv.Itoa(1000 * i), gm.SM3Hex([]byte("citizen-" + s))})
	}
	return t
}

// project is what a request for fields should deliver.
func (t *table) project(fields ...string) [][]string {
	var out [][]string
	for _, r := range t.rows {
		var row []string
		for _, f := range fields {
			row = append(row, r[slices.Index(t.fields, f)])
		}
		out = append(out, row)
	}
	return out
}
