package fetch

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"

	"github.com/libp2p/go-libp2p/core/protocol"
	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/record"
)

// ProtocolID is the fetch protocol's libp2p protocol ID.
const ProtocolID protocol.ID = "/wanledger/fetch/2"

// Message types. A message is one type byte, a big-endian uint32 body
// length and the body.
const (
	msgHello   byte = 1 // requester → provider: JSON hello
	msgAccept  byte = 2 // provider → requester: JSON accept
	msgChunk   byte = 3 // provider → requester: uint32 index, sealed rows
	msgEnd     byte = 4 // provider → requester: uint32 index, sealed totals
	msgFailure byte = 5 // provider → requester: JSON failure
	msgRecord  byte = 6 // provider → requester: JSON recordIt
)

// Limits of messages and chunks.
const (
	MaxChunk        = 1 << 20 // plaintext bytes of rows per chunk, at most
	DefaultChunk    = 256 << 10
	maxHello        = 48 << 10
	maxSmall        = 2 << 10
	sealOverhead    = 16
	totalsLen       = 8 + 4 + 8 + 32
	maxFailureText  = 256
	headerLen       = 5
	responseTag     = "wanledger/fetch-response/2"
	saltLen         = 16 // bytes of a response salt
	sealTag         = "wanledger/fetch/2"
	chunkIndexBytes = 4
)

// maxBody is the largest body a message of a type may have, 0 for an
// unknown type.
func maxBody(typ byte) int {
	switch typ {
	case msgHello:
		return maxHello
	case msgAccept, msgFailure, msgRecord:
		return maxSmall
	case msgChunk:
		return chunkIndexBytes + MaxChunk + sealOverhead
	case msgEnd:
		return chunkIndexBytes + totalsLen + sealOverhead
	}
	return 0
}

// hello opens an exchange: a new request, or the resume of a transfer
// whose access is committed.
type hello struct {
	Signed record.SignedRequest `json:"signed"`
	Resume *resume              `json:"resume,omitempty"`
}

// resume names the committed access record and the first chunk wanted.
type resume struct {
	AccessID string `json:"accessId"`
	From     uint32 `json:"from"`
}

// accept says the access is committed: its record's ID, the response salt
// (hex), the transfer key SM2-encrypted to the request's ephemeral key,
// the chunk size, and the first chunk that follows.
type accept struct {
	AccessID  string `json:"accessId"`
	Salt      string `json:"salt"`
	Key       []byte `json:"key"`
	ChunkSize int    `json:"chunkSize"`
	From      uint32 `json:"from"`
}

// recordIt answers a request under an authorization whose accesses are
// recorded on the requester's channel (it crosses channels, ADR 18): the
// requester records the access there with this response digest, then
// resumes from chunk 0 under the record's ID once the relay has carried
// it to the provider's channel.
type recordIt struct {
	ResponseDigest string `json:"responseDigest"`
	SaltNonce      string `json:"saltNonce"`
}

// failure ends an exchange with a stable code; DenialID names the denial
// on the trail, if one was recorded.
type failure struct {
	Code     string `json:"code"`
	Message  string `json:"message"`
	DenialID string `json:"denialId,omitempty"`
}

// writeMsg writes one message.
func writeMsg(w io.Writer, typ byte, body []byte) error {
	var h [headerLen]byte
	h[0] = typ
	binary.BigEndian.PutUint32(h[1:], uint32(len(body)))
	if _, err := w.Write(h[:]); err != nil {
		return err
	}
	_, err := w.Write(body)
	return err
}

func writeJSON(w io.Writer, typ byte, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if len(b) > maxBody(typ) {
		return errorf(api.CodeProtocol, "message of type %d is %d bytes, over its limit", typ, len(b))
	}
	return writeMsg(w, typ, b)
}

