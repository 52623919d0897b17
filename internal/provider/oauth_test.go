package provider

import (
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/tfzendesk/terraform-provider-zendesk/internal/zendesktest"
)

// clientCredentialsConfig prefixes body with a provider block that
// authenticates with the fake's default OAuth client; extra holds more
// argument lines.
func (e *testEnv) clientCredentialsConfig(body string, extra ...string) string {
	return providerBlock(append([]string{
		arg("url", e.fake.URL()),
		arg("oauth_client_id", zendesktest.DefaultClientID),
		arg("oauth_client_secret", zendesktest.DefaultClientSecret),
	}, extra...)...) + body
}

// dependentIdentities renders identity a for one user and identity b for
// another, b created only once a is: the apply has a before and an after.
func dependentIdentities(aUser, bUser int64) string {
	return identityConfig("a", aUser, "email", "a.second@example.org") +
		identityConfig("b", bUser, "email", "b.second@example.org", "depends_on = [zendesk_user_identity.a]")
}

// requestIndex is the position in log of the first request that matches.
func requestIndex(log []zendesktest.Request, match func(zendesktest.Request) bool) int {
	for i, r := range log {
		if match(r) {
			return i
		}
	}
	return -1
}

func createOf(userID int64) func(zendesktest.Request) bool {
	return func(r zendesktest.Request) bool { return r.Route == zendesktest.RouteCreate && r.UserID == userID }
}

// The provider exchanges the client credentials for a token and reuses it
// for every request of a run.
func TestAccOAuth_clientCredentials(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, zendesktest.Options{})
	ana := env.user("Ana Lima")
	body := identityConfig("work", ana.ID, "email", "ana.work@example.org") +
		identityConfig("home", ana.ID, "email", "ana.home@example.org") +
		identityConfig("phone", ana.ID, "phone_number", "+1 555 010 0200")
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{
			{
				PreConfig: env.fake.ResetRequests,
				Config:    env.clientCredentialsConfig(body),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("zendesk_user_identity.phone", attr("value"), knownvalue.StringExact("+1 555 010 0200")),
				},
				Check: func(*terraform.State) error {
					log := env.fake.Requests()
					exchanges := 0
					for _, r := range log {
						if r.Route == zendesktest.RouteOAuthTokens {
							exchanges++
						}
					}
					if issued := env.fake.TokensIssued(); issued == 0 || issued != exchanges {
						return fmt.Errorf("TokensIssued = %d with %d exchanges in the log; want every exchange to succeed", issued, exchanges)
					}
					// The three creates of one apply share one token.
					first := requestIndex(log, func(r zendesktest.Request) bool { return r.Route == zendesktest.RouteCreate })
					last := len(log) - 1 - requestIndex(reversed(log), func(r zendesktest.Request) bool { return r.Route == zendesktest.RouteCreate })
					for _, r := range log[first : last+1] {
						if r.Route == zendesktest.RouteOAuthTokens {
							return fmt.Errorf("a token was exchanged between the creates of one apply")
						}
					}
					if n := env.fake.Count(zendesktest.RouteCreate); n != 3 {
						return fmt.Errorf("%d creates, want 3", n)
					}
					return env.allBearer()
				},
			},
			{
				Config: env.clientCredentialsConfig(body, `oauth_scopes = ["read", "write"]`, "oauth_token_lifetime = 300"),
			},
		},
	})
}

func reversed(log []zendesktest.Request) []zendesktest.Request {
	out := make([]zendesktest.Request, len(log))
	for i, r := range log {
		out[len(log)-1-i] = r
	}
	return out
}

