package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/tfzendesk/terraform-provider-zendesk/internal/zendesk"
	"github.com/tfzendesk/terraform-provider-zendesk/internal/zendesktest"
)

// identityConfig renders one zendesk_user_identity block; extra holds more
// attribute lines.
func identityConfig(name string, userID int64, typ, value string, extra ...string) string {
	return fmt.Sprintf(`
resource "zendesk_user_identity" %q {
  user_id = %d
  type    = %q
  value   = %q
  %s
}
`, name, userID, typ, value, strings.Join(extra, "\n  "))
}

func attr(name string) tfjsonpath.Path { return tfjsonpath.New(name) }

func TestAccUserIdentity_createsEachType(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, zendesktest.Options{})
	ana := env.user("Ana Lima")
	values := map[string]string{
		zendesk.TypeEmail:           "ana.work@example.org",
		zendesk.TypeTwitter:         "ana_lima",
		zendesk.TypeFacebook:        "ana.lima.fb",
		zendesk.TypeGoogle:          "ana.lima@gmail.com",
		zendesk.TypePhoneNumber:     "+1 555 010 0200",
		zendesk.TypeAgentForwarding: "+44 20 7946 0958",
	}
	var body strings.Builder
	var checks []statecheck.StateCheck
	for _, typ := range zendesk.CreatableTypes {
		body.WriteString(identityConfig(typ, ana.ID, typ, values[typ]))
		addr := "zendesk_user_identity." + typ
		checks = append(checks,
			statecheck.ExpectKnownValue(addr, attr("user_id"), knownvalue.Int64Exact(ana.ID)),
			statecheck.ExpectKnownValue(addr, attr("type"), knownvalue.StringExact(typ)),
			statecheck.ExpectKnownValue(addr, attr("value"), knownvalue.StringExact(values[typ])),
			// Ana already has a primary email; every other type is her first.
			statecheck.ExpectKnownValue(addr, attr("primary"), knownvalue.Bool(typ != zendesk.TypeEmail)),
			statecheck.ExpectKnownValue(addr, attr("verified"), knownvalue.Bool(false)),
			statecheck.ExpectKnownValue(addr, attr("url"), knownvalue.StringRegexp(regexpf(`/api/v2/users/%d/identities/\d+\.json$`, ana.ID))),
			statecheck.ExpectKnownValue(addr, attr("created_at"), knownvalue.NotNull()),
			statecheck.ExpectKnownValue(addr, attr("updated_at"), knownvalue.NotNull()),
		)
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{{
			Config:            env.config(body.String()),
			ConfigStateChecks: checks,
			Check: func(*terraform.State) error {
				for typ, value := range values {
					got, ok := env.identityByValue(ana.ID, value)
					if !ok || got.Type != typ {
						return fmt.Errorf("fake has no %s identity %q for user %d", typ, value, ana.ID)
					}
				}
				return env.counts(map[zendesktest.Route]int{zendesktest.RouteCreate: len(values)})
			},
		}},
	})
}

