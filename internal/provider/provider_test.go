package provider

import (
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	fwattr "github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/tfzendesk/terraform-provider-zendesk/internal/zendesk"
	"github.com/tfzendesk/terraform-provider-zendesk/internal/zendesktest"
)

// providerBlock renders a provider block from argument lines.
func providerBlock(lines ...string) string {
	return "\nprovider \"zendesk\" {\n  " + strings.Join(lines, "\n  ") + "\n}\n"
}

// arg renders one string argument line.
func arg(name, value string) string { return fmt.Sprintf("%s = %q", name, value) }

// identitiesData is a data source that makes the provider connect at plan.
func identitiesData(userID int64) string {
	return fmt.Sprintf("\ndata \"zendesk_user_identities\" \"test\" {\n  user_id = %d\n}\n", userID)
}

// oauthTokenConfig prefixes body with a provider block that authenticates
// with an OAuth access token.
func (e *testEnv) oauthTokenConfig(token, body string) string {
	return providerBlock(arg("url", e.fake.URL()), arg("oauth_token", token)) + body
}

// zendeskEnvVars are every environment variable the provider reads.
var zendeskEnvVars = []string{
	"ZENDESK_URL", "ZENDESK_SUBDOMAIN", "ZENDESK_EMAIL", "ZENDESK_API_TOKEN", "ZENDESK_OAUTH_TOKEN",
	"ZENDESK_OAUTH_CLIENT_ID", "ZENDESK_OAUTH_CLIENT_SECRET",
}

// clearZendeskEnv empties the provider's environment variables for the
// test, so that a developer's own settings cannot change its outcome. The
// test must not be parallel; its subtests may be.
func clearZendeskEnv(t *testing.T) {
	for _, name := range zendeskEnvVars {
		t.Setenv(name, "")
	}
}

// diagnostic is a diagnostic reduced to what a user reads.
type diagnostic struct {
	Path, Summary, Detail string
}

func diagnosticsOf(diags diag.Diagnostics) []diagnostic {
	var out []diagnostic
	for _, d := range diags {
		var p string
		if withPath, ok := d.(diag.DiagnosticWithPath); ok {
			p = withPath.Path().String()
		}
		out = append(out, diagnostic{Path: p, Summary: d.Summary(), Detail: d.Detail()})
	}
	return out
}

// Messages shared by several cases below.
const (
	waysText = "email and api_token (or the ZENDESK_EMAIL and ZENDESK_API_TOKEN environment variables), " +
		"oauth_token (or ZENDESK_OAUTH_TOKEN), or oauth_client_id and oauth_client_secret " +
		"(or ZENDESK_OAUTH_CLIENT_ID and ZENDESK_OAUTH_CLIENT_SECRET)"
	missingCredentials = "Set one way to authenticate: " + waysText +
		". The OAuth token, or the tokens the OAuth client obtains, need the read and write scopes."
)

