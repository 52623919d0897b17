package zendesk

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tfzendesk/terraform-provider-zendesk/internal/zendesktest"
)

// recordingLogger keeps every log line, to check what reaches a log.
type recordingLogger struct {
	mu    sync.Mutex
	lines []string
}

func (l *recordingLogger) record(level, msg string, fields map[string]any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, fmt.Sprintf("%s %s %v", level, msg, fields))
}

func (l *recordingLogger) Trace(_ context.Context, msg string, f map[string]any) {
	l.record("TRACE", msg, f)
}
func (l *recordingLogger) Debug(_ context.Context, msg string, f map[string]any) {
	l.record("DEBUG", msg, f)
}
func (l *recordingLogger) Warn(_ context.Context, msg string, f map[string]any) {
	l.record("WARN", msg, f)
}

func (l *recordingLogger) text() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n")
}

// clientCredentialsFor returns client-credentials auth for the fake with
// retries that do not wait.
func clientCredentialsFor(t *testing.T, fake *zendesktest.Server, secret string, log Logger) *clientCredentials {
	t.Helper()
	auth, err := ClientCredentials(ClientCredentialsConfig{
		URL:          fake.URL(),
		ClientID:     zendesktest.DefaultClientID,
		ClientSecret: secret,
		Lifetime:     time.Hour,
		UserAgent:    "test",
		MaxRetries:   3,
		Wait:         func(time.Duration) time.Duration { return time.Millisecond },
		Logger:       log,
	})
	if err != nil {
		t.Fatal(err)
	}
	cc, ok := auth.(*clientCredentials)
	if !ok {
		t.Fatalf("ClientCredentials returned %T", auth)
	}
	return cc
}

func clientWithAuth(t *testing.T, fake *zendesktest.Server, auth Auth, log Logger) *Client {
	t.Helper()
	c, err := New(Config{
		URL: fake.URL(), Auth: auth, MaxRetries: 3, Logger: log,
		RetryWaitMin: time.Millisecond, RetryWaitMax: 5 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestClientCredentials_oneExchangeServesManyRequests(t *testing.T) {
	t.Parallel()
	fake := zendesktest.NewTest(t, zendesktest.Options{})
	ana := fake.AddUser("Ana Lima", "ana@example.com")
	log := &recordingLogger{}
	c := clientWithAuth(t, fake, clientCredentialsFor(t, fake, zendesktest.DefaultClientSecret, log), log)

	for range 3 {
		if _, err := c.ListIdentities(context.Background(), ana.ID); err != nil {
			t.Fatal(err)
		}
	}
	if got := fake.TokensIssued(); got != 1 {
		t.Errorf("TokensIssued = %d, want 1: the token is reused while it is valid", got)
	}
	for _, r := range fake.Requests() {
		switch {
		case r.Route == zendesktest.RouteOAuthTokens && (r.Status != http.StatusCreated || r.Auth != ""):
			t.Errorf("exchange: status %d, auth %q; want 201 without an Authorization header", r.Status, r.Auth)
		case r.Route != zendesktest.RouteOAuthTokens && (r.Status != http.StatusOK || r.Auth != "bearer"):
			t.Errorf("%s %s: status %d, auth %q; want 200 with a bearer token", r.Method, r.Path, r.Status, r.Auth)
		}
	}
	if !strings.Contains(log.text(), "Zendesk OAuth access token obtained") {
		t.Errorf("no log line for the exchange in:\n%s", log.text())
	}
}

func TestClientCredentials_requestBody(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name          string
		cfg           ClientCredentialsConfig
		wantScope     string
		wantExpiresIn any
	}{
		{name: "defaults", cfg: ClientCredentialsConfig{}, wantScope: "read write", wantExpiresIn: nil},
		{
			name:      "scopes and lifetime",
			cfg:       ClientCredentialsConfig{Scopes: []string{"read", "write", "impersonate"}, Lifetime: 2 * time.Hour},
			wantScope: "read write impersonate", wantExpiresIn: float64(7200),
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var got map[string]any
			var contentType string
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				contentType = r.Header.Get("Content-Type")
				if r.Method != http.MethodPost || r.URL.Path != "/oauth/tokens" {
					http.Error(w, "unexpected "+r.Method+" "+r.URL.Path, http.StatusNotFound)
					return
				}
				_ = json.NewDecoder(r.Body).Decode(&got)
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusCreated)
				_, _ = io.WriteString(w, `{"access_token":"tok-1","token_type":"bearer","scope":"read write","expires_in":null,"refresh_token":null}`)
			}))
			t.Cleanup(srv.Close)
			cfg := tc.cfg
			cfg.URL, cfg.ClientID, cfg.ClientSecret = srv.URL+"/", "ci", "s3cret"
			auth, err := ClientCredentials(cfg)
			if err != nil {
				t.Fatal(err)
			}
			header, err := auth.Authorization(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if header != "Bearer tok-1" {
				t.Errorf("Authorization = %q, want %q", header, "Bearer tok-1")
			}
			if contentType != "application/json" {
				t.Errorf("Content-Type = %q, want application/json", contentType)
			}
			want := map[string]any{"grant_type": "client_credentials", "client_id": "ci", "client_secret": "s3cret", "scope": tc.wantScope}
			if tc.wantExpiresIn != nil {
				want["expires_in"] = tc.wantExpiresIn
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("body = %v, want %v", got, want)
			}
			// A token without expires_in is kept until Zendesk rejects it.
			if cc, ok := auth.(*clientCredentials); !ok || !cc.current.Expiry.IsZero() {
				t.Errorf("token expiry = %v, want none", cc.current.Expiry)
			}
		})
	}
}

