package provider

import (
	"encoding/base64"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tfzendesk/terraform-provider-zendesk/internal/zendesk"
)

// Provider arguments and the environment variables that stand in for them.
const (
	attrURL                = "url"
	attrSubdomain          = "subdomain"
	attrEmail              = "email"
	attrAPIToken           = "api_token"
	attrOAuthToken         = "oauth_token"
	attrOAuthClientID      = "oauth_client_id"
	attrOAuthClientSecret  = "oauth_client_secret"
	attrOAuthScopes        = "oauth_scopes"
	attrOAuthTokenLifetime = "oauth_token_lifetime"
	attrMaxRetries         = "max_retries"
	attrMaxRateLimitWait   = "max_rate_limit_wait"

	defaultMaxRetries = 5
	// defaultMaxRateLimitWait bounds how long one run waits for Zendesk's
	// rate limit, in all.
	defaultMaxRateLimitWait = zendesk.DefaultMaxRateLimitWait
	// defaultTokenLifetime is the lifetime asked for each access token
	// obtained with client credentials. Zendesk's own default is a token
	// that never expires, which would outlive the run that asked for it;
	// runs that last longer renew their token.
	defaultTokenLifetime = time.Hour
)

var envVars = map[string]string{
	attrURL:               "ZENDESK_URL",
	attrSubdomain:         "ZENDESK_SUBDOMAIN",
	attrEmail:             "ZENDESK_EMAIL",
	attrAPIToken:          "ZENDESK_API_TOKEN",
	attrOAuthToken:        "ZENDESK_OAUTH_TOKEN",
	attrOAuthClientID:     "ZENDESK_OAUTH_CLIENT_ID",
	attrOAuthClientSecret: "ZENDESK_OAUTH_CLIENT_SECRET",
}

// osEnv reads the process environment; tests pass their own lookup.
func osEnv(name string) string { return os.Getenv(name) }

// settings is the provider configuration after environment fallbacks.
// Exactly one way to authenticate is filled in: email and apiToken,
// oauthToken, or clientID and clientSecret (with scopes and tokenLifetime).
type settings struct {
	baseURL       string
	email         string
	apiToken      string
	oauthToken    string
	clientID      string
	clientSecret  string
	scopes        []string
	tokenLifetime time.Duration
	maxRetries    int
	// maxRateLimitWait bounds the run's wait for the rate limit; 0 lets no
	// request wait for it.
	maxRateLimitWait time.Duration
}

// setting is one argument's value and where it came from.
type setting struct {
	attr       string
	value      string
	fromConfig bool
}

func (s setting) set() bool { return s.value != "" }

// source says where a value came from, for messages.
func (s setting) source() string {
	if s.fromConfig {
		return "in the provider configuration"
	}
	return "by " + envVars[s.attr]
}

// resolveSettings applies the environment fallbacks and checks that the
// arguments name exactly one account and one way to authenticate. Values in
// the configuration win over the environment: an argument set in the
// configuration hides the environment variables of its alternatives.
func resolveSettings(config providerModel, getenv func(string) string) (settings, diag.Diagnostics) {
	strs := map[string]types.String{
		attrURL: config.URL, attrSubdomain: config.Subdomain, attrEmail: config.Email,
		attrAPIToken: config.APIToken, attrOAuthToken: config.OAuthToken,
		attrOAuthClientID: config.OAuthClientID, attrOAuthClientSecret: config.OAuthClientSecret,
	}
	diags := checkKnown(config, strs)
	if diags.HasError() {
		return settings{}, diags
	}
	get := func(attr string) setting {
		if v := strs[attr].ValueString(); !strs[attr].IsNull() && v != "" {
			return setting{attr: attr, value: v, fromConfig: true}
		}
		return setting{attr: attr, value: getenv(envVars[attr])}
	}

	var s settings
	s.baseURL = resolveAccount(get(attrURL), get(attrSubdomain), &diags)
	creds := credentialArgs{
		email: get(attrEmail), apiToken: get(attrAPIToken), oauthToken: get(attrOAuthToken),
		clientID: get(attrOAuthClientID), clientSecret: get(attrOAuthClientSecret),
	}
	s.scopes = zendesk.DefaultScopes
	if !config.OAuthScopes.IsNull() {
		creds.clientOptions = append(creds.clientOptions, attrOAuthScopes)
		s.scopes = listStrings(config.OAuthScopes)
	}
	s.tokenLifetime = defaultTokenLifetime
	if !config.OAuthTokenLifetime.IsNull() {
		creds.clientOptions = append(creds.clientOptions, attrOAuthTokenLifetime)
		s.tokenLifetime = time.Duration(config.OAuthTokenLifetime.ValueInt64()) * time.Second
	}
	resolveAuth(creds, &s, &diags)
	s.maxRetries = defaultMaxRetries
	if !config.MaxRetries.IsNull() {
		s.maxRetries = int(config.MaxRetries.ValueInt64())
	}
	s.maxRateLimitWait = defaultMaxRateLimitWait
	if !config.MaxRateLimitWait.IsNull() {
		// The schema's validator has checked it.
		s.maxRateLimitWait, _ = time.ParseDuration(config.MaxRateLimitWait.ValueString())
	}
	return s, diags
}

