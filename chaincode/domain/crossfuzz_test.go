package domain_test

import (
	"encoding/json"
	"testing"

	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/chaincode/domain"
)

// FuzzProvenCrossingExports: whatever a source channel's peers endorse, an
// import of it neither panics nor fails without a stable code. The
// payloads are proven (endorsed by Hefei and Anhui), so every check after
// the proof's is exercised.
func FuzzProvenCrossingExports(f *testing.F) {
	c := newCrossWorlds(f)
	c.grantAcross()
	c.src.must("hefei-clerk", func(s domain.State) (any, error) { return domain.Open(s, crossHandoff()) })
	for _, export := range []func(domain.State) (any, error){exportHandoff("HO-X"), exportAuthorization("AUTH-X")} {
		b, err := json.Marshal(c.src.must("anhui-admin", export))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
	f.Add(`{"channel":"anhui","party":"HefeiMSP","handoff":{"id":"H","history":[],"crossing":{"from":"anhui","to":"delta","carrier":"AnhuiMSP"}}}`)
	f.Add(`{"channel":"anhui","party":"HefeiMSP","access":{"id":"x","authorizationId":"AUTH-X","recordedBy":"HefeiMSP"}}`)
	f.Add(`{"channel":"anhui","party":"HefeiMSP","authorization":{"id":"A","crossing":{}}}`)
	f.Fuzz(func(t *testing.T, payload string) {
		c.dst.t = t
		proof := c.proof([]byte(payload), anhuiProof...)
		for _, imp := range []importFunc{domain.ImportHandoffs, domain.ImportAuthorizations, domain.ImportAccessRecords} {
			if _, err := c.importOn(c.dst, imp, proof); err != nil && record.CodeOf(err) == "" {
				t.Fatalf("uncoded error %v", err)
			}
		}
	})
}
