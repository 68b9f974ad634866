package fetch

import (
	"bytes"
	"strings"
	"testing"

	"github.com/wanledger/wanledger/internal/hashlist"
)

// A response of one short value cannot be matched against guesses from
// the ledger's digest: the response bytes begin with a salt only those
// who received the response know. With it, the delivered body hashes to
// the record's digest; the same rows under any other salt do not. Two
// requests for the same rows get different salts.
func TestTheResponseDigestCannotBeMatchedWithoutTheSalt(t *testing.T) {
	n := newNet(t, 20, Config{})
	n.chain.grant("AUTH-1", nil)
	q := ask("AUTH-1", "members")
	q.Subjects = []string{n.rows.tables["hefei.household"].rows[3][4]}
	var salts []string
	for range 2 {
		res, err := n.fetch(q)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Close()
		var body bytes.Buffer
		if err := res.WriteResponse(&body); err != nil {
			t.Fatal(err)
		}
		rows := body.Bytes()[len(responseHeader(res.Salt, res.Fields)):]
		digest := func(salt string) string {
			h := hashlist.New()
			h.Write(responseHeader(salt, res.Fields))
			h.Write(rows)
			return hexDigest(h.Sum())
		}
		if got := digest(res.Salt); got != res.Record.ResponseDigest {
			t.Fatalf("the delivered body hashes to %s, the record says %s", got, res.Record.ResponseDigest)
		}
		if digest(strings.Repeat("0", 2*saltLen)) == res.Record.ResponseDigest {
			t.Fatal("the rows under another salt hash to the record's digest")
		}
		salts = append(salts, res.Salt)
	}
	if salts[0] == salts[1] || len(salts[0]) != 2*saltLen {
		t.Errorf("salts %q: want two different ones of %d hex digits", salts, 2*saltLen)
	}
}
