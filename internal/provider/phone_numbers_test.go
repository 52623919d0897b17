package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/tfzendesk/terraform-provider-zendesk/internal/zendesktest"
)

// recordingFactories serve the provider and keep the diagnostics it
// returns, warnings included, which Terraform's output does not reach the
// test with.
func (e *testEnv) recordingFactories(rec *diagnosticRecorder) map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"zendesk": func() (tfprotov6.ProviderServer, error) {
			server, err := providerserver.NewProtocol6WithError(&zendeskProvider{version: "test", tuneClient: e.tune})()
			return recordingServer{ProviderServer: server, rec: rec}, err
		},
	}
}

// storedValue checks the value the fake holds for the identity in state.
func (e *testEnv) storedValue(addr, want string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		var id int64
		if _, err := fmt.Sscan(s.RootModule().Resources[addr].Primary.ID, &id); err != nil {
			return err
		}
		stored, ok := e.fake.Identity(id)
		if !ok || stored.Value != want {
			return fmt.Errorf("%s: Zendesk holds %q, want %q", addr, stored.Value, want)
		}
		return nil
	}
}

// An account that formats direct lines stores "+15550100200" for
// "+1 555-010-0200": the state keeps the configuration's spelling, the next
// plan is empty, and a change of spelling alone sends nothing. The plan
// warns that the spelling is not E.164.
func TestAccUserIdentity_phoneNumbersZendeskFormats(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, zendesktest.Options{FormatPhoneNumbers: true})
	ana := env.user("Ana Lima")
	diags := &diagnosticRecorder{}
	phone, forwarding := "zendesk_user_identity.phone", "zendesk_user_identity.forwarding"
	config := func(phoneValue string) string {
		return env.config(identityConfig("phone", ana.ID, "phone_number", phoneValue) +
			identityConfig("forwarding", ana.ID, "agent_forwarding", "(555) 010-0300"))
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.recordingFactories(diags),
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{
			{
				Config: config("+1 555-010-0200"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(phone, attr("value"), knownvalue.StringExact("+1 555-010-0200")),
					statecheck.ExpectKnownValue(forwarding, attr("value"), knownvalue.StringExact("(555) 010-0300")),
				},
				Check: resource.ComposeTestCheckFunc(
					env.storedValue(phone, "+15550100200"),
					env.storedValue(forwarding, "+15550100300"),
					func(*terraform.State) error {
						for _, want := range []string{
							`Phone number not in E.164 format`, `value "+1 555-010-0200" is not in E.164 format`, `here "+15550100200"`,
							`value "(555) 010-0300" is not in E.164 format`, `here "+15550100300"`,
							`Accounts that validate phone numbers`,
						} {
							if !strings.Contains(diags.all(), want) {
								return fmt.Errorf("no diagnostic says %q; got:\n%s", want, diags.all())
							}
						}
						return nil
					},
				),
			},
			{
				PreConfig: env.fake.ResetRequests,
				Config:    config("+15550100200"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(phone, plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(phone, attr("value"), knownvalue.StringExact("+15550100200")),
				},
				Check: func(*terraform.State) error {
					return env.counts(map[zendesktest.Route]int{zendesktest.RouteUpdate: 0, zendesktest.RouteCreate: 0})
				},
			},
			// A new number: one update, and Zendesk's spelling of it stays
			// out of the state.
			{
				PreConfig: env.fake.ResetRequests,
				Config:    config("+1 (555) 010-0999"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(phone, attr("value"), knownvalue.StringExact("+1 (555) 010-0999")),
				},
				Check: resource.ComposeTestCheckFunc(
					env.storedValue(phone, "+15550100999"),
					func(*terraform.State) error {
						return env.counts(map[zendesktest.Route]int{zendesktest.RouteUpdate: 1, zendesktest.RouteCreate: 0})
					},
				),
			},
			// Imported by another spelling of the number Zendesk stores.
			{
				Config:        config("+1 (555) 010-0999"),
				ResourceName:  forwarding,
				ImportState:   true,
				ImportStateId: fmt.Sprintf("%d:agent_forwarding:555.010.0300", ana.ID),
				ImportStateCheck: func(states []*terraform.InstanceState) error {
					stored, _ := env.identityByValue(ana.ID, "+15550100300")
					if len(states) != 1 || states[0].ID != fmt.Sprint(stored.ID) || states[0].Attributes["value"] != "555.010.0300" {
						return fmt.Errorf("imported %+v, want identity %d spelt as the import ID", states, stored.ID)
					}
					return nil
				},
			},
		},
	})
}

