package domain

import (
	"slices"
)

// The governments on the ledger: each organisation belongs to a province,
// and each province owns a two-digit prefix of the national administrative
// division codes (GB/T 2260) its regions use. A new organisation is added
// here and by a chaincode upgrade, on the record.
var provinceOf = []struct{ msp, province, prefix string }{
	{"AnhuiMSP", "AnhuiMSP", "34"},
	{"HefeiMSP", "AnhuiMSP", "34"},
	{"WuhuMSP", "AnhuiMSP", "34"},
	{"ShanghaiMSP", "ShanghaiMSP", "31"},
	{"JiangsuMSP", "JiangsuMSP", "32"},
	{"ZhejiangMSP", "ZhejiangMSP", "33"},
}

// channelMembers are the organisations of each channel.
var channelMembers = []struct {
	channel string
	members []string
}{
	{"anhui", []string{"AnhuiMSP", "HefeiMSP", "WuhuMSP"}},
	{"delta", []string{"AnhuiMSP", "ShanghaiMSP", "JiangsuMSP", "ZhejiangMSP"}},
}

// ChannelMembers returns the MSP IDs of a channel's member organisations,
// or nil for a channel the ledger does not know. It is the one source of
// channel membership: key-level endorsement policies count their majority
// over it.
func ChannelMembers(channel string) []string {
	for _, c := range channelMembers {
		if c.channel == channel {
			return slices.Clone(c.members)
		}
	}
	return nil
}

// MemberOf reports whether an organisation is a member of the channel.
func MemberOf(channel, msp string) bool {
	return slices.Contains(ChannelMembers(channel), msp)
}

// ProvinceOf returns the province organisation an organisation belongs to.
func ProvinceOf(msp string) (string, bool) {
	for _, p := range provinceOf {
		if p.msp == msp {
			return p.province, true
		}
	}
	return "", false
}

// IsProvince reports whether the organisation is a province's own.
func IsProvince(msp string) bool {
	p, ok := ProvinceOf(msp)
	return ok && p == msp
}

// regionPrefix is the division-code prefix of a province organisation.
func regionPrefix(province string) string {
	for _, p := range provinceOf {
		if p.msp == province {
			return p.prefix
		}
	}
	return ""
}
