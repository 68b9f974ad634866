package service

import (
	"reflect"
	"strconv"
	"testing"

	"github.com/wanledger/wanledger/api"
)

// The bounds a batch's items are held to are the ones the single
// request's schema publishes.
func TestPresentationBoundsAreTheSchemas(t *testing.T) {
	want := map[string][2]int{
		"Presentation": {1, api.MaxPresentationLen},
		"Nonce":        {api.MinNonceLen, api.MaxNonceLen},
		"Audience":     {0, api.MaxAudienceLen},
		"Purpose":      {0, 32}, // and a code the gateway knows
	}
	ty := reflect.TypeFor[api.PresentationRequest]()
	for i := range ty.NumField() {
		f := ty.Field(i)
		w, ok := want[f.Name]
		if !ok {
			t.Errorf("field %s: no bound checked", f.Name)
			continue
		}
		minLen, _ := strconv.Atoi(f.Tag.Get("minLength"))
		maxLen, _ := strconv.Atoi(f.Tag.Get("maxLength"))
		if [2]int{minLen, maxLen} != w {
			t.Errorf("field %s: schema %d..%d, checked %d..%d", f.Name, minLen, maxLen, w[0], w[1])
		}
	}
}
