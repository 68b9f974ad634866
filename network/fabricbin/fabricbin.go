// Package fabricbin provides the Hyperledger Fabric command-line tools (peer,
// orderer, configtxgen, cryptogen, osnadmin) that the network runs, and the
// operator's configtxlator and discover.
//
// The tools are built from the Go module proxy at a pinned pseudo-version,
// with the project's own patches applied to a copy of the module source, into
// a cache directory keyed by the version and a digest of the patches, the
// tools module and the list of tools. They are rebuilt only when one of those changes. An operator
// may instead point WANLEDGER_FABRIC_BIN at a directory of official release
// binaries (with their config/ directory beside bin/).
package fabricbin

import (
	"bufio"
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// Module is the Fabric module path and Version the pinned pseudo-version: a
// main-branch commit of April 2023 between v2.5.0 and v3.0.0-preview, the only
// Fabric 2.5-era version the module proxy serves.
const (
	Module  = "github.com/hyperledger/fabric"
	Version = "v1.4.0-rc1.0.20230405174026-695dd57e01c2"
)

// Tools are the Fabric commands of a build: those the network runs, and
// configtxlator and discover for the operator (channel configuration updates,
// service discovery queries).
var Tools = []string{"peer", "orderer", "configtxgen", "cryptogen", "osnadmin", "configtxlator", "discover"}

// sampleConfigs are copied from Fabric's sampleconfig/ beside the binaries, as
// in an official release's config/ directory.
var sampleConfigs = []string{"core.yaml", "orderer.yaml", "configtx.yaml"}

//go:embed tools.mod tools.sum patches/*.patch
var sources embed.FS

// EnvBin names a directory of prebuilt Fabric binaries to use instead.
const EnvBin = "WANLEDGER_FABRIC_BIN"

// EnvCache overrides the cache root (default
// ${XDG_CACHE_HOME:-$HOME/.cache}/wanledger/fabric).
const EnvCache = "WANLEDGER_FABRIC_CACHE"

// Install is a usable set of Fabric tools.
type Install struct {
	BinDir    string // holds the Tools
	ConfigDir string // holds Fabric's sample core.yaml and orderer.yaml
}

// Path returns the full path of the named tool.
func (i Install) Path(tool string) string { return filepath.Join(i.BinDir, tool) }

// Key identifies a build: the pinned version and a digest of everything of
// the project's own that goes into it, the list of tools included, so that a
// cached build without a tool added since is not used.
func Key() (string, error) {
	h := sha256.New()
	fmt.Fprintf(h, "tools\x00%s\x00", strings.Join(Tools, "\x00"))
	var names []string
	err := fs.WalkDir(sources, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			names = append(names, p)
		}
		return err
	})
	if err != nil {
		return "", err
	}
	sort.Strings(names)
	for _, n := range names {
		b, err := sources.ReadFile(n)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "%s\x00%d\x00", n, len(b))
		h.Write(b)
	}
	return Version + "-" + hex.EncodeToString(h.Sum(nil))[:12], nil
}

// CacheRoot is where builds are kept.
func CacheRoot() (string, error) {
	if d := os.Getenv(EnvCache); d != "" {
		return d, nil
	}
	d, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("locate the cache directory (set %s): %w", EnvCache, err)
	}
	return filepath.Join(d, "wanledger", "fabric"), nil
}

// Find returns the tools if they are present, without building.
func Find() (Install, error) {
	if d := os.Getenv(EnvBin); d != "" {
		inst := Install{BinDir: d, ConfigDir: filepath.Join(filepath.Dir(d), "config")}
		return inst, inst.check()
	}
	dir, err := buildDir()
	if err != nil {
		return Install{}, err
	}
	inst := Install{BinDir: filepath.Join(dir, "bin"), ConfigDir: filepath.Join(dir, "config")}
	if _, err := os.Stat(filepath.Join(dir, stampFile)); err != nil {
		return inst, fmt.Errorf("fabric tools %s are not built yet in %s (run `wanledger fabric build`): %w", Version, dir, ErrNotBuilt)
	}
	return inst, inst.check()
}