// readMsg reads one message into buf (grown as needed, up to the type's
// limit) and returns its type and body. A type unknown or a length over
// its type's limit is PROTOCOL_ERROR; it never reads more than that.
func readMsg(r *bufio.Reader, buf []byte) (byte, []byte, error) {
	var h [headerLen]byte
	if _, err := io.ReadFull(r, h[:]); err != nil {
		return 0, nil, err
	}
	typ, n := h[0], binary.BigEndian.Uint32(h[1:])
	limit := maxBody(typ)
	if limit == 0 {
		return 0, nil, errorf(api.CodeProtocol, "unknown message type %d", typ)
	}
	if uint64(n) > uint64(limit) {
		return 0, nil, errorf(api.CodeProtocol, "message of type %d claims %d bytes, over its limit of %d", typ, n, limit)
	}
	if cap(buf) < int(n) {
		buf = make([]byte, n)
	}
	buf = buf[:n]
	if _, err := io.ReadFull(r, buf); err != nil {
		return 0, nil, err
	}
	return typ, buf, nil
}

// decodeJSON decodes a body strictly: known fields only, one value.
func decodeJSON(body []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(body))
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil {
		return errorf(api.CodeProtocol, "malformed message: %v", err)
	}
	if d.More() {
		return errorf(api.CodeProtocol, "malformed message: trailing data")
	}
	return nil
}

// splitIndex reads a chunk or end body's index.
func splitIndex(body []byte) (uint32, []byte, error) {
	if len(body) < chunkIndexBytes+sealOverhead {
		return 0, nil, errorf(api.CodeTransferCorrupt, "a chunk of %d bytes", len(body))
	}
	return binary.BigEndian.Uint32(body), body[chunkIndexBytes:], nil
}

// appendRow appends a row's canonical encoding (internal/canon): a list
// of its values as strings.
func appendRow(dst []byte, row []string) []byte {
	dst = append(dst, 0x05)
	dst = binary.BigEndian.AppendUint32(dst, uint32(len(row)))
	for _, v := range row {
		dst = append(dst, 0x01)
		dst = binary.BigEndian.AppendUint32(dst, uint32(len(v)))
		dst = append(dst, v...)
	}
	return dst
}

// responseHeader is the start of the response stream the digest covers:
// the canonical list of the tag, the response salt (hex) and the fields'
// list.
func responseHeader(salt string, fields []string) []byte {
	h := appendRow(nil, []string{responseTag, salt})
	h[4] = 3 // a list of three values: the tag, the salt and the fields
	return appendRow(h, fields)
}

// decodeRows reads the rows of a chunk's plaintext, each of width values,
// calling fn with each. The values share one string of the chunk, so a
// row kept keeps its chunk. Anything but whole rows of that width is
// TRANSFER_CORRUPT.
func decodeRows(b []byte, width int, fn func([]string)) error {
	rows, err := countRows(b, width)
	if err != nil {
		return err
	}
	s := string(b)
	vals := make([]string, rows*width)
	off := 0
	for r := range rows {
		row := vals[r*width : (r+1)*width : (r+1)*width]
		off += 5
		for i := range row {
			n := int(binary.BigEndian.Uint32(b[off+1:]))
			row[i] = s[off+5 : off+5+n]
			off += 5 + n
		}
		fn(row)
	}
	return nil
}

// countRows checks a chunk's plaintext holds whole rows of width values
// and counts them.
func countRows(b []byte, width int) (int, error) {
	rows := 0
	for len(b) > 0 {
		if len(b) < 5 || b[0] != 0x05 || binary.BigEndian.Uint32(b[1:]) != uint32(width) {
			return 0, errorf(api.CodeTransferCorrupt, "a row is not a list of %d values", width)
		}
		b = b[5:]
		for range width {
			if len(b) < 5 || b[0] != 0x01 {
				return 0, errorf(api.CodeTransferCorrupt, "a row's value is not a string")
			}
			n := binary.BigEndian.Uint32(b[1:])
			if uint64(n) > uint64(len(b)-5) {
				return 0, errorf(api.CodeTransferCorrupt, "a row's value overruns its chunk")
			}
			b = b[5+n:]
		}
		rows++
	}
	return rows, nil
}

// Error is a refusal or failure of a fetch, with a stable code: one of the
// ledger's (api/record) or of the protocol's (api.CodeNotCommitted…).
// DenialID names the denial on the trail, if the refusal was recorded.
type Error struct {
	Code     string
	Msg      string
	DenialID string
}

func (e *Error) Error() string { return e.Code + ": " + e.Msg }

func errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Msg: fmt.Sprintf(format, args...)}
}
