package loadgen

import (
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"
)

// Ack is one write the system acknowledged: the key it wrote, its
// transaction and block, so that a check can find it on the ledger.
type Ack struct {
	Key   string `json:"key"`
	TxID  string `json:"txId"`
	Block uint64 `json:"block"`
}

// Result is what a run measured.
type Result struct {
	Requests  int `json:"requests"`  // answered or failed: Succeeded + Failed
	Succeeded int `json:"succeeded"` // answered as expected
	Failed    int `json:"failed"`    // refused, failed or timed out, by code in Errors
	// Items are what the succeeded requests carried: licences of a
	// batch, or 1 a request.
	Items int `json:"items"`
	// Elapsed runs from the run's start to its last answer.
	Elapsed time.Duration `json:"-"`
	// Latency is of the succeeded requests.
	Latency Latency        `json:"latencyMs"`
	Errors  map[string]int `json:"errors"` // failed requests by code
	// ErrorSamples holds the message of each code's first failure, cut
	// to MaxSample bytes.
	ErrorSamples map[string]string `json:"errorSamples"`
	Acks         []Ack             `json:"-"` // the writes acknowledged, in no order
}

// MaxSample bounds an error sample.
const MaxSample = 200

// Latency holds percentiles of a histogram, in milliseconds (to the
// histogram's precision: three significant digits).
type Latency struct {
	P50  float64 `json:"p50"`
	P90  float64 `json:"p90"`
	P99  float64 `json:"p99"`
	Max  float64 `json:"max"`
	Mean float64 `json:"mean"`
}

// PerSecond is the succeeded requests a second over Elapsed (0 if none).
func (r Result) PerSecond() float64 { return rate(r.Succeeded, r.Elapsed) }

// ItemsPerSecond is the items of the succeeded requests a second.
func (r Result) ItemsPerSecond() float64 { return rate(r.Items, r.Elapsed) }

func rate(n int, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(n) / d.Seconds()
}

// ErrorCodes lists the codes of Errors, most frequent first.
func (r Result) ErrorCodes() []string {
	codes := slices.Sorted(maps.Keys(r.Errors))
	slices.SortStableFunc(codes, func(a, b string) int { return r.Errors[b] - r.Errors[a] })
	return codes
}

// Histogram bounds: 1 µs to an hour, three significant digits.
const (
	lowest   = 1
	highest  = int64(time.Hour / time.Microsecond)
	sigFigs  = 3
	msPerVal = 1e-3 // a value is a microsecond
)

// recorder gathers a run's outcomes; its methods are safe for concurrent
// use.
type recorder struct {
	mu      sync.Mutex
	hist    *hdrhistogram.Histogram
	res     Result
	errors  map[string]int
	samples map[string]string
}

func newRecorder() *recorder {
	return &recorder{hist: hdrhistogram.New(lowest, highest, sigFigs), errors: map[string]int{}, samples: map[string]string{}}
}

// succeeded records an answered request: its latency, items and acks.
func (r *recorder) succeeded(latency time.Duration, items int, acks []Ack) {
	v := min(max(latency.Microseconds(), lowest), highest)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.hist.RecordValue(v) //nolint:errcheck // v is within the histogram's bounds
	r.res.Succeeded++
	r.res.Items += items
	r.res.Acks = append(r.res.Acks, acks...)
}

// failed records a failed request by its code, and the first failure's
// message of each code.
func (r *recorder) failed(code string, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.res.Failed++
	if r.errors[code]++; r.errors[code] == 1 {
		msg := err.Error()
		if len(msg) > MaxSample {
			msg = strings.ToValidUTF8(msg[:MaxSample], "")
		}
		r.samples[code] = msg
	}
}

// result is the run's result, elapsed as given.
func (r *recorder) result(elapsed time.Duration) Result {
	r.mu.Lock()
	defer r.mu.Unlock()
	res := r.res
	res.Requests = res.Succeeded + res.Failed
	res.Elapsed = elapsed
	res.Errors, res.ErrorSamples = maps.Clone(r.errors), maps.Clone(r.samples)
	res.Acks = slices.Clone(r.res.Acks)
	if r.hist.TotalCount() > 0 {
		q := r.hist.ValueAtPercentiles([]float64{50, 90, 99})
		res.Latency = Latency{P50: float64(q[50]) * msPerVal, P90: float64(q[90]) * msPerVal, P99: float64(q[99]) * msPerVal,
			Max: float64(r.hist.Max()) * msPerVal, Mean: r.hist.Mean() * msPerVal}
	}
	return res
}
