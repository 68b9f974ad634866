package integration

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/network"
	"github.com/wanledger/wanledger/network/nettest"
)

// docBlocks returns the sh blocks of docs/operations.md between the
// "<!-- marker:begin" and "<!-- marker:end" lines.
func docBlocks(t *testing.T, marker string) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "docs", "operations.md"))
	if err != nil {
		t.Fatal(err)
	}
	var blocks, cur []string
	on, code := false, false
	for _, l := range strings.Split(string(b), "\n") {
		switch {
		case strings.HasPrefix(l, "<!-- "+marker+":begin"):
			on = true
		case strings.HasPrefix(l, "<!-- "+marker+":end"):
			on = false
		case on && !code && l == "```sh":
			code, cur = true, nil
		case on && code && l == "```":
			code = false
			blocks = append(blocks, strings.Join(cur, "\n"))
		case on && code:
			cur = append(cur, l)
		}
	}
	if len(blocks) == 0 {
		t.Fatalf("docs/operations.md has no sh block between %s:begin and %s:end", marker, marker)
	}
	return blocks
}

// shell runs a script as an operator would type it, in a new bash (errexit,
// pipefail) in dir, where bin/wanledger is this build and the run directory
// ($WANLEDGER_HOME) is the test network's.
func shell(ctx context.Context, t *testing.T, env *nettest.Env, dir, script string) (stdout, stderr string, err error) {
	t.Helper()
	bin := filepath.Join(dir, "bin", "wanledger")
	if _, err := os.Lstat(bin); err != nil {
		if err := os.MkdirAll(filepath.Dir(bin), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(env.Net.Self, bin); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.CommandContext(ctx, "bash", "-euo", "pipefail", "-c", script)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), network.EnvHome+"="+string(env.Net.Home))
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err = cmd.Run()
	return out.String(), errOut.String(), err
}

var (
	docOrg     = regexp.MustCompile(`peer-env (\w+)\)`)
	docChannel = regexp.MustCompile(`peer chaincode invoke -C (\w+)`)
	docType    = regexp.MustCompile(`"registry:GetLicenceType","([^"]+)"`)
	docPeer    = regexp.MustCompile(`(?m)^.*--peerAddresses "\$PEER_(\w+)_ADDRESS".*\n`)
	docTxID    = regexp.MustCompile(`txId\\":\\"([0-9a-f]{64})`)
)

