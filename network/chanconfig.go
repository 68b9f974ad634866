package network

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"google.golang.org/protobuf/proto"
)

// A channel's configuration is read and changed as Fabric's documentation
// does it (docs/operations.md): the latest configuration block fetched
// from an orderer, decoded by configtxlator into the JSON mapping of
// common.Config, edited, and the difference computed by configtxlator's
// compute_update; the update is signed by the admins its modification
// policy needs, one after the other (peer channel signconfigtx), and
// submitted by the last (peer channel update).

// configChange is one change of a channel's configuration.
type configChange struct {
	channel string
	// reader is the organisation whose admin fetches the configuration.
	reader string
	// done tells whether the configuration has the change already.
	done func(cfg map[string]any) bool
	// apply makes the change on the configuration.
	apply func(cfg map[string]any) error
	// signers are the organisations whose admins sign the update, in
	// order; the last submits it.
	signers func(cfg map[string]any) ([]string, error)
}

// changeConfig makes a change unless the channel's configuration has it,
// and waits until the orderers' configuration shows it. It reports
// whether it submitted the update. An update the orderers refuse may be
// one that an interrupted run submitted and that took effect meanwhile:
// the configuration, read again, tells.
func (nw *Network) changeConfig(ctx context.Context, c configChange) (bool, error) {
	dir := nw.Home.Path("config", "update")
	if err := os.RemoveAll(dir); err != nil {
		return false, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return false, err
	}
	defer os.RemoveAll(dir)
	cfg, err := nw.fetchConfig(ctx, dir, c.channel, c.reader)
	if err != nil || c.done(cfg) {
		return false, err
	}
	signers, err := c.signers(cfg)
	if err != nil {
		return false, err
	}
	original, err := json.Marshal(cfg)
	if err != nil {
		return false, err
	}
	if err := c.apply(cfg); err != nil {
		return false, err
	}
	updated, err := json.Marshal(cfg)
	if err != nil {
		return false, err
	}
	env, err := nw.configUpdateEnvelope(ctx, dir, c.channel, original, updated)
	if err != nil {
		return false, err
	}
	submitErr := nw.signAndSubmit(ctx, env, c.channel, signers)
	wait := 30 * time.Second
	if submitErr != nil {
		wait = 5 * time.Second
	}
	if err := nw.waitConfig(ctx, dir, c, wait); err != nil {
		return false, errors.Join(submitErr, err)
	}
	if submitErr != nil {
		nw.detail("%s: the update was refused, but an earlier one made the change (%v)", c.channel, submitErr)
	} else {
		nw.detail("%s: update signed by the admins of %s, submitted by %s's", c.channel, strings.Join(signers, ", "), signers[len(signers)-1])
	}
	return true, nil
}

// waitConfig waits until the orderers' configuration has the change.
func (nw *Network) waitConfig(ctx context.Context, dir string, c configChange, wait time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	for {
		cfg, err := nw.fetchConfig(ctx, dir, c.channel, c.reader)
		if err == nil && c.done(cfg) {
			return nil
		}
		select {
		case <-ctx.Done():
			if err == nil {
				err = errors.New("the update is not in the configuration")
			}
			return fmt.Errorf("channel %s after %s: %w", c.channel, wait, err)
		case <-time.After(500 * time.Millisecond):
		}
	}
}

