package main

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/wanledger/wanledger/api/record"
)

// printRecord prints a record as field: value lines, leaving out the
// fields its envelope printed already with the same value. A list of
// objects (a type's field schema, a licence's field digests) prints one
// object a line, in full.
func printRecord(tw io.Writer, m, envelope map[string]any) {
	for _, k := range sortedKeys(m) {
		if v, ok := envelope[k]; ok && fmt.Sprint(v) == fmt.Sprint(m[k]) {
			continue
		}
		list, isList := m[k].([]any)
		if len(list) == 0 || !isObject(list[0]) {
			v := cell(m[k])
			if isList && len(list) > 0 {
				v = tableCell(list) // a list of names or values: comma-separated
			}
			if str, ok := m[k].(string); ok && str != "" {
				v = str // one value a line: whole, to be pasted (a client ID, a digest)
			}
			fmt.Fprintf(tw, "%s:\t%s\n", k, v)
			continue
		}
		fmt.Fprintf(tw, "%s:\t(%d)\n", k, len(list))
		for _, it := range list {
			o, _ := it.(map[string]any)
			var parts []string
			for _, f := range sortedKeys(o) {
				if f != "name" {
					parts = append(parts, f+"="+cell(o[f]))
				}
			}
			name := "-"
			if n, ok := o["name"]; ok {
				name = cell(n)
			}
			fmt.Fprintf(tw, "  %s\t%s\n", name, strings.Join(parts, " "))
		}
	}
}

func isObject(v any) bool {
	_, ok := v.(map[string]any)
	return ok
}

// tableColumns are the columns a listing shows after its ID, in this
// order, those its rows have: what tells rows apart. Digests, keys,
// signatures, histories and bookkeeping stay out (--json has them all),
// so that a row fits about 120 columns.
var tableColumns = []string{"time", "kind", "name", "type", "agencyId", "region", "identity", "roles",
	"origin", "target", "serviceItem", "owner", "requester", "datasetId", "fields", "purpose", "reason",
	"uses", "maxUses", "status", "overdue", "deadline", "validTo", "at", "description",
	"rows", "bytes", "importedAt", "generation"}

// idColumns are the fields that identify a row, the first one the rows
// have: a listing's first column (a licence version's is its transaction).
var idColumns = []string{"id", "code", "txId"}

// maxTableCell is the most runes of a table cell but the ID's.
const maxTableCell = 30

// printRows prints a list of objects as a table of tableColumns; a nested
// object's status (a licence version's) shows as the row's status.
func printRows(tw io.Writer, items []any) {
	if len(items) == 0 {
		fmt.Fprintln(tw, "(none)")
		return
	}
	if !isObject(items[0]) {
		for _, it := range items {
			fmt.Fprintln(tw, cell(it))
		}
		return
	}
	rows := make([]map[string]any, len(items))
	for i, it := range items {
		m, _ := it.(map[string]any)
		row := map[string]any{}
		if st := authorizationStatus(m, time.Now()); st != "" {
			row["status"] = st
		}
		for k, v := range m {
			if o, nested := v.(map[string]any); nested {
				if st, ok := o["status"]; ok && m["status"] == nil {
					row["status"] = st
				}
				continue
			}
			row[k] = v
		}
		rows[i] = row
	}
	has := func(c string) bool {
		return slices.ContainsFunc(rows, func(r map[string]any) bool { _, ok := r[c]; return ok })
	}
	var cols []string
	for _, c := range idColumns {
		if has(c) {
			cols = append(cols, c)
			break
		}
	}
	for _, c := range tableColumns {
		if has(c) {
			cols = append(cols, c)
		}
	}
	if len(cols) == 0 { // no known column: every one
		seen := map[string]any{}
		for _, r := range rows {
			for k, v := range r {
				seen[k] = v
			}
		}
		cols = sortedKeys(seen)
	}
	fmt.Fprintln(tw, strings.ToUpper(strings.Join(cols, "\t")))
	shortened := false
	for _, r := range rows {
		var line []string
		for i, c := range cols {
			v := tableCell(r[c])
			if i > 0 {
				v = shorten(v, maxTableCell)
			} else if isLongHex(v) {
				v, shortened = v[:12]+"…", true
			}
			line = append(line, v)
		}
		fmt.Fprintln(tw, strings.Join(line, "\t"))
	}
	if shortened {
		fmt.Fprintln(tw, "(IDs shortened; --json shows them in full)")
	}
}

// isLongHex tells a transaction ID or digest: 64 hex digits.
func isLongHex(s string) bool {
	return len(s) == 64 && strings.Trim(s, "0123456789abcdef") == ""
}

// tableCell renders a value for a table: a time in UTC to the minute, a
// list as its elements' names (objects) or values, comma-separated.
func tableCell(v any) string {
	if s, ok := v.(string); ok {
		if t, err := time.Parse(time.RFC3339, s); err == nil && !t.IsZero() {
			return t.UTC().Format("2006-01-02 15:04Z")
		}
	}
	list, ok := v.([]any)
	if !ok {
		return cell(v)
	}
	var parts []string
	for _, it := range list {
		if o, ok := it.(map[string]any); ok {
			it = o["name"]
		}
		parts = append(parts, cell(it))
	}
	if len(parts) == 0 {
		return "-"
	}
	return strings.Join(parts, ",")
}

// authorizationStatus is an authorization's status at t, from its record
// as the ledger's access check reads it: revoked, not yet valid, expired
// (its window is [validFrom, validTo)), exhausted (maxUses used), else
// active; "" for a row that is not an authorization (none has grantedBy).
func authorizationStatus(m map[string]any, t time.Time) string {
	if _, ok := m["grantedBy"]; !ok || m["status"] != nil {
		return ""
	}
	var a record.Authorization
	if b, err := json.Marshal(m); err != nil || json.Unmarshal(b, &a) != nil {
		return ""
	}
	switch {
	case a.Revocation != nil:
		return "revoked"
	case t.Before(a.ValidFrom):
		return "not yet valid"
	case !t.Before(a.ValidTo):
		return "expired"
	case a.MaxUses > 0 && a.Uses >= a.MaxUses:
		return "exhausted"
	}
	return "active"
}