// TestTheDocumentedInvokeWritesOnEachChannel runs the documented `peer
// chaincode invoke ... --waitForEvent` of each channel exactly as written,
// and its query reads back the licence type it wrote. The same invoke
// endorsed by the organisation's own peer alone fails with
// ENDORSEMENT_POLICY_FAILURE under --waitForEvent, and without it "succeeds"
// while the peers invalidate it and the type keeps its value.
func TestTheDocumentedInvokeWritesOnEachChannel(t *testing.T) {
	env := nettest.Get(t)
	ctx := t.Context()
	dir := t.TempDir()
	var channels []string
	for _, block := range docBlocks(t, "invoke") {
		org, ch, code := docOrg.FindStringSubmatch(block), docChannel.FindStringSubmatch(block), docType.FindStringSubmatch(block)
		if org == nil || ch == nil || code == nil {
			t.Fatalf("a documented invoke block without peer-env, invoke -C or GetLicenceType:\n%s", block)
		}
		channels = append(channels, ch[1])
		o, ok := env.Net.Topo.Org(org[1])
		if !ok {
			t.Fatalf("the documented block acts as unknown organisation %q", org[1])
		}
		t.Run(ch[1], func(t *testing.T) {
			query := `{"Args":["registry:GetLicenceType","` + code[1] + `"]}`
			if out, err := env.PeerCLI(ctx, o.Name, nil, "chaincode", "query", "-C", ch[1], "-n", network.ChaincodeName, "-c", query); err == nil || !strings.Contains(out, string(record.CodeNotFound)) {
				t.Fatalf("type %s before the invoke: %v: %s; want NOT_FOUND", code[1], err, out)
			}
			stdout, stderr, err := shell(ctx, t, env, dir, block)
			if err != nil {
				t.Fatalf("the documented block: %v\n%s%s", err, stdout, stderr)
			}
			if n := strings.Count(stderr, "committed with status (VALID)"); n != len(docPeer.FindAllString(block, -1)) {
				t.Errorf("%d peers reported the commit, want each named one:\n%s", n, stderr)
			}
			var typ record.LicenceType
			if err := json.Unmarshal([]byte(lastLine(stdout)), &typ); err != nil {
				t.Fatalf("the documented query printed %q: %v", stdout, err)
			}
			if typ.Code != code[1] || typ.Province != o.MSPID || typ.Name == "" || typ.TxID == "" {
				t.Fatalf("read back %+v", typ)
			}

			// The organisation's own peer alone: every other --peerAddresses
			// line left out, and another name.
			alone := docPeer.ReplaceAllStringFunc(block, func(line string) string {
				if strings.Contains(line, "$PEER_"+strings.ToUpper(o.Name)+"_ADDRESS") {
					return line
				}
				return ""
			})
			alone = strings.Replace(alone, typ.Name, "changed", 1)
			if alone == block || strings.Count(alone, "--peerAddresses") != 1 {
				t.Fatalf("could not leave the other peers out of:\n%s", block)
			}
			_, stderr, err = shell(ctx, t, env, dir, alone)
			if err == nil || !strings.Contains(stderr, "ENDORSEMENT_POLICY_FAILURE") {
				t.Errorf("endorsed by %s alone, with --waitForEvent: %v\n%s", o.Name, err, stderr)
			}
			noWait := strings.Replace(alone, "  --waitForEvent \\\n", "", 1)
			if noWait == alone {
				t.Fatalf("no --waitForEvent line in:\n%s", alone)
			}
			_, stderr, err = shell(ctx, t, env, dir, noWait)
			tx := docTxID.FindStringSubmatch(stderr)
			if err != nil || !strings.Contains(stderr, "Chaincode invoke successful") || tx == nil {
				t.Fatalf("endorsed by %s alone, without --waitForEvent: %v; want the CLI's success\n%s", o.Name, err, stderr)
			}
			nettest.Eventually(t, 30*time.Second, func() error {
				code, err := txValidation(ctx, env, o.Name, ch[1], tx[1])
				if err == nil && code != peer.TxValidationCode_ENDORSEMENT_POLICY_FAILURE {
					t.Fatalf("the transaction the CLI called successful: %s", code)
				}
				return err
			})
			out, err := env.PeerCLI(ctx, o.Name, nil, "chaincode", "query", "-C", ch[1], "-n", network.ChaincodeName, "-c", query)
			var after record.LicenceType
			if err != nil || json.Unmarshal([]byte(lastLine(out)), &after) != nil || after.Name != typ.Name || after.TxID != typ.TxID {
				t.Errorf("after the invalid transaction the query reads %s, %v; want %+v unchanged", out, err, typ)
			}
		})
	}
	sort.Strings(channels)
	if !slices.Equal(channels, []string{"anhui", "delta"}) {
		t.Errorf("documented invokes on %v, want one on each of anhui and delta", channels)
	}
}