// checkKnown refuses values that are unknown at plan: the provider cannot
// connect to Zendesk without them.
func checkKnown(config providerModel, strs map[string]types.String) diag.Diagnostics {
	var diags diag.Diagnostics
	for _, attr := range []string{attrURL, attrSubdomain, attrEmail, attrAPIToken, attrOAuthToken, attrOAuthClientID, attrOAuthClientSecret} {
		if strs[attr].IsUnknown() {
			diags.AddAttributeError(path.Root(attr), "Unknown value for "+attr,
				fmt.Sprintf("The provider cannot connect to Zendesk because %s depends on a value that is not known until apply. "+
					"Set %s to a value known at plan time, or leave it out and set the %s environment variable.", attr, attr, envVars[attr]))
		}
	}
	for _, u := range []struct {
		attr, fallback string
		unknown        bool
	}{
		{attrOAuthScopes, `for the default of ["read", "write"]`, listUnknown(config.OAuthScopes)},
		{attrOAuthTokenLifetime, "for the default of 3600 seconds", config.OAuthTokenLifetime.IsUnknown()},
		{attrMaxRetries, "for the default of 5", config.MaxRetries.IsUnknown()},
		{attrMaxRateLimitWait, `for the default of "30m"`, config.MaxRateLimitWait.IsUnknown()},
	} {
		if u.unknown {
			diags.AddAttributeError(path.Root(u.attr), "Unknown value for "+u.attr,
				fmt.Sprintf("%s depends on a value that is not known until apply. Set it to a value known at plan time, or leave it out %s.", u.attr, u.fallback))
		}
	}
	return diags
}

// preferConfig drops the alternatives that come only from the environment
// when one of them is set in the configuration.
func preferConfig(alternatives ...*setting) {
	for _, a := range alternatives {
		if !a.fromConfig {
			continue
		}
		for _, b := range alternatives {
			if !b.fromConfig {
				*b = setting{attr: b.attr}
			}
		}
		return
	}
}

func resolveAccount(url, subdomain setting, diags *diag.Diagnostics) string {
	preferConfig(&url, &subdomain)
	switch {
	case url.set() && subdomain.set():
		diags.AddAttributeError(path.Root(attrSubdomain), "Conflicting Zendesk account settings",
			fmt.Sprintf("url is set %s and subdomain is set %s. Set exactly one of url (%s) or subdomain (%s).",
				url.source(), subdomain.source(), envVars[attrURL], envVars[attrSubdomain]))
	case url.set():
		u, err := zendesk.ParseBaseURL(url.value)
		if err != nil {
			diags.AddAttributeError(path.Root(attrURL), "Invalid Zendesk URL",
				fmt.Sprintf("url (set %s): %s.", url.source(), err))
			return ""
		}
		return u.String()
	case subdomain.set():
		u, err := zendesk.SubdomainURL(subdomain.value)
		if err != nil {
			diags.AddAttributeError(path.Root(attrSubdomain), "Invalid Zendesk subdomain",
				fmt.Sprintf("subdomain (set %s): %s.", subdomain.source(), err))
		}
		return u
	default:
		diags.AddAttributeError(path.Root(attrURL), "Missing Zendesk account",
			fmt.Sprintf("Set url (or the %s environment variable) to the account's base URL, such as https://acme.zendesk.com, "+
				"or subdomain (or %s) to its subdomain, such as acme.", envVars[attrURL], envVars[attrSubdomain]))
	}
	return ""
}

