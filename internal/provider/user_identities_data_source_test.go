package provider

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/tfzendesk/terraform-provider-zendesk/internal/zendesk"
	"github.com/tfzendesk/terraform-provider-zendesk/internal/zendesktest"
)

const identitiesAddr = "data.zendesk_user_identities.test"

// identitiesConfig renders the data source under test; extra holds more
// attribute lines.
func identitiesConfig(userID int64, extra ...string) string {
	return fmt.Sprintf(`
data "zendesk_user_identities" "test" {
  user_id = %d
  %s
}
`, userID, strings.Join(extra, "\n  "))
}

// expectIdentity is the entry the data source must show for an identity of
// the fake: every field, as the fake sends it.
func (e *testEnv) expectIdentity(id zendesktest.Identity) knownvalue.Check {
	stamp := func(t time.Time) string { return t.UTC().Format(time.RFC3339) }
	var verifiedAt knownvalue.Check = knownvalue.Null()
	if id.VerifiedAt != nil {
		verifiedAt = knownvalue.StringExact(stamp(*id.VerifiedAt))
	}
	var deliverable knownvalue.Check = knownvalue.Null()
	if id.DeliverableState != "" {
		deliverable = knownvalue.StringExact(id.DeliverableState)
	}
	return knownvalue.ObjectExact(map[string]knownvalue.Check{
		"id":                  knownvalue.StringExact(fmt.Sprint(id.ID)),
		"user_id":             knownvalue.Int64Exact(id.UserID),
		"type":                knownvalue.StringExact(id.Type),
		"value":               knownvalue.StringExact(id.Value),
		"primary":             knownvalue.Bool(id.Primary),
		"verified":            knownvalue.Bool(id.Verified),
		"verification_method": knownvalue.StringExact(id.VerificationMethod),
		"verified_at":         verifiedAt,
		"deliverable_state":   deliverable,
		"undeliverable_count": knownvalue.Int64Exact(int64(id.UndeliverableCount)),
		"url":                 knownvalue.StringExact(fmt.Sprintf("%s/api/v2/users/%d/identities/%d.json", e.fake.URL(), id.UserID, id.ID)),
		"created_at":          knownvalue.StringExact(stamp(id.CreatedAt)),
		"updated_at":          knownvalue.StringExact(stamp(id.UpdatedAt)),
	})
}

// expectIdentities is the whole list for these identities of the fake, in
// that order.
func (e *testEnv) expectIdentities(ids []zendesktest.Identity) knownvalue.Check {
	checks := make([]knownvalue.Check, len(ids))
	for i, id := range ids {
		checks[i] = e.expectIdentity(id)
	}
	return knownvalue.ListExact(checks)
}

// listReads splits the fake's list requests for the user into reads of the
// data source and returns how many requests each read made. A test step
// runs several Terraform commands and each reads the data source again, so
// the total depends on the testing framework; one read's count does not.
// A read starts with a request without page[after] and goes on through the
// next-page requests that follow it; the commands run one after another, so
// reads never interleave.
func (e *testEnv) listReads(userID int64) []int {
	var reads []int
	for _, r := range e.fake.Requests() {
		if r.Route != zendesktest.RouteList || r.UserID != userID {
			continue
		}
		query, _ := url.ParseQuery(r.RawQuery)
		if query.Has("page[after]") && len(reads) > 0 {
			reads[len(reads)-1]++
			continue
		}
		reads = append(reads, 1)
	}
	return reads
}

// expectPagesPerRead checks that every read of the user's identities took
// exactly pages list requests.
func (e *testEnv) expectPagesPerRead(userID int64, pages int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		reads := e.listReads(userID)
		if len(reads) == 0 {
			return fmt.Errorf("the data source never listed user %d's identities", userID)
		}
		for i, n := range reads {
			if n != pages {
				return fmt.Errorf("read %d of %d listed user %d's identities in %d requests, want %d (requests per read: %v)",
					i+1, len(reads), userID, n, pages, reads)
			}
		}
		return nil
	}
}

