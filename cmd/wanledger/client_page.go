package main

import (
	"context"
	"fmt"
	"strconv"

	"github.com/spf13/cobra"
	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/apiclient"
	"github.com/wanledger/wanledger/api/record"
)

// maxPages bounds --all, against a gateway that never ends a listing.
const maxPages = 100000

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
// page (no bookmark) at the last page's height.
func followPages[T any](first *api.Read[record.Page[T]], next func(cursor string) (*api.Read[record.Page[T]], error)) (*api.Read[record.Page[T]], error) {
	all := *first
	seen := map[string]bool{}
	for cur := first.Data.Bookmark; cur != ""; {
		if seen[cur] || len(seen) >= maxPages {
			return nil, fmt.Errorf("the gateway repeats cursor %q; stopping after %d pages", cur, len(seen)+1)
		}
		seen[cur] = true
		page, err := next(cur)
		if err != nil {
			return nil, fmt.Errorf("page %d: %w", len(seen)+1, err)
		}
		all.Data.Items = append(all.Data.Items, page.Data.Items...)
		all.BlockHeight, all.Source = page.BlockHeight, page.Source
		cur = page.Data.Bookmark
	}
	all.Data.Bookmark = ""
	return &all, nil
}
