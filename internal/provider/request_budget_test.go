package provider

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/tfzendesk/terraform-provider-zendesk/internal/zendesktest"
)

// Requests are the budget: every account's per-minute limit is shared with
// all its integrations. These tests count what each operation costs on the
// fake's request log. Terraform refreshes at its default -parallelism of 10.

// manyIdentities renders n email identities spread over users round robin.
func manyIdentities(users []zendesktest.User, n int) string {
	var b strings.Builder
	for i := range n {
		u := users[i%len(users)]
		b.WriteString(identityConfig(fmt.Sprintf("e%d", i), u.ID, "email", fmt.Sprintf("u%d.n%d@example.org", u.ID, i)))
	}
	return b.String()
}

func (e *testEnv) users(n int) []zendesktest.User {
	out := make([]zendesktest.User, n)
	for i := range out {
		out[i] = e.fake.AddUser(fmt.Sprintf("User %d", i), "")
	}
	return out
}

// atMost checks that the requests since the last reset are within budget
// and of the expected routes only.
func (e *testEnv) atMost(budget int, routes ...zendesktest.Route) error {
	allowed := map[zendesktest.Route]bool{}
	for _, r := range routes {
		allowed[r] = true
	}
	requests := e.fake.Requests()
	byRoute := map[zendesktest.Route]int{}
	for _, r := range requests {
		byRoute[r.Route]++
		if !allowed[r.Route] {
			return fmt.Errorf("unexpected %s request %s %s (all: %v)", r.Route, r.Method, r.Path, byRoute)
		}
	}
	if len(requests) > budget {
		return fmt.Errorf("%d requests, budget %d (%v)", len(requests), budget, byRoute)
	}
	return nil
}

// readEachUserOnce checks that the show_many requests since the last
// reset read no user twice: however Terraform's reads fall into batches
// (which depends on how fast the machine runs them), a refresh costs at
// most one request per user, and far fewer when reads come together (make
// bench measures how many).
func (e *testEnv) readEachUserOnce() error {
	seen := map[string]bool{}
	for _, r := range e.fake.Requests() {
		if r.Route != zendesktest.RouteShowMany {
			continue
		}
		q, err := url.ParseQuery(r.RawQuery)
		if err != nil {
			return err
		}
		for _, id := range strings.Split(q.Get("ids"), ",") {
			if seen[id] {
				return fmt.Errorf("user %s was read by two show_many requests", id)
			}
			seen[id] = true
		}
	}
	return nil
}

func TestAccRequestBudget_createIsOneRequest(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, zendesktest.Options{})
	ana := env.user("Ana Lima")
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{{
			PreConfig: env.fake.ResetRequests,
			Config: env.config(identityConfig("work", ana.ID, "email", "ana.work@example.org",
				"primary = true", "verified = true", "skip_verify_email = true")),
			// The plan of a new identity reads nothing; the create's answer
			// is the state, with no read after it.
			Check: func(*terraform.State) error { return env.atMost(1, zendesktest.RouteCreate) },
		}},
	})
}

func TestAccRequestBudget_refreshIsBatched(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name       string
		users, ids int
	}{
		// Spread over users: each user read once, with others.
		{name: "60 identities of 20 users", users: 20, ids: 60},
		// All of one user: one request for all of them.
		{name: "250 identities of one user", users: 1, ids: 250},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			env := newTestEnv(t, zendesktest.Options{})
			config := env.config(manyIdentities(env.users(tc.users), tc.ids))
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: env.factories(),
				CheckDestroy:             env.checkDestroyed,
				Steps: []resource.TestStep{
					{Config: config},
					{
						PreConfig:    env.fake.ResetRequests,
						RefreshState: true,
						Check: func(*terraform.State) error {
							t.Logf("refresh of %d identities of %d users: %d requests", tc.ids, tc.users, env.fake.TotalRequests())
							if err := env.readEachUserOnce(); err != nil {
								return err
							}
							return env.atMost(tc.users, zendesktest.RouteShowMany)
						},
					},
				},
			})
		})
	}
}

func TestAccRequestBudget_updatesAreOneRequest(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, zendesktest.Options{})
	ana := env.user("Ana Lima")
	config := func(aValue, bExtra string) string {
		return env.config(identityConfig("a", ana.ID, "email", aValue) + identityConfig("b", ana.ID, "email", "ana.b@example.org", bExtra))
	}
	// Each step refreshes both identities with one show_many, then writes.
	step := func(config string, write zendesktest.Route) resource.TestStep {
		return resource.TestStep{
			PreConfig: env.fake.ResetRequests,
			Config:    config,
			Check: func(*terraform.State) error {
				if err := env.counts(map[zendesktest.Route]int{write: 1, zendesktest.RouteShowMany: 1}); err != nil {
					return err
				}
				return env.atMost(2, write, zendesktest.RouteShowMany)
			},
		}
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{
			{Config: config("ana.a@example.org", "")},
			step(config("ana.a2@example.org", ""), zendesktest.RouteUpdate),
			step(config("ana.a2@example.org", "primary = true"), zendesktest.RouteMakePrimary),
		},
	})
}

func TestAccRequestBudget_destroyIsOneRequestPerIdentity(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, zendesktest.Options{})
	const ids = 20
	config := env.config(manyIdentities(env.users(5), ids))
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{
			{Config: config},
			{PreConfig: env.fake.ResetRequests, Config: config, Destroy: true},
			{
				PreConfig: func() {
					if err := env.counts(map[zendesktest.Route]int{zendesktest.RouteDelete: ids}); err != nil {
						t.Error(err)
					}
					// The refresh before the destroy reads each of the 5 users
					// at most once.
					if err := env.readEachUserOnce(); err != nil {
						t.Error(err)
					}
					if err := env.atMost(ids+5, zendesktest.RouteDelete, zendesktest.RouteShowMany); err != nil {
						t.Error(err)
					}
				},
				Config: env.config(""),
			},
		},
	})
}

func TestAccRequestBudget_importByValueIsOneList(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, zendesktest.Options{})
	ana := env.user("Ana Lima")
	addr := "zendesk_user_identity.main"
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{{
			PreConfig:     env.fake.ResetRequests,
			Config:        env.config(identityConfig("main", ana.ID, "email", "ana@example.com")),
			ResourceName:  addr,
			ImportState:   true,
			ImportStateId: fmt.Sprintf("%d:email:ana@example.com", ana.ID),
			ImportStateCheck: func(states []*terraform.InstanceState) error {
				if len(states) != 1 || states[0].Attributes["value"] != "ana@example.com" {
					return fmt.Errorf("imported %v", states)
				}
				// The read after the import is answered by the import's list.
				return env.atMost(1, zendesktest.RouteList)
			},
		}},
	})
}
