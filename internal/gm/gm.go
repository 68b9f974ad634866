// Package gm is the project's national cryptography (国密): SM2 signatures
// with the standard default user ID, SM3 digests and SM4-GCM encryption, plus
// PEM and hex encodings of SM2 keys. It wraps github.com/emmansun/gmsm.
//
// Fabric's own signatures, TLS and MSP stay ECDSA P-256; this package signs,
// hashes and encrypts what the application layer owns: agency seals, holder
// keys, pseudonyms, field digests and data moved between gateways.
package gm

import (
	"crypto/cipher"
	"crypto/ecdsa"
	"crypto/hmac"
	"crypto/rand"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"hash"
	"io"

	"github.com/emmansun/gmsm/sm2"
	"github.com/emmansun/gmsm/sm3"
	"github.com/emmansun/gmsm/sm4"
	"github.com/emmansun/gmsm/smx509"
)

// DefaultUID is the signer identity of GB/T 32918.2 when none is agreed,
// "1234567812345678"; every signature of the project uses it.
var DefaultUID = []byte("1234567812345678")

// Errors of key decoding and decryption.
var (
	ErrBadKey        = errors.New("gm: malformed SM2 key")
	ErrNotSM2        = errors.New("gm: key is not on the SM2 curve")
	ErrDecrypt       = errors.New("gm: SM4-GCM authentication failed")
	ErrBadSM4KeySize = errors.New("gm: SM4 keys are 16 bytes")
)

// PrivateKey is an SM2 private key.
type PrivateKey struct{ k *sm2.PrivateKey }

// PublicKey is an SM2 public key.
type PublicKey struct{ k *ecdsa.PublicKey }

// GenerateKey makes a new SM2 key pair from crypto/rand.
func GenerateKey() (*PrivateKey, error) {
	k, err := sm2.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	return &PrivateKey{k: k}, nil
}

// Public returns the key's public half.
func (p *PrivateKey) Public() *PublicKey { return &PublicKey{k: &p.k.PublicKey} }

// Sign signs msg (not a digest: SM2 hashes Z_A || msg with SM3 itself) with
// the default user ID and returns an ASN.1 DER signature.
func (p *PrivateKey) Sign(msg []byte) ([]byte, error) {
	return p.k.Sign(rand.Reader, msg, sm2.NewSM2SignerOption(true, DefaultUID))
}

// Verify reports whether sig is a valid ASN.1 DER SM2 signature of msg by
// the key, with the default user ID.
func (k *PublicKey) Verify(msg, sig []byte) bool {
	return sm2.VerifyASN1WithSM2(k.k, DefaultUID, msg, sig)
}

// Equal reports whether two public keys are the same.
func (k *PublicKey) Equal(o *PublicKey) bool { return o != nil && k.k.Equal(o.k) }

// Bytes returns the uncompressed point 04 || X || Y (65 bytes).
func (k *PublicKey) Bytes() []byte {
	out := make([]byte, 65)
	out[0] = 4
	k.k.X.FillBytes(out[1:33])
	k.k.Y.FillBytes(out[33:])
	return out
}

// Hex returns Bytes in lower-case hex.
func (k *PublicKey) Hex() string { return hex.EncodeToString(k.Bytes()) }

// ParsePublicKey reads an uncompressed point (04 || X || Y).
func ParsePublicKey(b []byte) (*PublicKey, error) {
	if len(b) != 65 || b[0] != 4 {
		return nil, fmt.Errorf("%w: want a 65-byte uncompressed point", ErrBadKey)
	}
	k, err := sm2.NewPublicKey(b)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotSM2, err)
	}
	return &PublicKey{k: k}, nil
}

// ParsePublicKeyHex reads Hex's output.
func ParsePublicKeyHex(s string) (*PublicKey, error) {
	b, err := hex.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadKey, err)
	}
	return ParsePublicKey(b)
}

// Raw returns the private scalar, 32 bytes big-endian.
func (p *PrivateKey) Raw() []byte {
	out := make([]byte, 32)
	p.k.D.FillBytes(out)
	return out
}

// ParsePrivateKey reads a 32-byte private scalar.
func ParsePrivateKey(b []byte) (*PrivateKey, error) {
	if len(b) != 32 {
		return nil, fmt.Errorf("%w: want 32 bytes", ErrBadKey)
	}
	k, err := sm2.NewPrivateKey(b)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadKey, err)
	}
	return &PrivateKey{k: k}, nil
}

// PEM block types.
const (
	pemPublic  = "PUBLIC KEY"
	pemPrivate = "PRIVATE KEY"
)

