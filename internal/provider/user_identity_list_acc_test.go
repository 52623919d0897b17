package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/tfzendesk/terraform-provider-zendesk/internal/zendesktest"
)

// listBlock is a list "zendesk_user_identity" block of a query file.
func listBlock(name string, userIDs []int64, extra ...string) string {
	ids := make([]string, len(userIDs))
	for i, id := range userIDs {
		ids[i] = fmt.Sprint(id)
	}
	return fmt.Sprintf(`
list "zendesk_user_identity" %q {
  provider = zendesk
  config {
    user_ids = [%s]
    %s
  }
}
`, name, strings.Join(ids, ", "), strings.Join(extra, "\n    "))
}

// withListArgs puts arguments of the list block itself after its config.
func withListArgs(block string, args ...string) string {
	return strings.TrimSuffix(strings.TrimSpace(block), "}") + "  " + strings.Join(args, "\n  ") + "\n}\n"
}

func TestAccUserIdentity_query(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, zendesktest.Options{})
	ana, ben, chloe := seedAccount(t, env.fake)
	users := []int64{ana.ID, ben.ID, chloe.ID}

	var checks []querycheck.QueryResultCheck
	all := manageable(env.fake, users)
	checks = append(checks, querycheck.ExpectLength("zendesk_user_identity.all", len(all)))
	for _, id := range all {
		identity := map[string]knownvalue.Check{"user_id": knownvalue.Int64Exact(id.UserID), "id": knownvalue.Int64Exact(id.ID)}
		checks = append(checks,
			querycheck.ExpectIdentity("zendesk_user_identity.all", identity),
			querycheck.ExpectResourceDisplayName("zendesk_user_identity.all", queryfilter.ByResourceIdentity(identity),
				knownvalue.StringRegexp(regexp.MustCompile(fmt.Sprintf(`^user %d: %s %s \(`, id.UserID, id.Type, regexp.QuoteMeta(id.Value))))),
		)
	}
	phone := manageable(env.fake, users, "phone_number")[0]
	phoneIdentity := map[string]knownvalue.Check{"user_id": knownvalue.Int64Exact(phone.UserID), "id": knownvalue.Int64Exact(phone.ID)}
	checks = append(checks,
		querycheck.ExpectLength("zendesk_user_identity.phones", 1),
		querycheck.ExpectResourceDisplayName("zendesk_user_identity.phones", queryfilter.ByResourceIdentity(phoneIdentity),
			knownvalue.StringExact(fmt.Sprintf("user %d: phone_number +15550100200 (primary, unverified)", ana.ID))),
		querycheck.ExpectResourceKnownValues("zendesk_user_identity.phones", queryfilter.ByResourceIdentity(phoneIdentity), []querycheck.KnownValueCheck{
			{Path: attr("id"), KnownValue: knownvalue.StringExact(fmt.Sprint(phone.ID))},
			{Path: attr("user_id"), KnownValue: knownvalue.Int64Exact(ana.ID)},
			{Path: attr("type"), KnownValue: knownvalue.StringExact("phone_number")},
			{Path: attr("value"), KnownValue: knownvalue.StringExact("+15550100200")},
			{Path: attr("primary"), KnownValue: knownvalue.Bool(true)},
			{Path: attr("verified"), KnownValue: knownvalue.Bool(false)},
			{Path: attr("skip_verify_email"), KnownValue: knownvalue.Null()},
		}),
		querycheck.ExpectLength("zendesk_user_identity.first_two", 2),
	)

	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0)},
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{
			{
				// The provider's configuration, which the query files use.
				Config: env.config(""),
			},
			{
				Query: true,
				Config: listBlock("all", users) +
					withListArgs(listBlock("phones", users, `types = ["phone_number"]`), "include_resource = true") +
					withListArgs(listBlock("first_two", users), "limit = 2"),
				QueryResultChecks: checks,
			},
			{
				Query:       true,
				Config:      listBlock("unknown", []int64{ana.ID, 9999}),
				ExpectError: errorLike("Zendesk users not found", "No active user of this Zendesk account has the id 9999"),
			},
			{
				Query:       true,
				Config:      listBlock("channels", []int64{ana.ID}, `types = ["messaging"]`),
				ExpectError: errorLike(`types[0] is "messaging", a type that Zendesk channels make`),
			},
		},
	})
}
