// Package cryptoconfig holds the inputs of cryptogen and configtxgen: Go
// templates rendered from the network topology by package network.
package cryptoconfig

import "embed"

// Templates holds crypto-config.yaml.tmpl and configtx.yaml.tmpl.
//
//go:embed *.tmpl
var Templates embed.FS
