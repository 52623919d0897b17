package provider

import (
	"encoding/base64"
	"fmt"
	"os"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tfzendesk/terraform-provider-zendesk/internal/zendesk"
)

// Provider arguments and the environment variables that stand in for them.
const (
	attrURL        = "url"
	attrSubdomain  = "subdomain"
	attrEmail      = "email"
	attrAPIToken   = "api_token"
	attrOAuthToken = "oauth_token"
	attrMaxRetries = "max_retries"

	defaultMaxRetries = 5
)

var envVars = map[string]string{
	attrURL:        "ZENDESK_URL",
	attrSubdomain:  "ZENDESK_SUBDOMAIN",
	attrEmail:      "ZENDESK_EMAIL",
	attrAPIToken:   "ZENDESK_API_TOKEN",
	attrOAuthToken: "ZENDESK_OAUTH_TOKEN",
}

// osEnv reads the process environment; tests pass their own lookup.
func osEnv(name string) string { return os.Getenv(name) }

// settings is the provider configuration after environment fallbacks.
type settings struct {
	baseURL    string
	email      string
	apiToken   string
	oauthToken string
	maxRetries int
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
	var diags diag.Diagnostics
	strs := map[string]types.String{
		attrURL: config.URL, attrSubdomain: config.Subdomain, attrEmail: config.Email,
		attrAPIToken: config.APIToken, attrOAuthToken: config.OAuthToken,
	}
	for _, attr := range []string{attrURL, attrSubdomain, attrEmail, attrAPIToken, attrOAuthToken} {
		if strs[attr].IsUnknown() {
			diags.AddAttributeError(path.Root(attr), "Unknown value for "+attr,
				fmt.Sprintf("The provider cannot connect to Zendesk because %s depends on a value that is not known until apply. "+
					"Set %s to a value known at plan time, or leave it out and set the %s environment variable.", attr, attr, envVars[attr]))
		}
	}
	if config.MaxRetries.IsUnknown() {
		diags.AddAttributeError(path.Root(attrMaxRetries), "Unknown value for "+attrMaxRetries,
			"max_retries depends on a value that is not known until apply. Set it to a value known at plan time, or leave it out for the default of 5.")
	}
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
	s.email, s.apiToken, s.oauthToken = resolveAuth(get(attrEmail), get(attrAPIToken), get(attrOAuthToken), &diags)
	s.maxRetries = defaultMaxRetries
	if !config.MaxRetries.IsNull() {
		s.maxRetries = int(config.MaxRetries.ValueInt64())
	}
	return s, diags
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

func resolveAuth(email, apiToken, oauthToken setting, diags *diag.Diagnostics) (string, string, string) {
	preferConfig(&apiToken, &oauthToken)
	switch {
	case apiToken.set() && oauthToken.set():
		diags.AddAttributeError(path.Root(attrOAuthToken), "Conflicting Zendesk credentials",
			fmt.Sprintf("api_token is set %s and oauth_token is set %s. Use exactly one way to authenticate: "+
				"email with api_token (%s, %s), or oauth_token (%s).",
				apiToken.source(), oauthToken.source(), envVars[attrEmail], envVars[attrAPIToken], envVars[attrOAuthToken]))
	case apiToken.set() && !email.set():
		diags.AddAttributeError(path.Root(attrEmail), "Missing Zendesk email",
			fmt.Sprintf("api_token is set %s, but email is not. An API token authenticates together with the email address of "+
				"the agent that owns it: set email (or the %s environment variable).", apiToken.source(), envVars[attrEmail]))
	case apiToken.set():
		return email.value, apiToken.value, ""
	case oauthToken.set():
		return "", "", oauthToken.value
	case email.set():
		diags.AddAttributeError(path.Root(attrAPIToken), "Missing Zendesk API token",
			fmt.Sprintf("email is set %s, but api_token is not: set api_token (or the %s environment variable), "+
				"or authenticate with oauth_token (%s) instead.", email.source(), envVars[attrAPIToken], envVars[attrOAuthToken]))
	default:
		diags.AddAttributeError(path.Root(attrAPIToken), "Missing Zendesk credentials",
			fmt.Sprintf("Set one way to authenticate: email and api_token (or the %s and %s environment variables), "+
				"or oauth_token (or %s), an OAuth access token with the read and write scopes.",
				envVars[attrEmail], envVars[attrAPIToken], envVars[attrOAuthToken]))
	}
	return "", "", ""
}

// clientConfig turns the settings into the client's configuration.
func (s settings) clientConfig(version string) zendesk.Config {
	cfg := zendesk.Config{
		URL:        s.baseURL,
		UserAgent:  "terraform-provider-zendesk/" + version,
		MaxRetries: s.maxRetries,
	}
	if s.oauthToken != "" {
		cfg.Auth = zendesk.BearerToken(s.oauthToken)
	} else {
		cfg.Auth = zendesk.APIToken(s.email, s.apiToken)
	}
	return cfg
}

// secrets lists every string that must never appear in a log line: the
// tokens and the encoded basic credentials built from them.
func (s settings) secrets() []string {
	var out []string
	if s.apiToken != "" {
		raw := s.email + "/token:" + s.apiToken
		out = append(out, s.apiToken, base64.StdEncoding.EncodeToString([]byte(raw)), strings.TrimRight(base64.URLEncoding.EncodeToString([]byte(raw)), "="))
	}
	if s.oauthToken != "" {
		out = append(out, s.oauthToken)
	}
	return out
}