func TestAccUserIdentity_primaryAndVerifiedOnCreate(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		opts zendesktest.Options
		// follow-up calls when Zendesk ignores the flags in the create
		followUps int
	}{
		{name: "honoured in the create", opts: zendesktest.Options{}},
		{name: "ignored by the create", opts: zendesktest.Options{IgnoreCreateFlags: true}, followUps: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			env := newTestEnv(t, tc.opts)
			ana := env.user("Ana Lima")
			original, _ := env.identityByValue(ana.ID, "ana@example.com")
			addr := "zendesk_user_identity.work"
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: env.factories(),
				CheckDestroy:             env.checkDestroyed,
				Steps: []resource.TestStep{{
					PreConfig: env.fake.ResetRequests,
					Config:    env.config(identityConfig("work", ana.ID, "email", "ana.work@example.org", "primary = true", "verified = true", "skip_verify_email = true")),
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue(addr, attr("primary"), knownvalue.Bool(true)),
						statecheck.ExpectKnownValue(addr, attr("verified"), knownvalue.Bool(true)),
						statecheck.ExpectKnownValue(addr, attr("verification_method"), knownvalue.NotNull()),
						statecheck.ExpectKnownValue(addr, attr("skip_verify_email"), knownvalue.Bool(true)),
					},
					Check: func(*terraform.State) error {
						if got, _ := env.fake.Identity(original.ID); got.Primary {
							return fmt.Errorf("the user's original email is still primary")
						}
						return env.counts(map[zendesktest.Route]int{
							zendesktest.RouteCreate:      1,
							zendesktest.RouteMakePrimary: tc.followUps,
							zendesktest.RouteVerify:      tc.followUps,
							zendesktest.RouteUpdate:      0,
						})
					},
				}},
			})
		})
	}
}

func TestAccUserIdentity_updatesValueInPlace(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, zendesktest.Options{})
	ana := env.user("Ana Lima")
	addr := "zendesk_user_identity.work"
	sameID := statecheck.CompareValue(compare.ValuesSame())
	config := func(value string, extra ...string) string {
		return env.config(identityConfig("work", ana.ID, "email", value, append([]string{"request_verification = true"}, extra...)...))
	}
	emails := func(value string) int {
		got, _ := env.identityByValue(ana.ID, value)
		return env.fake.VerificationEmails(got.ID)
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{
			{
				Config:            config("ana.old@example.org", "skip_verify_email = true"),
				ConfigStateChecks: []statecheck.StateCheck{sameID.AddStateValue(addr, attr("id"))},
				Check: func(*terraform.State) error {
					if n := emails("ana.old@example.org"); n != 1 {
						return fmt.Errorf("verification emails after create: %d, want 1", n)
					}
					return nil
				},
			},
			{
				PreConfig: env.fake.ResetRequests,
				Config:    config("ana.new@example.org", "skip_verify_email = true"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
					plancheck.ExpectUnknownValue(addr, attr("verified")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(addr, attr("id")),
					statecheck.ExpectKnownValue(addr, attr("value"), knownvalue.StringExact("ana.new@example.org")),
				},
				Check: func(*terraform.State) error {
					if n := emails("ana.new@example.org"); n != 2 {
						return fmt.Errorf("verification emails after the change of value: %d, want 2", n)
					}
					return env.counts(map[zendesktest.Route]int{zendesktest.RouteUpdate: 1, zendesktest.RouteCreate: 0, zendesktest.RouteDelete: 0})
				},
			},
			{
				// A behaviour flag changes: no request, no email.
				PreConfig: env.fake.ResetRequests,
				Config:    config("ana.new@example.org"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(addr, attr("updated_at"), knownvalue.NotNull()),
				}},
				Check: func(*terraform.State) error {
					if n := emails("ana.new@example.org"); n != 2 {
						return fmt.Errorf("verification emails after a flag change: %d, want 2", n)
					}
					return env.counts(map[zendesktest.Route]int{zendesktest.RouteUpdate: 0, zendesktest.RouteRequestVerification: 0})
				},
			},
			{
				// The same address in another case: kept as written, no request.
				PreConfig: env.fake.ResetRequests,
				Config:    config("Ana.New@Example.org"),
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(addr, attr("id")),
					statecheck.ExpectKnownValue(addr, attr("value"), knownvalue.StringExact("Ana.New@Example.org")),
				},
				Check: func(*terraform.State) error {
					return env.counts(map[zendesktest.Route]int{zendesktest.RouteUpdate: 0, zendesktest.RouteRequestVerification: 0})
				},
			},
		},
	})
}

