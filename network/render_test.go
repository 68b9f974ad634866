package network

import (
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

func TestConfigtxHasAProfilePerChannelWithItsMembersAndAllConsenters(t *testing.T) {
	topo := Default()
	h := Home("/run/wl")
	b, err := topo.RenderConfigtx(h)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Organizations []struct {
			Name             string   `yaml:"Name"`
			MSPDir           string   `yaml:"MSPDir"`
			OrdererEndpoints []string `yaml:"OrdererEndpoints"`
			AnchorPeers      []struct {
				Host string `yaml:"Host"`
				Port int    `yaml:"Port"`
			} `yaml:"AnchorPeers"`
		} `yaml:"Organizations"`
		Orderer struct {
			OrdererType string `yaml:"OrdererType"`
			EtcdRaft    struct {
				Consenters []struct {
					Host          string `yaml:"Host"`
					Port          int    `yaml:"Port"`
					ClientTLSCert string `yaml:"ClientTLSCert"`
				} `yaml:"Consenters"`
			} `yaml:"EtcdRaft"`
		} `yaml:"Orderer"`
		Profiles map[string]struct {
			Orderer struct {
				Organizations []struct {
					Name string `yaml:"Name"`
				} `yaml:"Organizations"`
			} `yaml:"Orderer"`
			Application struct {
				Organizations []struct {
					Name string `yaml:"Name"`
				} `yaml:"Organizations"`
			} `yaml:"Application"`
		} `yaml:"Profiles"`
	}
	if err := yaml.Unmarshal(b, &doc); err != nil {
		t.Fatalf("configtx.yaml is not YAML: %v\n%s", err, b)
	}
	if doc.Orderer.OrdererType != "etcdraft" || len(doc.Orderer.EtcdRaft.Consenters) != 3 {
		t.Errorf("orderer %q with %d consenters", doc.Orderer.OrdererType, len(doc.Orderer.EtcdRaft.Consenters))
	}
	for i, c := range doc.Orderer.EtcdRaft.Consenters {
		n := topo.NodesOf(KindOrderer)[i]
		if c.Port != n.port(offListen) || c.ClientTLSCert != h.NodeTLS(n).Cert {
			t.Errorf("consenter %d = %+v, want %s with %s", i, c, n.ListenAddr(), h.NodeTLS(n).Cert)
		}
	}
	for _, ch := range topo.Channels {
		p, ok := doc.Profiles[profileName(ch.Name)]
		if !ok {
			t.Fatalf("no profile for %s", ch.Name)
		}
		var got []string
		for _, o := range p.Application.Organizations {
			got = append(got, o.Name)
		}
		var want []string
		for _, m := range ch.Members {
			o, _ := topo.Org(m)
			want = append(want, o.MSPID)
		}
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("%s members = %v, want %v", ch.Name, got, want)
		}
		if len(p.Orderer.Organizations) != 3 {
			t.Errorf("%s has %d orderer organisations", ch.Name, len(p.Orderer.Organizations))
		}
	}
	anchors := 0
	for _, o := range doc.Organizations {
		if !strings.HasPrefix(o.MSPDir, "/run/wl/crypto/") {
			t.Errorf("%s MSPDir %s is outside the run directory", o.Name, o.MSPDir)
		}
		anchors += len(o.AnchorPeers)
	}
	if anchors != len(topo.Orgs) {
		t.Errorf("%d anchor peers, want one per organisation", anchors)
	}
}

func TestCryptoConfigTurnsNodeOUsOnWithLoopbackNames(t *testing.T) {
	b, err := Default().RenderCryptoConfig(Home("/run/wl"))
	if err != nil {
		t.Fatal(err)
	}
	type org struct {
		Name          string `yaml:"Name"`
		EnableNodeOUs bool   `yaml:"EnableNodeOUs"`
		Specs         []struct {
			Hostname string   `yaml:"Hostname"`
			SANS     []string `yaml:"SANS"`
		} `yaml:"Specs"`
	}
	var doc struct {
		OrdererOrgs []org `yaml:"OrdererOrgs"`
		PeerOrgs    []org `yaml:"PeerOrgs"`
	}
	if err := yaml.Unmarshal(b, &doc); err != nil {
		t.Fatalf("crypto-config.yaml is not YAML: %v\n%s", err, b)
	}
	if len(doc.OrdererOrgs) != 3 || len(doc.PeerOrgs) != 6 {
		t.Fatalf("%d orderer and %d peer organisations", len(doc.OrdererOrgs), len(doc.PeerOrgs))
	}
	for _, o := range append(doc.OrdererOrgs, doc.PeerOrgs...) {
		if !o.EnableNodeOUs {
			t.Errorf("%s has NodeOUs off", o.Name)
		}
		for _, s := range o.Specs {
			if strings.Join(s.SANS, ",") != "localhost,127.0.0.1" {
				t.Errorf("%s/%s SANs = %v", o.Name, s.Hostname, s.SANS)
			}
		}
	}
}

func TestPeerCoreYAMLDropsTheDockerEndpoint(t *testing.T) {
	sample := []byte("vm:\n    endpoint: unix:///var/run/docker.sock\n    docker:\n")
	got, err := peerCoreYAML(sample)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != "vm:\n    endpoint: \"\"\n    docker:\n" {
		t.Errorf("got %q", got)
	}
	if _, err := peerCoreYAML([]byte("vm:\n  endpoint: tcp://x\n")); err == nil {
		t.Error("a core.yaml without the sample's Docker endpoint was accepted")
	}
}