// expectTypeFilter checks the type[] values of every list request of the
// user: the types filter goes to Zendesk, not only to the provider.
func (e *testEnv) expectTypeFilter(userID int64, want []string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		for _, r := range e.fake.Requests() {
			if r.Route != zendesktest.RouteList || r.UserID != userID {
				continue
			}
			query, err := url.ParseQuery(r.RawQuery)
			if err != nil {
				return fmt.Errorf("list request %q: %w", r.RawQuery, err)
			}
			got := slices.Sorted(slices.Values(query["type[]"]))
			if !slices.Equal(got, want) {
				return fmt.Errorf("list request %q sent type[] %q, want %q", r.RawQuery, got, want)
			}
		}
		return nil
	}
}

func TestAccUserIdentities_userWithoutIdentities(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, zendesktest.Options{})
	nobody := env.fake.AddUser("No Identity", "")
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{{
			PreConfig: env.fake.ResetRequests,
			Config:    env.config(identitiesConfig(nobody.ID)),
			ConfigStateChecks: []statecheck.StateCheck{
				// An empty list, not null: ListExact fails on null.
				statecheck.ExpectKnownValue(identitiesAddr, attr("identities"), knownvalue.ListExact([]knownvalue.Check{})),
				statecheck.ExpectKnownValue(identitiesAddr, attr("primary_email"), knownvalue.Null()),
				statecheck.ExpectKnownValue(identitiesAddr, attr("user_id"), knownvalue.Int64Exact(nobody.ID)),
			},
			Check: env.expectPagesPerRead(nobody.ID, 1),
		}},
	})
}

func TestAccUserIdentities_userWithOneIdentity(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, zendesktest.Options{})
	ana := env.user("Ana Lima")
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{{
			PreConfig: env.fake.ResetRequests,
			Config:    env.config(identitiesConfig(ana.ID)),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(identitiesAddr, attr("identities"), env.expectIdentities(env.fake.Identities(ana.ID))),
				statecheck.ExpectKnownValue(identitiesAddr, attr("identities").AtSliceIndex(0).AtMapKey("value"), knownvalue.StringExact("ana@example.com")),
				statecheck.ExpectKnownValue(identitiesAddr, attr("identities").AtSliceIndex(0).AtMapKey("verification_method"), knownvalue.StringExact("full")),
				statecheck.ExpectKnownValue(identitiesAddr, attr("identities").AtSliceIndex(0).AtMapKey("verified_at"), knownvalue.NotNull()),
				statecheck.ExpectKnownValue(identitiesAddr, attr("primary_email"), knownvalue.StringExact("ana@example.com")),
			},
			Check: env.expectPagesPerRead(ana.ID, 1),
		}},
	})
}

// Every identity is listed, in id order, and each read follows the cursor
// to the last page and no further: a last page that is full ends the list
// as well as a partial one does.
func TestAccUserIdentities_readsEveryPage(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ identities, pages int }{
		{identities: 100, pages: 1},
		{identities: 260, pages: 3},
		{identities: 1000, pages: 10},
	} {
		t.Run(fmt.Sprint(tc.identities), func(t *testing.T) {
			t.Parallel()
			env := newTestEnv(t, zendesktest.Options{})
			ana := env.user("Ana Lima")
			for i := 1; i < tc.identities; i++ {
				if _, err := env.fake.AddIdentity(zendesktest.Identity{UserID: ana.ID, Type: "email", Value: fmt.Sprintf("ana.%04d@example.org", i)}); err != nil {
					t.Fatal(err)
				}
			}
			all := env.fake.Identities(ana.ID)
			if len(all) != tc.identities {
				t.Fatalf("seeded %d identities, want %d", len(all), tc.identities)
			}
			last := fmt.Sprintf("ana.%04d@example.org", tc.identities-1)
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: env.factories(),
				Steps: []resource.TestStep{{
					PreConfig: env.fake.ResetRequests,
					Config:    env.config(identitiesConfig(ana.ID)),
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue(identitiesAddr, attr("identities"), knownvalue.ListSizeExact(tc.identities)),
						statecheck.ExpectKnownValue(identitiesAddr, attr("identities"), env.expectIdentities(all)),
						statecheck.ExpectKnownValue(identitiesAddr, attr("identities").AtSliceIndex(tc.identities-1).AtMapKey("value"), knownvalue.StringExact(last)),
						statecheck.ExpectKnownValue(identitiesAddr, attr("primary_email"), knownvalue.StringExact("ana@example.com")),
					},
					Check: env.expectPagesPerRead(ana.ID, tc.pages),
				}},
			})
		})
	}
}

