package presentation_test

import (
	"errors"
	"fmt"

	"github.com/wanledger/wanledger/internal/presentation"
)

// A refused presentation carries its stable code.
func ExampleParse() {
	_, err := presentation.Parse("BQAAAAIBAAAAG3dhbmxlZGdlci9jcmVkZW50aWFsLXJlZi92MQEAAAAFQkwtMDE~")
	if e, ok := errors.AsType[*presentation.Error](err); ok {
		fmt.Println(e.Code)
	}
	// Output: PRESENTATION_STRUCTURE
}