// credentialArgs are the authentication arguments after environment
// fallbacks.
type credentialArgs struct {
	email, apiToken, oauthToken, clientID, clientSecret setting
	// clientOptions names the client-credentials options set in the
	// configuration (they have no environment variables).
	clientOptions []string
}

// authMethod is one way to authenticate and the arguments that belong to it.
type authMethod struct {
	// name is the method as messages call it.
	name string
	args []*setting
	// keys choose the method even when they come only from the
	// environment. email is not one: it is often set for other tools, and
	// on its own says nothing about how to authenticate.
	keys []*setting
	// options are arguments of the method set in the configuration.
	options []string
}

// inConfig reports whether the configuration sets any of the method's arguments.
func (m authMethod) inConfig() bool {
	for _, a := range m.args {
		if a.set() && a.fromConfig {
			return true
		}
	}
	return len(m.options) > 0
}

// chosen reports whether the arguments ask for this method.
func (m authMethod) chosen() bool {
	if m.inConfig() {
		return true
	}
	for _, k := range m.keys {
		if k.set() {
			return true
		}
	}
	return false
}

// describe says which of the method's arguments are set and where.
func (m authMethod) describe() string {
	var parts []string
	for _, a := range m.args {
		if a.set() {
			parts = append(parts, a.attr+" set "+a.source())
		}
	}
	for _, o := range m.options {
		parts = append(parts, o+" set in the provider configuration")
	}
	return strings.Join(parts, ", ")
}

// firstSet is the path of the method's first argument that is set, where
// a message about the method points.
func (m authMethod) firstSet() path.Path {
	for _, a := range m.args {
		if a.set() {
			return path.Root(a.attr)
		}
	}
	if len(m.options) > 0 {
		return path.Root(m.options[0])
	}
	return path.Root(m.args[0].attr)
}

// dropEnvironment clears the arguments that come only from the environment
// and returns their environment variables.
func (m authMethod) dropEnvironment() []string {
	var dropped []string
	for _, a := range m.args {
		if a.set() && !a.fromConfig {
			dropped = append(dropped, envVars[a.attr])
			*a = setting{attr: a.attr}
		}
	}
	return dropped
}

// resolveAuth picks the one way to authenticate and fills it into s, or
// explains in one error what is missing or in conflict. A method with an
// argument in the configuration hides the methods that come only from the
// environment.
func resolveAuth(a credentialArgs, s *settings, diags *diag.Diagnostics) {
	apiToken := authMethod{name: "an API token", args: []*setting{&a.email, &a.apiToken}, keys: []*setting{&a.apiToken}}
	oauthToken := authMethod{name: "an OAuth access token", args: []*setting{&a.oauthToken}, keys: []*setting{&a.oauthToken}}
	clientCreds := authMethod{name: "OAuth client credentials", args: []*setting{&a.clientID, &a.clientSecret},
		keys: []*setting{&a.clientID, &a.clientSecret}, options: a.clientOptions}
	methods := []authMethod{apiToken, oauthToken, clientCreds}
	note := preferConfiguredMethod(methods)

	var chosen []authMethod
	for _, m := range methods {
		if m.chosen() {
			chosen = append(chosen, m)
		}
	}
	switch {
	case len(chosen) > 1:
		var what []string
		for _, m := range chosen {
			what = append(what, fmt.Sprintf("%s (%s)", m.name, m.describe()))
		}
		diags.AddAttributeError(chosen[len(chosen)-1].firstSet(), "Conflicting Zendesk credentials",
			fmt.Sprintf("More than one way to authenticate is set: %s. Use exactly one: %s.", joinAnd(what), waysToAuthenticate()))
	case len(chosen) == 0 && a.email.set():
		diags.AddAttributeError(path.Root(attrAPIToken), "Missing Zendesk API token",
			fmt.Sprintf("email is set %s, but api_token is not: set api_token (or the %s environment variable), "+
				"or authenticate with oauth_token (%s), or with oauth_client_id and oauth_client_secret (%s, %s) instead.",
				a.email.source(), envVars[attrAPIToken], envVars[attrOAuthToken], envVars[attrOAuthClientID], envVars[attrOAuthClientSecret]))
	case len(chosen) == 0:
		diags.AddAttributeError(path.Root(attrAPIToken), "Missing Zendesk credentials",
			fmt.Sprintf("Set one way to authenticate: %s. The OAuth token, or the tokens the OAuth client obtains, need the read and write scopes.",
				waysToAuthenticate()))
	case chosen[0].name == apiToken.name:
		if checkAPIToken(a, note, diags) {
			s.email, s.apiToken = a.email.value, a.apiToken.value
		}
	case chosen[0].name == oauthToken.name:
		s.oauthToken = a.oauthToken.value
	default:
		if checkClientCredentials(a, clientCreds, note, diags) {
			s.clientID, s.clientSecret = a.clientID.value, a.clientSecret.value
		}
	}
}

