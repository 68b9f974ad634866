package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"
)

// errFileExists is the refusal to write over a file (snapshot save,
// wallet present --qr).
var errFileExists = errors.New("the file exists; remove it or name another")

// snapshotCommand is `snapshot save FILE`: download the gateway's signed
// offline snapshot.
func (o *clientOptions) snapshotCommand() *cobra.Command {
	c := &cobra.Command{Use: "snapshot", Short: "Offline snapshots: a gateway's signed registry and licence status list, for verify --offline"}
	o.register(c)
	save := &cobra.Command{Use: "save FILE", Short: "Save the gateway's signed snapshot of its channel to FILE (mode 0644; not overwritten)", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, a []string) error {
			cl, err := o.client()
			if err != nil {
				return err
			}
			data, err := cl.Snapshot(cmd.Context())
			if err != nil {
				return err
			}
			if err := createFile(a[0], data); err != nil {
				return err
			}
			_, err = fmt.Fprintf(cmd.OutOrStdout(), "saved %s (%d bytes)\n", a[0], len(data))
			return err
		}}
	c.AddCommand(save)
	return c
}
