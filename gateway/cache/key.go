package cache

// SplitKey parses a chaincode composite key into its object type and (at
// least one) attributes; ok is false for any other key.
func SplitKey(k string) (typ string, attrs []string, ok bool) { return splitKey(k) }
