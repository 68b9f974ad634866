//go:build js && wasm

package main

import (
	"encoding/hex"
	"errors"
	"fmt"
	"syscall/js"
	"time"

	"github.com/wanledger/wanledger/internal/credential"
	"github.com/wanledger/wanledger/internal/gm"
	"github.com/wanledger/wanledger/internal/issuance"
	"github.com/wanledger/wanledger/internal/presentation"
	"github.com/wanledger/wanledger/internal/wallet"
)

// maxKeyFile bounds a PEM key's text.
const maxKeyFile = 4096

// maxLicences bounds the licences of one activity request, as the API does.
const maxLicences = 32

// What a page is given that is not what it asked for.
var (
	errNotKey        = errors.New("not an SM2 private key in PEM")
	errNotCredential = errors.New("not a credential file")
)

func init() {
	exports["publicKey"] = publicKey
	exports["credential"] = credentialInfo
	exports["present"] = present
	exports["signActivity"] = signActivity
	codes[errNotKey] = "NOT_A_KEY"
	codes[errNotCredential] = "NOT_A_CREDENTIAL"
	codes[wallet.ErrNotHeld] = "NOT_HELD"
	codes[wallet.ErrNoSeal] = "NO_SEAL"
}

// key parses a PEM SM2 private key (the wallet's holder.pem).
func key(pem string) (*gm.PrivateKey, error) {
	if len(pem) > maxKeyFile {
		return nil, fmt.Errorf("%w: %d bytes, more than a key's %d", errNotKey, len(pem), maxKeyFile)
	}
	k, err := gm.ParsePrivateKeyPEM([]byte(pem))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errNotKey, err)
	}
	return k, nil
}

// publicKey(keyPEM) answers the key's public key, hex of the uncompressed point.
func publicKey(args []js.Value) (any, error) {
	s, err := strings(args, 1)
	if err != nil {
		return nil, err
	}
	k, err := key(s[0])
	if err != nil {
		return nil, err
	}
	return k.Public().Hex(), nil
}

// held decodes a credential file's text and checks it is held with k.
func held(k *gm.PrivateKey, file string) (credential.Credential, error) {
	c, err := issuance.DecodeCredentialFile([]byte(file))
	if err != nil {
		return c, fmt.Errorf("%w: %w", errNotCredential, err)
	}
	return c, wallet.CheckHeld(k, c)
}

// credentialInfo(credentialFile, keyPEM) checks the credential file is one
// the key holds and answers its content: {id, type, agencyId, region,
// validFrom, validTo, holderPublicKey, fields: [{name, value}]}.
func credentialInfo(args []js.Value) (any, error) {
	s, err := strings(args, 2)
	if err != nil {
		return nil, err
	}
	k, err := key(s[1])
	if err != nil {
		return nil, err
	}
	c, err := held(k, s[0])
	if err != nil {
		return nil, err
	}
	fields := make([]any, len(c.Disclosures))
	for i, d := range c.Disclosures {
		fields[i] = map[string]any{"name": d.Name, "value": d.Value}
	}
	ct := c.Content
	return map[string]any{"id": ct.ID, "type": ct.Type, "agencyId": ct.AgencyID, "region": ct.Region,
		"validFrom": ct.ValidFrom.Format(time.RFC3339), "validTo": ct.ValidTo.Format(time.RFC3339),
		"holderPublicKey": ct.HolderPublicKey, "fields": fields}, nil
}

// present(credentialFile, keyPEM, [field names], nonce, audience) answers a
// presentation made now, disclosing the fields named.
func present(args []js.Value) (any, error) {
	if len(args) != 5 {
		return nil, fmt.Errorf("%d arguments, want 5", len(args))
	}
	names, err := stringArray(args[2], credential.MaxFields)
	if err != nil {
		return nil, fmt.Errorf("field names: %w", err)
	}
	s, err := strings([]js.Value{args[0], args[1], args[3], args[4]}, 4)
	if err != nil {
		return nil, err
	}
	k, err := key(s[1])
	if err != nil {
		return nil, err
	}
	c, err := held(k, s[0])
	if err != nil {
		return nil, err
	}
	return wallet.Present(k, c, names, s[2], s[3], time.Now())
}

// signActivity(keyPEM, challenge, audience, [licence IDs]) answers the hex
// DER signature of a holder-activity challenge (POST /v1/holder/activity).
func signActivity(args []js.Value) (any, error) {
	if len(args) != 4 {
		return nil, fmt.Errorf("%d arguments, want 4", len(args))
	}
	ids, err := stringArray(args[3], maxLicences)
	if err != nil {
		return nil, fmt.Errorf("licence IDs: %w", err)
	}
	s, err := strings(args[:3], 3)
	if err != nil {
		return nil, err
	}
	k, err := key(s[0])
	if err != nil {
		return nil, err
	}
	sig, err := presentation.SignActivity(k, s[1], s[2], ids)
	if err != nil {
		return nil, err
	}
	return hex.EncodeToString(sig), nil
}