// An apply that outlives its access token renews it before it expires:
// Zendesk never sees an expired token. The fake's tokens live 2 seconds;
// the apply creates three identities one after the other, and the second
// create takes longer than that.
func TestAccOAuth_renewsTheTokenDuringALongApply(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, zendesktest.Options{TokenLifetime: 2 * time.Second})
	ana, ben := env.user("Ana Lima"), env.user("Ben Okafor")
	body := identityConfig("first", ana.ID, "phone_number", "+1 555 010 0300") +
		identityConfig("a", ana.ID, "email", "a.second@example.org", "depends_on = [zendesk_user_identity.first]") +
		identityConfig("b", ben.ID, "email", "b.second@example.org", "depends_on = [zendesk_user_identity.a]")
	isExchange := func(r zendesktest.Request) bool { return r.Route == zendesktest.RouteOAuthTokens }
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{{
			PreConfig: func() {
				env.fake.AddFault(zendesktest.Fault{
					Kind: zendesktest.FaultLatency, Route: zendesktest.RouteCreate, Every: 2, Times: 1, Delay: 2500 * time.Millisecond,
				})
			},
			Config: env.clientCredentialsConfig(body),
			Check: func(*terraform.State) error {
				log := env.fake.Requests()
				first := requestIndex(log, func(r zendesktest.Request) bool {
					return r.Route == zendesktest.RouteCreate && r.UserID == ana.ID
				})
				slow := first + 1 + requestIndex(log[first+1:], createOf(ana.ID))
				next := requestIndex(log, createOf(ben.ID))
				if first < 0 || slow <= first || next <= slow {
					return fmt.Errorf("creates out of order: %d, %d, %d", first, slow, next)
				}
				if requestIndex(log[first:slow], isExchange) >= 0 {
					return fmt.Errorf("a token was exchanged between two creates a moment apart: a token must serve most of its life")
				}
				if requestIndex(log[slow:next], isExchange) < 0 {
					return fmt.Errorf("no token exchange between the slow create and the next one")
				}
				if n := env.fake.CountStatus(http.StatusUnauthorized); n != 0 {
					return fmt.Errorf("%d requests were refused with 401; want the token renewed before it expired", n)
				}
				return env.allBearer()
			},
		}},
	})
}

// A token Zendesk stops accepting mid-apply is renewed once and the
// refused request sent again; the apply does not fail.
func TestAccOAuth_renewsATokenRejectedMidApply(t *testing.T) {
	t.Parallel()
	var fake atomic.Pointer[zendesktest.Server]
	var expireOnce sync.Once
	var anaID atomic.Int64
	env := newTestEnv(t, zendesktest.Options{
		// Once ana's identity is created, every token issued so far ends.
		OnRequest: func(r zendesktest.Request) {
			if r.Route == zendesktest.RouteCreate && r.UserID == anaID.Load() && r.Status == http.StatusCreated {
				expireOnce.Do(func() { fake.Load().ExpireTokens() })
			}
		},
	})
	fake.Store(env.fake)
	ana, ben := env.user("Ana Lima"), env.user("Ben Okafor")
	anaID.Store(ana.ID)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{{
			Config: env.clientCredentialsConfig(dependentIdentities(ana.ID, ben.ID)),
			Check: func(*terraform.State) error {
				log := env.fake.Requests()
				b := requestIndex(log, createOf(ben.ID))
				if b < 0 || len(log) < b+3 {
					return fmt.Errorf("ben's create is missing or not followed by a renewal and a retry")
				}
				got := []string{describe(log[b]), describe(log[b+1]), describe(log[b+2])}
				want := []string{"create 401 bearer", "oauth_tokens 201 ", "create 201 bearer"}
				if fmt.Sprint(got) != fmt.Sprint(want) {
					return fmt.Errorf("after the tokens expired: %q, want %q", got, want)
				}
				if n := env.fake.CountStatus(http.StatusUnauthorized); n != 1 {
					return fmt.Errorf("%d requests were refused with 401, want 1", n)
				}
				return nil
			},
		}},
	})
}

func describe(r zendesktest.Request) string {
	return fmt.Sprintf("%s %d %s", r.Route, r.Status, r.Auth)
}

