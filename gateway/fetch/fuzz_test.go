package fetch

import (
	"bufio"
	"bytes"
	"encoding/json"
	"testing"

	"github.com/wanledger/wanledger/api/record"
)

// message encodes one message as it goes on the wire.
func message(tb testing.TB, typ byte, body []byte) []byte {
	var b bytes.Buffer
	if err := writeMsg(&b, typ, body); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

func jsonBody(tb testing.TB, v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// FuzzReadMessage: no input makes the decoder panic, read past a type's
// limit, or accept rows that do not re-encode to the same bytes. The seed
// corpus (testdata/fuzz/FuzzReadMessage, plus the messages below) holds
// one message of each type as the protocol writes them.
func FuzzReadMessage(f *testing.F) {
	sl, err := newSealer(make([]byte, 16), "anhui-tx000001")
	if err != nil {
		f.Fatal(err)
	}
	rows := appendRow(appendRow(nil, []string{"合肥市", "3"}), []string{"", "0"})
	chunk := sl.seal(appendIndex(nil, 0), 0, false, rows)
	end := sl.seal(appendIndex(nil, 1), 1, true, totals{Rows: 2, Chunks: 1, Bytes: uint64(len(rows))}.encode())
	sr := record.SignedRequest{Request: ask("AUTH-1", "address"), Certificate: "-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n", Signature: "AA=="}
	for _, seed := range [][]byte{
		message(f, msgHello, jsonBody(f, hello{Signed: sr, Resume: &resume{AccessID: "anhui-tx000001", From: 3}})),
		message(f, msgAccept, jsonBody(f, accept{AccessID: "anhui-tx000001", Key: []byte{1, 2, 3}, ChunkSize: DefaultChunk})),
		append(message(f, msgChunk, chunk), message(f, msgEnd, end)...),
		message(f, msgFailure, jsonBody(f, failure{Code: "USES_EXHAUSTED", Message: "refused", DenialID: "anhui-tx000002"})),
		message(f, msgRecord, jsonBody(f, recordIt{ResponseDigest: "ab"})),
		{msgChunk, 0xff, 0xff, 0xff, 0xff},
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		r := bufio.NewReader(bytes.NewReader(b))
		var buf []byte
		for range 8 {
			typ, body, err := readMsg(r, buf)
			if err != nil {
				return
			}
			if len(body) > maxBody(typ) {
				t.Fatalf("a body of %d bytes passed the limit %d of type %d", len(body), maxBody(typ), typ)
			}
			buf = body[:0]
			switch typ {
			case msgHello:
				var h hello
				if decodeJSON(body, &h) == nil {
					h.Signed.Verify()
					h.Signed.Digest()
				}
			case msgAccept:
				var a accept
				decodeJSON(body, &a)
			case msgFailure:
				var fl failure
				decodeJSON(body, &fl)
			case msgRecord:
				var r recordIt
				decodeJSON(body, &r)
			case msgChunk, msgEnd:
				i, sealed, err := splitIndex(body)
				if err != nil {
					continue
				}
				if plain, err := sl.open(nil, i, typ == msgEnd, sealed); err == nil {
					decodeTotals(plain)
				}
				for width := 1; width <= 3; width++ {
					var again []byte
					if decodeRows(sealed, width, func(row []string) { again = appendRow(again, row) }) == nil && !bytes.Equal(again, sealed) {
						t.Fatalf("rows of width %d decoded from bytes they do not re-encode to", width)
					}
				}
			}
		}
	})
}