// A create of a number Zendesk formats, whose answer is lost, is found by
// the lookup that follows rather than created a second time (which would
// fail as a duplicate and leave the first unknown to Terraform).
func TestAccUserIdentity_aLostCreateOfAFormattedNumber(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, zendesktest.Options{FormatPhoneNumbers: true})
	ana := env.fake.AddUser("Ana Lima", "")
	env.fake.AddFault(zendesktest.Fault{Kind: zendesktest.FaultDropAfterCommit, Route: zendesktest.RouteCreate, Times: 1})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{{
			Config: env.config(identityConfig("phone", ana.ID, "phone_number", "+1 555 010 0200")),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("zendesk_user_identity.phone", attr("value"), knownvalue.StringExact("+1 555 010 0200")),
			},
			Check: resource.ComposeTestCheckFunc(
				env.storedValue("zendesk_user_identity.phone", "+15550100200"),
				func(*terraform.State) error {
					if n := len(env.fake.Identities(ana.ID)); n != 1 {
						return fmt.Errorf("Zendesk holds %d identities of the user, want 1", n)
					}
					return env.counts(map[zendesktest.Route]int{zendesktest.RouteCreate: 1})
				},
			),
		}},
	})
}

// A number the user holds already, in Zendesk's spelling, is reported as
// the user's, with its import ID, although Zendesk's message says "another
// user".
func TestAccUserIdentity_aDuplicateNumberOfTheSameUser(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, zendesktest.Options{FormatPhoneNumbers: true})
	ana := env.user("Ana Lima")
	held, err := env.fake.AddIdentity(zendesktest.Identity{UserID: ana.ID, Type: "phone_number", Value: "+15550100200"})
	if err != nil {
		t.Fatal(err)
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{{
			Config: env.config(identityConfig("phone", ana.ID, "phone_number", "+1 555 010 0200")),
			ExpectError: errorLike("Error creating Zendesk user identity", "HTTP 422", "DuplicateValue",
				fmt.Sprintf(`User %d already has this phone_number identity (id %d), spelt "+15550100200" in Zendesk`, ana.ID, held.ID),
				`Zendesk's message says "another user" whoever holds the value`,
				fmt.Sprintf("terraform import zendesk_user_identity.NAME %d:%d", ana.ID, held.ID)),
		}},
	})
}

// An account that validates phone numbers refuses a number not in E.164:
// the plan warned, the apply shows Zendesk's answer, and the E.164
// spelling is accepted.
func TestAccUserIdentity_anAccountThatValidatesPhoneNumbers(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, zendesktest.Options{ValidatePhoneNumbers: true})
	ana := env.user("Ana Lima")
	diags := &diagnosticRecorder{}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.recordingFactories(diags),
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{
			{
				Config: env.config(identityConfig("phone", ana.ID, "phone_number", "+1 555 010 0200")),
				ExpectError: errorLike("Error creating Zendesk user identity", "HTTP 422", "RecordInvalid",
					"value: InvalidValue: Value: +1 555 010 0200 is not a valid phone number: use the E.164 format"),
			},
			{
				Config: env.config(identityConfig("phone", ana.ID, "phone_number", "+15550100200")),
				Check: resource.ComposeTestCheckFunc(
					env.storedValue("zendesk_user_identity.phone", "+15550100200"),
					func(*terraform.State) error {
						if !strings.Contains(diags.all(), `value "+1 555 010 0200" is not in E.164 format`) {
							return fmt.Errorf("the plan did not warn about the number; diagnostics:\n%s", diags.all())
						}
						if strings.Contains(diags.all(), `value "+15550100200" is not`) {
							return fmt.Errorf("the plan warned about an E.164 number:\n%s", diags.all())
						}
						return nil
					},
				),
			},
		},
	})
}
