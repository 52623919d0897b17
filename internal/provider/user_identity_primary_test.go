package provider

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/tfzendesk/terraform-provider-zendesk/internal/zendesktest"
)

// anyValue accepts every known value, null included: with
// plancheck.ExpectKnownValue, it checks only that the value is known.
type anyValue struct{}

func (anyValue) CheckValue(any) error { return nil }
func (anyValue) String() string       { return "any known value" }

// The flag moves from b to a while b, its primary left unset, changes in
// the same apply. Only the configuration makes an identity primary: b's
// primary, carried over from the state, is no wish to act on, and its
// answer shows the flag gone.
func TestAccUserIdentity_unsetPrimaryIsNeverActedOn(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		bValue string
		bExtra string
		write  zendesktest.Route
	}{
		{name: "b changes its value", bValue: "ana.b2@example.org", write: zendesktest.RouteUpdate},
		{name: "b gets verified", bValue: "ana.b@example.org", bExtra: "verified = true", write: zendesktest.RouteVerify},
	} {
		for _, account := range []struct {
			name string
			opts zendesktest.Options
		}{
			{"", zendesktest.Options{}},
			{"/create ignores primary", zendesktest.Options{IgnoreCreateFlags: true}},
		} {
			t.Run(tc.name+account.name, func(t *testing.T) {
				t.Parallel()
				env := newTestEnv(t, account.opts)
				ana := env.user("Ana Lima")
				a, b := "zendesk_user_identity.a", "zendesk_user_identity.b"
				config := func(aExtra, bValue, bExtra string) string {
					return env.config(identityConfig("a", ana.ID, "email", "ana.a@example.org", aExtra) +
						identityConfig("b", ana.ID, "email", bValue, bExtra, "depends_on = [zendesk_user_identity.a]"))
				}
				primaryIs := func(value string, want bool) error {
					got, ok := env.identityByValue(ana.ID, value)
					if !ok {
						return fmt.Errorf("fake has no identity %s", value)
					}
					if got.Primary != want {
						return fmt.Errorf("%s: primary = %t in Zendesk, want %t", value, got.Primary, want)
					}
					return nil
				}
				resource.UnitTest(t, resource.TestCase{
					ProtoV6ProviderFactories: env.factories(),
					CheckDestroy:             env.checkDestroyed,
					Steps: []resource.TestStep{
						{
							Config: config("", "ana.b@example.org", "primary = true"),
							Check:  func(*terraform.State) error { return primaryIs("ana.b@example.org", true) },
						},
						{
							// The next plan after this step must be empty: the
							// test fails otherwise.
							PreConfig: env.fake.ResetRequests,
							Config:    config("primary = true", tc.bValue, tc.bExtra),
							ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
								plancheck.ExpectResourceAction(a, plancheck.ResourceActionUpdate),
								plancheck.ExpectKnownValue(a, attr("primary"), knownvalue.Bool(true)),
								plancheck.ExpectResourceAction(b, plancheck.ResourceActionUpdate),
								plancheck.ExpectUnknownValue(b, attr("primary")),
							}},
							ConfigStateChecks: []statecheck.StateCheck{
								statecheck.ExpectKnownValue(a, attr("primary"), knownvalue.Bool(true)),
								statecheck.ExpectKnownValue(b, attr("primary"), knownvalue.Bool(false)),
							},
							Check: func(*terraform.State) error {
								if err := primaryIs("ana.a@example.org", true); err != nil {
									return err
								}
								if err := primaryIs(tc.bValue, false); err != nil {
									return err
								}
								return env.counts(map[zendesktest.Route]int{zendesktest.RouteMakePrimary: 1, tc.write: 1})
							},
						},
					},
				})
			})
		}
	}
}