// seedMixedUser gives Ana one identity of each situation the filters tell
// apart, and returns them by name.
func seedMixedUser(t *testing.T, env *testEnv) (zendesktest.User, map[string]zendesktest.Identity) {
	t.Helper()
	ana := env.user("Ana Lima")
	creation, _ := env.identityByValue(ana.ID, "ana@example.com")
	seeded := map[string]zendesktest.Identity{"creation": creation}
	for _, s := range []struct {
		name string
		spec zendesktest.Identity
	}{
		{"work", zendesktest.Identity{Type: "email", Value: "ana.work@example.org"}},
		{"phone", zendesktest.Identity{Type: "phone_number", Value: "+1 555 010 0300", Verified: true}},
		{"twitter", zendesktest.Identity{Type: "twitter", Value: "ana_lima"}},
		{"messaging", zendesktest.Identity{Type: "messaging", Value: "msg-ana-1", VerificationMethod: "embed"}},
		{"sdk", zendesktest.Identity{Type: "sdk", Value: "sdk-ana-1"}},
	} {
		s.spec.UserID = ana.ID
		id, err := env.fake.AddIdentity(s.spec)
		if err != nil {
			t.Fatalf("seeding %s: %v", s.name, err)
		}
		seeded[s.name] = id
	}
	return ana, seeded
}

// Each filter alone and combined. Seeded: creation (email, primary,
// verified), work (email, not primary, not verified), phone (primary,
// verified), twitter (primary, not verified), messaging (primary, verified
// by embed), sdk (primary, not verified).
func TestAccUserIdentities_filters(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		config []string
		want   []string // seeded names, in id order
		sent   []string // type[] values of the list requests
		// primaryEmail is the expected primary_email; "" means null.
		primaryEmail string
	}{
		{
			name: "no filter lists every type, channels included",
			want: []string{"creation", "work", "phone", "twitter", "messaging", "sdk"}, primaryEmail: "ana@example.com",
		},
		{
			name: "types email", config: []string{`types = ["email"]`},
			want: []string{"creation", "work"}, sent: []string{"email"}, primaryEmail: "ana@example.com",
		},
		{
			name: "types without email", config: []string{`types = ["phone_number", "messaging"]`},
			want: []string{"phone", "messaging"}, sent: []string{"messaging", "phone_number"},
		},
		{
			name: "primary true", config: []string{`primary = true`},
			want: []string{"creation", "phone", "twitter", "messaging", "sdk"}, primaryEmail: "ana@example.com",
		},
		{
			// primary and verified narrow the list, not primary_email.
			name: "primary false", config: []string{`primary = false`},
			want: []string{"work"}, primaryEmail: "ana@example.com",
		},
		{
			name: "verified true", config: []string{`verified = true`},
			want: []string{"creation", "phone", "messaging"}, primaryEmail: "ana@example.com",
		},
		{
			name: "verified false", config: []string{`verified = false`},
			want: []string{"work", "twitter", "sdk"}, primaryEmail: "ana@example.com",
		},
		{
			name: "types, primary and verified", config: []string{`types = ["email", "twitter"]`, `primary = true`, `verified = false`},
			want: []string{"twitter"}, sent: []string{"email", "twitter"}, primaryEmail: "ana@example.com",
		},
		{
			name: "primary and verified", config: []string{`primary = false`, `verified = true`},
			want: []string{}, primaryEmail: "ana@example.com",
		},
		{
			name: "types matching nothing", config: []string{`types = ["facebook", "microsoft"]`},
			want: []string{}, sent: []string{"facebook", "microsoft"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			env := newTestEnv(t, zendesktest.Options{})
			ana, seeded := seedMixedUser(t, env)
			want := make([]zendesktest.Identity, len(tc.want))
			for i, name := range tc.want {
				// Read back: seeding a later identity may have changed an
				// earlier one.
				want[i], _ = env.fake.Identity(seeded[name].ID)
			}
			var primaryEmail knownvalue.Check = knownvalue.Null()
			if tc.primaryEmail != "" {
				primaryEmail = knownvalue.StringExact(tc.primaryEmail)
			}
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: env.factories(),
				Steps: []resource.TestStep{{
					PreConfig: env.fake.ResetRequests,
					Config:    env.config(identitiesConfig(ana.ID, tc.config...)),
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue(identitiesAddr, attr("identities"), env.expectIdentities(want)),
						statecheck.ExpectKnownValue(identitiesAddr, attr("primary_email"), primaryEmail),
					},
					Check: resource.ComposeAggregateTestCheckFunc(
						env.expectPagesPerRead(ana.ID, 1),
						env.expectTypeFilter(ana.ID, tc.sent),
					),
				}},
			})
		})
	}
}

