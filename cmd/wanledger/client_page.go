package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/spf13/cobra"
	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/apiclient"
	"github.com/wanledger/wanledger/api/record"
)

// Bounds of --all (docs/cli.md), against a gateway that never ends a
// listing or sends huge pages: the pages followed, the items kept and the
// JSON bytes of the pages followed.
const (
	maxPages    = 10000
	maxAllItems = 100000
	maxAllBytes = 64 << 20
)

// param is a query parameter of a listing, set by the flag of its name.
type param struct {
	name, usage, def string
	required         bool
}

// pageCommand lists one page, or with --all every page, of a listing whose
// parameters are flags; --limit and --cursor select the page.
func pageCommand[T any](o *clientOptions, use, short string, params []param,
	fetch func(context.Context, *apiclient.Client, map[string]string, apiclient.Paging) (*api.Read[record.Page[T]], error)) *cobra.Command {
	var limit int
	var cursor string
	var all bool
	c := &cobra.Command{Use: use, Short: short, Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if limit < 0 || limit > record.MaxPageSize {
				return usagef("--limit %d: want 1 to %d (0: the gateway's default)", limit, record.MaxPageSize)
			}
			if all && cursor != "" {
				return usagef("give --all or --cursor, not both")
			}
			vals := map[string]string{}
			for _, p := range params {
				v, err := cmd.Flags().GetString(p.name)
				if err != nil {
					return err
				}
				vals[p.name] = v
			}
			return run(o, cmd, func(c *apiclient.Client, ctx context.Context) (*api.Read[record.Page[T]], error) {
				page, err := fetch(ctx, c, vals, apiclient.Paging{Limit: limit, Cursor: cursor})
				if err != nil || !all {
					return page, err
				}
				return followPages(page, func(cur string) (*api.Read[record.Page[T]], error) {
					return fetch(ctx, c, vals, apiclient.Paging{Limit: limit, Cursor: cur})
				})
			})
		}}
	for _, p := range params {
		c.Flags().String(p.name, p.def, p.usage)
		if p.required {
			c.MarkFlagRequired(p.name) //nolint:errcheck // the flag exists
		}
	}
	c.Flags().IntVar(&limit, "limit", 0, "page size, 1 to "+strconv.Itoa(record.MaxPageSize)+" (default: the gateway's)")
	c.Flags().StringVar(&cursor, "cursor", "", "the next page's cursor, as the previous page printed it")
	c.Flags().BoolVar(&all, "all", false, "follow every page and print them as one list")
	return c
}

// followPages fetches the pages after first and returns them all as one
// page (no bookmark) at the last page's height. It stops with an error at a
// repeated cursor, a page of more than record.MaxPageSize items, or past
// maxPages pages, maxAllItems items or maxAllBytes bytes.
func followPages[T any](first *api.Read[record.Page[T]], next func(cursor string) (*api.Read[record.Page[T]], error)) (*api.Read[record.Page[T]], error) {
	all := *first
	all.Data.Items = nil
	seen := map[string]bool{}
	var size int
	for page, n := first, 1; ; n++ {
		if len(page.Data.Items) > record.MaxPageSize {
			return nil, fmt.Errorf("page %d has %d items, more than a gateway sends (%d)", n, len(page.Data.Items), record.MaxPageSize)
		}
		b, err := json.Marshal(page.Data)
		if err != nil {
			return nil, err
		}
		size += len(b)
		if len(all.Data.Items)+len(page.Data.Items) > maxAllItems || size > maxAllBytes || n > maxPages {
			return nil, fmt.Errorf("--all stops at page %d: the listing is larger than --all follows (%d items, %d MiB, %d pages); "+
				"page through it with --limit and --cursor instead", n, maxAllItems, maxAllBytes>>20, maxPages)
		}
		all.Data.Items = append(all.Data.Items, page.Data.Items...)
		all.BlockHeight, all.Source = page.BlockHeight, page.Source
		cur := page.Data.Bookmark
		if cur == "" {
			break
		}
		if seen[cur] {
			return nil, fmt.Errorf("the gateway repeats cursor %q; stopping after %d pages", cur, n)
		}
		seen[cur] = true
		if page, err = next(cur); err != nil {
			return nil, fmt.Errorf("page %d: %w", n+1, err)
		}
	}
	all.Data.Bookmark = ""
	return &all, nil
}
