package domain

import (
	"slices"
	"strings"

	"github.com/wanledger/wanledger/api/record"
)

// ParseReason reads "CODE" or "CODE:DIGEST" of a kind: INVALID_ARGUMENT if
// the code is not in the kind's list, the digest is not SM3 hex, or the
// code is OTHER without a digest.
func ParseReason(kind record.ReasonKind, s string) (record.Reason, error) {
	codes := record.ReasonCodes(kind)
	if codes == nil {
		return record.Reason{}, record.Errorf(record.CodeInternal, "no reason list %q", kind)
	}
	code, digest, hasDigest := strings.Cut(s, ":")
	if !slices.Contains(codes, code) {
		return record.Reason{}, record.Errorf(record.CodeInvalidArgument, "%s reason %.40q is not one of %v (free text stays off the ledger: give its SM3 digest after the code)",
			kind, code, codes)
	}
	if hasDigest {
		if err := checkDigest("reason digest", digest); err != nil {
			return record.Reason{}, err
		}
	} else if code == record.ReasonOther {
		return record.Reason{}, record.Errorf(record.CodeInvalidArgument, "%s reason OTHER needs the SM3 digest of its text", kind)
	}
	return record.Reason{Code: code, Digest: digest}, nil
}

// checkReason refuses a reason that ParseReason does not accept.
func checkReason(kind record.ReasonKind, s string) error {
	_, err := ParseReason(kind, s)
	return err
}