func TestAccUserIdentity_typeAndUserChangesReplace(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, zendesktest.Options{})
	ana, ben := env.user("Ana Lima"), env.user("Ben Okafor")
	addr := "zendesk_user_identity.handle"
	differentID := statecheck.CompareValue(compare.ValuesDiffer())
	step := func(userID int64, typ string) resource.TestStep {
		return resource.TestStep{
			Config:            env.config(identityConfig("handle", userID, typ, "ana_lima")),
			ConfigStateChecks: []statecheck.StateCheck{differentID.AddStateValue(addr, attr("id"))},
		}
	}
	first, byType, byUser := step(ana.ID, "twitter"), step(ana.ID, "facebook"), step(ben.ID, "facebook")
	for _, s := range []*resource.TestStep{&byType, &byUser} {
		s.ConfigPlanChecks = resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
			plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroyBeforeCreate),
		}}
	}
	byUser.Check = func(*terraform.State) error {
		if _, ok := env.identityByValue(ana.ID, "ana_lima"); ok {
			return fmt.Errorf("the replaced identity is still on user %d", ana.ID)
		}
		if got, ok := env.identityByValue(ben.ID, "ana_lima"); !ok || got.Type != "facebook" {
			return fmt.Errorf("user %d has no facebook identity ana_lima", ben.ID)
		}
		return nil
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy:             env.checkDestroyed,
		Steps:                    []resource.TestStep{first, byType, byUser},
	})
}

func TestAccUserIdentity_primaryFlipsBetweenSiblings(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, zendesktest.Options{})
	ana := env.user("Ana Lima")
	a, b := "zendesk_user_identity.a", "zendesk_user_identity.b"
	config := func(aExtra, bExtra string) string {
		return env.config(identityConfig("a", ana.ID, "email", "ana.a@example.org", aExtra) +
			identityConfig("b", ana.ID, "email", "ana.b@example.org", bExtra))
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{
			{
				Config: config("primary = true", "depends_on = [zendesk_user_identity.a]"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(a, attr("primary"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(b, attr("primary"), knownvalue.Bool(false)),
				},
			},
			{
				// Move the flag to b; a, unset, follows Zendesk without a diff.
				PreConfig: env.fake.ResetRequests,
				Config:    config("", "primary = true"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(a, plancheck.ResourceActionNoop),
					plancheck.ExpectResourceAction(b, plancheck.ResourceActionUpdate),
				}},
				Check: func(*terraform.State) error {
					if got, _ := env.identityByValue(ana.ID, "ana.a@example.org"); got.Primary {
						return fmt.Errorf("a is still primary in Zendesk")
					}
					return env.counts(map[zendesktest.Route]int{zendesktest.RouteMakePrimary: 1, zendesktest.RouteUpdate: 0})
				},
			},
			{
				// The sibling's refresh shows the demotion.
				RefreshState: true,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(a, "primary", "false"),
					resource.TestCheckResourceAttr(b, "primary", "true"),
				),
			},
			{
				// a declares primary = true again: the plan shows the update back.
				Config: config("primary = true", ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(a, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(a, attr("primary"), knownvalue.Bool(true)),
					plancheck.ExpectResourceAction(b, plancheck.ResourceActionNoop),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(a, attr("primary"), knownvalue.Bool(true)),
				},
			},
		},
	})
}

