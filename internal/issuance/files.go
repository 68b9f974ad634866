package issuance

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/wanledger/wanledger/internal/credential"
	"github.com/wanledger/wanledger/internal/gm"
	"github.com/wanledger/wanledger/internal/keyfile"
)

// maxSecretFile bounds what is read from a key or salt file.
const maxSecretFile = 64 << 10

// GenerateSealKey makes a new SM2 seal key and writes it to path (see
// WriteSealKey). The registry wants its public half as Public().Hex().
func GenerateSealKey(path string) (*gm.PrivateKey, error) {
	key, err := gm.GenerateKey()
	if err != nil {
		return nil, err
	}
	if err := WriteSealKey(path, key); err != nil {
		return nil, err
	}
	return key, nil
}

// WriteSealKey writes a seal key as a PKCS #8 "PRIVATE KEY" PEM block to a
// new file of mode 0600; it refuses to overwrite an existing file.
func WriteSealKey(path string, key *gm.PrivateKey) error {
	b, err := key.PEM()
	if err != nil {
		return err
	}
	return writeNew(path, b)
}

// ReadSealKey reads WriteSealKey's file.
func ReadSealKey(path string) (*gm.PrivateKey, error) {
	b, err := readSmall(path)
	if err != nil {
		return nil, err
	}
	key, err := gm.ParsePrivateKeyPEM(b)
	if err != nil {
		return nil, fmt.Errorf("SM2 key %s: %w", path, err)
	}
	return key, nil
}

// ProvinceSaltLen is the length of the province salts NewProvinceSalt
// makes; a salt file must hold at least credential.MinSaltLen bytes.
const ProvinceSaltLen = 32

// NewProvinceSalt makes a province's holder salt from crypto/rand.
func NewProvinceSalt() ([]byte, error) {
	salt := make([]byte, ProvinceSaltLen)
	if _, err := io.ReadFull(rand.Reader, salt); err != nil {
		return nil, err
	}
	return salt, nil
}

// WriteProvinceSalt writes a salt as one line of lower-case hex to a new
// file of mode 0600; it refuses to overwrite an existing file.
func WriteProvinceSalt(path string, salt []byte) error {
	if len(salt) < credential.MinSaltLen {
		return fmt.Errorf("a province salt is at least %d bytes, not %d", credential.MinSaltLen, len(salt))
	}
	return writeNew(path, []byte(hex.EncodeToString(salt)+"\n"))
}

// ReadProvinceSalt reads a province salt file (ParseProvinceSalt).
func ReadProvinceSalt(path string) ([]byte, error) {
	b, err := readSmall(path)
	if err != nil {
		return nil, err
	}
	salt, err := ParseProvinceSalt(b)
	if err != nil {
		return nil, fmt.Errorf("province salt %s: %w", path, err)
	}
	return salt, nil
}

// writeNew writes data to a file that must not exist yet, with mode 0600.
// A failed write leaves no file behind.
func writeNew(path string, data []byte) error {
	err := keyfile.WriteNew(path, data)
	if errors.Is(err, os.ErrExist) {
		return fmt.Errorf("%s exists already: refusing to overwrite it", path)
	}
	return err
}

// readSmall reads a key or salt file of at most maxSecretFile bytes.
func readSmall(path string) ([]byte, error) { return readLimited(path, maxSecretFile) }

// readLimited reads a file of at most max bytes.
func readLimited(path string, max int) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, int64(max)+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if len(b) > max {
		return nil, fmt.Errorf("%s is larger than %d bytes", path, max)
	}
	return b, nil
}
