package gateway

import (
	"encoding/json"
	"net/http"
	"slices"
	"sort"
	"strings"
	"testing"
)

// The OpenAPI document names its server, describes every operation and
// every property of every schema, and lists each operation's 4XX answers
// with the error schema.
func TestTheOpenAPIDocumentDescribesEverything(t *testing.T) {
	w := newWorld(t)
	st, b := w.call("", http.MethodGet, "/v1/openapi.json", nil, nil)
	if st != http.StatusOK {
		t.Fatalf("%d %s", st, b)
	}
	var doc struct {
		Servers []struct{ URL string }
		Paths   map[string]map[string]struct {
			OperationID string
			Description string
			Responses   map[string]struct {
				Content map[string]struct {
					Schema struct {
						Ref string `json:"$ref"`
					}
				}
			}
		}
		Components struct {
			Schemas map[string]struct {
				Properties map[string]struct{ Description string }
			}
		}
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Servers) != 1 || doc.Servers[0].URL != "http://gateway.test" {
		t.Errorf("servers: %+v", doc.Servers)
	}
	var missing []string
	ops := 0
	for path, item := range doc.Paths {
		for method, op := range item {
			ops++
			name := strings.ToUpper(method) + " " + path
			if op.Description == "" {
				missing = append(missing, name+": no description")
			}
			for _, code := range []string{"400", "401", "403", "404"} {
				r, ok := op.Responses[code]
				if !ok || r.Content["application/json"].Schema.Ref != "#/components/schemas/Error" {
					missing = append(missing, name+": no "+code+" answer with the Error schema")
				}
			}
		}
	}
	for name, s := range doc.Components.Schemas {
		for prop, p := range s.Properties {
			if p.Description == "" {
				missing = append(missing, "schema "+name+"."+prop+": no description")
			}
		}
	}
	sort.Strings(missing)
	for _, m := range missing {
		t.Error(m)
	}
	if ops < 43 {
		t.Errorf("only %d operations", ops)
	}
}

// /metrics carries the Go runtime's and the process's collectors.
func TestMetricsHaveTheGoAndProcessCollectors(t *testing.T) {
	w := newWorld(t)
	resp, err := http.Get(w.srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b strings.Builder
	buf := make([]byte, 32<<10)
	for {
		n, err := resp.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			break
		}
	}
	for _, m := range []string{"go_goroutines", "go_memstats_heap_alloc_bytes", "process_resident_memory_bytes", "process_cpu_seconds_total"} {
		if !strings.Contains(b.String(), "\n"+m+" ") {
			t.Errorf("/metrics lacks %s", m)
		}
	}
}

// Verdicts and licence reads describe where a relayed licence came from,
// as an optional relayedFrom, so that earlier answers stay valid.
func TestTheOpenAPIDocumentDescribesRelayedLicences(t *testing.T) {
	w := newWorld(t)
	var doc struct {
		Paths map[string]map[string]struct {
			Responses map[string]struct {
				Content map[string]struct {
					Schema struct {
						Ref string `json:"$ref"`
					}
				}
			}
		}
		Components struct {
			Schemas map[string]struct {
				Required   []string
				Properties map[string]struct {
					Ref string `json:"$ref"`
				}
			}
		}
	}
	w.must("", http.MethodGet, "/v1/openapi.json", nil, &doc)
	for _, op := range []struct{ path, method string }{{"/v1/licences/{id}", "get"}, {"/v1/licences/{id}/status", "get"}, {"/v1/verify", "post"}} {
		ref := doc.Paths[op.path][op.method].Responses["200"].Content["application/json"].Schema.Ref
		s := doc.Components.Schemas[strings.TrimPrefix(ref, "#/components/schemas/")]
		if s.Properties["relayedFrom"].Ref != "#/components/schemas/Relayed" || slices.Contains(s.Required, "relayedFrom") {
			t.Errorf("%s %s: %s has no optional relayedFrom: %+v", op.method, op.path, ref, s)
		}
		if _, ok := s.Properties["source"]; !ok {
			t.Errorf("%s %s: %s lost its source", op.method, op.path, ref)
		}
	}
	relayed := doc.Components.Schemas["Relayed"]
	for _, p := range []string{"channel", "block", "txId", "endorsers", "changedAt", "relayedAt", "relayTxId", "lagSeconds"} {
		if _, ok := relayed.Properties[p]; !ok {
			t.Errorf("Relayed lacks %s", p)
		}
	}
}
