// Package profiling serves Go's runtime profiles (net/http/pprof) for the
// project's long-running processes — gateway, relay, chaincode server — when
// the operator asks for them, as Fabric's peers and orderers serve theirs
// (core.yaml peer.profile, orderer.yaml General.Profile).
package profiling

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"time"
)

// EnvAddress names the variable that turns profiling on: a host:port to
// serve /debug/pprof/ on. Unset or empty: no profiling listener.
const EnvAddress = "WANLEDGER_PPROF_ADDRESS"

// FromEnv serves the profiles on EnvAddress if it is set, until the process
// ends. An address that cannot be listened on is an error, so that a
// profiling run does not go on without the profiles it asked for.
func FromEnv(log *slog.Logger) error {
	addr := os.Getenv(EnvAddress)
	if addr == "" {
		return nil
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("%s=%s: %w", EnvAddress, addr, err)
	}
	srv := &http.Server{Handler: Handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) && log != nil {
			log.Error("profiling listener stopped", "address", addr, "err", err)
		}
	}()
	if log != nil {
		log.Info("serving runtime profiles", "address", "http://"+ln.Addr().String()+"/debug/pprof/")
	}
	return nil
}

// Handler serves net/http/pprof's pages under /debug/pprof/: the index,
// every named profile (heap, goroutine, block, mutex, allocs…), a CPU
// profile (/debug/pprof/profile?seconds=N) and an execution trace.
func Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return mux
}