// preferConfiguredMethod drops the environment's arguments of every method
// but those set in the configuration, if any is, and returns a note naming
// the environment variables it ignored, for messages.
func preferConfiguredMethod(methods []authMethod) string {
	if !slices.ContainsFunc(methods, authMethod.inConfig) {
		return ""
	}
	var ignored []string
	for _, m := range methods {
		if !m.inConfig() {
			ignored = append(ignored, m.dropEnvironment()...)
		}
	}
	if len(ignored) == 0 {
		return ""
	}
	return fmt.Sprintf("\n\n%s %s ignored: a way to authenticate set in the provider configuration wins over the environment.",
		joinAnd(ignored), isOrAre(ignored))
}

// checkAPIToken reports whether the API token comes with its email, and
// explains what is missing when not.
func checkAPIToken(a credentialArgs, note string, diags *diag.Diagnostics) bool {
	switch {
	case !a.apiToken.set():
		diags.AddAttributeError(path.Root(attrAPIToken), "Missing Zendesk API token",
			fmt.Sprintf("email is set %s, but api_token is not: set api_token (or the %s environment variable), "+
				"or remove email and authenticate with oauth_token (%s), or with oauth_client_id and oauth_client_secret (%s, %s) instead.%s",
				a.email.source(), envVars[attrAPIToken], envVars[attrOAuthToken], envVars[attrOAuthClientID], envVars[attrOAuthClientSecret], note))
	case !a.email.set():
		diags.AddAttributeError(path.Root(attrEmail), "Missing Zendesk email",
			fmt.Sprintf("api_token is set %s, but email is not. An API token authenticates together with the email address of "+
				"the agent that owns it: set email (or the %s environment variable).%s", a.apiToken.source(), envVars[attrEmail], note))
	default:
		return true
	}
	return false
}

// checkClientCredentials reports whether both the client id and its secret
// are set, and explains what is missing when not.
func checkClientCredentials(a credentialArgs, m authMethod, note string, diags *diag.Diagnostics) bool {
	switch {
	case !a.clientID.set() && !a.clientSecret.set():
		diags.AddAttributeError(m.firstSet(), "Missing Zendesk OAuth client credentials",
			fmt.Sprintf("%s %s set in the provider configuration, but oauth_client_id and oauth_client_secret are not. "+
				"oauth_scopes and oauth_token_lifetime apply only to OAuth client credentials: set oauth_client_id and oauth_client_secret "+
				"(or the %s and %s environment variables), or remove %s.%s",
				joinAnd(a.clientOptions), isOrAre(a.clientOptions), envVars[attrOAuthClientID], envVars[attrOAuthClientSecret],
				joinAnd(a.clientOptions), note))
	case !a.clientSecret.set():
		diags.AddAttributeError(path.Root(attrOAuthClientSecret), "Missing Zendesk OAuth client secret",
			fmt.Sprintf("oauth_client_id is set %s, but oauth_client_secret is not: set oauth_client_secret (or the %s environment variable) "+
				"to the secret of the OAuth client, which Admin Center shows when the client is created or its secret regenerated.%s",
				a.clientID.source(), envVars[attrOAuthClientSecret], note))
	case !a.clientID.set():
		diags.AddAttributeError(path.Root(attrOAuthClientID), "Missing Zendesk OAuth client ID",
			fmt.Sprintf("oauth_client_secret is set %s, but oauth_client_id is not: set oauth_client_id (or the %s environment variable) "+
				"to the OAuth client's unique identifier (Admin Center, Apps and integrations, APIs, OAuth clients).%s",
				a.clientSecret.source(), envVars[attrOAuthClientID], note))
	default:
		return true
	}
	return false
}

