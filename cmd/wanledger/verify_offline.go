package main

import (
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/wanledger/wanledger/internal/presentation"
	"github.com/wanledger/wanledger/internal/snapshot"
	"github.com/wanledger/wanledger/network"
)

// offlineFlags are verify's --offline SNAPSHOT and what goes with it.
type offlineFlags struct {
	file, audience, ca, msp string
	acceptStale             bool
}

func (f *offlineFlags) register(verify *cobra.Command) {
	fl := verify.Flags()
	fl.StringVar(&f.file, "offline", "", "verify --presentation with no network against this snapshot file (wanledger snapshot save)")
	fl.StringVar(&f.audience, "audience", "", "with --offline: this verifier's name, as the holder was told")
	fl.StringVar(&f.msp, "msp", "", "with --offline: the MSP ID of the organisation trusted to sign the snapshot (required; a member of the snapshot's channel)")
	fl.StringVar(&f.ca, "ca", "", "with --offline: PEM CA certificate(s) of that organisation (default: its MSP in the run directory's crypto material)")
	fl.BoolVar(&f.acceptStale, "accept-stale", false, "with --offline: accept a snapshot older than its licence type's freshness limit (the verdict still says stale)")
}

// verifyOffline checks a presentation against a snapshot file with no
// network, judged at --at (default now): exit 0 VALID, 3 NOT VALID or
// refused.
func (o *clientOptions) verifyOffline(cmd *cobra.Command, args []string, off offlineFlags, p presentationFlags, at string) error {
	switch {
	case len(args) > 0:
		return usagef("--offline verifies a --presentation, not a licence ID")
	case p.text == "" || p.nonce == "" || off.audience == "":
		return usagef("--offline needs --presentation, --nonce (the one this verifier gave the holder) and --audience")
	case off.msp == "":
		return usagef("--offline needs --msp: the organisation trusted to sign the snapshot")
	}
	now, err := parseTime("at", at)
	if err != nil {
		return err
	}
	if now.IsZero() {
		now = time.Now()
	}
	text, err := p.read(cmd)
	if err != nil {
		return err
	}
	data, err := readInput(cmd, off.file, snapshot.MaxFile)
	if err != nil {
		return err
	}
	trust, err := o.trust(cmd, off)
	if err != nil {
		return usageErr(err)
	}
	snap, err := snapshot.ParseAt(data, trust, now)
	if err != nil {
		return &exitErr{code: exitNotValid, err: fmt.Errorf("snapshot %s refused: %w", off.file, err)}
	}
	v, err := snap.Check(text, presentation.Expect{Nonce: p.nonce, Audience: off.audience, Now: now}, off.acceptStale)
	if err != nil {
		return &exitErr{code: exitNotValid, err: fmt.Errorf("presentation refused: %w", err)}
	}
	if o.asJSON {
		if err := writeJSON(cmd.OutOrStdout(), v); err != nil {
			return err
		}
	} else {
		printOffline(cmd.OutOrStdout(), v)
	}
	if !v.Valid {
		return notValid(v.LicenceID, false)
	}
	return nil
}

// trust is whom --offline trusts: the organisation --msp names, its CA
// certificates (--ca, else its MSP in the run directory) and the channels
// the run directory's topology makes it a member of (with --ca and no run
// directory, the default topology's).
func (o *clientOptions) trust(cmd *cobra.Command, off offlineFlags) (snapshot.Trust, error) {
	home, topo, err := o.net.resolve(false)
	if errors.Is(err, network.ErrNoNetwork) && off.ca != "" {
		topo, err = network.Default(), nil
	}
	if err != nil {
		return snapshot.Trust{}, err
	}
	org, ok := topo.Org(off.msp)
	if !ok || org.MSPID != off.msp {
		return snapshot.Trust{}, fmt.Errorf("--msp %s: no such organisation in the topology", off.msp)
	}
	t := snapshot.Trust{MSPID: org.MSPID, Channels: []string{}}
	for _, c := range topo.ChannelsOf(org.Name) {
		t.Channels = append(t.Channels, c.Name)
	}
	if off.ca != "" {
		pool, err := caPool(cmd, off.ca)
		t.Roots = pool
		return t, err
	}
	dir := filepath.Join(network.Home(home).OrgMSP(org), "cacerts")
	entries, err := os.ReadDir(dir)
	if err != nil {
		return t, fmt.Errorf("%v; give --ca", err)
	}
	t.Roots = x509.NewCertPool()
	for _, e := range entries {
		if err := addPEM(cmd, t.Roots, filepath.Join(dir, e.Name())); err != nil {
			return t, err
		}
	}
	return t, nil
}

func caPool(cmd *cobra.Command, file string) (*x509.CertPool, error) {
	pool := x509.NewCertPool()
	return pool, addPEM(cmd, pool, file)
}

func addPEM(cmd *cobra.Command, pool *x509.CertPool, file string) error {
	b, err := readInput(cmd, file, 1<<20)
	if err != nil {
		return err
	}
	if !pool.AppendCertsFromPEM(b) {
		return fmt.Errorf("%s holds no PEM certificate", file)
	}
	return nil
}

// printOffline prints an offline verdict, its snapshot's age and checks.
func printOffline(w io.Writer, v snapshot.Verdict) {
	verdict := "VALID"
	if !v.Valid {
		verdict = "NOT VALID"
	}
	fmt.Fprintf(w, "%s %s offline (status %s)\n", v.LicenceID, verdict, cell(string(v.Status)))
	stale := ""
	if v.Stale {
		stale = ", STALE"
	}
	fmt.Fprintf(w, "  snapshot of %s at block %d, signed by %s, built %s: %s old (limit %s%s)\n", v.SnapshotChannel, v.BlockHeight, v.SnapshotMSPID,
		v.SnapshotBuiltAt.Format(time.RFC3339), time.Duration(v.AgeSeconds)*time.Second, time.Duration(v.FreshnessLimit)*time.Second, stale)
	if v.RelayedFrom != "" {
		fmt.Fprintf(w, "  relayed from %s\n", v.RelayedFrom)
	}
	for _, c := range v.Checks {
		mark := "ok  "
		switch {
		case c.Name == snapshot.CheckFresh && v.StaleAccepted:
			mark = "STALE"
			c.Name += " (accepted by --accept-stale)"
		case !c.OK:
			mark = "FAIL"
		}
		line := "  " + mark + " " + c.Name
		if c.Detail != "" {
			line += ": " + c.Detail
		}
		fmt.Fprintln(w, line)
	}
	for _, d := range v.Disclosed {
		fmt.Fprintf(w, "  disclosed %s: %s\n", d.Name, strings.Map(noControl, d.Value))
	}
}

func noControl(r rune) rune {
	if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
		return '\uFFFD'
	}
	return r
}
