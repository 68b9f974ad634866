package caliper

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/internal/gm"
	"github.com/wanledger/wanledger/internal/issuance"
	"github.com/wanledger/wanledger/network"
)

// MaxCount bounds how many licences one Prepare seals.
const MaxCount = 100_000

// IssueFunction is the chaincode function a Batch's arguments are for.
const IssueFunction = "licence:Issue"

// Batch is the prepared file the issuance workload reads: who submits, where,
// and one argument list per transaction (a JSON record.IssueRequest, kept as
// the string the chaincode receives), with the licence IDs in the same order
// for the verify workload.
type Batch struct {
	Channel   string     `json:"channel"`
	Chaincode string     `json:"chaincode"`
	Function  string     `json:"function"`
	MSPID     string     `json:"mspId"`
	Identity  string     `json:"identity"` // an identity name of the network configuration
	Licences  []string   `json:"licences"`
	Arguments [][]string `json:"arguments"`
}

// PrepareOptions say how many licences to seal and how to name them.
type PrepareOptions struct {
	Count int // 1 to MaxCount
	// Prefix starts every licence ID (then a six-digit sequence number); the
	// default is "CAL-" and the UTC time to the second, so runs never collide.
	Prefix string
	// Now dates the default prefix and the licences' validity (from its UTC
	// day, for five years or the type's maximum); zero means time.Now.
	Now time.Time
}

// ErrBadOptions is a PrepareOptions value out of range.
var ErrBadOptions = errors.New("bad prepare options")

func (o *PrepareOptions) validate() error {
	if o.Count < 1 || o.Count > MaxCount {
		return fmt.Errorf("%w: count %d is not between 1 and %d", ErrBadOptions, o.Count, MaxCount)
	}
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	o.Now = o.Now.UTC()
	if o.Prefix == "" {
		o.Prefix = "CAL-" + o.Now.Format("20060102T150405Z") + "-"
	}
	if err := record.CheckID("licence ID prefix", o.Prefix+"000000"); err != nil {
		return fmt.Errorf("%w: %w", ErrBadOptions, err)
	}
	return nil
}

// Prepare seals opts.Count licences of the demo type network.DemoType for the
// demo agency network.DemoAgency, as the agency does on its own machines
// (internal/issuance): each with its own holder (a fresh SM2 key and a
// citizen ID made from the licence ID), every field of the type filled,
// the holder pseudonym under network.DemoProvince's salt, and the SM2 seal
// signature made with the seal key file of the run directory. It reads the
// type and the seal key from the ledger as the agency's issuer, and refuses
// to go on if the ledger's seal key is not the file's (every issue would
// fail BAD_SIGNATURE). The transactions are for that issuer, the identity
// "issuer" of DemoIssuerOrg in NewConfig's configuration.
//
// The requests carry no time of their own: the chaincode dates each licence
// by its proposal, which Caliper stamps when it submits, so a Batch may be
// prepared any time before the run while the seal key and the grant last.
func Prepare(ctx context.Context, home network.Home, topo network.Topology, opts PrepareOptions) (*Batch, error) {
	if err := opts.validate(); err != nil {
		return nil, err
	}
	org, ok := topo.Org(network.DemoIssuerOrg)
	if !ok {
		return nil, fmt.Errorf("the network has no organisation %s, whose agency %s issues", network.DemoIssuerOrg, network.DemoAgency)
	}
	seal, err := issuance.ReadSealKey(home.DemoSealKeyFile())
	if err != nil {
		return nil, fmt.Errorf("seal key of %s: %w", network.DemoAgency, err)
	}
	salt, err := issuance.ReadProvinceSalt(home.ProvinceSaltFile(network.DemoProvince))
	if err != nil {
		return nil, fmt.Errorf("holder salt of %s: %w", network.DemoProvince, err)
	}
	channel := topo.GatewayChannel(org.Name)
	typ, onLedger, err := readLedger(ctx, home, topo, org, channel)
	if err != nil {
		return nil, err
	}
	if onLedger.PublicKey != seal.Public().Hex() || onLedger.AgencyID != network.DemoAgency {
		return nil, fmt.Errorf("seal key %s on the ledger (agency %s) is not the one in %s: `wanledger down --purge` and `up` reset the demo",
			network.DemoSealKeyID, onLedger.AgencyID, home.DemoSealKeyFile())
	}
	from := opts.Now.Truncate(24 * time.Hour)
	to := from.AddDate(5, 0, 0)
	if most := from.Add(time.Duration(typ.MaxValidityDays) * 24 * time.Hour); to.After(most) {
		to = most
	}
	b := &Batch{Channel: channel, Chaincode: network.ChaincodeName, Function: IssueFunction,
		MSPID: org.MSPID, Identity: string(record.RoleIssuer)}
	for i := 1; i <= opts.Count; i++ {
		id := fmt.Sprintf("%s%06d", opts.Prefix, i)
		holder, err := gm.GenerateKey()
		if err != nil {
			return nil, err
		}
		d := issuance.Draft{ID: id, Type: typ.Code, AgencyID: network.DemoAgency, Region: network.DemoRegion,
			SealKeyID: network.DemoSealKeyID, Holder: issuance.Holder{CitizenID: "holder-of-" + id, PublicKey: holder.Public().Hex()},
			Fields: fieldsFor(typ, i), ValidFrom: from, ValidTo: to}
		is, err := issuance.Seal(d, typ, seal, salt)
		if err != nil {
			return nil, err
		}
		arg, err := json.Marshal(is.Request)
		if err != nil {
			return nil, err
		}
		b.Licences = append(b.Licences, id)
		b.Arguments = append(b.Arguments, []string{string(arg)})
	}
	return b, nil
}

// fieldsFor fills every field of t with a value of its type for the i-th
// licence.
func fieldsFor(t *record.LicenceType, i int) issuance.Fields {
	f := issuance.Fields{}
	for _, spec := range t.Fields {
		switch spec.Type {
		case record.FieldDate:
			f[spec.Name] = "2020-01-01"
		case record.FieldNumber:
			f[spec.Name] = strconv.Itoa(1000 * i)
		case record.FieldBool:
			f[spec.Name] = strconv.FormatBool(i%2 == 0)
		default:
			f[spec.Name] = fmt.Sprintf("基准测试 %s %06d", spec.Name, i)
		}
	}
	return f
}

// WriteFile writes the batch as JSON to path (mode 0644: issue requests are
// what the ledger publishes), making its directory if need be.
func (b *Batch) WriteFile(path string) error {
	out, err := json.Marshal(b)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, append(out, '\n'), 0o644)
}
