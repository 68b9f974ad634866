// Package layers holds the test that keeps the project's layers apart: what
// each part may link, so that the chaincode stays free of the gateway, the
// gateway speaks to the chaincode only through the published records, and
// the network tooling starts processes without linking them. It has no code
// of its own.
package layers
