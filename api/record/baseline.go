package record

// The baseline chaincode's one transaction and its limits: a blind write of
// one key, the measuring stick of `wanledger bench` (ADR 31). Its keys are
// IDs (CheckID).
const (
	BaselinePut      = "Put" // arguments: key, value
	MaxBaselineValue = 16 << 10
)