func TestAccUserIdentity_verifyAndUnverify(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, zendesktest.Options{})
	ana := env.user("Ana Lima")
	addr := "zendesk_user_identity.phone"
	config := func(extra string) string {
		return env.config(identityConfig("phone", ana.ID, "phone_number", "+1 555 010 0300", extra))
	}
	verifiedIs := func(want bool, route zendesktest.Route) resource.TestStep {
		return resource.TestStep{
			PreConfig: env.fake.ResetRequests,
			Config:    config(fmt.Sprintf("verified = %t", want)),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addr, attr("verified"), knownvalue.Bool(want)),
			},
			Check: func(*terraform.State) error {
				if got, _ := env.identityByValue(ana.ID, "+1 555 010 0300"); got.Verified != want {
					return fmt.Errorf("fake says verified = %t, want %t", got.Verified, want)
				}
				return env.counts(map[zendesktest.Route]int{route: 1})
			},
		}
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{
			{
				Config:            config(""),
				ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownValue(addr, attr("verified"), knownvalue.Bool(false))},
			},
			verifiedIs(true, zendesktest.RouteVerify),
			verifiedIs(false, zendesktest.RouteUpdate),
			{
				// Zendesk refusing to verify: its answer is shown.
				PreConfig: func() {
					env.fake.AddFault(zendesktest.Fault{
						Kind: zendesktest.FaultStatus, Route: zendesktest.RouteVerify, Status: 422,
						Body: `{"error":"RecordInvalid","description":"Record validation errors","details":{"base":[{"error":"InvalidValue","description":"The account owner's email can't be verified"}]}}`,
					})
				},
				Config:      config("verified = true"),
				ExpectError: errorLike("Setting verified = true on identity", "HTTP 422", "Error: RecordInvalid", "base: InvalidValue: The account owner's email can't be verified"),
			},
			{
				PreConfig: env.fake.ClearFaults,
				Config:    config(""),
			},
		},
	})
}

func TestAccUserIdentity_driftIsRepaired(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, zendesktest.Options{})
	ana := env.user("Ana Lima")
	addr := "zendesk_user_identity.work"
	config := env.config(identityConfig("work", ana.ID, "email", "ana.work@example.org"))
	current := func() zendesktest.Identity {
		got, ok := env.identityByValue(ana.ID, "ana.work@example.org")
		if !ok {
			t.Fatalf("fake has no identity ana.work@example.org")
		}
		return got
	}
	planned := func(action plancheck.ResourceActionType) resource.ConfigPlanChecks {
		return resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, action)}}
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig:        func() { env.fake.RemoveIdentity(current().ID) },
				Config:           config,
				ConfigPlanChecks: planned(plancheck.ResourceActionCreate),
			},
			{
				PreConfig: func() {
					if err := env.fake.SetIdentityValue(current().ID, "someone.else@example.org"); err != nil {
						t.Fatal(err)
					}
				},
				Config:           config,
				ConfigPlanChecks: planned(plancheck.ResourceActionUpdate),
			},
			{
				// Zendesk spelling the address in another case is no drift.
				PreConfig: func() {
					if err := env.fake.SetIdentityValue(current().ID, "ANA.WORK@EXAMPLE.ORG"); err != nil {
						t.Fatal(err)
					}
				},
				Config:           config,
				ConfigPlanChecks: planned(plancheck.ResourceActionNoop),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, attr("value"), knownvalue.StringExact("ana.work@example.org")),
				},
			},
		},
	})
}

func TestAccUserIdentity_deletingAPrimaryThatZendeskRefuses(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, zendesktest.Options{RefusePrimaryDelete: true})
	ana := env.user("Ana Lima")
	original, _ := env.identityByValue(ana.ID, "ana@example.com")
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{
			{Config: env.config(identityConfig("work", ana.ID, "email", "ana.work@example.org", "primary = true"))},
			{
				Config:      env.config(identityConfig("work", ana.ID, "email", "ana.work@example.org", "primary = true")),
				Destroy:     true,
				ExpectError: errorLike("HTTP 422", "primary email identity. Make another email identity of the user primary first"),
			},
			{
				// Once another email is primary, the delete goes through.
				PreConfig: func() {
					if err := env.fake.SetPrimary(original.ID); err != nil {
						t.Fatal(err)
					}
				},
				Config: env.config(identityConfig("work", ana.ID, "email", "ana.work@example.org")),
			},
		},
	})
}

func countValue(identities []zendesktest.Identity, value string) int {
	n := 0
	for _, id := range identities {
		if strings.EqualFold(id.Value, value) {
			n++
		}
	}
	return n
}