func TestClientCredentials_badAnswers(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, body string
		status     int
		want       string
	}{
		{"no access_token", `{"token_type":"bearer"}`, http.StatusCreated, "POST /oauth/tokens: Zendesk's answer (HTTP 201) has no access_token"},
		{"other token type", `{"access_token":"x","token_type":"mac"}`, http.StatusCreated, `has the token_type "mac", not bearer`},
		{"not JSON", `<html>`, http.StatusOK, "(HTTP 200) is not a token"},
		{"redirect", ``, http.StatusTemporaryRedirect, "POST /oauth/tokens: HTTP 307 Temporary Redirect"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			elsewhere := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				t.Errorf("the exchange followed a redirect to %s", r.URL)
			}))
			t.Cleanup(elsewhere.Close)
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if tc.status == http.StatusTemporaryRedirect {
					http.Redirect(w, r, elsewhere.URL+"/steal", tc.status)
					return
				}
				w.WriteHeader(tc.status)
				_, _ = io.WriteString(w, tc.body)
			}))
			t.Cleanup(srv.Close)
			auth, err := ClientCredentials(ClientCredentialsConfig{URL: srv.URL, ClientID: "ci", ClientSecret: "s3cret"})
			if err != nil {
				t.Fatal(err)
			}
			_, err = auth.Authorization(context.Background())
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error = %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func TestClientCredentials_badSecret(t *testing.T) {
	t.Parallel()
	fake := zendesktest.NewTest(t, zendesktest.Options{})
	ana := fake.AddUser("Ana Lima", "ana@example.com")
	log := &recordingLogger{}
	const secret = "not-the-secret-0123456789"
	c := clientWithAuth(t, fake, clientCredentialsFor(t, fake, secret, log), log)

	_, err := c.ListIdentities(context.Background(), ana.ID)
	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("error = %v, want an APIError", err)
	}
	if !IsTokenExchange(err) || apiErr.StatusCode != http.StatusUnauthorized || apiErr.Code != "invalid_client" ||
		!strings.Contains(apiErr.Description, "Client authentication failed") {
		t.Errorf("error = %#v, want the exchange's 401 invalid_client with Zendesk's description", apiErr)
	}
	if want := "POST /oauth/tokens: HTTP 401 Unauthorized: invalid_client: Client authentication failed"; !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error = %q, want it to start with %q", err, want)
	}
	if strings.Contains(err.Error(), secret) || strings.Contains(log.text(), secret) {
		t.Errorf("the secret leaked: error %q, log:\n%s", err, log.text())
	}
	if n := fake.Count(zendesktest.RouteOAuthTokens); n != 1 {
		t.Errorf("%d exchanges, want 1: a refused secret is not retried", n)
	}
	if n := fake.Count(zendesktest.RouteList); n != 0 {
		t.Errorf("%d API requests were sent without a token", n)
	}
}

