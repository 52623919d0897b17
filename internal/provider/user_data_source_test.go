package provider

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/tfzendesk/terraform-provider-zendesk/internal/zendesk"
	"github.com/tfzendesk/terraform-provider-zendesk/internal/zendesktest"
)

// userConfig renders a zendesk_user data source that looks the user up by
// key; a string value is quoted, a number is not.
func userConfig(name, key string, value any) string {
	if s, ok := value.(string); ok {
		value = fmt.Sprintf("%q", s)
	}
	return fmt.Sprintf(`
data "zendesk_user" %q {
  %s = %v
}
`, name, key, value)
}

// expectUser checks every attribute of the data source against the fake's
// user; lookup keys are expected as configured.
func (e *testEnv) expectUser(addr string, u zendesktest.User, keys map[string]knownvalue.Check) []statecheck.StateCheck {
	stamp := func(t time.Time) string { return t.UTC().Format(time.RFC3339) }
	orNull := func(s string) knownvalue.Check {
		if s == "" {
			return knownvalue.Null()
		}
		return knownvalue.StringExact(s)
	}
	want := map[string]knownvalue.Check{
		"id":            knownvalue.Int64Exact(u.ID),
		"external_id":   orNull(u.ExternalID),
		"email":         knownvalue.Null(),
		"name":          knownvalue.StringExact(u.Name),
		"primary_email": orNull(u.Email),
		"role":          knownvalue.StringExact(u.Role),
		"active":        knownvalue.Bool(u.Active),
		"suspended":     knownvalue.Bool(u.Suspended),
		"url":           knownvalue.StringExact(fmt.Sprintf("%s/api/v2/users/%d.json", e.fake.URL(), u.ID)),
		"created_at":    knownvalue.StringExact(stamp(u.CreatedAt)),
		"updated_at":    knownvalue.StringExact(stamp(u.UpdatedAt)),
	}
	for k, v := range keys {
		want[k] = v
	}
	checks := make([]statecheck.StateCheck, 0, len(want))
	for name, check := range want {
		checks = append(checks, statecheck.ExpectKnownValue(addr, attr(name), check))
	}
	return checks
}

// fakeUser returns the fake's user as it is now.
func (e *testEnv) fakeUser(id int64) zendesktest.User {
	e.t.Helper()
	u, ok := e.fake.User(id)
	if !ok {
		e.t.Fatalf("the fake has no user %d", id)
	}
	return u
}

func TestAccUser_eachWayToLookUp(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, zendesktest.Options{})
	// Joana's address contains Ana's, so the search returns her too.
	env.fake.AddUser("Joana Silva", "joana@example.com")
	ana := env.fake.AddUser("Ana Lima", "ana@example.com", zendesktest.WithExternalID("emp-1"), zendesktest.WithRole("agent"))
	if _, err := env.fake.AddIdentity(zendesktest.Identity{UserID: ana.ID, Type: "email", Value: "ana.work@example.org"}); err != nil {
		t.Fatal(err)
	}
	ana = env.fakeUser(ana.ID)
	var checks []statecheck.StateCheck
	checks = append(checks, env.expectUser("data.zendesk_user.by_id", ana, nil)...)
	checks = append(checks, env.expectUser("data.zendesk_user.by_external_id", ana,
		map[string]knownvalue.Check{"external_id": knownvalue.StringExact("EMP-1")})...)
	checks = append(checks, env.expectUser("data.zendesk_user.by_primary_email", ana,
		map[string]knownvalue.Check{"email": knownvalue.StringExact("ana@example.com")})...)
	checks = append(checks, env.expectUser("data.zendesk_user.by_other_email", ana,
		map[string]knownvalue.Check{"email": knownvalue.StringExact("Ana.Work@Example.org")})...)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{{
			Config: env.config(userConfig("by_id", "id", ana.ID) +
				userConfig("by_external_id", "external_id", "EMP-1") +
				userConfig("by_primary_email", "email", "ana@example.com") +
				userConfig("by_other_email", "email", "Ana.Work@Example.org")),
			ConfigStateChecks: checks,
		}},
	})
}

