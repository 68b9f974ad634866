package presentation

import (
	"github.com/wanledger/wanledger/internal/canon"
	"github.com/wanledger/wanledger/internal/gm"
)

// TagActivity tags what a holder signs to list the activity about their
// licences at a gateway.
const TagActivity = "wanledger/holder-activity/v1"

// ActivityBytes is what a holder signs to answer a gateway's challenge:
//
//	list(string TagActivity, string challenge, string audience, list(string licenceID...))
func ActivityBytes(challenge, audience string, licences []string) ([]byte, error) {
	return encode(func(l *canon.Encoder) {
		l.String(TagActivity).String(challenge).String(audience)
		l.List(func(ids *canon.Encoder) {
			for _, id := range licences {
				ids.String(id)
			}
		})
	})
}

// SignActivity signs a challenge with the holder's key (DER signature).
func SignActivity(key *gm.PrivateKey, challenge, audience string, licences []string) ([]byte, error) {
	b, err := ActivityBytes(challenge, audience, licences)
	if err != nil {
		return nil, err
	}
	return key.Sign(b)
}