// Each combination of primary in the configuration, primary in Zendesk and
// the change applied: the plan leaves unknown exactly what a request of
// this apply may change, keeps the rest, and the apply sends only the
// requests the change needs.
func TestAccUserIdentity_planLeavesUnknownWhatTheApplyMayChange(t *testing.T) {
	t.Parallel()
	const (
		known   = true
		unknown = false
	)
	// Attributes Zendesk owns, in the order of the expectations below.
	owned := []string{"primary", "verified", "verification_method", "verified_at", "deliverable_state", "undeliverable_count", "updated_at"}
	type expect map[string]bool // attribute: known in the plan
	cases := []struct {
		name string
		// before and after are the extra lines of the two configurations;
		// the value gets suffix 2 when changeValue.
		before, after []string
		changeValue   bool
		action        plancheck.ResourceActionType
		plan          expect
		requests      []zendesktest.Route
		wantPrimary   bool
	}{
		{
			name: "unset, not primary, no change", action: plancheck.ResourceActionNoop,
		},
		{
			name: "unset, primary, no change", before: []string{"primary = true"}, action: plancheck.ResourceActionNoop,
			wantPrimary: true,
		},
		{
			name: "unset, not primary, new value", changeValue: true, action: plancheck.ResourceActionUpdate,
			plan:     expect{"primary": unknown, "verified": unknown, "verification_method": unknown, "verified_at": unknown, "deliverable_state": unknown, "undeliverable_count": unknown, "updated_at": unknown},
			requests: []zendesktest.Route{zendesktest.RouteUpdate},
		},
		{
			name: "unset, primary, verified", before: []string{"primary = true"}, after: []string{"verified = true"}, action: plancheck.ResourceActionUpdate,
			plan:     expect{"primary": unknown, "verified": known, "verification_method": unknown, "verified_at": unknown, "deliverable_state": known, "undeliverable_count": known, "updated_at": unknown},
			requests: []zendesktest.Route{zendesktest.RouteVerify}, wantPrimary: true,
		},
		{
			name: "true, not primary, no other change", after: []string{"primary = true"}, action: plancheck.ResourceActionUpdate,
			plan:     expect{"primary": known, "verified": known, "verification_method": known, "verified_at": known, "deliverable_state": known, "undeliverable_count": known, "updated_at": unknown},
			requests: []zendesktest.Route{zendesktest.RouteMakePrimary}, wantPrimary: true,
		},
		{
			name: "true, primary, new value", before: []string{"primary = true"}, after: []string{"primary = true"}, changeValue: true, action: plancheck.ResourceActionUpdate,
			plan:     expect{"primary": known, "verified": unknown, "verification_method": unknown, "verified_at": unknown, "deliverable_state": unknown, "undeliverable_count": unknown, "updated_at": unknown},
			requests: []zendesktest.Route{zendesktest.RouteUpdate}, wantPrimary: true,
		},
		{
			name: "false, not primary, new value", before: []string{"primary = false"}, after: []string{"primary = false"}, changeValue: true, action: plancheck.ResourceActionUpdate,
			plan:     expect{"primary": known, "verified": unknown, "verification_method": unknown, "verified_at": unknown, "deliverable_state": unknown, "undeliverable_count": unknown, "updated_at": unknown},
			requests: []zendesktest.Route{zendesktest.RouteUpdate},
		},
		{
			name: "true, primary, verified", before: []string{"primary = true"}, after: []string{"primary = true", "verified = true"}, action: plancheck.ResourceActionUpdate,
			plan:     expect{"primary": known, "verified": known, "verification_method": unknown, "verified_at": unknown, "deliverable_state": known, "undeliverable_count": known, "updated_at": unknown},
			requests: []zendesktest.Route{zendesktest.RouteVerify}, wantPrimary: true,
		},
	}

	env := newTestEnv(t, zendesktest.Options{})
	users := make([]zendesktest.User, len(cases))
	for i := range cases {
		users[i] = env.fake.AddUser(fmt.Sprintf("Case %d", i), fmt.Sprintf("case%d@example.com", i))
	}
	value := func(i int, changed bool) string {
		if changed {
			return fmt.Sprintf("case%d.other2@example.org", i)
		}
		return fmt.Sprintf("case%d.other@example.org", i)
	}
	config := func(after bool) string {
		var b strings.Builder
		for i, tc := range cases {
			extra := tc.before
			if after {
				extra = tc.after
			}
			b.WriteString(identityConfig(fmt.Sprintf("c%d", i), users[i].ID, "email", value(i, after && tc.changeValue), extra...))
		}
		return env.config(b.String())
	}
	var checks []plancheck.PlanCheck
	for i, tc := range cases {
		addr := fmt.Sprintf("zendesk_user_identity.c%d", i)
		checks = append(checks, plancheck.ExpectResourceAction(addr, tc.action))
		for _, name := range owned {
			isKnown, ok := tc.plan[name]
			switch {
			case !ok: // no change planned: nothing to check
			case isKnown:
				checks = append(checks, plancheck.ExpectKnownValue(addr, attr(name), anyValue{}))
			default:
				checks = append(checks, plancheck.ExpectUnknownValue(addr, attr(name)))
			}
		}
		checks = append(checks, plancheck.ExpectKnownValue(addr, attr("created_at"), knownvalue.NotNull()))
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{
			{Config: config(false)},
			{
				PreConfig:        env.fake.ResetRequests,
				Config:           config(true),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: checks},
				Check: func(*terraform.State) error {
					var problems []string
					for i, tc := range cases {
						got, ok := env.identityByValue(users[i].ID, value(i, tc.changeValue))
						if !ok {
							problems = append(problems, fmt.Sprintf("%s: no identity %s in Zendesk", tc.name, value(i, tc.changeValue)))
							continue
						}
						if got.Primary != tc.wantPrimary {
							problems = append(problems, fmt.Sprintf("%s: primary = %t in Zendesk, want %t", tc.name, got.Primary, tc.wantPrimary))
						}
						var sent []zendesktest.Route
						for _, r := range env.fake.Requests() {
							if r.IdentityID == got.ID && r.Method != http.MethodGet {
								sent = append(sent, r.Route)
							}
						}
						if fmt.Sprint(sent) != fmt.Sprint(tc.requests) {
							problems = append(problems, fmt.Sprintf("%s: requests %v, want %v", tc.name, sent, tc.requests))
						}
					}
					if len(problems) > 0 {
						return fmt.Errorf("%s", strings.Join(problems, "\n"))
					}
					return nil
				},
			},
		},
	})
}