// A wrong client secret fails with Zendesk's answer and says which
// arguments to check.
func TestAccOAuth_badClientSecret(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, zendesktest.Options{})
	ana := env.user("Ana Lima")
	const wrong = "wrong-client-secret-42"
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{{
			Config: providerBlock(arg("url", env.fake.URL()), arg("oauth_client_id", zendesktest.DefaultClientID),
				arg("oauth_client_secret", wrong)) + identitiesData(ana.ID),
			ExpectError: errorLike("Error reading Zendesk user identities",
				"Zendesk answered POST /oauth/tokens with HTTP 401 Unauthorized.",
				"Error: invalid_client",
				"Description: Client authentication failed due to unknown client",
				"The provider could not obtain an OAuth access token with oauth_client_id and oauth_client_secret.",
				"Zendesk did not accept the client: check oauth_client_id (the OAuth client's unique identifier) and oauth_client_secret"),
		}},
	})
	if n := env.fake.Count(zendesktest.RouteOAuthTokens); n == 0 {
		t.Error("no exchange was attempted")
	}
	if n := env.fake.TotalRequests() - env.fake.Count(zendesktest.RouteOAuthTokens); n != 0 {
		t.Errorf("%d API requests were sent without a token", n)
	}
}

// Tokens scoped to users only are refused by the identities API; the
// message says which scopes are needed and where they are set.
func TestAccOAuth_scopesWithoutReadAndWrite(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, zendesktest.Options{})
	ana := env.user("Ana Lima")
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{{
			Config: env.clientCredentialsConfig(identitiesData(ana.ID), `oauth_scopes = ["users:read", "users:write"]`),
			ExpectError: errorLike("Error reading Zendesk user identities", "HTTP 403 Forbidden.",
				`An OAuth token needs the broad "read write" scope (the identities API refuses tokens scoped users:read or users:write only):`,
				`with client credentials, leave oauth_scopes out or include "read" and "write" in it.`),
		}},
	})
	if env.fake.TokensIssued() == 0 {
		t.Error("no token was issued: the 403 must come from the identities API, not the exchange")
	}
}

// A token exchange asked to wait longer than any request waits fails at
// once with Zendesk's answer, instead of holding every request of the run
// behind the exchange for as long as Zendesk asks.
func TestAccOAuth_aTokenExchangeAskedToWaitAnHour(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, zendesktest.Options{})
	ana := env.user("Ana Lima")
	env.fake.AddFault(zendesktest.Fault{Kind: zendesktest.FaultStatus, Route: zendesktest.RouteOAuthTokens, Status: http.StatusTooManyRequests,
		RetryAfter: 3600, Times: 1})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{{
			Config: env.clientCredentialsConfig(identityConfig("work", ana.ID, "email", "ana.work@example.org")),
			ExpectError: errorLike("Error creating Zendesk user identity", "POST /oauth/tokens with HTTP 429 Too Many Requests",
				"Zendesk asked to wait 1h0m0s before trying again, longer than the provider waits (10m0s)"),
		}},
	})
	if n := env.fake.Count(zendesktest.RouteOAuthTokens); n != 1 {
		t.Errorf("%d token exchanges, want 1", n)
	}
}

// A token exchange refused for the rate limit is waited for like an API
// request, within max_rate_limit_wait: with no time to wait, the run ends
// at once with Zendesk's answer and says why it was not sent again.
func TestAccOAuth_aTokenExchangeRateLimitedWithNoTimeLeftToWait(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, zendesktest.Options{})
	ana := env.user("Ana Lima")
	env.fake.AddFault(zendesktest.Fault{Kind: zendesktest.FaultStatus, Route: zendesktest.RouteOAuthTokens, Status: http.StatusTooManyRequests,
		RetryAfter: 1, Times: 1})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{{
			Config: env.clientCredentialsConfig(identityConfig("work", ana.ID, "email", "ana.work@example.org"), `max_rate_limit_wait = "0s"`),
			ExpectError: errorLike("Error creating Zendesk user identity", "Zendesk answered POST /oauth/tokens with HTTP 429 Too Many Requests",
				"The request was not sent again", "the most that max_rate_limit_wait allows (0s)"),
		}},
	})
	if n := env.fake.Count(zendesktest.RouteOAuthTokens); n != 1 {
		t.Errorf("%d token exchanges, want 1", n)
	}
	if n := env.fake.Count(zendesktest.RouteCreate); n != 0 {
		t.Errorf("%d creates were sent without a token", n)
	}
}
