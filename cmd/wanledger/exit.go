package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
)

// Exit codes a script can trust (docs/cli.md).
const (
	exitOK       = 0 // success; for verify, VALID
	exitError    = 1 // an error: transport, the gateway's refusal, a local failure
	exitUsage    = 2 // bad flags, arguments or input files
	exitNotValid = 3 // verify: NOT VALID, or a stale answer
)

// exitErr is an error with its exit code. printed says the command has
// printed its outcome on stdout already (a NOT VALID verdict, the answers
// of several gateways): --json adds no error object.
type exitErr struct {
	code    int
	err     error
	printed bool
}

func (e *exitErr) Error() string { return e.err.Error() }
func (e *exitErr) Unwrap() error { return e.err }

// usageErr marks a bad flag, argument or input file (exit 2).
func usageErr(err error) error {
	if err == nil {
		return nil
	}
	return &exitErr{code: exitUsage, err: err}
}

// usagef is a usage error from a format.
func usagef(format string, args ...any) error { return usageErr(fmt.Errorf(format, args...)) }

// notValid is a NOT VALID verdict (exit 3), printed on stdout already.
func notValid(licenceID string, stale bool) error {
	what := "NOT VALID"
	if stale {
		what += " (stale answer)"
	}
	return &exitErr{code: exitNotValid, err: fmt.Errorf("licence %s is %s", licenceID, what), printed: true}
}

// exitCode maps an error to the process's exit code; cobra's own errors
// about commands, flags and arguments are usage errors.
func exitCode(err error) int {
	if err == nil {
		return exitOK
	}
	var e *exitErr
	if errors.As(err, &e) {
		return e.code
	}
	msg := err.Error()
	for _, p := range []string{"unknown command", "unknown flag", "unknown shorthand flag", "required flag(s)", "if any flags in the group",
		"invalid argument", "flag needs an argument", "accepts ", "requires at least", "requires at most", "bad flag syntax"} {
		if strings.HasPrefix(msg, p) {
			return exitUsage
		}
	}
	return exitError
}

// markUsage makes every command's flag and argument errors usage errors,
// and an unknown subcommand of a group one too.
func markUsage(c *cobra.Command) {
	c.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageErr(err) })
	if !c.Runnable() && c.HasSubCommands() {
		c.RunE = func(cmd *cobra.Command, a []string) error {
			if len(a) > 0 {
				return usagef("unknown command %q for %q; see %s --help", a[0], cmd.CommandPath(), cmd.CommandPath())
			}
			return cmd.Help()
		}
	}
	if args := c.Args; args != nil {
		c.Args = func(cmd *cobra.Command, a []string) error {
			for i, v := range a {
				if strings.TrimSpace(v) == "" {
					return usagef("argument %d of %s is empty", i+1, cmd.CommandPath())
				}
			}
			return usageErr(args(cmd, a))
		}
	}
	for _, sub := range c.Commands() {
		markUsage(sub)
	}
}
