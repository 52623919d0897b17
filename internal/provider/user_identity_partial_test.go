package provider

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/tfzendesk/terraform-provider-zendesk/internal/zendesktest"
)

// A create's later step fails on an account that ignores the flags of a
// create: the identity stays in the state, untainted, and the next apply
// sends only the steps left, in place.
func TestAccUserIdentity_aCreateWhoseLaterStepFailsIsFinishedInPlace(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		fault zendesktest.Fault
		// what Zendesk holds after the first apply
		primaryAfterFirst bool
		// done outside Terraform between the applies
		between func(env *testEnv, identityID int64) error
		// the requests of the second apply
		finish map[zendesktest.Route]int
	}{
		{
			name:   "make_primary fails",
			fault:  zendesktest.Fault{Kind: zendesktest.FaultStatus, Route: zendesktest.RouteMakePrimary, Status: http.StatusInternalServerError},
			finish: map[zendesktest.Route]int{zendesktest.RouteMakePrimary: 1, zendesktest.RouteVerify: 1},
		},
		{
			name:  "make_primary fails, then someone makes it primary",
			fault: zendesktest.Fault{Kind: zendesktest.FaultStatus, Route: zendesktest.RouteMakePrimary, Status: http.StatusInternalServerError},
			between: func(env *testEnv, identityID int64) error {
				return env.fake.SetPrimary(identityID)
			},
			// The refresh shows the flag: the state no longer holds it
			// only as planned, so no make_primary is sent.
			finish: map[zendesktest.Route]int{zendesktest.RouteMakePrimary: 0, zendesktest.RouteVerify: 1},
		},
		{
			name: "verify fails",
			fault: zendesktest.Fault{Kind: zendesktest.FaultStatus, Route: zendesktest.RouteVerify, Status: http.StatusConflict,
				Body: `{"error":"Conflict","description":"The record was changed by another request. Please try again."}`},
			primaryAfterFirst: true,
			finish:            map[zendesktest.Route]int{zendesktest.RouteMakePrimary: 0, zendesktest.RouteVerify: 1},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			env := newTestEnv(t, zendesktest.Options{IgnoreCreateFlags: true})
			ana := env.user("Ana Lima")
			addr := "zendesk_user_identity.work"
			config := env.config(identityConfig("work", ana.ID, "email", "ana.work@example.org", "primary = true", "verified = true", "skip_verify_email = true"))
			sameID := statecheck.CompareValue(compare.ValuesSame())
			inZendesk := func(wantPrimary, wantVerified bool) error {
				if n := countValue(env.fake.Identities(ana.ID), "ana.work@example.org"); n != 1 {
					return fmt.Errorf("fake has %d identities ana.work@example.org, want 1", n)
				}
				got, _ := env.identityByValue(ana.ID, "ana.work@example.org")
				if got.Primary != wantPrimary || got.Verified != wantVerified {
					return fmt.Errorf("in Zendesk: primary = %t, verified = %t; want %t, %t", got.Primary, got.Verified, wantPrimary, wantVerified)
				}
				return nil
			}
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: env.factories(),
				CheckDestroy:             env.checkDestroyed,
				Steps: []resource.TestStep{
					{
						// The apply succeeds with a warning; the refresh
						// after it shows what Zendesk holds, so the next
						// plan is not empty.
						PreConfig:          func() { env.fake.AddFault(tc.fault) },
						Config:             config,
						ExpectNonEmptyPlan: true,
						ConfigStateChecks:  []statecheck.StateCheck{sameID.AddStateValue(addr, attr("id"))},
						Check: func(*terraform.State) error {
							if err := inZendesk(tc.primaryAfterFirst, false); err != nil {
								return err
							}
							return env.counts(map[zendesktest.Route]int{zendesktest.RouteCreate: 1})
						},
					},
					{
						PreConfig: func() {
							env.fake.ClearFaults()
							env.fake.ResetRequests()
							if tc.between != nil {
								got, _ := env.identityByValue(ana.ID, "ana.work@example.org")
								if err := tc.between(env, got.ID); err != nil {
									t.Fatal(err)
								}
							}
						},
						Config: config,
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
							plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
						}},
						ConfigStateChecks: []statecheck.StateCheck{
							sameID.AddStateValue(addr, attr("id")),
							statecheck.ExpectKnownValue(addr, attr("primary"), knownvalue.Bool(true)),
							statecheck.ExpectKnownValue(addr, attr("verified"), knownvalue.Bool(true)),
						},
						Check: func(*terraform.State) error {
							if err := inZendesk(true, true); err != nil {
								return err
							}
							want := map[zendesktest.Route]int{zendesktest.RouteCreate: 0, zendesktest.RouteDelete: 0, zendesktest.RouteUpdate: 0}
							for route, n := range tc.finish {
								want[route] = n
							}
							return env.counts(want)
						},
					},
				},
			})
		})
	}
}

