package provider

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/tfzendesk/terraform-provider-zendesk/internal/zendesktest"
)

// webPage404 is the error of a request that a host serving no Zendesk
// account answered.
var webPage404 = []string{
	"HTTP 404 Not Found and a web page (text/html), not by Zendesk's API",
	"a host that serves no Zendesk account",
	`Only Zendesk's own "RecordNotFound" answer means that an identity or user is gone`,
}

func withSummary(summary string, fragments []string) []string {
	return append([]string{summary}, fragments...)
}

// identityKept checks that the state still holds the identity, with the
// id Zendesk gave it.
func (e *testEnv) identityKept(addr string, id *int64) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[addr]
		if !ok {
			return fmt.Errorf("%s is gone from the state", addr)
		}
		if rs.Primary.ID != fmt.Sprint(*id) {
			return fmt.Errorf("%s has id %s, want %d", addr, rs.Primary.ID, *id)
		}
		return nil
	}
}

// A host that answers every path with an HTML 404 (a mistyped subdomain, a
// host-mapped domain whose mapping was removed) says nothing about the
// identities: refresh, plan and destroy fail with what answered, and the
// state keeps every identity until Zendesk itself answers again.
func TestAccUserIdentity_aHostThatIsNotZendeskNeverEmptiesTheState(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, zendesktest.Options{})
	ana := env.user("Ana Lima")
	addr := "zendesk_user_identity.work"
	config := env.config(identityConfig("work", ana.ID, "email", "ana.work@example.org"))
	var id int64
	hostNotFound := func() { env.fake.SetHostNotFound(true) }
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: func(*terraform.State) error {
					identity, ok := env.identityByValue(ana.ID, "ana.work@example.org")
					id = identity.ID
					if !ok {
						return fmt.Errorf("not created")
					}
					return nil
				},
			},
			// terraform apply -refresh-only
			{
				PreConfig:    hostNotFound,
				RefreshState: true,
				ExpectError:  errorLike(withSummary("Error reading Zendesk user identity", webPage404)...),
			},
			// terraform plan
			{
				PreConfig:   hostNotFound,
				Config:      config,
				PlanOnly:    true,
				ExpectError: errorLike(withSummary("Error reading Zendesk user identity", webPage404)...),
			},
			// terraform destroy
			{
				PreConfig:   hostNotFound,
				Config:      config,
				Destroy:     true,
				ExpectError: errorLike(withSummary("Error reading Zendesk user identity", webPage404)...),
			},
			// Zendesk answers again: nothing was lost, nothing is to do.
			{
				PreConfig: func() { env.fake.SetHostNotFound(false) },
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionNoop)},
				},
				Check: env.identityKept(addr, &id),
			},
		},
	})
}

// Deleting an identity answered with another 404 than Zendesk's
// RecordNotFound fails and keeps the identity in the state; Zendesk's own
// RecordNotFound is a delete done.
func TestAccUserIdentity_deleteAnsweredWithAnHTML404(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, zendesktest.Options{})
	ana := env.user("Ana Lima")
	addr := "zendesk_user_identity.work"
	config := env.config(identityConfig("work", ana.ID, "email", "ana.work@example.org"))
	var id int64
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: func(*terraform.State) error {
					identity, _ := env.identityByValue(ana.ID, "ana.work@example.org")
					id = identity.ID
					return nil
				},
			},
			{
				PreConfig: func() {
					env.fake.AddFault(zendesktest.Fault{Kind: zendesktest.FaultStatus, Route: zendesktest.RouteDelete, Status: http.StatusNotFound,
						Body: "<!DOCTYPE html><html><body>Not found</body></html>", ContentType: "text/html"})
				},
				Config:      env.config(""),
				ExpectError: errorLike(withSummary("Error deleting Zendesk user identity", webPage404)...),
			},
			{
				PreConfig: env.fake.ClearFaults,
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionNoop)},
				},
				Check: env.identityKept(addr, &id),
			},
			// Removed behind Terraform's back, then by Terraform: Zendesk's
			// RecordNotFound to the delete ends it.
			{
				PreConfig: func() {
					env.fake.AddFault(zendesktest.Fault{Kind: zendesktest.FaultAfterCommit, Route: zendesktest.RouteDelete, Status: http.StatusNotFound, Times: 1})
				},
				Config: env.config(""),
				Check: func(*terraform.State) error {
					if _, ok := env.fake.Identity(id); ok {
						return fmt.Errorf("identity %d is still in Zendesk", id)
					}
					return nil
				},
			},
		},
	})
}

// An OAuth token endpoint answering 404, even with Zendesk's
// RecordNotFound body, is about the credentials, not the identities.
func TestAccUserIdentity_aTokenExchange404KeepsTheState(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, zendesktest.Options{})
	ana := env.user("Ana Lima")
	addr := "zendesk_user_identity.work"
	config := env.clientCredentialsConfig(identityConfig("work", ana.ID, "email", "ana.work@example.org"))
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: func() {
					env.fake.AddFault(zendesktest.Fault{Kind: zendesktest.FaultStatus, Route: zendesktest.RouteOAuthTokens, Status: http.StatusNotFound})
				},
				RefreshState: true,
				ExpectError: errorLike("Error reading Zendesk user identity", "POST /oauth/tokens with HTTP 404 Not Found", "Error: RecordNotFound",
					"Nothing answers at /oauth/tokens of this URL", "none is removed from the state"),
			},
			{
				PreConfig: env.fake.ClearFaults,
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionNoop)},
				},
			},
		},
	})
}

// Importing by id or reading the data source through a host that is not
// Zendesk's API is an error that says so, not "no such identity" or "no
// such user".
func TestAccUserIdentity_importAndDataSourceBehindAnHTML404(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, zendesktest.Options{HostNotFound: true})
	ana := env.user("Ana Lima")
	email := env.fake.Identities(ana.ID)[0]
	importConfig := env.config(fmt.Sprintf(`
import {
  to = zendesk_user_identity.signup
  id = "%d:%d"
}
`, ana.ID, email.ID) + identityConfig("signup", ana.ID, "email", email.Value))
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{
			{
				Config:      importConfig,
				ExpectError: errorLike(withSummary("Cannot import Zendesk user identity", webPage404)...),
			},
			{
				Config:      env.config(identitiesConfig(ana.ID)),
				ExpectError: errorLike(withSummary("Error reading Zendesk user identities", webPage404)...),
			},
			{
				PreConfig: func() { env.fake.SetHostNotFound(false) },
				Config:    env.config(identitiesConfig(ana.ID)),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.zendesk_user_identities.test", attr("identities"), knownvalue.ListSizeExact(1)),
				},
			},
		},
	})
}
