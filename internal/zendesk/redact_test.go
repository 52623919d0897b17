package zendesk

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/tfzendesk/terraform-provider-zendesk/internal/zendesktest"
)

// authRecorder is a transport that remembers every Authorization header
// the client sent, and its credential, to look for them afterwards.
type authRecorder struct {
	mu     sync.Mutex
	values map[string]bool
}

func (a *authRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	if v := req.Header.Get("Authorization"); v != "" {
		_, credential, _ := strings.Cut(v, " ")
		a.mu.Lock()
		a.values[v], a.values[credential] = true, true
		a.mu.Unlock()
	}
	return http.DefaultTransport.RoundTrip(req)
}

func (a *authRecorder) all() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []string
	for v := range a.values {
		out = append(out, v)
	}
	return out
}

// A proxy that echoes the request in its error answer (as text, or inside
// a JSON error) puts the Authorization header in front of the client: no
// error text and no log line may quote it, however the client
// authenticates, the token exchange included.
func TestRedaction_anEchoedRequestShowsNoCredential(t *testing.T) {
	t.Parallel()
	const (
		apiToken     = "echo-api-token-4c1d9e77"
		oauthToken   = "echo-oauth-token-0b8f2a13"
		clientSecret = "echo-client-secret-e5a7c390"
	)
	for _, auth := range []struct {
		name    string
		secrets []string
		make    func(fake *zendesktest.Server, log Logger, http *http.Client) Auth
	}{
		{"API token", []string{apiToken}, func(fake *zendesktest.Server, _ Logger, _ *http.Client) Auth {
			fake.AddAPIToken(zendesktest.DefaultEmail, apiToken)
			return APIToken(zendesktest.DefaultEmail, apiToken)
		}},
		{"OAuth access token", []string{oauthToken}, func(fake *zendesktest.Server, _ Logger, _ *http.Client) Auth {
			fake.AddOAuthToken(oauthToken, "read write")
			return BearerToken(oauthToken)
		}},
		{"OAuth client credentials", []string{clientSecret}, func(fake *zendesktest.Server, log Logger, hc *http.Client) Auth {
			fake.AddOAuthClient("echo-client", clientSecret)
			a, err := ClientCredentials(ClientCredentialsConfig{URL: fake.URL(), ClientID: "echo-client", ClientSecret: clientSecret, Logger: log, HTTPClient: hc})
			if err != nil {
				t.Fatal(err)
			}
			return a
		}},
	} {
		for _, echo := range []zendesktest.Fault{
			{Kind: zendesktest.FaultEcho, Route: zendesktest.RouteShow},
			{Kind: zendesktest.FaultEcho, Route: zendesktest.RouteShow, Status: http.StatusBadRequest, ContentType: "application/json"},
			{Kind: zendesktest.FaultEcho, Route: zendesktest.RouteOAuthTokens, Status: http.StatusBadRequest},
		} {
			if echo.Route == zendesktest.RouteOAuthTokens && auth.name != "OAuth client credentials" {
				continue
			}
			t.Run(fmt.Sprintf("%s, %s echoed with %d %s", auth.name, echo.Route, echo.Status, echo.ContentType), func(t *testing.T) {
				t.Parallel()
				fake := zendesktest.NewTest(t, zendesktest.Options{})
				u := fake.AddUser("Ana", "ana@example.com")
				identity := fake.Identities(u.ID)[0]
				logger := &captureLogger{}
				headers := &authRecorder{values: map[string]bool{}}
				hc := &http.Client{Transport: headers}
				c, _ := newTestClient(t, fake, withAuth(auth.make(fake, logger, hc)), withLogger(logger), func(cfg *Config) {
					cfg.HTTPClient = hc
					cfg.MaxRetries = 0
				})
				fake.AddFault(echo)

				_, err := c.GetIdentity(context.Background(), u.ID, identity.ID)
				if err == nil {
					t.Fatal("the echo was not an error")
				}
				text := fmt.Sprintf("%v\n%+v\n%#v", err, err, err)
				if !strings.Contains(text, redactedText) {
					t.Errorf("the error shows no redaction, so no echo: %s", text)
				}
				forbidden := append(headers.all(), auth.secrets...)
				if len(headers.all()) == 0 && echo.Route != zendesktest.RouteOAuthTokens {
					t.Fatal("no Authorization header was recorded")
				}
				for _, where := range append(logger.all(), text) {
					for _, secret := range forbidden {
						if strings.Contains(where, secret) {
							t.Errorf("credential %q appears in: %s", secret[:4]+"…", where)
						}
					}
				}
			})
		}
	}
}

