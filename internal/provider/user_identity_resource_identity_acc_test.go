package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/tfzendesk/terraform-provider-zendesk/internal/zendesktest"
)

// The acceptance tests of the features of Terraform 1.12 and 1.14 run with
// a Terraform that has them, named by TF_ACC_TERRAFORM_PATH; an older one
// skips them. The protocol tests (TestProtocol_*) cover the same behaviour
// with any Terraform.

// identityIs checks a resource identity against the fake: the user's id,
// and the id of its identity with that value.
func (e *testEnv) identityIs(userID int64, value string) map[string]knownvalue.Check {
	return map[string]knownvalue.Check{
		"user_id": knownvalue.Int64Exact(userID),
		"id": knownvalue.Int64Func(func(id int64) error {
			if want, ok := e.identityByValue(userID, value); !ok || want.ID != id {
				return fmt.Errorf("identity id %d, want the id of user %d's %q (%d)", id, userID, value, want.ID)
			}
			return nil
		}),
	}
}

func TestAccUserIdentity_resourceIdentity(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, zendesktest.Options{})
	ana := env.user("Ana Lima")
	const addr = "zendesk_user_identity.work"
	config := env.config(identityConfig("work", ana.ID, "email", "ana.work@example.org", "verified = true"))
	noChange := resource.ImportPlanChecks{PreApply: []plancheck.PlanCheck{
		plancheck.ExpectResourceAction(addr, plancheck.ResourceActionNoop),
	}}
	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{
			{
				Config:            config,
				ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectIdentity(addr, env.identityIs(ana.ID, "ana.work@example.org"))},
			},
			{
				// A new value keeps the identity.
				Config: env.config(identityConfig("work", ana.ID, "email", "ana.lima@example.org", "verified = true")),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentity(addr, env.identityIs(ana.ID, "ana.lima@example.org")),
					statecheck.ExpectIdentityValueMatchesState(addr, attr("user_id")),
				},
			},
			{
				// import { to = ..., identity = { user_id = ..., id = ... } }
				Config:           env.config(identityConfig("work", ana.ID, "email", "ana.lima@example.org", "verified = true")),
				ResourceName:     addr,
				ImportState:      true,
				ImportStateKind:  resource.ImportBlockWithResourceIdentity,
				ImportPlanChecks: noChange,
			},
			{
				Config:            env.config(identityConfig("work", ana.ID, "email", "ana.lima@example.org", "verified = true")),
				ResourceName:      addr,
				ImportState:       true,
				ImportStateKind:   resource.ImportBlockWithID,
				ImportStateIdFunc: importIDOf(addr),
				ImportPlanChecks:  noChange,
			},
			{
				Config:                  env.config(identityConfig("work", ana.ID, "email", "ana.lima@example.org", "verified = true")),
				ResourceName:            addr,
				ImportState:             true,
				ImportStateKind:         resource.ImportCommandWithID,
				ImportStateId:           fmt.Sprintf("%d:email:ana.lima@example.org", ana.ID),
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: behaviourFlags,
			},
		},
	})
}

// The email a user was created with, adopted by an import block that
// names it by identity: the plan imports it and changes nothing.
func TestAccUserIdentity_importBlockWithIdentityAdoptsTheCreationEmail(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, zendesktest.Options{})
	ana := env.user("Ana Lima")
	original, _ := env.identityByValue(ana.ID, "ana@example.com")
	const addr = "zendesk_user_identity.main"
	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{{
			PreConfig: env.fake.ResetRequests,
			Config: env.config(fmt.Sprintf(`
import {
  to       = zendesk_user_identity.main
  identity = { user_id = %d, id = %d }
}
`, ana.ID, original.ID) + identityConfig("main", ana.ID, "email", "ana@example.com")),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(addr, plancheck.ResourceActionNoop),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectIdentity(addr, env.identityIs(ana.ID, "ana@example.com")),
				statecheck.ExpectKnownValue(addr, attr("primary"), knownvalue.Bool(true)),
			},
		}},
	})
}

// importIDOf returns the <user_id>:<identity_id> import ID of a resource in
// state.
func importIDOf(addr string) resource.ImportStateIdFunc {
	return func(s *terraform.State) (string, error) {
		rs, ok := s.RootModule().Resources[addr]
		if !ok {
			return "", fmt.Errorf("%s is not in the state", addr)
		}
		return fmt.Sprintf("%s:%s", rs.Primary.Attributes["user_id"], rs.Primary.ID), nil
	}
}