func TestResolveSettings(t *testing.T) {
	t.Parallel()
	str := types.StringValue
	scopes := func(s ...string) types.List {
		l, d := types.ListValueFrom(t.Context(), types.StringType, s)
		if d.HasError() {
			t.Fatal(d)
		}
		return l
	}
	const url = "https://acme.zendesk.com"
	for _, tc := range []struct {
		name   string
		config providerModel
		env    map[string]string
		want   settings
		diags  []diagnostic
	}{
		{
			name:   "API token",
			config: providerModel{Subdomain: str("acme"), Email: str("a@example.com"), APIToken: str("tok")},
			want:   settings{baseURL: url, email: "a@example.com", apiToken: "tok"},
		},
		{
			name: "OAuth access token from the environment",
			env:  map[string]string{"ZENDESK_URL": url + "/", "ZENDESK_OAUTH_TOKEN": "otok"},
			want: settings{baseURL: url, oauthToken: "otok"},
		},
		{
			name: "client credentials from the environment, with the default scopes and lifetime",
			env:  map[string]string{"ZENDESK_SUBDOMAIN": "acme", "ZENDESK_OAUTH_CLIENT_ID": "ci", "ZENDESK_OAUTH_CLIENT_SECRET": "cs"},
			want: settings{baseURL: url, clientID: "ci", clientSecret: "cs"},
		},
		{
			name: "client credentials with scopes and lifetime",
			config: providerModel{URL: str(url), OAuthClientID: str("ci"), OAuthClientSecret: str("cs"),
				OAuthScopes: scopes("read", "write", "impersonate"), OAuthTokenLifetime: types.Int64Value(600)},
			want: settings{baseURL: url, clientID: "ci", clientSecret: "cs", scopes: []string{"read", "write", "impersonate"}, tokenLifetime: 10 * time.Minute},
		},
		{
			name: "an email in the environment does not get in the way of another method",
			env:  map[string]string{"ZENDESK_URL": url, "ZENDESK_EMAIL": "a@example.com", "ZENDESK_OAUTH_TOKEN": "otok"},
			want: settings{baseURL: url, oauthToken: "otok"},
		},
		{
			name:   "configuration wins: url over ZENDESK_SUBDOMAIN",
			config: providerModel{URL: str(url), OAuthToken: str("otok")},
			env:    map[string]string{"ZENDESK_SUBDOMAIN": "other"},
			want:   settings{baseURL: url, oauthToken: "otok"},
		},
		{
			name:   "configuration wins: client credentials over an API token in the environment",
			config: providerModel{URL: str(url), OAuthClientID: str("ci"), OAuthClientSecret: str("cs")},
			env:    map[string]string{"ZENDESK_EMAIL": "a@example.com", "ZENDESK_API_TOKEN": "tok", "ZENDESK_OAUTH_TOKEN": "otok"},
			want:   settings{baseURL: url, clientID: "ci", clientSecret: "cs"},
		},
		{
			name:   "configuration wins: an email in the configuration picks the API token of the environment",
			config: providerModel{URL: str(url), Email: str("a@example.com")},
			env:    map[string]string{"ZENDESK_API_TOKEN": "tok", "ZENDESK_OAUTH_TOKEN": "otok", "ZENDESK_OAUTH_CLIENT_ID": "ci"},
			want:   settings{baseURL: url, email: "a@example.com", apiToken: "tok"},
		},
		{
			name:   "configuration wins: the client secret of the configuration with the client id of the environment",
			config: providerModel{URL: str(url), OAuthClientSecret: str("cs")},
			env:    map[string]string{"ZENDESK_OAUTH_CLIENT_ID": "ci", "ZENDESK_OAUTH_TOKEN": "otok"},
			want:   settings{baseURL: url, clientID: "ci", clientSecret: "cs"},
		},
		{
			name: "nothing set",
			diags: []diagnostic{
				{"url", "Missing Zendesk account", "Set url (or the ZENDESK_URL environment variable) to the account's base URL, " +
					"such as https://acme.zendesk.com, or subdomain (or ZENDESK_SUBDOMAIN) to its subdomain, such as acme."},
				{"api_token", "Missing Zendesk credentials", missingCredentials},
			},
		},
		{
			name:   "url and subdomain",
			config: providerModel{URL: str(url), Subdomain: str("acme"), OAuthToken: str("otok")},
			diags: []diagnostic{{"subdomain", "Conflicting Zendesk account settings",
				"url is set in the provider configuration and subdomain is set in the provider configuration. " +
					"Set exactly one of url (ZENDESK_URL) or subdomain (ZENDESK_SUBDOMAIN)."}},
		},
		{
			name:  "url and subdomain from the environment",
			env:   map[string]string{"ZENDESK_URL": url, "ZENDESK_SUBDOMAIN": "acme", "ZENDESK_OAUTH_TOKEN": "otok"},
			diags: []diagnostic{{"subdomain", "Conflicting Zendesk account settings", "url is set by ZENDESK_URL and subdomain is set by ZENDESK_SUBDOMAIN. Set exactly one of url (ZENDESK_URL) or subdomain (ZENDESK_SUBDOMAIN)."}},
		},
		{
			name:   "plain http to a host that is not loopback",
			config: providerModel{URL: str("http://acme.zendesk.com"), OAuthToken: str("otok")},
			diags: []diagnostic{{"url", "Invalid Zendesk URL", `url (set in the provider configuration): "http://acme.zendesk.com" uses plain http: ` +
				"Zendesk must be reached over https; http is accepted only for loopback hosts (localhost, 127.0.0.1, ::1)."}},
		},
		{
			name:   "plain http to loopback",
			config: providerModel{URL: str("http://127.0.0.1:8080"), OAuthToken: str("otok")},
			want:   settings{baseURL: "http://127.0.0.1:8080", oauthToken: "otok"},
		},
		{
			name:   "a subdomain that is not one",
			config: providerModel{Subdomain: str("acme.zendesk.com"), OAuthToken: str("otok")},
			diags: []diagnostic{{"subdomain", "Invalid Zendesk subdomain", `subdomain (set in the provider configuration): "acme.zendesk.com" is not a Zendesk subdomain: ` +
				`use the first label of your account's host name, e.g. "acme" for https://acme.zendesk.com.`}},
		},
		{
			name: "unknown values",
			config: providerModel{URL: types.StringUnknown(), APIToken: types.StringUnknown(), OAuthClientSecret: types.StringUnknown(),
				OAuthScopes: types.ListUnknown(types.StringType), OAuthTokenLifetime: types.Int64Unknown()},
			diags: []diagnostic{
				{"url", "Unknown value for url", "The provider cannot connect to Zendesk because url depends on a value that is not known until apply. " +
					"Set url to a value known at plan time, or leave it out and set the ZENDESK_URL environment variable."},
				{"api_token", "Unknown value for api_token", "The provider cannot connect to Zendesk because api_token depends on a value that is not known until apply. " +
					"Set api_token to a value known at plan time, or leave it out and set the ZENDESK_API_TOKEN environment variable."},
				{"oauth_client_secret", "Unknown value for oauth_client_secret", "The provider cannot connect to Zendesk because oauth_client_secret depends on a value " +
					"that is not known until apply. Set oauth_client_secret to a value known at plan time, or leave it out and set the ZENDESK_OAUTH_CLIENT_SECRET environment variable."},
				{"oauth_scopes", "Unknown value for oauth_scopes", `oauth_scopes depends on a value that is not known until apply. Set it to a value known at plan time, or leave it out for the default of ["read", "write"].`},
				{"oauth_token_lifetime", "Unknown value for oauth_token_lifetime", "oauth_token_lifetime depends on a value that is not known until apply. " +
					"Set it to a value known at plan time, or leave it out for the default of 3600 seconds."},
			},
		},
		{
			name: "an unknown scope",
			config: providerModel{URL: str(url), OAuthClientID: str("ci"), OAuthClientSecret: str("cs"),
				OAuthScopes: types.ListValueMust(types.StringType, []fwattr.Value{str("read"), types.StringUnknown()})},
			diags: []diagnostic{{"oauth_scopes", "Unknown value for oauth_scopes", `oauth_scopes depends on a value that is not known until apply. ` +
				`Set it to a value known at plan time, or leave it out for the default of ["read", "write"].`}},
		},
		{
			name:   "email without API token",
			config: providerModel{URL: str(url), Email: str("a@example.com")},
			diags: []diagnostic{{"api_token", "Missing Zendesk API token",
				"email is set in the provider configuration, but api_token is not: set api_token (or the ZENDESK_API_TOKEN environment variable), " +
					"or remove email and authenticate with oauth_token (ZENDESK_OAUTH_TOKEN), or with oauth_client_id and oauth_client_secret " +
					"(ZENDESK_OAUTH_CLIENT_ID, ZENDESK_OAUTH_CLIENT_SECRET) instead."}},
		},
		{
			name:   "email in the configuration hides an OAuth token in the environment",
			config: providerModel{URL: str(url), Email: str("a@example.com")},
			env:    map[string]string{"ZENDESK_OAUTH_TOKEN": "otok"},
			diags: []diagnostic{{"api_token", "Missing Zendesk API token",
				"email is set in the provider configuration, but api_token is not: set api_token (or the ZENDESK_API_TOKEN environment variable), " +
					"or remove email and authenticate with oauth_token (ZENDESK_OAUTH_TOKEN), or with oauth_client_id and oauth_client_secret " +
					"(ZENDESK_OAUTH_CLIENT_ID, ZENDESK_OAUTH_CLIENT_SECRET) instead.\n\nZENDESK_OAUTH_TOKEN is ignored: " +
					"a way to authenticate set in the provider configuration wins over the environment."}},
		},
		{
			name: "email in the environment only",
			env:  map[string]string{"ZENDESK_URL": url, "ZENDESK_EMAIL": "a@example.com"},
			diags: []diagnostic{{"api_token", "Missing Zendesk API token",
				"email is set by ZENDESK_EMAIL, but api_token is not: set api_token (or the ZENDESK_API_TOKEN environment variable), " +
					"or authenticate with oauth_token (ZENDESK_OAUTH_TOKEN), or with oauth_client_id and oauth_client_secret " +
					"(ZENDESK_OAUTH_CLIENT_ID, ZENDESK_OAUTH_CLIENT_SECRET) instead."}},
		},
		{
			name:   "API token without email",
			config: providerModel{URL: str(url), APIToken: str("tok")},
			diags: []diagnostic{{"email", "Missing Zendesk email", "api_token is set in the provider configuration, but email is not. " +
				"An API token authenticates together with the email address of the agent that owns it: set email (or the ZENDESK_EMAIL environment variable)."}},
		},
		{
			name:   "client id without secret",
			config: providerModel{URL: str(url), OAuthClientID: str("ci")},
			diags: []diagnostic{{"oauth_client_secret", "Missing Zendesk OAuth client secret",
				"oauth_client_id is set in the provider configuration, but oauth_client_secret is not: set oauth_client_secret " +
					"(or the ZENDESK_OAUTH_CLIENT_SECRET environment variable) to the secret of the OAuth client, which Admin Center shows " +
					"when the client is created or its secret regenerated."}},
		},
		{
			name: "client secret without id",
			env:  map[string]string{"ZENDESK_URL": url, "ZENDESK_OAUTH_CLIENT_SECRET": "cs"},
			diags: []diagnostic{{"oauth_client_id", "Missing Zendesk OAuth client ID",
				"oauth_client_secret is set by ZENDESK_OAUTH_CLIENT_SECRET, but oauth_client_id is not: set oauth_client_id " +
					"(or the ZENDESK_OAUTH_CLIENT_ID environment variable) to the OAuth client's unique identifier " +
					"(Admin Center, Apps and integrations, APIs, OAuth clients)."}},
		},
		{
			name:   "client-credentials options without client credentials",
			config: providerModel{URL: str(url), OAuthScopes: scopes("read", "write"), OAuthTokenLifetime: types.Int64Value(600)},
			env:    map[string]string{"ZENDESK_API_TOKEN": "tok", "ZENDESK_EMAIL": "a@example.com"},
			diags: []diagnostic{{"oauth_scopes", "Missing Zendesk OAuth client credentials",
				"oauth_scopes and oauth_token_lifetime are set in the provider configuration, but oauth_client_id and oauth_client_secret are not. " +
					"oauth_scopes and oauth_token_lifetime apply only to OAuth client credentials: set oauth_client_id and oauth_client_secret " +
					"(or the ZENDESK_OAUTH_CLIENT_ID and ZENDESK_OAUTH_CLIENT_SECRET environment variables), or remove oauth_scopes and oauth_token_lifetime." +
					"\n\nZENDESK_EMAIL and ZENDESK_API_TOKEN are ignored: a way to authenticate set in the provider configuration wins over the environment."}},
		},
		{
			name:   "API token and OAuth token in the configuration",
			config: providerModel{URL: str(url), Email: str("a@example.com"), APIToken: str("tok"), OAuthToken: str("otok")},
			diags: []diagnostic{{"oauth_token", "Conflicting Zendesk credentials",
				"More than one way to authenticate is set: an API token (email set in the provider configuration, api_token set in the provider configuration) " +
					"and an OAuth access token (oauth_token set in the provider configuration). Use exactly one: " + waysText + "."}},
		},
		{
			name:   "OAuth token and client credentials in the configuration",
			config: providerModel{URL: str(url), OAuthToken: str("otok"), OAuthClientID: str("ci"), OAuthClientSecret: str("cs")},
			diags: []diagnostic{{"oauth_client_id", "Conflicting Zendesk credentials",
				"More than one way to authenticate is set: an OAuth access token (oauth_token set in the provider configuration) and " +
					"OAuth client credentials (oauth_client_id set in the provider configuration, oauth_client_secret set in the provider configuration). " +
					"Use exactly one: " + waysText + "."}},
		},
		{
			name: "three ways in the environment",
			env: map[string]string{"ZENDESK_URL": url, "ZENDESK_EMAIL": "a@example.com", "ZENDESK_API_TOKEN": "tok",
				"ZENDESK_OAUTH_TOKEN": "otok", "ZENDESK_OAUTH_CLIENT_ID": "ci"},
			diags: []diagnostic{{"oauth_client_id", "Conflicting Zendesk credentials",
				"More than one way to authenticate is set: an API token (email set by ZENDESK_EMAIL, api_token set by ZENDESK_API_TOKEN), " +
					"an OAuth access token (oauth_token set by ZENDESK_OAUTH_TOKEN) and OAuth client credentials (oauth_client_id set by ZENDESK_OAUTH_CLIENT_ID). " +
					"Use exactly one: " + waysText + "."}},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, diags := resolveSettings(tc.config, func(name string) string { return tc.env[name] })
			if got := diagnosticsOf(diags); !reflect.DeepEqual(got, tc.diags) {
				t.Errorf("diagnostics:\n got %q\nwant %q", got, tc.diags)
			}
			if diags.HasError() {
				return
			}
			want := tc.want
			want.maxRetries = defaultMaxRetries
			want.maxRateLimitWait = defaultMaxRateLimitWait
			if want.scopes == nil {
				want.scopes = zendesk.DefaultScopes
			}
			if want.tokenLifetime == 0 {
				want.tokenLifetime = defaultTokenLifetime
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("settings:\n got %+v\nwant %+v", got, want)
			}
		})
	}
}