func TestAccUser_noMatch(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, zendesktest.Options{})
	env.fake.AddUser("Joana Silva", "joana@example.com", zendesktest.WithExternalID("emp-1"))
	for _, tc := range []struct {
		name   string
		config string
		want   *regexp.Regexp
	}{
		{"id", userConfig("x", "id", 4242), errorLike(`Error reading Zendesk user`, `with data.zendesk_user.x,`,
			`No user has id 4242 in this Zendesk account`)},
		{"external_id", userConfig("x", "external_id", "emp-404"), errorLike(`Error reading Zendesk user`,
			`No user has external_id "emp-404" in this Zendesk account (external ids are compared without regard to case)`)},
		{"email with a near match", userConfig("x", "email", "ana@example.com"), errorLike(`Error reading Zendesk user`,
			`No user has an email identity "ana@example.com"`,
			`Zendesk's search returned 1 user(s) with similar addresses, none of which holds this one exactly:`,
			`user 1001 (Joana Silva, joana@example.com, external_id "emp-1")`,
			`goes through Zendesk's search index, which can take a few minutes`)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: env.factories(),
				Steps:                    []resource.TestStep{{Config: env.config(tc.config), ExpectError: tc.want}},
			})
		})
	}
}

func TestAccUser_severalMatches(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, zendesktest.Options{AllowDuplicateExternalIDs: true})
	a := env.fake.AddUser("Ana Lima", "ana@example.com", zendesktest.WithExternalID("emp-1"))
	b := env.fake.AddUser("Ana Lima-Costa", "", zendesktest.WithExternalID("EMP-1"))
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{{
			Config: env.config(userConfig("x", "external_id", "emp-1")),
			ExpectError: errorLike(`Error reading Zendesk user`, `2 Zendesk users have external_id "emp-1":`,
				fmt.Sprintf(`user %d (Ana Lima, ana@example.com, external_id "emp-1")`, a.ID),
				fmt.Sprintf(`user %d (Ana Lima-Costa, external_id "EMP-1")`, b.ID),
				`Look the user up by id instead`),
		}},
	})
}

func TestAccUser_suspendedUser(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, zendesktest.Options{})
	ben := env.fake.AddUser("Ben Okafor", "ben@example.com", zendesktest.WithSuspended(), zendesktest.WithExternalID("emp-2"))
	var checks []statecheck.StateCheck
	for _, addr := range []string{"data.zendesk_user.by_id", "data.zendesk_user.by_email"} {
		checks = append(checks, statecheck.ExpectKnownValue(addr, attr("suspended"), knownvalue.Bool(true)),
			statecheck.ExpectKnownValue(addr, attr("active"), knownvalue.Bool(true)))
	}
	checks = append(checks, env.expectUser("data.zendesk_user.by_id", ben, nil)...)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{{
			Config:            env.config(userConfig("by_id", "id", ben.ID) + userConfig("by_email", "email", "ben@example.com")),
			ConfigStateChecks: checks,
		}},
	})
}

// A deleted user is reported, inactive, not "not found": by id, also where
// show_many leaves deleted users out, and by external id while Zendesk
// keeps the deleted user's external id.
func TestAccUser_deletedUser(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		opts zendesktest.Options
		// byExternalID is what a lookup by external id finds: the deleted
		// user, or (nil) nobody.
		byExternalID *regexp.Regexp
	}{
		{name: "Zendesk's defaults", opts: zendesktest.Options{}},
		// Without include_deleted, Zendesk offers no lookup of a deleted
		// user by external id.
		{name: "show_many ignores include_deleted", opts: zendesktest.Options{IgnoreIncludeDeleted: true},
			byExternalID: errorLike(`No user has external_id "emp-9"`)},
		{name: "deletion clears the external id", opts: zendesktest.Options{DeletionClearsExternalID: true},
			byExternalID: errorLike(`No user has external_id "emp-9"`)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			env := newTestEnv(t, tc.opts)
			gone := env.fake.AddUser("Gone", "gone@example.com", zendesktest.WithExternalID("emp-9"))
			env.fake.SoftDeleteUser(gone.ID)
			gone = env.fakeUser(gone.ID)
			byID := userConfig("by_id", "id", gone.ID)
			checks := append(env.expectUser("data.zendesk_user.by_id", gone, nil),
				statecheck.ExpectKnownValue("data.zendesk_user.by_id", attr("active"), knownvalue.Bool(false)),
				statecheck.ExpectKnownValue("data.zendesk_user.by_id", attr("primary_email"), knownvalue.Null()))
			byExternalID := resource.TestStep{
				Config:            env.config(byID + userConfig("by_external_id", "external_id", "emp-9")),
				ConfigStateChecks: append(checks, env.expectUser("data.zendesk_user.by_external_id", gone, nil)...),
			}
			if tc.byExternalID != nil {
				byExternalID = resource.TestStep{Config: env.config(userConfig("by_external_id", "external_id", "emp-9")), ExpectError: tc.byExternalID}
			}
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: env.factories(),
				Steps: []resource.TestStep{
					{Config: env.config(byID), ConfigStateChecks: checks},
					byExternalID,
				},
			})
		})
	}
}

