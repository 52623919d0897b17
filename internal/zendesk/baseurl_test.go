package zendesk

import (
	"strings"
	"testing"
)

func TestParseBaseURL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		raw     string
		want    string
		wantErr string // a part of the error; "" for success
	}{
		{"https://acme.zendesk.com", "https://acme.zendesk.com", ""},
		{"https://acme.zendesk.com/", "https://acme.zendesk.com", ""},
		{"  https://acme.zendesk.com/  ", "https://acme.zendesk.com", ""},
		{"https://support.acme.example", "https://support.acme.example", ""},
		{"https://acme.zendesk.com:8443", "https://acme.zendesk.com:8443", ""},
		{"http://127.0.0.1:8080", "http://127.0.0.1:8080", ""},
		{"http://127.0.0.1", "http://127.0.0.1", ""},
		{"http://127.1.2.3:9", "http://127.1.2.3:9", ""},
		{"http://localhost:1234/", "http://localhost:1234", ""},
		{"http://LOCALHOST:1234", "http://LOCALHOST:1234", ""},
		{"http://[::1]:9999", "http://[::1]:9999", ""},

		{"http://acme.zendesk.com", "", "https"},
		{"http://acme.zendesk.com", "", "plain http"},
		{"http://10.0.0.1:8080", "", "https"},
		{"http://localhost.evil.example", "", "https"},
		{"http://127.0.0.1.nip.io", "", "https"},
		{"ftp://acme.zendesk.com", "", "expected https"},
		{"https://acme.zendesk.com/api/v2", "", "has a path"},
		{"https://acme.zendesk.com/hc", "", "has a path"},
		{"https://acme.zendesk.com?locale=en", "", "query"},
		{"https://acme.zendesk.com/#top", "", "fragment"},
		{"https://agent@acme.zendesk.com", "", "must not carry credentials"},
		{"https://agent%40acme.org%2Ftoken:s3cret@acme.zendesk.com", "", "must not carry credentials"},
		{"acme.zendesk.com", "", "not an absolute URL"},
		{"acme", "", "not an absolute URL"},
		{"", "", "not an absolute URL"},
		{"https://", "", "not an absolute URL"},
		{"://acme", "", "not an absolute URL"},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			t.Parallel()
			got, err := ParseBaseURL(tt.raw)
			if tt.wantErr == "" {
				if err != nil || got.String() != tt.want {
					t.Fatalf("ParseBaseURL(%q) = %v, %v; want %s", tt.raw, got, err, tt.want)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("ParseBaseURL(%q) = %v, %v; want an error containing %q", tt.raw, got, err, tt.wantErr)
			}
			if strings.Contains(err.Error(), "s3cret") {
				t.Errorf("the error shows the URL's password: %v", err)
			}
		})
	}
}

func TestSubdomainURL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		subdomain string
		want      string // "" when refused
	}{
		{"acme", "https://acme.zendesk.com"},
		{"Acme", "https://acme.zendesk.com"},
		{" acme ", "https://acme.zendesk.com"},
		{"my-company2", "https://my-company2.zendesk.com"},
		{"a", "https://a.zendesk.com"},
		{"0", "https://0.zendesk.com"},
		{strings.Repeat("a", 63), "https://" + strings.Repeat("a", 63) + ".zendesk.com"},

		{"", ""},
		{"   ", ""},
		{strings.Repeat("a", 64), ""},
		{"-acme", ""},
		{"acme-", ""},
		{"ac_me", ""},
		{"ac me", ""},
		{"acme.zendesk.com", ""},
		{"acme.evil.example", ""},
		{"https://acme", ""},
		{"acme/", ""},
		{"acme@evil.example", ""},
		{"acmé", ""},
	}
	for _, tt := range tests {
		t.Run(tt.subdomain, func(t *testing.T) {
			t.Parallel()
			got, err := SubdomainURL(tt.subdomain)
			if tt.want == "" {
				if err == nil || !strings.Contains(err.Error(), "is not a Zendesk subdomain") {
					t.Fatalf("SubdomainURL(%q) = %q, %v; want a refusal", tt.subdomain, got, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("SubdomainURL(%q) = %q, %v; want %s", tt.subdomain, got, err, tt.want)
			}
			// What SubdomainURL returns, ParseBaseURL accepts as is.
			if u, err := ParseBaseURL(got); err != nil || u.String() != got {
				t.Errorf("ParseBaseURL(%q) = %v, %v", got, u, err)
			}
		})
	}
}