// max_rate_limit_wait reaches the client; "0s" lets no request wait.
func TestSettingsMaxRateLimitWait(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		value string
		want  time.Duration
	}{
		{"", zendesk.DefaultMaxRateLimitWait},
		{"2h", 2 * time.Hour},
		{"0s", -1},
	} {
		config := providerModel{URL: types.StringValue("https://acme.zendesk.com"), OAuthToken: types.StringValue("otok"),
			MaxRateLimitWait: types.StringNull()}
		if tc.value != "" {
			config.MaxRateLimitWait = types.StringValue(tc.value)
		}
		s, diags := resolveSettings(config, func(string) string { return "" })
		if diags.HasError() {
			t.Fatalf("%q: %v", tc.value, diags)
		}
		if got := s.clientConfig("test").MaxRateLimitWait; got != tc.want {
			t.Errorf("max_rate_limit_wait %q: the client's MaxRateLimitWait = %s, want %s", tc.value, got, tc.want)
		}
	}
}

// Each setting's source ends up in the client's credentials.
func TestSettingsAuth(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		s    settings
		want string
	}{
		{settings{baseURL: "https://acme.zendesk.com", email: "a@example.com", apiToken: "tok"}, "API token"},
		{settings{baseURL: "https://acme.zendesk.com", oauthToken: "otok"}, "OAuth access token"},
		{settings{baseURL: "https://acme.zendesk.com", clientID: "ci", clientSecret: "cs", scopes: zendesk.DefaultScopes, tokenLifetime: time.Hour}, "OAuth client credentials"},
	} {
		auth, err := tc.s.auth(tc.s.clientConfig("test"))
		if err != nil {
			t.Fatal(err)
		}
		if auth.Method() != tc.want {
			t.Errorf("auth.Method() = %q, want %q", auth.Method(), tc.want)
		}
		for _, secret := range tc.s.secrets() {
			if out := fmt.Sprintf("%v %+v %#v", auth, auth, auth); strings.Contains(out, secret) {
				t.Errorf("%s prints a secret: %s", tc.want, out)
			}
		}
	}
}

