package provider

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/tfzendesk/terraform-provider-zendesk/internal/tfrun"
	"github.com/tfzendesk/terraform-provider-zendesk/internal/zendesktest"
)

// triggeredIdentity is an identity whose creation triggers the action.
func triggeredIdentity(userID int64, value string, extra ...string) string {
	return fmt.Sprintf(`
resource "zendesk_user_identity" "personal" {
  user_id = %d
  type    = "email"
  value   = %q
  %s

  lifecycle {
    action_trigger {
      events  = [after_create]
      actions = [action.zendesk_user_identity_request_verification.personal]
    }
  }
}

action "zendesk_user_identity_request_verification" "personal" {
  config {
    user_id     = zendesk_user_identity.personal.user_id
    identity_id = zendesk_user_identity.personal.id
  }
}
`, userID, value, strings.Join(extra, "\n  "))
}

func TestAccRequestVerificationAction_afterCreate(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, zendesktest.Options{})
	ana := env.user("Ana Lima")
	emails := func(value string, want int) resource.TestCheckFunc {
		return func(*terraform.State) error {
			id, ok := env.identityByValue(ana.ID, value)
			if !ok {
				return fmt.Errorf("no identity %q", value)
			}
			if n := env.fake.VerificationEmails(id.ID); n != want {
				return fmt.Errorf("%d verification emails sent to %s, want %d", n, value, want)
			}
			return nil
		}
	}
	config := env.config(triggeredIdentity(ana.ID, "ana.personal@example.org", "skip_verify_email = true"))
	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0)},
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{
			{
				// The create sends no email (skip_verify_email); the action
				// sends one.
				PreConfig: env.fake.ResetRequests,
				Config:    config,
				Check: resource.ComposeAggregateTestCheckFunc(
					emails("ana.personal@example.org", 1),
					func(*terraform.State) error {
						return env.counts(map[zendesktest.Route]int{zendesktest.RouteCreate: 1, zendesktest.RouteRequestVerification: 1})
					},
				),
			},
			{
				// Nothing is created: the action does not run again.
				Config: config,
				Check:  emails("ana.personal@example.org", 1),
			},
		},
	})
}

func TestAccRequestVerificationAction_refusesAVerifiedIdentity(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, zendesktest.Options{})
	ana := env.user("Ana Lima")
	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0)},
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{{
			Config:      env.config(triggeredIdentity(ana.ID, "ana.personal@example.org", "verified = true")),
			ExpectError: errorLike("Cannot request verification", "Nothing was sent", "is verified already"),
		}},
	})
	if n := env.fake.Count(zendesktest.RouteRequestVerification); n != 0 {
		t.Errorf("%d request_verification calls for a verified identity", n)
	}
}

// terraform apply -invoke runs the action on its own, with the real CLI.
func TestRequestVerificationActionInvokedFromTheCLI(t *testing.T) {
	t.Parallel()
	skipBelowTerraform(t, 1, 14)
	fake := zendesktest.NewTest(t, zendesktest.Options{})
	ana := fake.AddUser("Ana Lima", "ana@example.com")
	personal, err := fake.AddIdentity(zendesktest.Identity{UserID: ana.ID, Type: "email", Value: "ana.personal@example.org"})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
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
	}, map[string][]byte{"main.tf": fmt.Appendf(nil, `
provider "zendesk" {}

action "zendesk_user_identity_request_verification" "personal" {
  config {
    user_id     = %d
    identity_id = %d
  }
}
`, ana.ID, personal.ID)})
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Remove()

	var out bytes.Buffer
	invoke := ws.Command(ctx, &out, "apply", "-auto-approve", "-no-color", "-invoke=action.zendesk_user_identity_request_verification.personal")
	if err := invoke.Run(); err != nil {
		t.Fatalf("terraform apply -invoke: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "Asking Zendesk to send a verification email to ana.personal@example.org") {
		t.Errorf("the output does not show the action's progress:\n%s", out.String())
	}
	if n := fake.VerificationEmails(personal.ID); n != 1 {
		t.Errorf("%d verification emails sent, want 1", n)
	}
	if n := fake.Count(zendesktest.RouteRequestVerification); n != 1 {
		t.Errorf("%d request_verification calls, want 1", n)
	}
}