// TestTheDocumentedDiscoverAndConfigtxlatorWork runs the documented discover
// and configtxlator block: discovery lists anhui's three peers, at their
// endpoints, with the chaincode, and its three members as the endorsers of
// the chaincode, two of them in each layout; the decoded configuration block
// names the same members, whose root certificates name where each is.
func TestTheDocumentedDiscoverAndConfigtxlatorWork(t *testing.T) {
	env := nettest.Get(t)
	dir := t.TempDir()
	blocks := docBlocks(t, "ops")
	stdout, stderr, err := shell(t.Context(), t, env, dir, blocks[0])
	if err != nil {
		t.Fatalf("the documented block: %v\n%s%s", err, stdout, stderr)
	}
	dec := json.NewDecoder(strings.NewReader(stdout))
	var peers []struct {
		MSPID, Endpoint string
		LedgerHeight    int
		Chaincodes      []string
	}
	if err := dec.Decode(&peers); err != nil || len(peers) != 3 {
		t.Fatalf("discover peers printed %q: %v", stdout, err)
	}
	var peerMSPs []string
	for _, p := range peers {
		peerMSPs = append(peerMSPs, p.MSPID)
		o, _ := env.Net.Topo.Org(p.MSPID)
		if p.Endpoint != env.Net.Topo.Peer(o.Name).ListenAddr() || p.LedgerHeight < 1 || !slices.Contains(p.Chaincodes, network.ChaincodeName) {
			t.Errorf("discover peers: %+v; want its peer's address, a height and %s", p, network.ChaincodeName)
		}
	}
	if sort.Strings(peerMSPs); !slices.Equal(peerMSPs, []string{"AnhuiMSP", "HefeiMSP", "WuhuMSP"}) {
		t.Errorf("discover peers of anhui: %v", peerMSPs)
	}
	var endorsers []struct {
		Chaincode         string
		EndorsersByGroups map[string][]struct{ MSPID string }
		Layouts           []struct {
			Quantities map[string]int `json:"quantities_by_group"`
		}
	}
	if err := dec.Decode(&endorsers); err != nil || len(endorsers) != 1 {
		t.Fatalf("discover endorsers printed %q: %v", stdout, err)
	}
	var msps []string
	for _, g := range endorsers[0].EndorsersByGroups {
		for _, p := range g {
			msps = append(msps, p.MSPID)
		}
	}
	sort.Strings(msps)
	if endorsers[0].Chaincode != network.ChaincodeName || !slices.Equal(msps, []string{"AnhuiMSP", "HefeiMSP", "WuhuMSP"}) || len(endorsers[0].Layouts) == 0 {
		t.Fatalf("endorsers of %s: %v, %d layouts", endorsers[0].Chaincode, msps, len(endorsers[0].Layouts))
	}
	for _, l := range endorsers[0].Layouts {
		n := 0
		for _, q := range l.Quantities {
			n += q
		}
		if n != 2 {
			t.Errorf("a layout of %d endorsers, want a majority of anhui's 3: %v", n, l.Quantities)
		}
	}

	b, err := os.ReadFile(filepath.Join(dir, "anhui-config.json"))
	if err != nil {
		t.Fatal(err)
	}
	var block struct {
		Data struct {
			Data []struct {
				Payload struct {
					Data struct {
						Config struct {
							ChannelGroup struct {
								Groups struct {
									Application struct {
										Groups map[string]struct {
											Values struct {
												MSP struct {
													Value struct {
														Config struct {
															RootCerts []string `json:"root_certs"`
														} `json:"config"`
													} `json:"value"`
												} `json:"MSP"`
											} `json:"values"`
										} `json:"groups"`
									} `json:"Application"`
								} `json:"groups"`
							} `json:"channel_group"`
						} `json:"config"`
					} `json:"data"`
				} `json:"payload"`
			} `json:"data"`
		} `json:"data"`
	}
	if err := json.Unmarshal(b, &block); err != nil || len(block.Data.Data) != 1 {
		t.Fatalf("configtxlator's JSON: %v", err)
	}
	orgs := block.Data.Data[0].Payload.Data.Config.ChannelGroup.Groups.Application.Groups
	for _, name := range []string{"anhui", "hefei", "wuhu"} {
		o, _ := env.Net.Topo.Org(name)
		g, ok := orgs[o.MSPID]
		if !ok || len(g.Values.MSP.Value.Config.RootCerts) != 1 {
			t.Errorf("the anhui configuration lacks %s's MSP: %v", o.MSPID, slices.Sorted(maps.Keys(orgs)))
			continue
		}
		der, err := base64.StdEncoding.DecodeString(g.Values.MSP.Value.Config.RootCerts[0])
		if err != nil {
			t.Fatal(err)
		}
		p, _ := pem.Decode(der)
		if p == nil {
			t.Fatalf("%s's root certificate is not PEM", o.MSPID)
		}
		c, err := x509.ParseCertificate(p.Bytes)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(c.Subject.Country, []string{o.Place.Country}) || !slices.Equal(c.Subject.Province, []string{o.Place.Province}) ||
			!slices.Equal(c.Subject.Locality, []string{o.Place.Locality}) {
			t.Errorf("%s's root CA is %s, want it at %+v", o.MSPID, c.Subject, o.Place)
		}
	}
}
