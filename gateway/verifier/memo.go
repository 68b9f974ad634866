package verifier

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"sync/atomic"
	"weak"

	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/gateway/lru"
	"github.com/wanledger/wanledger/internal/credential"
	"github.com/wanledger/wanledger/internal/gm"
)

// DefaultMemoSize bounds the seal memo: 32,768 content digests and as many
// record pairs, about 170 bytes each with the LRU's bookkeeping, some 11 MB.
const DefaultMemoSize = 1 << 15

// sealMemo remembers the seal signatures that verified, by memoKey: the
// SM3 digest of exactly what SM2 verified (the content's signing bytes, the
// signature and the public key, as the records hold them). Any change to
// any of them (a renewal, another key, a tampered byte) is another digest,
// verified in full. Only successes are remembered, and nothing about the
// key's validity: its agency, window and revocation are judged every time
// from the current records, before the memo is consulted.
type sealMemo struct {
	seen       *lru.Cache[[32]byte, struct{}]
	same       *lru.Cache[recordPair, struct{}] // pairs whose content check passed
	verified   atomic.Uint64                    // SM2 verifications run
	remembered atomic.Uint64                    // verifications answered from the memo
}

// recordPair names a licence record and a seal key record by identity. The
// cache hands out one record per version, never modified, so a pair that
// passed the content check passes again without the content being encoded
// and hashed. Weak pointers neither keep a record alive nor ever equal a
// pointer to a later record at the same address.
type recordPair struct {
	l weak.Pointer[record.Licence]
	k weak.Pointer[record.SealKey]
}

// memoTag separates memo digests from every other SM3 digest of the project.
const memoTag = "wanledger/seal-memo/1"

// memoKey is SM3(tag, then msg, signature hex and public key hex, each
// preceded by its length as 4 bytes big-endian).
func memoKey(msg []byte, sigHex, pubHex string) [32]byte {
	b := make([]byte, 0, len(memoTag)+12+len(msg)+len(sigHex)+len(pubHex))
	b = append(b, memoTag...)
	b = binary.BigEndian.AppendUint32(b, uint32(len(msg)))
	b = append(b, msg...)
	b = binary.BigEndian.AppendUint32(b, uint32(len(sigHex)))
	b = append(b, sigHex...)
	b = binary.BigEndian.AppendUint32(b, uint32(len(pubHex)))
	b = append(b, pubHex...)
	return gm.SM3(b)
}

// checkRecords verifies the licence's seal signature by the key, or finds
// that these records, or records of the same content, verified before.
func (m *sealMemo) checkRecords(l *record.Licence, k *record.SealKey) error {
	pair := recordPair{weak.Make(l), weak.Make(k)}
	if _, ok := m.same.Get(pair); ok {
		m.remembered.Add(1)
		return nil
	}
	msg, err := l.SigningBytes()
	if err != nil {
		return err
	}
	if err := m.check(msg, l.Signature, k.PublicKey); err != nil {
		return err
	}
	m.same.Put(pair, struct{}{})
	return nil
}

// check verifies sig (hex DER) over msg by pub (hex point), or finds that
// it verified before.
func (m *sealMemo) check(msg []byte, sigHex, pubHex string) error {
	id := memoKey(msg, sigHex, pubHex)
	if _, ok := m.seen.Get(id); ok {
		m.remembered.Add(1)
		return nil
	}
	pub, err := gm.ParsePublicKeyHex(pubHex)
	if err != nil {
		return err
	}
	sig, err := hex.DecodeString(sigHex)
	if err != nil {
		return fmt.Errorf("signature is not hex")
	}
	m.verified.Add(1)
	if !pub.Verify(msg, sig) {
		return credential.ErrBadSignature
	}
	m.seen.Put(id, struct{}{})
	return nil
}

// Stats counts seal checks since the Verifier was made.
type Stats struct {
	Verified   uint64 // SM2 verifications run
	Remembered uint64 // seal checks answered from the memo
	MemoSize   int    // entries in the memo now
}

// Stats reports the seal checks so far.
func (v *Verifier) Stats() Stats {
	return Stats{Verified: v.memo.verified.Load(), Remembered: v.memo.remembered.Load(), MemoSize: v.memo.seen.Len()}
}