// Zendesk may leave fields out or send them as null, and may return types
// no version of this provider knows: the data source lists them all, in id
// order, with nulls where Zendesk gave no value.
func TestAccUserIdentities_toleratesNullAndAbsentFields(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, zendesktest.Options{})
	ana := env.user("Ana Lima")
	env.fake.AddFault(zendesktest.Fault{
		Kind: zendesktest.FaultStatus, Route: zendesktest.RouteList, Status: 200, ContentType: "application/json",
		Body: fmt.Sprintf(`{
  "identities": [
    {"id": 9002, "user_id": %[1]d, "type": "whatsapp", "value": "+1 555 010 0400", "primary": false, "verified": false,
     "verification_method": null, "verified_at": null, "deliverable_state": null, "undeliverable_count": null,
     "url": null, "created_at": null, "updated_at": null, "unknown_field": {"nested": true}},
    {"id": 9001, "user_id": %[1]d, "type": "email", "value": "ana@example.com", "primary": true, "verified": true}
  ],
  "meta": {"has_more": false, "after_cursor": null, "before_cursor": null},
  "links": {"next": null, "prev": null}
}`, ana.ID),
	})
	absent := func(id, typ, value string, primary, verified bool) knownvalue.Check {
		return knownvalue.ObjectExact(map[string]knownvalue.Check{
			"id":                  knownvalue.StringExact(id),
			"user_id":             knownvalue.Int64Exact(ana.ID),
			"type":                knownvalue.StringExact(typ),
			"value":               knownvalue.StringExact(value),
			"primary":             knownvalue.Bool(primary),
			"verified":            knownvalue.Bool(verified),
			"verification_method": knownvalue.Null(),
			"verified_at":         knownvalue.Null(),
			"deliverable_state":   knownvalue.Null(),
			"undeliverable_count": knownvalue.Null(),
			"url":                 knownvalue.Null(),
			"created_at":          knownvalue.Null(),
			"updated_at":          knownvalue.Null(),
		})
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{{
			Config: env.config(identitiesConfig(ana.ID)),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(identitiesAddr, attr("identities"), knownvalue.ListExact([]knownvalue.Check{
					absent("9001", "email", "ana@example.com", true, true),
					absent("9002", "whatsapp", "+1 555 010 0400", false, false),
				})),
				statecheck.ExpectKnownValue(identitiesAddr, attr("primary_email"), knownvalue.StringExact("ana@example.com")),
			},
		}},
	})
}