func TestClientCredentials_exchangeRetries(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		fault     zendesktest.Fault
		exchanges int
		wantErr   string
	}{
		{"503 is retried", zendesktest.Fault{Kind: zendesktest.FaultStatus, Status: 503, RetryAfter: 1, Times: 2}, 3, ""},
		{"429 is retried", zendesktest.Fault{Kind: zendesktest.FaultStatus, Status: 429, RetryAfter: 1, Times: 1}, 2, ""},
		{"503 until retries run out", zendesktest.Fault{Kind: zendesktest.FaultStatus, Status: 503}, 4, "POST /oauth/tokens: HTTP 503 Service Unavailable (after 4 attempts)"},
		{"500 is final", zendesktest.Fault{Kind: zendesktest.FaultStatus, Status: 500, Times: 1}, 1, "POST /oauth/tokens: HTTP 500 Internal Server Error"},
		{"a dropped connection is final", zendesktest.Fault{Kind: zendesktest.FaultDrop, Times: 1}, 1, "POST /oauth/tokens: no answer from Zendesk"},
		// Every request waits on the exchange: it waits no longer than one request would.
		{"a Retry-After beyond MaxRetryAfter is final", zendesktest.Fault{Kind: zendesktest.FaultStatus, Status: 429, RetryAfter: int(MaxRetryAfter/time.Second) + 1, Times: 1},
			1, "POST /oauth/tokens: HTTP 429 Too Many Requests"},
		{"a 503 with a Retry-After beyond MaxRetryAfter is final", zendesktest.Fault{Kind: zendesktest.FaultStatus, Status: 503, RetryAfter: 3600, Times: 1},
			1, "POST /oauth/tokens: HTTP 503 Service Unavailable"},
		{"a Retry-After of MaxRetryAfter is waited out", zendesktest.Fault{Kind: zendesktest.FaultStatus, Status: 429, RetryAfter: int(MaxRetryAfter / time.Second), Times: 1},
			2, ""},
		{"a redirect is not followed", zendesktest.Fault{Kind: zendesktest.FaultRedirect, Status: 307, Location: "https://login.example.com/oauth/tokens", Times: 1},
			1, "POST /oauth/tokens: HTTP 307 Temporary Redirect to https://login.example.com/oauth/tokens, a redirect the client does not follow"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			fake := zendesktest.NewTest(t, zendesktest.Options{})
			tc.fault.Route = zendesktest.RouteOAuthTokens
			fake.AddFault(tc.fault)
			auth := clientCredentialsFor(t, fake, zendesktest.DefaultClientSecret, nil)
			_, err := auth.Authorization(context.Background())
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("error = %v, want a token", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr) || !IsTokenExchange(err)):
				t.Fatalf("error = %v, want a token-exchange error containing %q", err, tc.wantErr)
			}
			if n := fake.Count(zendesktest.RouteOAuthTokens); n != tc.exchanges {
				t.Errorf("%d exchanges, want %d", n, tc.exchanges)
			}
		})
	}
}