// Data sources by id and by external id that Terraform reads together cost
// one show_many of each kind, and a lookup by email one search, each time
// Terraform reads them.
func TestAccUser_requestCounts(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, zendesktest.Options{})
	// A batch waits up to a second for lookups to join it: enough that
	// Terraform's reads, started together, land in one batch on a busy
	// machine.
	env.tune = func(cfg *zendesk.Config) {
		fastRetries(cfg)
		cfg.BatchWindow = time.Second
	}
	var byID, byExternalID []string
	var config strings.Builder
	for i := range 3 {
		u := env.fake.AddUser(fmt.Sprintf("User %d", i), fmt.Sprintf("user%d@example.com", i))
		byID = append(byID, fmt.Sprint(u.ID))
		config.WriteString(userConfig(fmt.Sprintf("id%d", i), "id", u.ID))
	}
	for i := range 3 {
		ext := fmt.Sprintf("emp-%d", i)
		env.fake.AddUser(fmt.Sprintf("Employee %d", i), "", zendesktest.WithExternalID(ext))
		byExternalID = append(byExternalID, ext)
		config.WriteString(userConfig(fmt.Sprintf("ext%d", i), "external_id", ext))
	}
	config.WriteString(userConfig("email", "email", "user1@example.com"))
	check := func(*terraform.State) error {
		reads := map[string]int{}
		for _, r := range env.fake.Requests() {
			q, _ := url.ParseQuery(r.RawQuery)
			switch {
			case r.Route == zendesktest.RouteShowMany && q.Has("ids"):
				if got := slices.Sorted(strings.SplitSeq(q.Get("ids"), ",")); !slices.Equal(got, byID) {
					return fmt.Errorf("a show_many asked for ids %v, want all of %v at once", got, byID)
				}
				reads["ids"]++
			case r.Route == zendesktest.RouteShowMany:
				if got := slices.Sorted(strings.SplitSeq(q.Get("external_ids"), ",")); !slices.Equal(got, byExternalID) {
					return fmt.Errorf("a show_many asked for external ids %v, want all of %v at once", got, byExternalID)
				}
				reads["external_ids"]++
			case r.Route == zendesktest.RouteSearchUsers:
				reads["email"]++
			default:
				return fmt.Errorf("unexpected %s request %s?%s", r.Route, r.Path, r.RawQuery)
			}
		}
		// Each Terraform command that reads the data sources costs one of
		// each; how many commands a step runs is the test framework's.
		if reads["ids"] == 0 || reads["external_ids"] != reads["ids"] || reads["email"] != reads["ids"] {
			return fmt.Errorf("requests per kind: %v, want as many of each", reads)
		}
		t.Logf("%d reads of 7 data sources: %d requests", reads["ids"], env.fake.TotalRequests())
		return nil
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{{
			PreConfig: env.fake.ResetRequests,
			Config:    env.config(config.String()),
			Check:     check,
		}},
	})
}

// The lookup's id feeds zendesk_user_identity: no numeric id in the
// configuration.
func TestAccUser_feedsTheIdentityResource(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, zendesktest.Options{})
	ana := env.fake.AddUser("Ana Lima", "ana@example.com", zendesktest.WithExternalID("emp-1"))
	config := env.config(userConfig("ana", "email", "ana@example.com") + userConfig("ana_hr", "external_id", "emp-1") + `
resource "zendesk_user_identity" "ana_phone" {
  user_id  = data.zendesk_user.ana.id
  type     = "phone_number"
  value    = "+15550102001"
}

resource "zendesk_user_identity" "ana_twitter" {
  user_id = data.zendesk_user.ana_hr.id
  type    = "twitter"
  value   = "ana_lima"
}
`)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("zendesk_user_identity.ana_phone", attr("user_id"), knownvalue.Int64Exact(ana.ID)),
					statecheck.ExpectKnownValue("zendesk_user_identity.ana_twitter", attr("user_id"), knownvalue.Int64Exact(ana.ID)),
				},
				Check: func(*terraform.State) error {
					for _, value := range []string{"+15550102001", "ana_lima"} {
						if _, ok := env.identityByValue(ana.ID, value); !ok {
							return fmt.Errorf("Ana has no identity %q in Zendesk", value)
						}
					}
					return nil
				},
			},
			// A refresh reads the lookups and the identities again, and
			// plans nothing.
			{Config: config, PlanOnly: true},
		},
	})
}

