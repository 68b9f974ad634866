package contracts

import (
	"testing"

	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/chaincode/domain"
)

// FuzzDecodeArguments feeds arbitrary strings to every argument decoder of
// the contracts: none may panic, and every refusal carries a stable code.
func FuzzDecodeArguments(f *testing.F) {
	f.Add(`{"content":{"id":"BL-1","type":"t","fields":[{"name":"a","digest":"00"}],"validFrom":"2026-01-01T00:00:00Z"},"signature":"3006"}`)
	f.Add(`[{"content":{}}]`)
	f.Add(`{"code":"x","fields":[{"name":"n","type":"string","required":true}],"maxValidityDays":1}`)
	f.Add(`2026-11-29T10:00:00+08:00`)
	f.Add(`{"authorizationId":"A","datasetId":"d","fields":["x"],"purpose":"p","requestDigest":"00","responseDigest":"00"}`)
	f.Add(`{"id":"hefei.household","fields":[{"name":"address","type":"string","required":true}],"description":"d"}`)
	f.Add(`{"requester":"WuhuMSP","datasetId":"d","fields":["x"],"purpose":"p","reason":"BAD_SIGNATURE","detailDigest":"00"}`)
	f.Add(`FRAUD:66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0`)
	f.Add(`OTHER`)
	f.Add(`{"by":"dataset","key":"d","from":"2026-01-01T00:00:00Z","pageSize":10}`)
	f.Add(`{"grantId":"a:000001","seq":1,"agencyId":"a","mspId":"HefeiMSP","types":["t"],"region":"340100","validFrom":"2026-01-01T00:00:00Z","validTo":"2027-01-01T00:00:00Z"}`)
	f.Add(`[{"proof":{"response":"CgA=","endorsements":[{"endorser":"CgA=","signature":"MAY="}]},"block":7}]`)
	f.Add(`{"channel":"anhui","chaincode":"wanledger","orgs":[{"mspId":"HefeiMSP","rootCerts":["-----BEGIN CERTIFICATE-----"]}]}`)
	f.Add(`[{"mspId":"AnhuiMSP","province":"AnhuiMSP","prefix":"34"},{"mspId":"HefeiMSP","province":"AnhuiMSP"}]`)
	f.Fuzz(func(t *testing.T, arg string) {
		coded := func(err error) {
			if err != nil && record.CodeOf(err) == "" {
				t.Fatalf("uncoded error %v", err)
			}
		}
		if r, err := Decode[record.IssueRequest]("r", arg, MaxArg); err == nil {
			r.Content.SigningBytes() //nolint:errcheck // only panics matter here
		} else {
			coded(err)
		}
		_, err := Decode[[]record.IssueRequest]("rs", arg, MaxBatchArg)
		coded(err)
		_, err = Decode[record.LicenceType]("t", arg, MaxArg)
		coded(err)
		_, err = Decode[record.Accreditation]("a", arg, MaxArg)
		coded(err)
		_, err = Decode[record.RenewRequest]("rr", arg, MaxArg)
		coded(err)
		_, err = Decode[record.Dataset]("ds", arg, MaxArg)
		coded(err)
		_, err = Decode[record.Authorization]("au", arg, MaxArg)
		coded(err)
		_, err = Decode[record.AccessRequest]("ar", arg, MaxArg)
		coded(err)
		_, err = Decode[record.DenialRequest]("dr", arg, MaxArg)
		coded(err)
		_, err = Decode[record.TraceQuery]("tq", arg, MaxArg)
		coded(err)
		_, err = Decode[record.Handoff]("h", arg, MaxArg)
		coded(err)
		_, err = Decode[record.RelaySource]("rs", arg, MaxArg)
		coded(err)
		_, err = Decode[[]record.RelayItem]("ri", arg, MaxBatchArg)
		coded(err)
		if orgs, err := Decode[[]record.Organisation]("orgs", arg, MaxArg); err == nil {
			coded(record.CheckMembership(orgs))
		} else {
			coded(err)
		}
		_, err = Decode[record.Organisation]("org", arg, MaxArg)
		coded(err)
		for _, l := range record.ReasonLists {
			_, err = domain.ParseReason(l.Kind, arg)
			coded(err)
		}
		_, err = timeArg("t", arg)
		coded(err)
		_, err = requiredTime("t", arg)
		coded(err)
		_, _, err = pageArgs(arg, "")
		coded(err)
	})
}