// Every bad or missing provider setting stops the plan with its message.
// The environment is cleared so that a developer's ZENDESK_* variables
// cannot change the outcome.
func TestAccProvider_misconfiguration(t *testing.T) {
	clearZendeskEnv(t)
	env := newTestEnv(t, zendesktest.Options{})
	ana := env.user("Ana Lima")
	url := arg("url", env.fake.URL())
	email := arg("email", zendesktest.DefaultEmail)
	apiToken := arg("api_token", zendesktest.DefaultAPIToken)
	clientID := arg("oauth_client_id", zendesktest.DefaultClientID)
	clientSecret := arg("oauth_client_secret", zendesktest.DefaultClientSecret)
	for _, tc := range []struct {
		name   string
		config string
		want   *regexp.Regexp
	}{
		{
			name:   "missing credentials",
			config: providerBlock(url),
			want:   errorLike("Missing Zendesk credentials", missingCredentials),
		},
		{
			name:   "missing account",
			config: providerBlock(email, apiToken),
			want:   errorLike("Missing Zendesk account", "Set url (or the ZENDESK_URL environment variable)"),
		},
		{
			name:   "url and subdomain",
			config: providerBlock(url, arg("subdomain", "acme"), email, apiToken),
			want: errorLike("Conflicting Zendesk account settings",
				"url is set in the provider configuration and subdomain is set in the provider configuration. Set exactly one of url (ZENDESK_URL) or subdomain (ZENDESK_SUBDOMAIN)."),
		},
		{
			name:   "plain http to a host that is not loopback",
			config: providerBlock(arg("url", "http://acme.zendesk.com"), email, apiToken),
			want: errorLike("Invalid Zendesk URL", `url (set in the provider configuration): "http://acme.zendesk.com" uses plain http:`,
				"Zendesk must be reached over https; http is accepted only for loopback hosts (localhost, 127.0.0.1, ::1)."),
		},
		{
			name: "a value unknown at plan",
			config: `
resource "terraform_data" "url" {
  input = "` + env.fake.URL() + `"
}
` + providerBlock("url = terraform_data.url.output", email, apiToken),
			want: errorLike("Unknown value for url", "The provider cannot connect to Zendesk because url depends on a value that is not known until apply."),
		},
		{
			name:   "a rate-limit wait that is no duration",
			config: providerBlock(url, email, apiToken, `max_rate_limit_wait = "30 minutes"`),
			want: errorLike("Invalid duration", `max_rate_limit_wait is "30 minutes"; it must be a duration such as "45m" or "2h",`,
				"from 0s to 24h0m0s, written with the units h, m and s."),
		},
		{
			name:   "a rate-limit wait beyond a day",
			config: providerBlock(url, email, apiToken, `max_rate_limit_wait = "25h"`),
			want:   errorLike("Invalid duration", `max_rate_limit_wait is "25h"`),
		},
		{
			name:   "email without API token",
			config: providerBlock(url, email),
			want:   errorLike("Missing Zendesk API token", "email is set in the provider configuration, but api_token is not"),
		},
		{
			name:   "API token without email",
			config: providerBlock(url, apiToken),
			want: errorLike("Missing Zendesk email", "api_token is set in the provider configuration, but email is not.",
				"set email (or the ZENDESK_EMAIL environment variable)"),
		},
		{
			name:   "API token and client credentials",
			config: providerBlock(url, email, apiToken, clientID, clientSecret),
			want: errorLike("Conflicting Zendesk credentials", "More than one way to authenticate is set: an API token", "and OAuth client credentials",
				"Use exactly one:"),
		},
		{
			name:   "client id without secret",
			config: providerBlock(url, clientID),
			want:   errorLike("Missing Zendesk OAuth client secret", "oauth_client_id is set in the provider configuration, but oauth_client_secret is not"),
		},
		{
			name:   "client secret without id",
			config: providerBlock(url, clientSecret),
			want:   errorLike("Missing Zendesk OAuth client ID", "oauth_client_secret is set in the provider configuration, but oauth_client_id is not"),
		},
		{
			name:   "token lifetime out of bounds",
			config: providerBlock(url, clientID, clientSecret, "oauth_token_lifetime = 60"),
			want:   errorLike("Attribute oauth_token_lifetime value must be between 300 and 172800, got: 60"),
		},
		{
			name:   "no scopes",
			config: providerBlock(url, clientID, clientSecret, "oauth_scopes = []"),
			want:   errorLike("Attribute oauth_scopes list must contain at least 1 elements, got: 0"),
		},
		{
			name:   "a null scope",
			config: providerBlock(url, clientID, clientSecret, `oauth_scopes = ["read", null]`),
			want:   errorLike("Null List Value", "This attribute contains a null value."),
		},
		{
			name:   "two scopes in one string",
			config: providerBlock(url, clientID, clientSecret, `oauth_scopes = ["read write"]`),
			want:   errorLike(`Attribute oauth_scopes[0] must be one scope without spaces, such as read or write, got: read write`),
		},
		{
			name:   "client-credentials options without client credentials",
			config: providerBlock(url, email, apiToken, "oauth_token_lifetime = 600"),
			want: errorLike("Conflicting Zendesk credentials", "an API token (email set in the provider configuration, api_token set in the provider configuration)",
				"and OAuth client credentials (oauth_token_lifetime set in the provider configuration)"),
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: env.factories(),
				Steps: []resource.TestStep{{
					Config:      tc.config + identitiesData(ana.ID),
					ExpectError: tc.want,
				}},
			})
			if n := env.fake.TotalRequests(); n != 0 {
				t.Errorf("a misconfigured provider sent %d requests", n)
			}
		})
	}
}