func TestAccUser_badInputFailsThePlan(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, zendesktest.Options{})
	for _, tc := range []struct {
		name   string
		config string
		want   *regexp.Regexp
	}{
		{"no key", `data "zendesk_user" "x" {}`, errorLike(`Missing Attribute Configuration`,
			`Exactly one of these attributes must be configured: [id,external_id,email]`)},
		{"two keys", "data \"zendesk_user\" \"x\" {\n  id    = 1001\n  email = \"ana@example.com\"\n}\n",
			errorLike(`Invalid Attribute Combination`, `Exactly one of these attributes must be configured: [id,external_id,email]`)},
		{"malformed email", userConfig("x", "email", "ana@"), errorLike(`Attribute email must be an email address such as ana@example.com, without spaces, got: ana@`)},
		{"email with spaces", userConfig("x", "email", "ana lima@example.com"), errorLike(`Attribute email must be an email address`)},
		{"blank external_id", userConfig("x", "external_id", " "), errorLike(`Attribute external_id must not be blank, and must not start or end with spaces, got:`)},
		{"external_id with a trailing space", userConfig("x", "external_id", "emp-1 "), errorLike(`Attribute external_id must not be blank`)},
		{"non-positive id", userConfig("x", "id", 0), errorLike(`Attribute id value must be at least 1, got: 0`)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: env.factories(),
				Steps:                    []resource.TestStep{{Config: env.config(tc.config), PlanOnly: true, ExpectError: tc.want}},
			})
		})
	}
	t.Cleanup(func() {
		if n := env.fake.TotalRequests(); n != 0 {
			t.Errorf("bad input reached Zendesk: %d requests", n)
		}
	})
}

// The email lookup holds whether Zendesk's search returns near matches or
// only exact ones, and whether it sideloads the identities it was asked for.
func TestAccUser_emailUnderEachSearch(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		opts zendesktest.Options
		// perRead is the requests each read costs.
		perRead map[zendesktest.Route]int
	}{
		{"near matches", zendesktest.Options{}, map[zendesktest.Route]int{zendesktest.RouteSearchUsers: 1}},
		{"exact matches only", zendesktest.Options{SearchExactMatches: true}, map[zendesktest.Route]int{zendesktest.RouteSearchUsers: 1}},
		// Ana's and Joana's email identities are listed to tell them apart.
		{"no identities sideload", zendesktest.Options{SearchOmitsIdentitySideload: true},
			map[zendesktest.Route]int{zendesktest.RouteSearchUsers: 1, zendesktest.RouteList: 2}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			env := newTestEnv(t, tc.opts)
			env.fake.AddUser("Joana Silva", "joana@example.com")
			ana := env.fake.AddUser("Ana Lima", "ana.lima@example.org")
			if _, err := env.fake.AddIdentity(zendesktest.Identity{UserID: ana.ID, Type: "email", Value: "ana@example.com"}); err != nil {
				t.Fatal(err)
			}
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: env.factories(),
				Steps: []resource.TestStep{{
					PreConfig: env.fake.ResetRequests,
					Config:    env.config(userConfig("ana", "email", "ana@example.com")),
					ConfigStateChecks: env.expectUser("data.zendesk_user.ana", env.fakeUser(ana.ID),
						map[string]knownvalue.Check{"email": knownvalue.StringExact("ana@example.com")}),
					Check: func(*terraform.State) error {
						reads := env.fake.Count(zendesktest.RouteSearchUsers)
						want := map[zendesktest.Route]int{}
						for route, n := range tc.perRead {
							want[route] = n * reads
						}
						if err := env.counts(want); err != nil {
							return fmt.Errorf("%d reads: %w", reads, err)
						}
						return env.atMost(env.fake.TotalRequests(), zendesktest.RouteSearchUsers, zendesktest.RouteList)
					},
				}},
			})
		})
	}
}

// A user created moments ago is not in Zendesk's search index yet: the
// error says so, and the lookup finds the user once the index has caught
// up.
func TestAccUser_searchIndexLag(t *testing.T) {
	t.Parallel()
	var now atomic.Int64
	now.Store(time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC).Unix())
	env := newTestEnv(t, zendesktest.Options{
		SearchIndexDelay: time.Minute,
		Now:              func() time.Time { return time.Unix(now.Load(), 0) },
	})
	ana := env.fake.AddUser("Ana Lima", "ana@example.com")
	config := env.config(userConfig("ana", "email", "ana@example.com"))
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{
			{
				Config: config,
				ExpectError: errorLike(`No user has an email identity "ana@example.com"`,
					`goes through Zendesk's search index, which can take a few minutes to include a user or address added recently`,
					`run again later, or look the user up by id or external_id`),
			},
			{
				PreConfig:         func() { now.Add(60) },
				Config:            config,
				ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownValue("data.zendesk_user.ana", attr("id"), knownvalue.Int64Exact(ana.ID))},
			},
		},
	})
}
