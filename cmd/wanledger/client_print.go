package main

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/wanledger/wanledger/api"
)

// printHuman prints an answer as tables: its envelope (height, transaction)
// first, then its data: a list of rows or a record of fields.
func printHuman(w io.Writer, raw json.RawMessage) error {
	var top map[string]any
	if err := json.Unmarshal(raw, &top); err != nil {
		var list []any
		if json.Unmarshal(raw, &list) == nil {
			tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
			printRows(tw, list)
			return tw.Flush()
		}
		_, err := fmt.Fprintln(w, string(raw))
		return err
	}
	if _, ok := top["checks"]; ok {
		return printVerdict(w, raw)
	}
	data, hasData := top["data"]
	if !hasData {
		data = top // a key, for one, has no envelope
	}
	shown := map[string]any{} // the envelope's fields, printed first
	for _, k := range []string{"blockHeight", "source", "txId", "blockNumber"} {
		if v, ok := top[k]; ok && hasData {
			fmt.Fprintf(w, "%s: %v\n", k, v)
			shown[k] = v
		}
	}
	if r, ok := top["relayedFrom"]; ok && hasData {
		var from api.Relayed
		if b, err := json.Marshal(r); err == nil && json.Unmarshal(b, &from) == nil {
			fmt.Fprintln(w, relayedLine(&from))
		}
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	switch d := data.(type) {
	case map[string]any:
		if items, ok := d["items"].([]any); ok {
			printRows(tw, items)
			if b, _ := d["bookmark"].(string); b != "" {
				fmt.Fprintln(tw, nextPageHint(b))
			}
		} else {
			printRecord(tw, d, shown)
		}
	case []any:
		printRows(tw, d)
	default:
		fmt.Fprintf(tw, "%v\n", d)
	}
	return tw.Flush()
}

// nextPageHint tells how to ask for the next page, with the cursor quoted
// for a POSIX shell so that the line can be pasted as it is.
func nextPageHint(cursor string) string {
	if strings.ContainsRune(cursor, 0) || !utf8.ValidString(cursor) {
		return "more: add --all (this cursor cannot be given on a command line)"
	}
	return "next page: add --cursor " + shellQuote(cursor) + " (or --all for every page)"
}

// shellQuote quotes s for a POSIX shell: as it is if it is made only of
// safe characters, else in single quotes.
func shellQuote(s string) string {
	if s != "" && !strings.ContainsFunc(s, func(r rune) bool {
		return !(r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("-_=.,:/+@%", r)))
	}) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// printVerdict prints a verification's verdict and its reasons.
func printVerdict(w io.Writer, raw json.RawMessage) error {
	var v struct {
		LicenceID   string               `json:"licenceId"`
		Valid       bool                 `json:"valid"`
		Status      string               `json:"status"`
		At          string               `json:"at"`
		BlockHeight uint64               `json:"blockHeight"`
		Source      string               `json:"source"`
		Stale       bool                 `json:"stale"`
		RelayedFrom *api.Relayed         `json:"relayedFrom"`
		Assurance   string               `json:"assurance"`
		Disclosed   []api.DisclosedField `json:"disclosed"`
		Checks      []struct {
			Name   string `json:"name"`
			OK     bool   `json:"ok"`
			Detail string `json:"detail"`
		} `json:"checks"`
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		return err
	}
	verdict := "VALID"
	if !v.Valid {
		verdict = "NOT VALID"
	}
	fmt.Fprintf(w, "%s %s at %s (status %s; block height %d, %s", v.LicenceID, verdict, v.At, cell(v.Status), v.BlockHeight, v.Source)
	if v.Stale {
		fmt.Fprint(w, ", STALE")
	}
	fmt.Fprintln(w, ")")
	if v.RelayedFrom != nil {
		fmt.Fprintln(w, "  "+relayedLine(v.RelayedFrom))
	}
	printAssurance(w, v.Assurance, v.Disclosed)
	for _, c := range v.Checks {
		mark := "ok  "
		if !c.OK {
			mark = "FAIL"
		}
		if c.Detail != "" {
			fmt.Fprintf(w, "  %s %s: %s\n", mark, c.Name, c.Detail)
		} else {
			fmt.Fprintf(w, "  %s %s\n", mark, c.Name)
		}
	}
	return nil
}

// relayedLine says where a relayed licence came from: "relayed from
// delta, block 42, tx 5e1c…, lag 1.2s (endorsed by ...)".
func relayedLine(r *api.Relayed) string {
	lag := time.Duration(r.LagSeconds * float64(time.Second)).Round(time.Millisecond)
	return fmt.Sprintf("relayed from %s, block %d, tx %s, lag %s (endorsed by %s)", r.Channel, r.Block, r.TxID, lag, strings.Join(r.Endorsers, ", "))
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// cell renders a value in one line, shortening long ones.
func cell(v any) string {
	var s string
	switch x := v.(type) {
	case nil:
		return "-"
	case string:
		if x == "" || x == "0001-01-01T00:00:00Z" { // absent, or a zero time
			return "-"
		}
		s = x
	case map[string]any, []any:
		b, _ := json.Marshal(x)
		s = string(b)
	case float64: // a JSON number: an integer as one (23254715, not 2.3254715e+07)
		s = strconv.FormatFloat(x, 'f', -1, 64)
	default:
		s = fmt.Sprint(x)
	}
	return shorten(s, 80)
}

// shorten cuts s to at most n runes, marking the cut with "...".
func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-3]) + "..."
}