// ErrNotBuilt means the cache holds no complete build for the current key.
var ErrNotBuilt = errors.New("fabric tools not built")

const stampFile = "COMPLETE"

func buildDir() (string, error) {
	root, err := CacheRoot()
	if err != nil {
		return "", err
	}
	key, err := Key()
	if err != nil {
		return "", err
	}
	return filepath.Join(root, key), nil
}

func (i Install) check() error {
	for _, t := range Tools {
		if _, err := os.Stat(i.Path(t)); err != nil {
			return fmt.Errorf("fabric tool %s missing: %w", t, err)
		}
	}
	for _, c := range []string{"core.yaml", "orderer.yaml"} {
		if _, err := os.Stat(filepath.Join(i.ConfigDir, c)); err != nil {
			return fmt.Errorf("fabric sample config %s missing: %w", c, err)
		}
	}
	return nil
}

// Ensure returns the tools, building them first if the cache lacks them.
// Progress goes to out.
func Ensure(ctx context.Context, out io.Writer) (Install, error) {
	inst, err := Find()
	if err == nil || !errors.Is(err, ErrNotBuilt) {
		return inst, err
	}
	dir, err := buildDir()
	if err != nil {
		return Install{}, err
	}
	if err := build(ctx, dir, out); err != nil {
		return Install{}, fmt.Errorf("build fabric tools: %w", err)
	}
	return Find()
}

// build makes a complete build in dir. A lock file keeps concurrent builds
// (parallel test packages) from racing; the stamp is written last.
func build(ctx context.Context, dir string, out io.Writer) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	unlock, err := lock(ctx, filepath.Join(dir, "build.lock"), out)
	if err != nil {
		return err
	}
	defer unlock()
	if _, err := os.Stat(filepath.Join(dir, stampFile)); err == nil {
		return nil // another process finished it while we waited
	}
	start := time.Now()
	fmt.Fprintf(out, "building Fabric tools %s into %s (first time only; several minutes on 2 cores)\n", Version, dir)

	work := filepath.Join(dir, "work")
	if err := os.RemoveAll(work); err != nil {
		return err
	}
	modDir, srcDir := filepath.Join(work, "tools"), filepath.Join(work, "fabric")
	if err := os.MkdirAll(modDir, 0o755); err != nil {
		return err
	}
	if err := writeToolsModule(modDir); err != nil {
		return err
	}

	fmt.Fprintf(out, "  [1/4] downloading %s@%s\n", Module, Version)
	orig, err := moduleDir(ctx, modDir)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "  [2/4] copying the module source and applying patches\n")
	if err := copyTree(orig, srcDir); err != nil {
		return err
	}
	if err := applyPatches(ctx, srcDir); err != nil {
		return err
	}
	if err := appendReplace(modDir, srcDir); err != nil {
		return err
	}

	fmt.Fprintf(out, "  [3/4] compiling %s\n", strings.Join(Tools, ", "))
	binDir := filepath.Join(dir, "bin")
	if err := compile(ctx, modDir, binDir, out); err != nil {
		return err
	}

	fmt.Fprintf(out, "  [4/4] installing sample configuration\n")
	cfgDir := filepath.Join(dir, "config")
	if err := os.MkdirAll(cfgDir, 0o755); err != nil {
		return err
	}
	for _, c := range sampleConfigs {
		if err := copyFile(filepath.Join(srcDir, "sampleconfig", c), filepath.Join(cfgDir, c), 0o644); err != nil {
			return err
		}
	}
	if err := os.RemoveAll(work); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, stampFile), []byte(Version+"\n"), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(out, "built Fabric tools in %s\n", time.Since(start).Round(time.Second))
	return nil
}

