package baseline

import (
	"strings"
	"testing"
	"time"

	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/chaincode/fakestub"
)

func TestPutWritesOneKeyBlind(t *testing.T) {
	l := fakestub.New("anhui")
	id, err := fakestub.NewIdentity("HefeiMSP", "User2", false)
	if err != nil {
		t.Fatal(err)
	}
	tx := l.Begin(id.Serialize(), time.Now(), record.BaselinePut, "bench-1", "value")
	if r := (Chaincode{}).Invoke(tx); r.Status != 200 {
		t.Fatalf("Put: %d %s", r.Status, r.Message)
	}
	if err := tx.Commit("HefeiMSP", "WuhuMSP"); err != nil {
		t.Fatal(err)
	}
	if got := string(l.Get("bench-1")); got != "value" {
		t.Errorf("state holds %q", got)
	}
	if w := tx.Writes(); len(w) != 1 || tx.EventCount() != 0 {
		t.Errorf("writes %v, %d events; want one key and no event", w, tx.EventCount())
	}
}

func TestPutRefusesWhatIsNotAKeyAndAValue(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code record.Code
	}{
		{"another function", []string{"Get", "k"}, record.CodeInvalidArgument},
		{"no value", []string{record.BaselinePut, "k"}, record.CodeInvalidArgument},
		{"a key that is no ID", []string{record.BaselinePut, "a/b", "v"}, record.CodeInvalidArgument},
		{"an empty key", []string{record.BaselinePut, "", "v"}, record.CodeInvalidArgument},
		{"a value too large", []string{record.BaselinePut, "k", strings.Repeat("x", record.MaxBaselineValue+1)}, record.CodeTooLarge},
	}
	l := fakestub.New("anhui")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := (Chaincode{}).Invoke(l.Begin(nil, time.Now(), tt.args...))
			if r.Status == 200 || !strings.HasPrefix(r.Message, string(tt.code)+": ") {
				t.Errorf("%d %q, want a refusal %s", r.Status, r.Message, tt.code)
			}
		})
	}
}
