package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/tfzendesk/terraform-provider-zendesk/internal/zendesktest"
)

const providerSource = "registry.terraform.io/tfzendesk/zendesk"

// config declares the identities from a variable, so the workspace holds
// one small file and a tfvars JSON of any size.
const config = `
variable "identities" {
  type = map(object({
    user_id = number
    type    = string
    value   = string
  }))
}

resource "zendesk_user_identity" "this" {
  for_each = var.identities

  user_id = each.value.user_id
  type    = each.value.type
  value   = each.value.value
}
`

// declared is one identity of the configuration.
type declared struct {
	key, typ, value string
	userID          int64
}

// buildProvider builds the provider binary into a temporary directory, for
// a dev_overrides entry.
func buildProvider(ctx context.Context) (dir string, cleanup func(), err error) {
	dir, err = os.MkdirTemp("", "zendesk-bench-provider-")
	if err != nil {
		return "", nil, err
	}
	cleanup = func() { os.RemoveAll(dir) }
	build := exec.CommandContext(ctx, "go", "build", "-o", filepath.Join(dir, "terraform-provider-zendesk"), ".")
	build.Dir = moduleRoot()
	if out, err := build.CombinedOutput(); err != nil {
		cleanup()
		return "", nil, fmt.Errorf("building the provider: %w\n%s", err, out)
	}
	return dir, cleanup, nil
}

// moduleRoot finds the directory of go.mod from the working directory.
func moduleRoot() string {
	dir, _ := os.Getwd()
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d
		}
		if filepath.Dir(d) == d {
			return dir
		}
	}
}

// workspace is a temporary Terraform working directory that uses the
// local build through dev_overrides and talks to the fake.
type workspace struct {
	dir string
	env []string
}

func newWorkspace(providerDir, url string, identities []declared) (*workspace, error) {
	dir, err := os.MkdirTemp("", "zendesk-bench-")
	if err != nil {
		return nil, err
	}
	ws := &workspace{dir: dir}
	cliConfig := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    %q = %q\n  }\n  direct {}\n}\n", providerSource, providerDir)
	vars := map[string]map[string]any{}
	for _, d := range identities {
		vars[d.key] = map[string]any{"user_id": d.userID, "type": d.typ, "value": d.value}
	}
	tfvars, err := json.Marshal(map[string]any{"identities": vars})
	if err != nil {
		return nil, err
	}
	files := map[string][]byte{
		"cli.tfrc":                    []byte(cliConfig),
		"main.tf":                     []byte(config),
		"providers.tf":                []byte("terraform {\n  required_providers {\n    zendesk = { source = \"tfzendesk/zendesk\" }\n  }\n}\n"),
		"identities.auto.tfvars.json": tfvars,
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), content, 0o600); err != nil {
			ws.remove()
			return nil, err
		}
	}
	ws.env = append(os.Environ(),
		"TF_CLI_CONFIG_FILE="+filepath.Join(dir, "cli.tfrc"),
		"TF_DATA_DIR="+filepath.Join(dir, ".terraform"),
		"TF_IN_AUTOMATION=1",
		"CHECKPOINT_DISABLE=1",
		"ZENDESK_URL="+url,
		"ZENDESK_EMAIL="+zendesktest.DefaultEmail,
		"ZENDESK_API_TOKEN="+zendesktest.DefaultAPIToken,
		"ZENDESK_SUBDOMAIN=",
		"ZENDESK_OAUTH_TOKEN=",
	)
	return ws, nil
}

// terraform runs a command in the workspace; exit code ok is success.
func (ws *workspace) terraform(ctx context.Context, ok int, args ...string) error {
	cmd := exec.CommandContext(ctx, "terraform", args...)
	cmd.Dir, cmd.Env = ws.dir, ws.env
	var output bytes.Buffer
	cmd.Stdout, cmd.Stderr = &output, &output
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil && ok == 0:
		return nil
	case errors.As(err, &exit) && exit.ExitCode() == ok:
		return nil
	case err == nil:
		return fmt.Errorf("terraform %s exited 0, want %d\n%s", args[0], ok, tail(output.String()))
	default:
		return fmt.Errorf("terraform %s: %w\n%s", args[0], err, tail(output.String()))
	}
}

func (ws *workspace) remove() { os.RemoveAll(ws.dir) }

// tail keeps the end of a long output, where Terraform puts its errors.
func tail(s string) string {
	const keep = 4000
	if len(s) > keep {
		return "…" + s[len(s)-keep:]
	}
	return s
}
