package api

// BaselineWriteRequest writes one key of the baseline chaincode, the
// measuring stick of `wanledger bench` (ADR 31): a blind write, through
// the same submit path as every transaction of the gateway.
type BaselineWriteRequest struct {
	Key   string `json:"key" minLength:"1" maxLength:"64" pattern:"^[A-Za-z0-9._:-]*[A-Za-z0-9_:-][A-Za-z0-9._:-]*$" doc:"the key: an ID, 1 to 64 of A-Z a-z 0-9 . _ : -"`
	Value string `json:"value" maxLength:"16384" doc:"the value, at most 16 KiB"`
}

// BaselineWrite is what a baseline write wrote.
type BaselineWrite struct {
	Key   string `json:"key" doc:"the key written"`
	Bytes int    `json:"bytes" doc:"the value's length in bytes"`
}