// make_primary acknowledged but not carried out: its answer lists the
// identity as not primary. The apply fails with what came back, and the
// state keeps primary = false, so the next plan makes it primary again.
func TestAccUserIdentity_makePrimaryAnsweredWithoutTheFlag(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, zendesktest.Options{})
	ana := env.user("Ana Lima")
	work := "zendesk_user_identity.work"
	config := func(extra ...string) string {
		return env.config(identityConfig("work", ana.ID, "email", "ana.work@example.org", extra...))
	}
	primaryInZendesk := func(want bool) resource.TestCheckFunc {
		return func(*terraform.State) error {
			got, ok := env.identityByValue(ana.ID, "ana.work@example.org")
			if !ok || got.Primary != want {
				return fmt.Errorf("Zendesk holds %+v, want primary = %t", got, want)
			}
			return nil
		}
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{
			{Config: config(), Check: primaryInZendesk(false)},
			{
				PreConfig: func() {
					env.fake.AddFault(zendesktest.Fault{Kind: zendesktest.FaultNotApplied, Route: zendesktest.RouteMakePrimary, Times: 1})
				},
				Config: config("primary = true"),
				ExpectError: errorLike("Error making Zendesk user identity primary", "make_primary", "Zendesk's answer is unusable",
					`as not primary, and identity`, `("ana@example.com") as the user's primary email`, "does not record it"),
			},
			{
				Config: config("primary = true"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(work, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(work, attr("primary"), knownvalue.Bool(true)),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(primaryInZendesk(true), func(*terraform.State) error {
					return env.counts(map[zendesktest.Route]int{zendesktest.RouteMakePrimary: 2})
				}),
			},
		},
	})
}
