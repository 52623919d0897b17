// Package tfrun runs the terraform CLI against a local build of the
// provider, through a dev_overrides entry in a temporary CLI configuration:
// the benchmark and the end-to-end tests use it. Nothing is written outside
// the temporary directories it creates.
package tfrun

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// ProviderSource is the provider's registry address.
const ProviderSource = "registry.terraform.io/tfzendesk/zendesk"

// requiredProviders names the provider for configurations in a workspace,
// by its full address: OpenTofu's default registry host is another, and the
// dev_overrides entry must match what the configuration names.
const requiredProviders = `terraform {
  required_providers {
    zendesk = { source = "registry.terraform.io/tfzendesk/zendesk" }
  }
}
`

// BuildProvider builds the provider binary into a temporary directory and
// returns that directory, for a dev_overrides entry.
func BuildProvider(ctx context.Context) (dir string, cleanup func(), err error) {
	dir, err = os.MkdirTemp("", "zendesk-provider-")
	if err != nil {
		return "", nil, err
	}
	cleanup = func() { os.RemoveAll(dir) }
	root, err := moduleRoot()
	if err != nil {
		cleanup()
		return "", nil, err
	}
	build := exec.CommandContext(ctx, "go", "build", "-o", filepath.Join(dir, "terraform-provider-zendesk"), ".")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		cleanup()
		return "", nil, fmt.Errorf("building the provider: %w\n%s", err, out)
	}
	return dir, cleanup, nil
}

// moduleRoot finds the directory of go.mod upwards from the working
// directory.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("no go.mod above %s", dir)
		}
	}
}

// Workspace is a temporary Terraform working directory that uses the
// provider build in providerDir.
type Workspace struct {
	Dir string
	env []string
}

// NewWorkspace writes files (name → content) into a new temporary
// directory and prepares the environment of its terraform commands: the
// variables of env on top of the process's, with every ZENDESK_* variable
// of the process dropped so that only env decides where the provider goes.
func NewWorkspace(providerDir string, env map[string]string, files map[string][]byte) (*Workspace, error) {
	dir, err := os.MkdirTemp("", "zendesk-workspace-")
	if err != nil {
		return nil, err
	}
	ws := &Workspace{Dir: dir}
	cliConfig := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    %q = %q\n  }\n  direct {}\n}\n", ProviderSource, providerDir)
	all := map[string][]byte{"cli.tfrc": []byte(cliConfig), "providers.tf": []byte(requiredProviders)}
	for name, content := range files {
		all[name] = content
	}
	for name, content := range all {
		if err := os.WriteFile(filepath.Join(dir, name), content, 0o600); err != nil {
			ws.Remove()
			return nil, err
		}
	}
	for _, kv := range os.Environ() {
		if !bytes.HasPrefix([]byte(kv), []byte("ZENDESK_")) {
			ws.env = append(ws.env, kv)
		}
	}
	ws.env = append(ws.env,
		"TF_CLI_CONFIG_FILE="+filepath.Join(dir, "cli.tfrc"),
		"TF_DATA_DIR="+filepath.Join(dir, ".terraform"),
		"TF_IN_AUTOMATION=1",
		"TF_INPUT=0",
		"CHECKPOINT_DISABLE=1",
	)
	for k, v := range env {
		ws.env = append(ws.env, k+"="+v)
	}
	return ws, nil
}

// Command returns a command of the Terraform the acceptance tests use (see
// AcceptanceTerraform) to run in the workspace, with its output collected
// in out.
func (ws *Workspace) Command(ctx context.Context, out *bytes.Buffer, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, AcceptanceTerraform(), args...)
	cmd.Dir, cmd.Env = ws.Dir, ws.env
	cmd.Stdout, cmd.Stderr = out, out
	return cmd
}

// Run runs a terraform command; the exit code ok counts as success (plan
// -detailed-exitcode says 2 for changes).
func (ws *Workspace) Run(ctx context.Context, ok int, args ...string) error {
	var out bytes.Buffer
	err := ws.Command(ctx, &out, args...).Run()
	var exit *exec.ExitError
	switch {
	case err == nil && ok == 0:
		return nil
	case errors.As(err, &exit) && exit.ExitCode() == ok:
		return nil
	case err == nil:
		return fmt.Errorf("terraform %s exited 0, want %d\n%s", args[0], ok, Tail(out.String()))
	default:
		return fmt.Errorf("terraform %s: %w\n%s", args[0], err, Tail(out.String()))
	}
}

// Remove deletes the workspace.
func (ws *Workspace) Remove() { os.RemoveAll(ws.Dir) }

// Tail keeps the end of a long output, where Terraform puts its errors.
func Tail(s string) string {
	const keep = 4000
	if len(s) > keep {
		return "…" + s[len(s)-keep:]
	}
	return s
}

// AcceptanceTerraform is the terraform binary the acceptance tests run:
// TF_ACC_TERRAFORM_PATH, or terraform on PATH.
func AcceptanceTerraform() string {
	return cmp.Or(os.Getenv("TF_ACC_TERRAFORM_PATH"), "terraform")
}

// Version returns the version of a terraform (or tofu) binary, such as
// "1.15.9", with its major and minor numbers.
func Version(ctx context.Context, bin string) (version string, major, minor int, err error) {
	out, err := exec.CommandContext(ctx, bin, "version", "-json").Output()
	if err != nil {
		return "", 0, 0, fmt.Errorf("%s version: %w", bin, err)
	}
	// Warnings about the CLI configuration may come first.
	if i := bytes.IndexByte(out, '{'); i > 0 {
		out = out[i:]
	}
	var v struct {
		Version string `json:"terraform_version"`
	}
	if err := json.Unmarshal(out, &v); err != nil {
		return "", 0, 0, fmt.Errorf("%s version -json: %w", bin, err)
	}
	if _, err := fmt.Sscanf(v.Version, "%d.%d", &major, &minor); err != nil {
		return "", 0, 0, fmt.Errorf("%s version %q: %w", bin, v.Version, err)
	}
	return v.Version, major, minor, nil
}
