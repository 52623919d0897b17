package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/tfzendesk/terraform-provider-zendesk/internal/zendesktest"
)

// behaviourFlags are the two attributes Zendesk does not store, so an
// import cannot know them.
var behaviourFlags = []string{"skip_verify_email", "request_verification"}

func TestAccUserIdentity_importBothForms(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, zendesktest.Options{})
	ana := env.user("Ana Lima")
	config := env.config(
		identityConfig("work", ana.ID, "email", "ana.work@example.org", "verified = true", "request_verification = true") +
			identityConfig("phone", ana.ID, "phone_number", "+1 555 010 0500", "skip_verify_email = true"))
	byID := func(addr string) resource.ImportStateIdFunc {
		return func(s *terraform.State) (string, error) {
			rs := s.RootModule().Resources[addr]
			return fmt.Sprintf("%s:%s", rs.Primary.Attributes["user_id"], rs.Primary.ID), nil
		}
	}
	importStep := func(addr string, kind resource.ImportStateKind, id string, idFunc resource.ImportStateIdFunc) resource.TestStep {
		return resource.TestStep{
			Config:                  config,
			ResourceName:            addr,
			ImportState:             true,
			ImportStateKind:         kind,
			ImportStateId:           id,
			ImportStateIdFunc:       idFunc,
			ImportStateVerify:       true,
			ImportStateVerifyIgnore: behaviourFlags,
		}
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{
			{Config: config},
			importStep("zendesk_user_identity.work", resource.ImportCommandWithID, "", byID("zendesk_user_identity.work")),
			importStep("zendesk_user_identity.phone", resource.ImportCommandWithID, "", byID("zendesk_user_identity.phone")),
			importStep("zendesk_user_identity.work", resource.ImportCommandWithID, fmt.Sprintf("%d:email:ana.work@example.org", ana.ID), nil),
			importStep("zendesk_user_identity.phone", resource.ImportCommandWithID, fmt.Sprintf("%d:phone_number:+1 555 010 0500", ana.ID), nil),
		},
	})
}

// The email a user was created with exists before any configuration:
// an import block adopts it, and the plan that follows is empty.
func TestAccUserIdentity_importBlockAdoptsTheCreationEmail(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, zendesktest.Options{})
	ana := env.user("Ana Lima")
	original, _ := env.identityByValue(ana.ID, "ana@example.com")
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{
			{
				PreConfig: env.fake.ResetRequests,
				Config: env.config(fmt.Sprintf(`
import {
  to = zendesk_user_identity.main
  id = "%d:email:ana@example.com"
}
`, ana.ID) + identityConfig("main", ana.ID, "email", "ana@example.com")),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("zendesk_user_identity.main", plancheck.ResourceActionNoop),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("zendesk_user_identity.main", "id", fmt.Sprint(original.ID)),
					resource.TestCheckResourceAttr("zendesk_user_identity.main", "primary", "true"),
					resource.TestCheckResourceAttr("zendesk_user_identity.main", "verified", "true"),
				),
			},
			{
				// Forget it again, so the test's destroy leaves the user's own email.
				Config: env.config(`
removed {
  from = zendesk_user_identity.main
  lifecycle {
    destroy = false
  }
}
`),
			},
		},
		CheckDestroy: func(*terraform.State) error {
			if _, ok := env.fake.Identity(original.ID); !ok {
				return fmt.Errorf("the user's creation email was deleted")
			}
			return nil
		},
	})
}

func TestAccUserIdentity_importErrors(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, zendesktest.Options{})
	ana, ben := env.user("Ana Lima"), env.user("Ben Okafor")
	bens, _ := env.identityByValue(ben.ID, "ben@example.com")
	messaging, err := env.fake.AddIdentity(zendesktest.Identity{UserID: ana.ID, Type: "messaging", Value: "msg-ana-1"})
	if err != nil {
		t.Fatal(err)
	}
	config := env.config(identityConfig("x", ana.ID, "email", "ana@example.com"))
	formats := `The import ID takes one of two forms:`
	for _, tc := range []struct {
		name, id string
		want     *regexp.Regexp
	}{
		{"no colon", "50001", errorLike(`Invalid import ID`, `"50001" has no colon`, formats, `<user_id>:<identity_id>`, `<user_id>:<type>:<value>`)},
		{"user id not a number", "ana:50001", errorLike(`"ana:50001" does not start with a user id`, formats)},
		{"identity id not a number", "1001:abc", errorLike(`"abc" is not an identity id`, formats)},
		{"unknown type", "1001:skype:ana", errorLike(`"skype" is not an identity type this resource manages`, formats)},
		{"empty value", "1001:email:", errorLike(`has no value after the type`, formats)},
		{
			"identity of another user", fmt.Sprintf("%d:%d", ana.ID, bens.ID),
			errorLike(fmt.Sprintf(`User %d has no identity %d`, ana.ID, bens.ID), `may belong to another user`),
		},
		{"no such value", fmt.Sprintf("%d:email:nobody@example.org", ana.ID), errorLike(fmt.Sprintf(`User %d has no email identity "nobody@example.org"`, ana.ID))},
		{
			"channel identity", fmt.Sprintf("%d:%d", ana.ID, messaging.ID),
			errorLike(fmt.Sprintf(`Identity %d is a messaging identity`, messaging.ID), `zendesk_user_identities data source`),
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: env.factories(),
				Steps: []resource.TestStep{{
					Config:        config,
					ResourceName:  "zendesk_user_identity.x",
					ImportState:   true,
					ImportStateId: tc.id,
					ExpectError:   tc.want,
				}},
			})
		})
	}
}