func writeToolsModule(modDir string) error {
	for src, dst := range map[string]string{"tools.mod": "go.mod", "tools.sum": "go.sum"} {
		b, err := sources.ReadFile(src)
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(modDir, dst), b, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// moduleDir downloads the pinned Fabric module and returns its directory in
// the module cache.
func moduleDir(ctx context.Context, modDir string) (string, error) {
	cmd := goCmd(ctx, modDir, "mod", "download", "-json", Module+"@"+Version)
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go mod download: %w: %s%s", err, stderr.String(), stdout.String())
	}
	var info struct{ Dir, Error string }
	if err := json.Unmarshal([]byte(stdout.String()), &info); err != nil {
		return "", fmt.Errorf("decode go mod download output: %w", err)
	}
	if info.Error != "" || info.Dir == "" {
		return "", fmt.Errorf("go mod download: %s", info.Error)
	}
	return info.Dir, nil
}

// skipDirs are parts of the module source the tools do not need.
var skipDirs = map[string]bool{"vendor": true, "docs": true, "images": true}

// copyTree copies a module source tree, writable (the module cache is
// read-only), leaving out skipDirs at the top level.
func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		if d.IsDir() {
			if skipDirs[rel] {
				return filepath.SkipDir
			}
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		return copyFile(p, filepath.Join(dst, rel), 0o644)
	})
}

func copyFile(src, dst string, mode os.FileMode) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, mode)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// applyPatches applies every embedded patch, in name order, with git apply.
// GIT_CEILING_DIRECTORIES keeps git from treating an enclosing repository as
// the target.
func applyPatches(ctx context.Context, srcDir string) error {
	names, err := fs.Glob(sources, "patches/*.patch")
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, n := range names {
		b, err := sources.ReadFile(n)
		if err != nil {
			return err
		}
		cmd := exec.CommandContext(ctx, "git", "apply", "-p1", "--whitespace=nowarn", "-")
		cmd.Dir = srcDir
		cmd.Env = append(os.Environ(), "GIT_CEILING_DIRECTORIES="+filepath.Dir(srcDir))
		cmd.Stdin = strings.NewReader(string(b))
		if o, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("apply %s: %w: %s", n, err, o)
		}
	}
	return nil
}

func appendReplace(modDir, srcDir string) error {
	f, err := os.OpenFile(filepath.Join(modDir, "go.mod"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	if _, err := fmt.Fprintf(f, "\nreplace %s => %s\n", Module, srcDir); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// compile builds the tools, printing how many packages have been compiled
// every few seconds so a long cold build shows it is alive.
func compile(ctx context.Context, modDir, binDir string, out io.Writer) error {
	if err := os.MkdirAll(binDir, 0o755); err != nil {
		return err
	}
	args := []string{"build", "-v", "-trimpath", "-mod=mod", "-o", binDir + string(os.PathSeparator)}
	for _, t := range Tools {
		args = append(args, Module+"/cmd/"+t)
	}
	cmd := goCmd(ctx, modDir, args...)
	pr, pw := io.Pipe()
	cmd.Stderr = pw
	var tail []string
	done := make(chan struct{})
	go func() {
		defer close(done)
		sc := bufio.NewScanner(pr)
		n, last := 0, time.Now()
		for sc.Scan() {
			line := sc.Text()
			n++
			tail = append(tail, line)
			if len(tail) > 40 {
				tail = tail[1:]
			}
			if time.Since(last) > 10*time.Second {
				fmt.Fprintf(out, "        %d packages compiled\n", n)
				last = time.Now()
			}
		}
		io.Copy(io.Discard, pr)
	}()
	err := cmd.Run()
	pw.Close()
	<-done
	if err != nil {
		return fmt.Errorf("go build: %w\n%s", err, strings.Join(tail, "\n"))
	}
	return nil
}

func goCmd(ctx context.Context, dir string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = dir
	// The main module's workspace or flags must not leak into the tools build.
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-buildvcs=false")
	return cmd
}
