package api

import "regexp"

// Purpose is why a verifier checks a presentation: a code of a closed
// vocabulary with its labels, logged for the holder instead of free text
// (which could carry personal data).
type Purpose struct {
	Code string `json:"code" doc:"lowercase ASCII letters, digits and hyphens, at most 32"`
	Zh   string `json:"zh" doc:"the label in Chinese"`
	En   string `json:"en" doc:"the label in English"`
}

// Purposes are the purpose codes every gateway knows; a gateway's
// configuration may add its own (presentations.purposes).
var Purposes = []Purpose{
	{"counter-service", "窗口办事", "counter service"},
	{"identity-check", "身份核验", "identity check"},
	{"eligibility", "资格审核", "eligibility review"},
	{"inspection", "执法检查", "inspection"},
	{"licensing", "行政审批", "licensing and permits"},
	{"procurement", "招标采购", "public procurement"},
	{"financial-service", "金融服务", "financial service"},
	{"employment", "劳动用工", "employment"},
	{"tenancy", "房屋租赁", "tenancy"},
	{"other-statutory", "其他法定事项", "other statutory purpose"},
}

// PurposeCodeForm is the form of a purpose code.
var PurposeCodeForm = regexp.MustCompile(`^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$`)

// CodePurposeUnknown (400): a presentation's purpose is not a code the
// gateway knows (Purposes and those of its configuration).
const CodePurposeUnknown = "PURPOSE_UNKNOWN"

// PurposeList is the purpose codes a gateway knows (GET /v1/purposes).
type PurposeList struct {
	Purposes []Purpose `json:"purposes" doc:"api.Purposes in their order, then those of the gateway's configuration by code"`
}