// A way to authenticate set in the configuration hides the environment's:
// here a wrong API token and a client secret in the environment are
// ignored for the OAuth token of the configuration.
func TestAccProvider_configurationWinsOverEnvironment(t *testing.T) {
	clearZendeskEnv(t)
	env := newTestEnv(t, zendesktest.Options{})
	ana := env.user("Ana Lima")
	t.Setenv("ZENDESK_SUBDOMAIN", "acme")
	t.Setenv("ZENDESK_EMAIL", zendesktest.DefaultEmail)
	t.Setenv("ZENDESK_API_TOKEN", "wrong-api-token")
	t.Setenv("ZENDESK_OAUTH_CLIENT_SECRET", "wrong-secret")
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{{
			Config: env.oauthTokenConfig(zendesktest.DefaultOAuthToken, identitiesData(ana.ID)),
			Check: func(*terraform.State) error {
				for _, r := range env.fake.Requests() {
					if r.Auth != "bearer" || r.Status != 200 {
						return fmt.Errorf("%s %s: auth %q, status %d; want the configuration's OAuth token to be used", r.Method, r.Path, r.Auth, r.Status)
					}
				}
				if env.fake.TotalRequests() == 0 {
					return fmt.Errorf("no request reached the fake")
				}
				return nil
			},
		}},
	})
}