// A redirect's Location, and a body that names it, may carry a token.
func TestRedaction_aRedirectsLocation(t *testing.T) {
	t.Parallel()
	fake := zendesktest.NewTest(t, zendesktest.Options{})
	u := fake.AddUser("Ana", "ana@example.com")
	fake.AddFault(zendesktest.Fault{Kind: zendesktest.FaultRedirect, Route: zendesktest.RouteList,
		Location: "https://sso.example.com/login?access_token=sso-token-77aa01&next=%2F"})
	c, _ := newTestClient(t, fake)
	_, err := c.ListIdentities(context.Background(), u.ID)
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.Location == "" {
		t.Fatalf("got %v, want the redirect", err)
	}
	if strings.Contains(apiErr.Location+apiErr.Body+err.Error(), "sso-token-77aa01") {
		t.Errorf("the token shows: Location %q, body %q", apiErr.Location, apiErr.Body)
	}
	if !strings.Contains(apiErr.Location, "https://sso.example.com/login?access_token="+redactedText) {
		t.Errorf("Location = %q, want it kept but for the token", apiErr.Location)
	}
}

func TestRedactor_text(t *testing.T) {
	t.Parallel()
	r := newRedactor("known-secret-1234")
	r.learnAuthorization("Basic " + "YWRhQGV4YW1wbGUub3JnL3Rva2VuOnNlY3JldC10b2tlbi05OQ==") // ada@example.org/token:secret-token-99
	for _, tc := range []struct{ in, want string }{
		{"Authorization: Basic Zm9vOmJhcg==\nAccept: application/json", "Authorization: <redacted>\nAccept: application/json"},
		{`{"headers":{"authorization":"Bearer abc"}}`, `{"headers":{"authorization":<redacted>}}`},
		{"proxy-authorization=Basic abc&x=1", "proxy-authorization=<redacted>&x=1"},
		{"token was Bearer 0123456789abcdef0123", "token was Bearer <redacted>"},
		{"grant_type=client_credentials&client_secret=s3cr3t&client_id=c", "grant_type=client_credentials&client_secret=<redacted>&client_id=c"},
		{`{"access_token":"tok-1","token_type":"bearer"}`, `{"access_token":"<redacted>","token_type":"bearer"}`},
		{"the value known-secret-1234 again", "the value <redacted> again"},
		{"user ada@example.org/token:secret-token-99 sent", "user <redacted> sent"},
		{"echo secret-token-99", "echo <redacted>"},
		// Prose stays as it is.
		{"Basic authentication is disabled for this account", "Basic authentication is disabled for this account"},
		{"RecordNotFound: Not found", "RecordNotFound: Not found"},
		{`{"error":"invalid_token","description":"The access token provided is expired"}`, `{"error":"invalid_token","description":"The access token provided is expired"}`},
	} {
		if got := r.text(tc.in); got != tc.want {
			t.Errorf("text(%q)\n = %q\nwant %q", tc.in, got, tc.want)
		}
	}
	if s := fmt.Sprintf("%v %+v %#v", r, r, r); strings.Contains(s, "secret") {
		t.Errorf("the redactor prints its secrets: %s", s)
	}
}