// Each create and each change of value with request_verification = true
// sends the address exactly one verification email, whatever fails on the
// way.
func TestAccUserIdentity_oneVerificationEmailPerAddress(t *testing.T) {
	t.Parallel()
	const first, second = "ana.work@example.org", "ana.new@example.org"
	rvFails := func(kind zendesktest.FaultKind, status, times int) func(*testEnv) {
		return func(env *testEnv) {
			env.fake.AddFault(zendesktest.Fault{Kind: kind, Route: zendesktest.RouteRequestVerification, Status: status, RetryAfter: 1, Times: times})
		}
	}
	type step struct {
		value      string
		extra      []string
		settings   []string // provider arguments
		fault      func(*testEnv)
		wantErr    bool
		nonEmpty   bool // the plan after the apply still has work
		action     plancheck.ResourceActionType
		requests   int            // request_verification requests sent
		wantEmails map[string]int // address: emails sent to it so far
	}
	// The provider, not the create, asks for the email.
	providerAsks := []string{"request_verification = true", "skip_verify_email = true"}
	for _, tc := range []struct {
		name  string
		steps []step
	}{
		{
			name: "a create without skip_verify_email: Zendesk's email is the one",
			steps: []step{
				{value: first, extra: []string{"request_verification = true"}, action: plancheck.ResourceActionCreate,
					wantEmails: map[string]int{first: 1}},
			},
		},
		{
			name: "a create with skip_verify_email: the provider asks for it",
			steps: []step{
				{value: first, extra: providerAsks, action: plancheck.ResourceActionCreate, requests: 1, wantEmails: map[string]int{first: 1}},
			},
		},
		{
			name: "Zendesk did not send it: the next apply asks again, once",
			steps: []step{
				// A 503 with Retry-After was not processed; with no time to
				// wait for it, the request is not sent again.
				{value: first, extra: providerAsks, settings: []string{`max_rate_limit_wait = "0s"`},
					fault: rvFails(zendesktest.FaultStatus, http.StatusServiceUnavailable, 0), nonEmpty: true,
					action: plancheck.ResourceActionCreate, requests: 1, wantEmails: map[string]int{first: 0}},
				{value: first, extra: providerAsks, action: plancheck.ResourceActionUpdate, requests: 1, wantEmails: map[string]int{first: 1}},
				{value: first, extra: providerAsks, action: plancheck.ResourceActionNoop, wantEmails: map[string]int{first: 1}},
			},
		},
		{
			name: "Zendesk may have sent it: it is never asked for twice",
			steps: []step{
				{value: first, extra: providerAsks, fault: rvFails(zendesktest.FaultAfterCommit, http.StatusInternalServerError, 1),
					action: plancheck.ResourceActionCreate, requests: 1, wantEmails: map[string]int{first: 1}},
				{value: first, extra: providerAsks, action: plancheck.ResourceActionNoop, wantEmails: map[string]int{first: 1}},
			},
		},
		{
			// A proxy's 503, without Retry-After, after Zendesk took it.
			name: "Zendesk may have sent it behind a 503 without Retry-After: it is never asked for twice",
			steps: []step{
				{value: first, extra: providerAsks, fault: func(env *testEnv) {
					env.fake.AddFault(zendesktest.Fault{Kind: zendesktest.FaultAfterCommit, Route: zendesktest.RouteRequestVerification,
						Status: http.StatusServiceUnavailable, Times: 1})
				}, action: plancheck.ResourceActionCreate, requests: 1, wantEmails: map[string]int{first: 1}},
				{value: first, extra: providerAsks, action: plancheck.ResourceActionNoop, wantEmails: map[string]int{first: 1}},
			},
		},
		{
			name: "a new value whose email Zendesk refused gets it at the next apply",
			steps: []step{
				{value: first, extra: providerAsks, action: plancheck.ResourceActionCreate, requests: 1, wantEmails: map[string]int{first: 1}},
				{value: second, extra: providerAsks, fault: rvFails(zendesktest.FaultStatus, http.StatusUnprocessableEntity, 1), wantErr: true,
					action: plancheck.ResourceActionUpdate, requests: 1, wantEmails: map[string]int{first: 1, second: 0}},
				{value: second, extra: providerAsks, action: plancheck.ResourceActionUpdate, requests: 1, wantEmails: map[string]int{first: 1, second: 1}},
				{value: second, extra: providerAsks, action: plancheck.ResourceActionNoop, wantEmails: map[string]int{first: 1, second: 1}},
			},
		},
		{
			name: "an email no longer asked for is not sent",
			steps: []step{
				{value: first, extra: providerAsks, fault: rvFails(zendesktest.FaultStatus, http.StatusUnprocessableEntity, 1), nonEmpty: true,
					action: plancheck.ResourceActionCreate, requests: 1, wantEmails: map[string]int{first: 0}},
				{value: first, extra: []string{"skip_verify_email = true"}, action: plancheck.ResourceActionUpdate, wantEmails: map[string]int{first: 0}},
			},
		},
	} {
		for _, account := range []struct {
			name string
			opts zendesktest.Options
		}{
			{"", zendesktest.Options{}},
			// Zendesk's docs are silent on whether it emails a changed
			// address by itself.
			{"/Zendesk emails a changed address", zendesktest.Options{VerificationEmailOnValueChange: true}},
		} {
			t.Run(tc.name+account.name, func(t *testing.T) {
				t.Parallel()
				env := newTestEnv(t, account.opts)
				ana := env.user("Ana Lima")
				addr := "zendesk_user_identity.work"
				sameID := statecheck.CompareValue(compare.ValuesSame())
				emails := func() map[string]int {
					got := map[string]int{}
					for _, e := range env.fake.SentVerificationEmails() {
						got[e.Address]++
					}
					return got
				}
				var steps []resource.TestStep
				checkBefore := map[int]resource.TestCheckFunc{}
				for i, s := range tc.steps {
					rs := resource.TestStep{
						PreConfig: func() {
							if check := checkBefore[i]; check != nil {
								if err := check(nil); err != nil {
									t.Error(err)
								}
							}
							env.fake.ClearFaults()
							env.fake.ResetRequests()
							if s.fault != nil {
								s.fault(env)
							}
						},
						Config:             env.configWith(s.settings, identityConfig("work", ana.ID, "email", s.value, s.extra...)),
						ExpectNonEmptyPlan: s.nonEmpty,
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
							plancheck.ExpectResourceAction(addr, s.action),
						}},
					}
					check := func(*terraform.State) error {
						got := emails()
						for address, n := range s.wantEmails {
							if got[address] != n {
								return fmt.Errorf("step %d: %d verification emails to %s, want %d (all: %v)", i+1, got[address], address, n, got)
							}
						}
						if n := countValue(env.fake.Identities(ana.ID), s.value); n != 1 {
							return fmt.Errorf("step %d: fake has %d identities %s, want 1", i+1, n, s.value)
						}
						return env.counts(map[zendesktest.Route]int{
							zendesktest.RouteRequestVerification: s.requests,
							zendesktest.RouteDelete:              0,
						})
					}
					if s.wantErr {
						rs.ExpectError = errorLike("Error requesting verification of a Zendesk user identity", "Zendesk did not send it",
							"The next apply asks for it again", "HTTP 422")
						// A step that fails runs no checks: the next step runs
						// them first.
						if i+1 < len(tc.steps) {
							checkBefore[i+1] = check
						}
					} else {
						rs.ConfigStateChecks = []statecheck.StateCheck{sameID.AddStateValue(addr, attr("id"))}
						rs.Check = check
					}
					steps = append(steps, rs)
				}
				resource.UnitTest(t, resource.TestCase{
					ProtoV6ProviderFactories: env.factories(),
					CheckDestroy:             env.checkDestroyed,
					Steps:                    steps,
				})
			})
		}
	}
}