// A token Zendesk rejects before its expiry is renewed once and the
// request retried, and the requests that were refused alongside it share
// the one renewal.
func TestClientCredentials_renewsARejectedToken(t *testing.T) {
	t.Parallel()
	fake := zendesktest.NewTest(t, zendesktest.Options{})
	ana := fake.AddUser("Ana Lima", "ana@example.com")
	c := clientWithAuth(t, fake, clientCredentialsFor(t, fake, zendesktest.DefaultClientSecret, nil), nil)
	if _, err := c.ListIdentities(context.Background(), ana.ID); err != nil {
		t.Fatal(err)
	}
	fake.ExpireTokens()

	const concurrent = 8
	var wg sync.WaitGroup
	errs := make(chan error, concurrent)
	for range concurrent {
		wg.Go(func() {
			if _, err := c.ListIdentities(context.Background(), ana.ID); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if got := fake.TokensIssued(); got != 2 {
		t.Errorf("TokensIssued = %d, want 2: one renewal however many requests the old token failed", got)
	}
	if got := fake.CountStatus(http.StatusUnauthorized); got < 1 || got > concurrent {
		t.Errorf("%d requests answered 401, want between 1 and %d", got, concurrent)
	}
}

// A renewal that fails mid-run (the secret was rotated) is the error the
// user sees, not the 401 that asked for the renewal.
func TestClientCredentials_aFailedRenewalIsTheError(t *testing.T) {
	t.Parallel()
	fake := zendesktest.NewTest(t, zendesktest.Options{})
	ana := fake.AddUser("Ana Lima", "ana@example.com")
	c := clientWithAuth(t, fake, clientCredentialsFor(t, fake, zendesktest.DefaultClientSecret, nil), nil)
	if _, err := c.ListIdentities(context.Background(), ana.ID); err != nil {
		t.Fatal(err)
	}
	fake.ExpireTokens()
	fake.AddFault(zendesktest.Fault{
		Kind: zendesktest.FaultStatus, Route: zendesktest.RouteOAuthTokens, Status: http.StatusUnauthorized,
		Body: `{"error":"invalid_client","error_description":"Client authentication failed."}`,
	})
	_, err := c.ListIdentities(context.Background(), ana.ID)
	if !IsTokenExchange(err) {
		t.Fatalf("got %v, want the token exchange's error", err)
	}
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusUnauthorized || apiErr.Code != "invalid_client" {
		t.Fatalf("got %#v, want the exchange's 401 invalid_client", err)
	}
}

func TestClientCredentials_invalidateDropsOnlyTheRejectedToken(t *testing.T) {
	t.Parallel()
	fake := zendesktest.NewTest(t, zendesktest.Options{})
	auth := clientCredentialsFor(t, fake, zendesktest.DefaultClientSecret, nil)
	ctx := context.Background()
	first, err := auth.Authorization(ctx)
	if err != nil {
		t.Fatal(err)
	}
	auth.Invalidate("Bearer some-other-token")
	if again, _ := auth.Authorization(ctx); again != first {
		t.Errorf("a stranger's token dropped the cached one")
	}
	auth.Invalidate(first)
	second, err := auth.Authorization(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if second == first {
		t.Fatal("the rejected token is still in use")
	}
	// A late 401 for the first token must not throw away its successor.
	auth.Invalidate(first)
	if again, _ := auth.Authorization(ctx); again != second {
		t.Errorf("a late rejection of the old token dropped the new one")
	}
	if got := fake.TokensIssued(); got != 2 {
		t.Errorf("TokensIssued = %d, want 2", got)
	}
}

// A token is replaced once it is within its renewal margin of expiring,
// before Zendesk would refuse it. The cached token's expiry is moved
// instead of waiting for it.
func TestClientCredentials_renewsBeforeExpiry(t *testing.T) {
	t.Parallel()
	fake := zendesktest.NewTest(t, zendesktest.Options{TokenLifetime: 10 * time.Second})
	auth := clientCredentialsFor(t, fake, zendesktest.DefaultClientSecret, nil)
	ctx := context.Background()
	first, err := auth.Authorization(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if auth.margin != 2*time.Second {
		t.Errorf("renewal margin of a 10s token = %v, want 2s", auth.margin)
	}

	auth.mu.Lock()
	auth.current.Expiry = time.Now().Add(3 * auth.margin)
	auth.mu.Unlock()
	if again, _ := auth.Authorization(ctx); again != first || fake.TokensIssued() != 1 {
		t.Fatalf("a token outside its renewal margin was replaced")
	}

	auth.mu.Lock()
	auth.current.Expiry = time.Now().Add(auth.margin / 2)
	auth.mu.Unlock()
	renewed, err := auth.Authorization(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if renewed == first || fake.TokensIssued() != 2 {
		t.Errorf("a token within its renewal margin was not replaced (TokensIssued %d)", fake.TokensIssued())
	}
}

func TestRenewalMargin(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ lifetime, want time.Duration }{
		{0, time.Minute},
		{2 * time.Second, 400 * time.Millisecond},
		{time.Minute, 12 * time.Second},
		{5 * time.Minute, time.Minute},
		{48 * time.Hour, time.Minute},
		{time.Nanosecond, time.Millisecond},
	} {
		if got := renewalMargin(tc.lifetime); got != tc.want {
			t.Errorf("renewalMargin(%v) = %v, want %v", tc.lifetime, got, tc.want)
		}
	}
}

// Tokens scoped to users:read and users:write are issued, but the
// identities API refuses them; the exchange warns about it.
func TestClientCredentials_narrowScopes(t *testing.T) {
	t.Parallel()
	fake := zendesktest.NewTest(t, zendesktest.Options{})
	ana := fake.AddUser("Ana Lima", "ana@example.com")
	log := &recordingLogger{}
	auth, err := ClientCredentials(ClientCredentialsConfig{
		URL: fake.URL(), ClientID: zendesktest.DefaultClientID, ClientSecret: zendesktest.DefaultClientSecret,
		Scopes: []string{"users:read", "users:write"}, Logger: log,
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = clientWithAuth(t, fake, auth, log).ListIdentities(context.Background(), ana.ID)
	if StatusCode(err) != http.StatusForbidden || IsTokenExchange(err) {
		t.Errorf("error = %v, want the identities API's 403", err)
	}
	if !strings.Contains(log.text(), "WARN The OAuth access token lacks the read and write scopes") {
		t.Errorf("no warning about the scopes in:\n%s", log.text())
	}
}

func TestClientCredentials_config(t *testing.T) {
	t.Parallel()
	good := ClientCredentialsConfig{URL: "https://acme.zendesk.com", ClientID: "ci", ClientSecret: "s3cret"}
	for _, tc := range []struct {
		name   string
		change func(*ClientCredentialsConfig)
		want   string
	}{
		{"plain http", func(c *ClientCredentialsConfig) { c.URL = "http://acme.zendesk.com" }, "uses plain http"},
		{"no client id", func(c *ClientCredentialsConfig) { c.ClientID = "" }, "the OAuth client id is empty"},
		{"no secret", func(c *ClientCredentialsConfig) { c.ClientSecret = "" }, "the OAuth client secret is empty"},
		{"short lifetime", func(c *ClientCredentialsConfig) { c.Lifetime = time.Minute }, "a token lifetime of 1m0s is outside Zendesk's bounds"},
		{"long lifetime", func(c *ClientCredentialsConfig) { c.Lifetime = 49 * time.Hour }, "outside Zendesk's bounds of 5m0s to 48h0m0s"},
	} {
		cfg := good
		tc.change(&cfg)
		if _, err := ClientCredentials(cfg); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error = %v, want one containing %q", tc.name, err, tc.want)
		}
	}
}

func TestClientCredentials_printsNoSecret(t *testing.T) {
	t.Parallel()
	fake := zendesktest.NewTest(t, zendesktest.Options{})
	auth := clientCredentialsFor(t, fake, zendesktest.DefaultClientSecret, nil)
	header, err := auth.Authorization(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	token := strings.TrimPrefix(header, "Bearer ")
	var a Auth = auth
	for _, format := range []string{"%v", "%+v", "%#v", "%s"} {
		out := fmt.Sprintf(format, a)
		if strings.Contains(out, zendesktest.DefaultClientSecret) || strings.Contains(out, token) {
			t.Errorf("%s prints a secret: %s", format, out)
		}
		if !strings.Contains(out, "<redacted>") {
			t.Errorf("%s = %s, want <redacted>", format, out)
		}
	}
	if out := fmt.Sprintf("%v %+v %#v", auth.secret, auth.secret, auth.secret); strings.Contains(out, zendesktest.DefaultClientSecret) {
		t.Errorf("the secret field prints itself: %s", out)
	}
}
