package provider

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/tfzendesk/terraform-provider-zendesk/internal/zendesktest"
)

// elsewhere is a server that counts the requests, and the credentials,
// that reach it.
func elsewhere(t *testing.T) (url string, requests, credentials *atomic.Int32) {
	t.Helper()
	requests, credentials = &atomic.Int32{}, &atomic.Int32{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		if r.Header.Get("Authorization") != "" {
			credentials.Add(1)
		}
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(srv.Close)
	return srv.URL, requests, credentials
}

// A redirect is never followed: a create answered 302 records nothing (it
// used to become a GET whose answer was taken for the new identity), a
// refresh answered 307 fails and keeps the state, and nothing reaches the
// address the redirect names.
func TestAccUserIdentity_redirectsAreNeverFollowed(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, zendesktest.Options{})
	ana := env.user("Ana Lima")
	signup := env.fake.Identities(ana.ID)[0]
	otherURL, requests, credentials := elsewhere(t)
	addr := "zendesk_user_identity.work"
	config := env.config(identityConfig("work", ana.ID, "email", "ana.work@example.org"))
	toSignup := env.fake.URL() + fmt.Sprintf("/api/v2/users/%d/identities/%d", ana.ID, signup.ID)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					env.fake.AddFault(zendesktest.Fault{Kind: zendesktest.FaultRedirect, Route: zendesktest.RouteCreate, Status: http.StatusFound,
						Location: toSignup, Times: 1})
				},
				Config: config,
				ExpectError: errorLike("Error creating Zendesk user identity", "HTTP 302 Found", "Location: "+toSignup,
					"Zendesk's API does not redirect", "The provider never follows a redirect"),
			},
			{
				Config: config,
				Check: func(s *terraform.State) error {
					if n := env.fake.Count(zendesktest.RouteCreate); n != 2 {
						return fmt.Errorf("%d creates, want the redirected one and this one", n)
					}
					if s.RootModule().Resources[addr].Primary.ID == fmt.Sprint(signup.ID) {
						return fmt.Errorf("the state took the sign-up email for the new identity")
					}
					return nil
				},
			},
			{
				PreConfig: func() {
					env.fake.AddFault(zendesktest.Fault{Kind: zendesktest.FaultRedirect, Status: http.StatusTemporaryRedirect, Location: otherURL + "/api/v2/x"})
				},
				RefreshState: true,
				ExpectError:  errorLike("Error reading Zendesk user identity", "HTTP 307 Temporary Redirect", "Location: "+otherURL+"/api/v2/x"),
			},
			{
				PreConfig: env.fake.ClearFaults,
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionNoop)},
				},
				Check: func(*terraform.State) error {
					if n, c := requests.Load(), credentials.Load(); n != 0 {
						return fmt.Errorf("the redirect target received %d requests, %d with credentials", n, c)
					}
					return nil
				},
			},
		},
	})
}
