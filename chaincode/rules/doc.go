// Package rules holds tests that keep the chaincode deterministic and its
// dependencies in bounds. It has no code of its own.
package rules
