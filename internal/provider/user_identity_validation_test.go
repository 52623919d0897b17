package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/tfzendesk/terraform-provider-zendesk/internal/zendesktest"
)

// Every bad input fails the plan, before any request that writes, with a
// message that names the attribute, the value and what is allowed.
func TestAccUserIdentity_badInputFailsThePlan(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, zendesktest.Options{})
	ana := env.user("Ana Lima")
	for _, tc := range []struct {
		name   string
		config string
		want   *regexp.Regexp
	}{
		{
			name:   "invalid type",
			config: identityConfig("x", ana.ID, "skype", "ana.lima"),
			want: errorLike(`Attribute type value must be one of:`,
				`["email" "twitter" "facebook" "google" "phone_number" "agent_forwarding"], got: "skype"`),
		},
		{
			name:   "blank value",
			config: identityConfig("x", ana.ID, "email", "   "),
			want:   errorLike(`Invalid identity value`, `with zendesk_user_identity.x,`, `value must not be blank`),
		},
		{
			name:   "malformed email",
			config: identityConfig("x", ana.ID, "email", "ana@"),
			want:   errorLike(`value "ana@" is not a valid email address: a email identity needs an address such as ana@example.com`),
		},
		{
			name:   "malformed google address",
			config: identityConfig("x", ana.ID, "google", "ana at gmail"),
			want:   errorLike(`value "ana at gmail" is not a valid email address`),
		},
		{
			name:   "malformed phone",
			config: identityConfig("x", ana.ID, "phone_number", "call me"),
			want:   errorLike(`value "call me" is not a plausible phone number: a phone_number identity needs 7 to 15 digits`),
		},
		{
			name:   "non-positive user_id",
			config: identityConfig("x", 0, "email", "ana.x@example.org"),
			want:   errorLike(`Attribute user_id value must be at least 1, got: 0`),
		},
		{
			name:   "request_verification on a handle",
			config: identityConfig("x", ana.ID, "twitter", "ana_lima", "request_verification = true"),
			want: errorLike(`Zendesk sends no verification email to this type`, `with zendesk_user_identity.x,`, `request_verification = true`,
				`which it sends to email identities only`, `a twitter identity has none`, `Remove request_verification, or set it to false`),
		},
		{
			name:   "request_verification on a google address",
			config: identityConfig("x", ana.ID, "google", "ana.lima@gmail.com", "request_verification = true"),
			want:   errorLike(`Zendesk sends no verification email to this type`, `a google identity has none`),
		},
		{
			name:   "primary = false on a user's first identity of a type",
			config: identityConfig("x", ana.ID, "phone_number", "+1 555 010 0400", "primary = false"),
			want: errorLike(`Cannot create a first identity that is not primary`,
				fmt.Sprintf(`User %d has no phone_number identity yet`, ana.ID), `primary = false cannot be applied`),
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			env.fake.ResetRequests()
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: env.factories(),
				Steps: []resource.TestStep{{
					Config:      env.config(tc.config),
					PlanOnly:    true,
					ExpectError: tc.want,
				}},
			})
		})
	}
	t.Cleanup(func() {
		if n := env.fake.Count(zendesktest.RouteCreate); n != 0 {
			t.Errorf("bad input reached Zendesk: %d creates", n)
		}
	})
}

func TestAccUserIdentity_primaryFalseOnAPrimaryIdentity(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, zendesktest.Options{})
	ana := env.user("Ana Lima")
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{
			{Config: env.config(identityConfig("work", ana.ID, "email", "ana.work@example.org", "primary = true"))},
			{
				Config: env.config(identityConfig("work", ana.ID, "email", "ana.work@example.org", "primary = false")),
				ExpectError: errorLike(`Cannot demote a primary identity`, `with zendesk_user_identity.work,`,
					fmt.Sprintf(`(email "ana.work@example.org") is user %d's primary email identity`, ana.ID),
					`Zendesk has no call that demotes a primary identity`,
					`set primary = true on the email identity that should become primary`),
			},
		},
	})
}

func TestAccUserIdentity_errorsFromZendesk(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, zendesktest.Options{})
	ana, ben := env.user("Ana Lima"), env.user("Ben Okafor")
	original, _ := env.identityByValue(ana.ID, "ana@example.com")
	for _, tc := range []struct {
		name   string
		config string
		want   *regexp.Regexp
	}{
		{
			name:   "unknown user",
			config: identityConfig("x", 999999, "email", "nobody@example.org"),
			want: errorLike(`Error creating Zendesk user identity`, `HTTP 404 Not Found`, `Error: RecordNotFound`,
				`User 999999 does not exist in this Zendesk account`),
		},
		{
			name:   "value taken by another user",
			config: identityConfig("x", ben.ID, "email", "ana@example.com"),
			want: errorLike(`Error creating Zendesk user identity`, `HTTP 422`, `Error: RecordInvalid`,
				`value: DuplicateValue: Value: ana@example.com is already being used by another user`),
		},
		{
			name:   "the user's own creation email",
			config: identityConfig("x", ana.ID, "email", "Ana@Example.com"),
			want: errorLike(`DuplicateValue`, fmt.Sprintf(`User %d already has this email identity (id %d)`, ana.ID, original.ID),
				fmt.Sprintf(`terraform import zendesk_user_identity.NAME %d:%d`, ana.ID, original.ID),
				fmt.Sprintf(`id = "%d:%d"`, ana.ID, original.ID)),
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: env.factories(),
				Steps: []resource.TestStep{{
					Config:      env.config(tc.config),
					ExpectError: tc.want,
				}},
			})
		})
	}
}

func TestShellQuote(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"1001:50001":                     "1001:50001",
		"1001:email:ana+tag@example.com": "1001:email:ana+tag@example.com",
		"1001:phone_number:+15550100200": "1001:phone_number:+15550100200",
		"1001:phone_number:+1 555 0100":  "'1001:phone_number:+1 555 0100'",
		"1001:twitter:o'brien":           `'1001:twitter:o'\''brien'`,
		"1001:email:$HOME@example.com":   "'1001:email:$HOME@example.com'",
	} {
		if got := shellQuote(in); got != want {
			t.Errorf("shellQuote(%q) = %s, want %s", in, got, want)
		}
	}
}