// With nothing in the configuration, the environment supplies the account
// and the client credentials.
func TestAccProvider_clientCredentialsFromEnvironment(t *testing.T) {
	clearZendeskEnv(t)
	env := newTestEnv(t, zendesktest.Options{})
	ana := env.user("Ana Lima")
	t.Setenv("ZENDESK_URL", env.fake.URL())
	t.Setenv("ZENDESK_EMAIL", zendesktest.DefaultEmail) // ignored: no API token
	t.Setenv("ZENDESK_OAUTH_CLIENT_ID", zendesktest.DefaultClientID)
	t.Setenv("ZENDESK_OAUTH_CLIENT_SECRET", zendesktest.DefaultClientSecret)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{{
			Config: providerBlock() + identitiesData(ana.ID),
			Check: func(*terraform.State) error {
				if env.fake.TokensIssued() == 0 {
					return fmt.Errorf("no token was exchanged")
				}
				return env.allBearer()
			},
		}},
	})
}

// Zendesk's refusals reach the user with what Zendesk said and what to do.
func TestAccProvider_errorsFromZendesk(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		setup func(*testEnv) string // returns the provider block
		want  *regexp.Regexp
	}{
		{
			name: "wrong API token",
			setup: func(e *testEnv) string {
				return providerBlock(arg("url", e.fake.URL()), arg("email", zendesktest.DefaultEmail), arg("api_token", "wrong-api-token"))
			},
			want: errorLike("Error reading Zendesk user identities", "HTTP 401 Unauthorized.", "Error: Couldn't authenticate you",
				"Zendesk did not accept the credentials. Check email and api_token, oauth_token, or oauth_client_id and oauth_client_secret"),
		},
		{
			name: "revoked OAuth token",
			setup: func(e *testEnv) string {
				return providerBlock(arg("url", e.fake.URL()), arg("oauth_token", "revoked-token"))
			},
			want: errorLike("HTTP 401 Unauthorized.", "Error: invalid_token",
				"Description: The access token provided is expired, revoked, malformed or invalid for other reasons.",
				"uses an oauth_token as it is."),
		},
		{
			name: "OAuth token without the read and write scopes",
			setup: func(e *testEnv) string {
				e.fake.AddOAuthToken("users-scoped-token", "users:read users:write")
				return providerBlock(arg("url", e.fake.URL()), arg("oauth_token", "users-scoped-token"))
			},
			want: errorLike("Error reading Zendesk user identities", "HTTP 403 Forbidden.", "Error: Forbidden",
				`An OAuth token needs the broad "read write" scope (the identities API refuses tokens scoped users:read or users:write only)`),
		},
		{
			name: "an error body that is not JSON",
			setup: func(e *testEnv) string {
				e.fake.AddFault(zendesktest.Fault{Kind: zendesktest.FaultStatus, Status: 502, Body: "<html><body>502 Bad Gateway</body></html>"})
				return providerBlock(arg("url", e.fake.URL()), arg("email", zendesktest.DefaultEmail),
					arg("api_token", zendesktest.DefaultAPIToken), "max_retries = 0")
			},
			want: errorLike("Error reading Zendesk user identities", "HTTP 502 Bad Gateway.", "Body: <html><body>502 Bad Gateway</body></html>",
				"Zendesk failed to process the request."),
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			env := newTestEnv(t, zendesktest.Options{})
			ana := env.user("Ana Lima")
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: env.factories(),
				Steps: []resource.TestStep{{
					Config:      tc.setup(env) + identitiesData(ana.ID),
					ExpectError: tc.want,
				}},
			})
		})
	}
}

// allBearer checks that every API request of the fake's log carried a
// bearer token and succeeded.
func (e *testEnv) allBearer() error {
	for _, r := range e.fake.Requests() {
		if r.Route == zendesktest.RouteOAuthTokens {
			continue
		}
		if r.Auth != "bearer" || r.Status >= 300 {
			return fmt.Errorf("%s %s: auth %q, status %d; want a bearer token and success", r.Method, r.Path, r.Auth, r.Status)
		}
	}
	return nil
}