// PEM encodes the public key as PKIX ("PUBLIC KEY").
func (k *PublicKey) PEM() ([]byte, error) {
	der, err := smx509.MarshalPKIXPublicKey(k.k)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: pemPublic, Bytes: der}), nil
}

// ParsePublicKeyPEM reads a PKIX "PUBLIC KEY" block holding an SM2 key.
func ParsePublicKeyPEM(data []byte) (*PublicKey, error) {
	der, err := pemBytes(data, pemPublic)
	if err != nil {
		return nil, err
	}
	pub, err := smx509.ParsePKIXPublicKey(der)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadKey, err)
	}
	k, ok := pub.(*ecdsa.PublicKey)
	if !ok || !sm2.IsSM2PublicKey(k) {
		return nil, ErrNotSM2
	}
	return &PublicKey{k: k}, nil
}

// PEM encodes the private key as PKCS #8 ("PRIVATE KEY").
func (p *PrivateKey) PEM() ([]byte, error) {
	der, err := smx509.MarshalPKCS8PrivateKey(p.k)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: pemPrivate, Bytes: der}), nil
}

// ParsePrivateKeyPEM reads a PKCS #8 "PRIVATE KEY" block holding an SM2 key.
func ParsePrivateKeyPEM(data []byte) (*PrivateKey, error) {
	der, err := pemBytes(data, pemPrivate)
	if err != nil {
		return nil, err
	}
	key, err := smx509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadKey, err)
	}
	k, ok := key.(*sm2.PrivateKey)
	if !ok {
		return nil, ErrNotSM2
	}
	return &PrivateKey{k: k}, nil
}

func pemBytes(data []byte, typ string) ([]byte, error) {
	b, _ := pem.Decode(data)
	if b == nil || b.Type != typ {
		return nil, fmt.Errorf("%w: want a PEM %q block", ErrBadKey, typ)
	}
	return b.Bytes, nil
}

// Encrypt encrypts msg to the key with SM2 public-key encryption (GB/T
// 32918.4, C1C3C2, ASN.1).
func (k *PublicKey) Encrypt(msg []byte) ([]byte, error) {
	return sm2.EncryptASN1(rand.Reader, k.k, msg)
}

// Decrypt decrypts Encrypt's output; a changed ciphertext fails.
func (p *PrivateKey) Decrypt(ciphertext []byte) ([]byte, error) {
	return p.k.Decrypt(nil, ciphertext, nil)
}

// SM3 returns the SM3 digest of data.
func SM3(data []byte) [32]byte { return sm3.Sum(data) }

// NewSM3 is an SM3 hash (GB/T 32905) of what is written to it: Sum gives
// the 32-byte digest, for input streamed rather than held.
func NewSM3() hash.Hash { return sm3.New() }

// HMACSM3 is HMAC (RFC 2104) with SM3 as its hash (GB/T 32905): 32 bytes.
func HMACSM3(key, data []byte) [32]byte {
	m := hmac.New(sm3.New, key)
	m.Write(data)
	var out [32]byte
	m.Sum(out[:0])
	return out
}

// SM3Hex returns the SM3 digest of data in lower-case hex.
func SM3Hex(data []byte) string {
	d := sm3.Sum(data)
	return hex.EncodeToString(d[:])
}

// Seal encrypts plaintext with SM4-GCM under a 16-byte key, binding aad, and
// returns nonce || ciphertext || tag with a fresh random 12-byte nonce.
func Seal(key, plaintext, aad []byte) ([]byte, error) {
	aead, err := sm4gcm(key)
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, aead.NonceSize(), aead.NonceSize()+len(plaintext)+aead.Overhead())
	if _, err := io.ReadFull(rand.Reader, nonce); err != nil {
		return nil, err
	}
	return aead.Seal(nonce, nonce, plaintext, aad), nil
}

// Open decrypts Seal's output; any change to it or to aad fails with ErrDecrypt.
func Open(key, sealed, aad []byte) ([]byte, error) {
	aead, err := sm4gcm(key)
	if err != nil {
		return nil, err
	}
	if len(sealed) < aead.NonceSize()+aead.Overhead() {
		return nil, ErrDecrypt
	}
	n := aead.NonceSize()
	out, err := aead.Open(nil, sealed[:n], sealed[n:], aad)
	if err != nil {
		return nil, ErrDecrypt
	}
	return out, nil
}

func sm4gcm(key []byte) (cipher.AEAD, error) {
	if len(key) != 16 {
		return nil, ErrBadSM4KeySize
	}
	block, err := sm4.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}
