package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/tfzendesk/terraform-provider-zendesk/internal/zendesk"
	"github.com/tfzendesk/terraform-provider-zendesk/internal/zendesktest"
)

// testEnv is one acceptance test's world: its own fake Zendesk and a
// provider pointed at it.
type testEnv struct {
	t    *testing.T
	fake *zendesktest.Server
	// tune adjusts the client; by default retries wait milliseconds, not
	// seconds, and Retry-After is scaled down likewise.
	tune func(*zendesk.Config)
}

func newTestEnv(t *testing.T, opts zendesktest.Options) *testEnv {
	t.Helper()
	return &testEnv{t: t, fake: zendesktest.NewTest(t, opts), tune: fastRetries}
}

// fastRetries keeps the retry policy but shrinks its waits a hundredfold.
func fastRetries(cfg *zendesk.Config) {
	cfg.RetryWaitMin = 5 * time.Millisecond
	cfg.RetryWaitMax = 50 * time.Millisecond
	cfg.Wait = func(d time.Duration) time.Duration { return d / 100 }
}

// factories serves the provider in-process for terraform-plugin-testing.
func (e *testEnv) factories() map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"zendesk": providerserver.NewProtocol6WithError(&zendeskProvider{version: "test", tuneClient: e.tune}),
	}
}

// config prefixes body with a provider block for the fake.
func (e *testEnv) config(body string) string {
	return e.configWith(nil, body)
}

// configWith is config with more lines in the provider block.
func (e *testEnv) configWith(settings []string, body string) string {
	lines := append([]string{arg("url", e.fake.URL()), arg("email", zendesktest.DefaultEmail), arg("api_token", zendesktest.DefaultAPIToken)},
		settings...)
	return providerBlock(lines...) + body
}

// user adds a user whose email becomes its primary email identity.
func (e *testEnv) user(name string) zendesktest.User {
	email := strings.ToLower(strings.Fields(name)[0]) + "@example.com"
	return e.fake.AddUser(name, email)
}

// identityByValue returns the fake's identity of the user with that value.
func (e *testEnv) identityByValue(userID int64, value string) (zendesktest.Identity, bool) {
	for _, id := range e.fake.Identities(userID) {
		if strings.EqualFold(id.Value, value) {
			return id, true
		}
	}
	return zendesktest.Identity{}, false
}

// checkDestroyed verifies against the fake that no identity of the state
// outlived the destroy.
func (e *testEnv) checkDestroyed(s *terraform.State) error {
	for addr, rs := range s.RootModule().Resources {
		if rs.Type != "zendesk_user_identity" {
			continue
		}
		var id int64
		if _, err := fmt.Sscan(rs.Primary.ID, &id); err != nil {
			return fmt.Errorf("%s: id %q: %w", addr, rs.Primary.ID, err)
		}
		if got, ok := e.fake.Identity(id); ok {
			return fmt.Errorf("%s: identity %d (%s %q) still exists in Zendesk", addr, id, got.Type, got.Value)
		}
	}
	return nil
}

// counts checks the fake's request counters per route.
func (e *testEnv) counts(want map[zendesktest.Route]int) error {
	var problems []string
	for route, n := range want {
		if got := e.fake.Count(route); got != n {
			problems = append(problems, fmt.Sprintf("%s: %d requests, want %d", route, got, n))
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("request counts: %s", strings.Join(problems, "; "))
	}
	return nil
}

// regexpf compiles a pattern built with fmt.Sprintf.
func regexpf(format string, args ...any) *regexp.Regexp {
	return regexp.MustCompile(fmt.Sprintf(format, args...))
}

// errorLike matches an error that holds the fragments in order. Terraform
// wraps diagnostics to fit a terminal, so any run of spaces in a fragment
// matches any run of white space.
func errorLike(fragments ...string) *regexp.Regexp {
	quoted := make([]string, len(fragments))
	for i, f := range fragments {
		words := strings.Fields(f)
		for j, w := range words {
			words[j] = regexp.QuoteMeta(w)
		}
		quoted[i] = strings.Join(words, `\s+`)
	}
	return regexp.MustCompile(`(?s)` + strings.Join(quoted, `.*`))
}
