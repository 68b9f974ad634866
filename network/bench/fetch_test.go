package bench

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/internal/loadgen"
)

// Each authorization allows what the load plans, or what one holder could
// make in a closed loop's duration, and one first fetch off the clock.
func TestFetchUsesAreBoundedByTheLoad(t *testing.T) {
	tests := []struct {
		name string
		load loadgen.Load
		want int64
	}{
		{"a closed loop of 6 requests", loadgen.Load{Clients: 2, Duration: time.Minute, Requests: 6}, 7},
		{"an open loop of 20/s for 30 s", loadgen.Load{Clients: 8, Rate: 20, Duration: 30 * time.Second}, 601},
		{"an open loop cut at 50 requests", loadgen.Load{Clients: 8, Rate: 20, Duration: 30 * time.Second, Requests: 50}, 51},
		{"a closed loop of 10 s", loadgen.Load{Clients: 4, Duration: 10 * time.Second}, 1002},
		{"a closed loop longer than the chaincode allows uses", loadgen.Load{Clients: 4, Duration: 1 << 62}, 1_000_000_000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := fetchUses(tt.load); got != tt.want {
				t.Errorf("fetchUses = %d, want %d", got, tt.want)
			}
		})
	}
}

func TestCheckRowsWantsTheDatasetsRowsInOrder(t *testing.T) {
	want := fetchRows()
	body := func(lines ...string) string { return strings.Join(lines, "\n") + "\n" }
	rows := []string{`{"address":"长江路 1 号","members":"1"}`, `{"address":"长江路 2 号","members":"2"}`,
		`{"address":"长江路 3 号","members":"3"}`, `{"address":"长江路 4 号","members":"4"}`}
	info := api.FetchInfo{AccessID: "a1", Rows: 4}
	if err := checkRows(info, strings.NewReader(body(rows...)), want); err != nil {
		t.Fatalf("the dataset's rows: %v", err)
	}
	tests := []struct {
		name string
		info api.FetchInfo
		body string
	}{
		{"a row missing", api.FetchInfo{Rows: 3}, body(rows[:3]...)},
		{"a row more", api.FetchInfo{Rows: 5}, body(append(rows, rows[0])...)},
		{"rows out of order", info, body(rows[1], rows[0], rows[2], rows[3])},
		{"a value changed", info, body(rows[0], rows[1], rows[2], `{"address":"长江路 4 号","members":"5"}`)},
		{"a field more", info, body(rows[0], rows[1], rows[2], `{"address":"长江路 4 号","members":"4","x":"1"}`)},
		{"a line that is no JSON", info, body(rows[0], rows[1], rows[2], `{"address"`)},
		{"a header counting other rows", api.FetchInfo{Rows: 40}, body(rows...)},
		{"no rows", api.FetchInfo{}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ce *CheckError
			if err := checkRows(tt.info, strings.NewReader(tt.body), want); !errors.As(err, &ce) || ce.Code != CodeWrongRows {
				t.Errorf("checkRows = %v, want %s", err, CodeWrongRows)
			}
		})
	}
}
