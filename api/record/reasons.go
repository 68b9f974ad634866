package record

import "slices"

// ReasonKind names a list of reason codes: what the reason explains.
type ReasonKind string

// Reason kinds.
const (
	ReasonLicenceSuspension       ReasonKind = "licence-suspension"
	ReasonLicenceReinstatement    ReasonKind = "licence-reinstatement"
	ReasonLicenceRevocation       ReasonKind = "licence-revocation"
	ReasonSealKeyRevocation       ReasonKind = "seal-key-revocation"
	ReasonAuthorizationRevocation ReasonKind = "authorization-revocation"
	ReasonHandoffRejection        ReasonKind = "handoff-rejection"
	ReasonHandoffCancellation     ReasonKind = "handoff-cancellation"
	ReasonAccreditationWithdrawal ReasonKind = "accreditation-withdrawal"
	ReasonLegalBasis              ReasonKind = "legal-basis"
)

// ReasonOther is in every list; with it, the digest of the text is required.
const ReasonOther = "OTHER"

// ReasonList is the codes of one kind.
type ReasonList struct {
	Kind  ReasonKind
	Codes []string
}

// ReasonLists are the documented reason codes, per kind (docs/chaincode.md
// "Reasons"), which the chaincode accepts and clients offer. Free text
// never goes on the ledger: a reason is a code, optionally with the SM3
// digest of a text the caller keeps (Reason).
var ReasonLists = []ReasonList{
	{ReasonLicenceSuspension, []string{"COURT_ORDER", "INVESTIGATION", "NON_COMPLIANCE", "INSPECTION_FAILED", "HOLDER_REQUEST", ReasonOther}},
	{ReasonLicenceReinstatement, []string{"ISSUE_RESOLVED", "INVESTIGATION_CLOSED", "COURT_ORDER", "SUSPENDED_IN_ERROR", ReasonOther}},
	{ReasonLicenceRevocation, []string{"FRAUD", "DECEASED", "DISSOLVED", "COURT_ORDER", "ISSUED_IN_ERROR", "HOLDER_REQUEST", "SUPERSEDED", ReasonOther}},
	{ReasonSealKeyRevocation, []string{"KEY_COMPROMISED", "KEY_LOST", "AGENCY_DISSOLVED", "ISSUED_IN_ERROR", "SUPERSEDED", ReasonOther}},
	{ReasonAuthorizationRevocation, []string{"PURPOSE_ACHIEVED", "CONSENT_WITHDRAWN", "LEGAL_BASIS_LAPSED", "MISUSE", "ISSUED_IN_ERROR", ReasonOther}},
	{ReasonHandoffRejection, []string{"INCOMPLETE_DOCUMENTS", "NOT_COMPETENT", "OUT_OF_SCOPE", "DUPLICATE", "APPLICANT_INELIGIBLE", ReasonOther}},
	{ReasonHandoffCancellation, []string{"APPLICANT_WITHDREW", "OPENED_IN_ERROR", "DUPLICATE", "RESOLVED_LOCALLY", ReasonOther}},
	{ReasonAccreditationWithdrawal, []string{"MISCONDUCT", "REORGANISATION", "AGENCY_DISSOLVED", "AGENCY_REQUEST", "ISSUED_IN_ERROR", ReasonOther}},
	// Laws and regulations an authorization may rest on (PRC): the Personal
	// Information Protection Law by article 13 item, then other laws.
	{ReasonLegalBasis, []string{
		"PIPL_13_2_CONTRACT",            // 个人信息保护法 第十三条第一款第二项
		"PIPL_13_3_LEGAL_DUTY",          // 第三项：履行法定职责或者法定义务
		"PIPL_13_4_PUBLIC_HEALTH",       // 第四项：突发公共卫生事件
		"PIPL_13_7_OTHER_LAW",           // 第七项：法律、行政法规规定的其他情形
		"DATA_SECURITY_LAW",             // 数据安全法
		"SOCIAL_ASSISTANCE_MEASURES",    // 社会救助暂行办法
		"SOCIAL_INSURANCE_LAW",          // 社会保险法
		"GOV_INFO_SHARING_MEASURES",     // 政务信息资源共享管理暂行办法
		"HOUSEHOLD_REGISTRATION_REGS",   // 户口登记条例
		"ADMINISTRATIVE_LICENSING_LAW",  // 行政许可法
		"YRD_INTEGRATION_SHARING_RULES", // 长三角一体化政务数据共享规则
		ReasonOther,
	}},
}

// ReasonCodes are the codes of kind, in their list's order; nil for a kind
// with no list.
func ReasonCodes(kind ReasonKind) []string {
	i := slices.IndexFunc(ReasonLists, func(l ReasonList) bool { return l.Kind == kind })
	if i < 0 {
		return nil
	}
	return slices.Clone(ReasonLists[i].Codes)
}
