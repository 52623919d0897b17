package zendesk

import (
	"fmt"
	"net"
	"net/url"
	"regexp"
	"strings"
)

var subdomainPattern = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)

// SubdomainURL returns the base URL of the account at subdomain, e.g.
// "acme" becomes "https://acme.zendesk.com".
func SubdomainURL(subdomain string) (string, error) {
	s := strings.ToLower(strings.TrimSpace(subdomain))
	if !subdomainPattern.MatchString(s) {
		return "", fmt.Errorf("%q is not a Zendesk subdomain: use the first label of your account's host name, e.g. \"acme\" for https://acme.zendesk.com", subdomain)
	}
	return "https://" + s + ".zendesk.com", nil
}

// ParseBaseURL checks the base URL of a Zendesk account, such as
// "https://acme.zendesk.com", and returns it without a trailing slash.
// Plain http is accepted only for loopback hosts, where a local test server
// runs, so credentials never cross a network unencrypted.
func ParseBaseURL(raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" || u.Scheme == "" {
		return nil, fmt.Errorf("%q is not an absolute URL: expected the account's base URL, e.g. https://acme.zendesk.com", raw)
	}
	switch {
	case u.User != nil:
		return nil, fmt.Errorf("the URL must not carry credentials: set them with the provider's authentication arguments")
	case u.RawQuery != "" || u.Fragment != "":
		return nil, fmt.Errorf("%q has a query or fragment: expected the account's base URL, e.g. https://acme.zendesk.com", raw)
	case strings.Trim(u.Path, "/") != "":
		return nil, fmt.Errorf("%q has a path: expected the account's base URL without one, e.g. https://acme.zendesk.com", raw)
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !isLoopback(u.Hostname()) {
			return nil, fmt.Errorf("%q uses plain http: Zendesk must be reached over https; http is accepted only for loopback hosts (localhost, 127.0.0.1, ::1)", raw)
		}
	default:
		return nil, fmt.Errorf("%q has the scheme %q: expected https", raw, u.Scheme)
	}
	u.Path = ""
	return u, nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