// waysToAuthenticate lists the ways to authenticate, for messages.
func waysToAuthenticate() string {
	return fmt.Sprintf("email and api_token (or the %s and %s environment variables), oauth_token (or %s), "+
		"or oauth_client_id and oauth_client_secret (or %s and %s)",
		envVars[attrEmail], envVars[attrAPIToken], envVars[attrOAuthToken], envVars[attrOAuthClientID], envVars[attrOAuthClientSecret])
}

func isOrAre(items []string) string {
	if len(items) == 1 {
		return "is"
	}
	return "are"
}

// joinAnd joins "a", "b" and "c" as "a, b and c".
func joinAnd(items []string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}

func listUnknown(l types.List) bool {
	if l.IsUnknown() {
		return true
	}
	for _, e := range l.Elements() {
		if e.IsUnknown() {
			return true
		}
	}
	return false
}

func listStrings(l types.List) []string {
	var out []string
	for _, e := range l.Elements() {
		if s, ok := e.(types.String); ok && !s.IsNull() {
			out = append(out, s.ValueString())
		}
	}
	return out
}

// clientConfig turns the settings into the client's configuration, all but
// its credentials (see auth).
func (s settings) clientConfig(version string) zendesk.Config {
	maxWait := s.maxRateLimitWait
	if maxWait == 0 {
		maxWait = -1 // the client's way of saying: never wait
	}
	return zendesk.Config{
		URL:              s.baseURL,
		UserAgent:        "terraform-provider-zendesk/" + version,
		MaxRetries:       s.maxRetries,
		MaxRateLimitWait: maxWait,
	}
}

// auth returns the credentials of the chosen way to authenticate. Client
// credentials exchange their tokens with the client's transport, retry
// policy and logger.
func (s settings) auth(cfg zendesk.Config) (zendesk.Auth, error) {
	switch {
	case s.clientID != "":
		return zendesk.ClientCredentials(zendesk.ClientCredentialsConfig{
			URL:            s.baseURL,
			ClientID:       s.clientID,
			ClientSecret:   s.clientSecret,
			Scopes:         s.scopes,
			Lifetime:       s.tokenLifetime,
			UserAgent:      cfg.UserAgent,
			MaxRetries:     cfg.MaxRetries,
			RetryWaitMin:   cfg.RetryWaitMin,
			RetryWaitMax:   cfg.RetryWaitMax,
			Wait:           cfg.Wait,
			HTTPClient:     cfg.HTTPClient,
			AttemptTimeout: cfg.AttemptTimeout,
			Logger:         cfg.Logger,
		})
	case s.oauthToken != "":
		return zendesk.BearerToken(s.oauthToken), nil
	default:
		return zendesk.APIToken(s.email, s.apiToken), nil
	}
}

// secrets lists every string that must never appear in a log line or a
// diagnostic: the tokens, the client secret and the encoded basic
// credentials built from them. Access tokens obtained with client
// credentials cannot be listed here: the client hides them itself, as it
// hides every Authorization header it sends.
func (s settings) secrets() []string {
	var out []string
	if s.apiToken != "" {
		raw := s.email + "/token:" + s.apiToken
		out = append(out, s.apiToken, base64.StdEncoding.EncodeToString([]byte(raw)), strings.TrimRight(base64.URLEncoding.EncodeToString([]byte(raw)), "="))
	}
	if s.oauthToken != "" {
		out = append(out, s.oauthToken)
	}
	if s.clientSecret != "" {
		out = append(out, s.clientSecret)
	}
	return out
}