// fetchConfig returns the channel's configuration, from the latest
// configuration block of the first orderer that serves it, read as org's
// admin.
func (nw *Network) fetchConfig(ctx context.Context, dir, channel, org string) (map[string]any, error) {
	block := filepath.Join(dir, "config_block.pb")
	var errs []error
	for _, ord := range nw.Topo.NodesOf(KindOrderer) {
		_, err := nw.peerCLI(ctx, org, "channel", "fetch", "config", block, "-c", channel,
			"-o", ord.ListenAddr(), "--tls", "--cafile", nw.Home.NodeTLS(ord).CA)
		if err == nil {
			errs = nil
			break
		}
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	out, err := nw.fabric(ctx, nil, "configtxlator", "proto_decode", "--input", block, "--type", "common.Block")
	if err != nil {
		return nil, err
	}
	var b struct {
		Data struct {
			Data []struct {
				Payload struct {
					Data struct {
						Config map[string]any `json:"config"`
					} `json:"data"`
				} `json:"payload"`
			} `json:"data"`
		} `json:"data"`
	}
	if err := decodeJSON([]byte(out), &b); err != nil || len(b.Data.Data) != 1 || b.Data.Data[0].Payload.Data.Config == nil {
		return nil, fmt.Errorf("the configuration block of %s does not decode as one: %v", channel, err)
	}
	return b.Data.Data[0].Payload.Data.Config, nil
}

// decodeJSON decodes keeping numbers as written (json.Number), so that
// what is not changed is encoded back unchanged.
func decodeJSON(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	return dec.Decode(v)
}

// object returns the JSON object under the keys, nil if there is none.
func object(m map[string]any, keys ...string) map[string]any {
	for _, k := range keys {
		next, ok := m[k].(map[string]any)
		if !ok {
			return nil
		}
		m = next
	}
	return m
}

// applicationOrgs are the configuration's application organisations, by
// MSP ID.
func applicationOrgs(cfg map[string]any) map[string]any {
	return object(cfg, "channel_group", "groups", "Application", "groups")
}

// configUpdateEnvelope computes the update from original to updated
// (configtxlator compute_update) and wraps it in the envelope that is
// signed and submitted.
func (nw *Network) configUpdateEnvelope(ctx context.Context, dir, channel string, original, updated []byte) (string, error) {
	var pbs []string
	for i, cfg := range [][]byte{original, updated} {
		name := filepath.Join(dir, []string{"original", "updated"}[i])
		if err := os.WriteFile(name+".json", cfg, 0o600); err != nil {
			return "", err
		}
		if _, err := nw.fabric(ctx, nil, "configtxlator", "proto_encode", "--input", name+".json", "--type", "common.Config", "--output", name+".pb"); err != nil {
			return "", err
		}
		pbs = append(pbs, name+".pb")
	}
	update := filepath.Join(dir, "update.pb")
	if _, err := nw.fabric(ctx, nil, "configtxlator", "compute_update", "--channel_id", channel,
		"--original", pbs[0], "--updated", pbs[1], "--output", update); err != nil {
		return "", err
	}
	u, err := os.ReadFile(update)
	if err != nil {
		return "", err
	}
	env, err := envelopeOf(channel, u)
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, "update_envelope.pb")
	return path, os.WriteFile(path, env, 0o600)
}

// envelopeOf wraps a marshalled common.ConfigUpdate in an unsigned
// CONFIG_UPDATE envelope of the channel.
func envelopeOf(channel string, update []byte) ([]byte, error) {
	data, err := proto.Marshal(&common.ConfigUpdateEnvelope{ConfigUpdate: update})
	if err != nil {
		return nil, err
	}
	header, err := proto.Marshal(&common.ChannelHeader{Type: int32(common.HeaderType_CONFIG_UPDATE), ChannelId: channel})
	if err != nil {
		return nil, err
	}
	payload, err := proto.Marshal(&common.Payload{Header: &common.Header{ChannelHeader: header}, Data: data})
	if err != nil {
		return nil, err
	}
	return proto.Marshal(&common.Envelope{Payload: payload})
}

// signAndSubmit has each signer's admin sign the update in turn and the
// last submit it to the first orderer that takes it.
func (nw *Network) signAndSubmit(ctx context.Context, env, channel string, signers []string) error {
	if len(signers) == 0 {
		return errors.New("no admin to sign the configuration update")
	}
	for _, s := range signers[:len(signers)-1] {
		if _, err := nw.peerCLI(ctx, s, "channel", "signconfigtx", "-f", env); err != nil {
			return fmt.Errorf("%s's admin signing: %w", s, err)
		}
	}
	last := signers[len(signers)-1]
	var errs []error
	for _, ord := range nw.Topo.NodesOf(KindOrderer) {
		_, err := nw.peerCLI(ctx, last, "channel", "update", "-f", env, "-c", channel,
			"-o", ord.ListenAddr(), "--tls", "--cafile", nw.Home.NodeTLS(ord).CA)
		if err == nil {
			return nil
		}
		errs = append(errs, fmt.Errorf("%s's admin submitting: %w", last, err))
	}
	return errors.Join(errs...)
}

// adminMajority returns the organisations whose admins sign an update
// that the channel's application admins (MAJORITY Admins) must approve:
// enough of the channel's members in the configuration, in the
// topology's order, leaving out the one named by except.
func (nw *Network) adminMajority(cfg map[string]any, channel, except string) ([]string, error) {
	orgs := applicationOrgs(cfg)
	need := len(orgs)/2 + 1
	c, _ := nw.Topo.Channel(channel)
	var out []string
	for _, m := range c.Members {
		o, _ := nw.Topo.Org(m)
		if _, in := orgs[o.MSPID]; in && o.Name != except && len(out) < need {
			out = append(out, o.Name)
		}
	}
	if len(out) < need {
		return nil, fmt.Errorf("channel %s: %d admins must sign, the topology has %d of its organisations", channel, need, len(out))
	}
	return out, nil
}
