package provider

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/tfzendesk/terraform-provider-zendesk/internal/tfrun"
	"github.com/tfzendesk/terraform-provider-zendesk/internal/zendesktest"
)

// What a user sees when a create's later step fails, with the terraform
// binary and the provider built from this tree: the apply succeeds and warns
// of what failed; the identity is not tainted, so the next plan updates it
// in place, and the next apply sends only the missing step.
func TestCLI_aCreateWhoseLaterStepFailsWarnsAndFinishesInPlace(t *testing.T) {
	t.Parallel()
	fake := zendesktest.NewTest(t, zendesktest.Options{IgnoreCreateFlags: true})
	ana := fake.AddUser("Ana Lima", "ana@example.com")
	fake.AddFault(zendesktest.Fault{Kind: zendesktest.FaultStatus, Route: zendesktest.RouteMakePrimary, Status: http.StatusConflict, Times: 1})

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	providerDir, cleanup, err := tfrun.BuildProvider(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer cleanup()
	ws, err := tfrun.NewWorkspace(providerDir, map[string]string{
		"ZENDESK_URL":       fake.URL(),
		"ZENDESK_EMAIL":     zendesktest.DefaultEmail,
		"ZENDESK_API_TOKEN": zendesktest.DefaultAPIToken,
	}, map[string][]byte{"main.tf": []byte(identityConfig("work", ana.ID, "email", "ana.work@example.org", "primary = true"))})
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Remove()
	run := func(wantExit int, args ...string) string {
		t.Helper()
		var out bytes.Buffer
		err := ws.Command(ctx, &out, append(args, "-no-color")...).Run()
		exit := 0
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			exit = exitErr.ExitCode()
		} else if err != nil {
			t.Fatalf("terraform %s: %v", args[0], err)
		}
		if exit != wantExit {
			t.Fatalf("terraform %s exited %d, want %d\n%s", args[0], exit, wantExit, tfrun.Tail(out.String()))
		}
		return out.String()
	}
	wantIn := func(out string, fragments ...string) {
		t.Helper()
		if re := errorLike(fragments...); !re.MatchString(out) {
			t.Errorf("the output does not match %s:\n%s", re, tfrun.Tail(out))
		}
	}

	out := run(0, "apply", "-auto-approve")
	wantIn(out, "Warning: Error making Zendesk user identity primary", `(email "ana.work@example.org")`, "HTTP 409",
		"which is in the Terraform state: it will not be created again", "Run terraform apply again to finish", "1 added")

	out = run(2, "plan", "-detailed-exitcode")
	wantIn(out, "zendesk_user_identity.work will be updated in-place", "~ primary", "false -> true", "0 to add, 1 to change, 0 to destroy")
	for _, replaced := range []string{"tainted", "must be replaced"} {
		if strings.Contains(out, replaced) {
			t.Errorf("the plan says %q:\n%s", replaced, out)
		}
	}

	fake.ResetRequests()
	out = run(0, "apply", "-auto-approve")
	wantIn(out, "0 added, 1 changed, 0 destroyed")
	for route, want := range map[zendesktest.Route]int{zendesktest.RouteMakePrimary: 1, zendesktest.RouteCreate: 0, zendesktest.RouteDelete: 0} {
		if got := fake.Count(route); got != want {
			t.Errorf("%s: %d requests, want %d", route, got, want)
		}
	}
	identities := fake.Identities(ana.ID)
	if len(identities) != 2 || identities[1].Value != "ana.work@example.org" || !identities[1].Primary {
		t.Errorf("the user's identities are %+v, want the original and ana.work@example.org, primary", identities)
	}
	run(0, "plan", "-detailed-exitcode")
	run(0, "destroy", "-auto-approve")
}
