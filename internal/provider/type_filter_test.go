package provider

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/tfzendesk/terraform-provider-zendesk/internal/zendesktest"
)

// Zendesk documents no google value for the list's type[] filter. Against
// an account that refuses it, the plan's first-of-type check, a create
// whose answer is lost, and an import by value of a google identity all
// still work: they list unfiltered and filter in the provider.
func TestAccUserIdentity_googleWhereTheTypeFilterRefusesIt(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, zendesktest.Options{StrictTypeFilter: true})
	ana := env.user("Ana Lima")
	addr := "zendesk_user_identity.google"
	config := env.config(identityConfig("google", ana.ID, "google", "ana.lima@gmail.com"))
	noRefusals := func(*terraform.State) error {
		if n := env.fake.CountStatus(http.StatusBadRequest); n != 0 {
			return fmt.Errorf("%d requests were refused 400", n)
		}
		return nil
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{
			{
				Config:      env.config(identityConfig("google", ana.ID, "google", "ana.lima@gmail.com", "primary = false")),
				ExpectError: errorLike("Cannot create a first identity that is not primary", "has no google identity yet"),
			},
			{
				PreConfig: func() {
					env.fake.AddFault(zendesktest.Fault{Kind: zendesktest.FaultDropAfterCommit, Route: zendesktest.RouteCreate, Times: 1})
				},
				Config: config,
				Check: resource.ComposeTestCheckFunc(noRefusals, func(*terraform.State) error {
					if n := len(env.fake.Identities(ana.ID)); n != 2 {
						return fmt.Errorf("Zendesk holds %d identities of the user, want the email and one google", n)
					}
					return nil
				}),
			},
			{
				Config:                  config,
				ResourceName:            addr,
				ImportState:             true,
				ImportStateId:           fmt.Sprintf("%d:google:ana.lima@gmail.com", ana.ID),
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: behaviourFlags,
			},
			{Config: config, Check: noRefusals},
		},
	})
}