func TestAccUserIdentities_unknownUser(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, zendesktest.Options{})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{{
			Config: env.config(identitiesConfig(999999)),
			ExpectError: errorLike(
				`Error reading Zendesk user identities`,
				`User 999999 does not exist in this Zendesk account`,
				`/api/v2/users/999999/identities`, `HTTP 404 Not Found`,
				`Error: RecordNotFound`,
			),
		}},
	})
}

// Bad values of types fail before any request is sent.
func TestAccUserIdentities_badTypesFailThePlan(t *testing.T) {
	t.Parallel()
	allowed := make([]string, len(zendesk.ListFilterTypes))
	for i, typ := range zendesk.ListFilterTypes {
		allowed[i] = fmt.Sprintf("%q", typ)
	}
	for _, tc := range []struct {
		name, types string
		want        []string
	}{
		{
			name: "unknown type", types: `["email", "skype"]`,
			want: []string{`Invalid Attribute Value Match`, `value must be one of: [` + strings.Join(allowed, " ") + `], got: "skype"`},
		},
		{
			// google identities exist, but the list filter does not take the type.
			name: "type the filter does not take", types: `["google"]`,
			want: []string{`value must be one of:`, `"agent_forwarding"`, `"twitter"`, `got: "google"`},
		},
		{name: "empty set", types: `[]`, want: []string{`types set must contain at least 1 elements`}},
		{name: "null element", types: `["email", null]`, want: []string{`Null Set Value`, `This attribute contains a null value`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			env := newTestEnv(t, zendesktest.Options{})
			ana := env.user("Ana Lima")
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: env.factories(),
				Steps: []resource.TestStep{{
					Config:      env.config(identitiesConfig(ana.ID, "types = "+tc.types)),
					ExpectError: errorLike(tc.want...),
				}},
			})
			if n := env.fake.Count(zendesktest.RouteList); n != 0 {
				t.Errorf("%d list requests were sent for an invalid configuration, want 0", n)
			}
		})
	}
}

// Zendesk writes its next-page links with its own, lower-case host name;
// a url typed in another case still reads every page.
func TestAccUserIdentities_readsEveryPageWhateverTheCaseOfTheURL(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, zendesktest.Options{})
	ana := env.user("Ana Lima")
	for i := 1; i < 150; i++ {
		if _, err := env.fake.AddIdentity(zendesktest.Identity{UserID: ana.ID, Type: "twitter", Value: fmt.Sprintf("ana_%03d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	url := strings.Replace(env.fake.URL(), "127.0.0.1", "LocalHost", 1)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{{
			Config: providerBlock(arg("url", url), arg("email", zendesktest.DefaultEmail), arg("api_token", zendesktest.DefaultAPIToken)) +
				identitiesConfig(ana.ID),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(identitiesAddr, attr("identities"), knownvalue.ListSizeExact(150)),
			},
			Check: env.expectPagesPerRead(ana.ID, 2),
		}},
	})
}

// A page that says there is more but links to nothing fails the read: a
// list cut short would drop identities from the data source silently.
func TestAccUserIdentities_hasMoreWithoutANextLinkIsAnError(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, zendesktest.Options{})
	ana := env.user("Ana Lima")
	email := env.fake.Identities(ana.ID)[0]
	env.fake.AddFault(zendesktest.Fault{Kind: zendesktest.FaultStatus, Route: zendesktest.RouteList, Status: 200, ContentType: "application/json",
		Body: fmt.Sprintf(`{"identities":[{"id":%d,"user_id":%d,"type":"email","value":%q,"primary":true,"verified":true}],`+
			`"meta":{"has_more":true,"after_cursor":"x","before_cursor":"y"},"links":{"next":null,"prev":null}}`, email.ID, ana.ID, email.Value)})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{{
			Config:      env.config(identitiesConfig(ana.ID)),
			ExpectError: errorLike("Error reading Zendesk user identities", "has_more: true without a links.next"),
		}},
	})
}
