package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/internal/presentation"
	"github.com/wanledger/wanledger/internal/snapshot"
)

// errorObject is an error as --json prints it on stdout: the gateway's
// error object (code, message, denialId, blockNumber) with its HTTP status,
// or for a local error its code (a snapshot's or presentation's refusal),
// else USAGE or ERROR, and the message.
type errorObject struct {
	Status int `json:"status,omitempty"`
	*api.Error
	ExitCode int `json:"exitCode"`
}

// reportError prints the error of the command cmd on errOut as
// "wanledger: …" and, when cmd was given --json, as a JSON object on out
// (but an outcome printed on stdout already, such as a NOT VALID verdict);
// it returns the exit code.
func reportError(out, errOut io.Writer, cmd *cobra.Command, err error) int {
	code := exitCode(err)
	fmt.Fprintln(errOut, "wanledger:", errorText(err))
	if e := (*exitErr)(nil); cmd == nil || errors.As(err, &e) && e.printed {
		return code
	}
	if asJSON, _ := cmd.Flags().GetBool("json"); !asJSON {
		return code
	}
	b, _ := json.MarshalIndent(errorObjectOf(err), "", "  ") // plain strings and numbers
	fmt.Fprintln(out, string(b))
	return code
}

// errorObjectOf is err as --json prints it.
func errorObjectOf(err error) errorObject {
	obj := errorObject{ExitCode: exitCode(err)}
	var e *api.Error
	if errors.As(err, &e) {
		obj.Status, obj.Error = e.Status, &api.Error{Code: e.Code, Message: cliHint(e.Message), DenialID: e.DenialID, BlockNumber: e.BlockNumber}
		return obj
	}
	obj.Error = &api.Error{Code: errorCode(err), Message: errorText(err)}
	return obj
}

// errorCode is a local error's code: a snapshot's or a presentation's
// refusal code, else USAGE for a usage error or ERROR.
func errorCode(err error) string {
	var se *snapshot.Error
	var pe *presentation.Error
	switch {
	case errors.As(err, &se):
		return string(se.Code)
	case errors.As(err, &pe):
		return string(pe.Code)
	case exitCode(err) == exitUsage:
		return "USAGE"
	}
	return "ERROR"
}

// errorText is an error's text for a person: the code said once, a refusal's denial named once
// (api.Error adds "(denial ID[, block N])" to a message that may name it
// already), and the ledger's hints about reasons in the command line's terms.
func errorText(err error) string {
	s := err.Error()
	var e *api.Error
	if errors.As(err, &e) && e.Code != "" && strings.HasPrefix(e.Message, e.Code+": ") { // a gateway that repeats its code
		s = strings.Replace(s, "): "+e.Code+": ", "): ", 1)
	}
	if errors.As(err, &e) && e.DenialID != "" && strings.Contains(e.Message, e.DenialID) {
		named := ""
		if e.BlockNumber != 0 {
			named = fmt.Sprintf(" (block %d)", e.BlockNumber)
		}
		s = strings.Replace(s, e.DenialText(), named, 1)
	}
	return cliHint(s)
}

// reasonHints turn the ledger's hints about a reason's free text, meant for
// API clients that send its digest, into the command line's flag.
var reasonHints = strings.NewReplacer(
	"(free text stays off the ledger: give its SM3 digest after the code)",
	"(give a code from the list; put free text in --reason-text: only its SM3 digest goes on the ledger)",
	"reason OTHER needs the SM3 digest of its text", "reason OTHER needs --reason-text",
)

func cliHint(s string) string { return reasonHints.Replace(s) }
