package zendesktest

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

type wireToken struct {
	AccessToken           string  `json:"access_token"`
	TokenType             string  `json:"token_type"`
	Scope                 string  `json:"scope"`
	ExpiresIn             *int64  `json:"expires_in"`
	RefreshToken          *string `json:"refresh_token"`
	RefreshTokenExpiresIn *int64  `json:"refresh_token_expires_in"`
}

func tokenBody(fields map[string]any) string {
	body := map[string]any{
		"grant_type":    "client_credentials",
		"client_id":     DefaultClientID,
		"client_secret": DefaultClientSecret,
		"scope":         "read write",
		"expires_in":    3600,
	}
	for k, v := range fields {
		if v == nil {
			delete(body, k)
		} else {
			body[k] = v
		}
	}
	raw, err := json.Marshal(body)
	if err != nil {
		panic(err)
	}
	return string(raw)
}

func (c *testClient) exchange(t *testing.T, fields map[string]any) wireToken {
	t.Helper()
	resp := c.as("").do(http.MethodPost, "/oauth/tokens", tokenBody(fields)).want(t, http.StatusCreated)
	var tok wireToken
	resp.decode(t, &tok)
	return tok
}

func TestTokenExchange(t *testing.T) {
	srv, c := newTestServer(t, Options{})
	user := srv.AddUser("Ana Lima", "ana@example.com")

	resp := c.as("").do(http.MethodPost, "/oauth/tokens", tokenBody(nil)).want(t, http.StatusCreated)
	var raw map[string]json.RawMessage
	resp.decode(t, &raw)
	for _, k := range []string{"access_token", "token_type", "scope", "expires_in", "refresh_token", "refresh_token_expires_in"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("token response lacks %q: %s", k, resp.Body)
		}
	}
	var tok wireToken
	resp.decode(t, &tok)
	if tok.AccessToken == "" || tok.TokenType != "bearer" || tok.Scope != "read write" ||
		tok.ExpiresIn == nil || *tok.ExpiresIn != 3600 || tok.RefreshToken != nil || tok.RefreshTokenExpiresIn != nil {
		t.Errorf("token = %+v", tok)
	}
	if got := srv.TokensIssued(); got != 1 {
		t.Errorf("TokensIssued = %d, want 1", got)
	}

	bearer := c.as("Bearer " + tok.AccessToken)
	bearer.do(http.MethodGet, identitiesPath(user.ID), nil).want(t, http.StatusOK)
	bearer.do(http.MethodPost, identitiesPath(user.ID), identityBody(map[string]any{"type": "twitter", "value": "ana"})).
		want(t, http.StatusCreated)

	second := c.exchange(t, map[string]any{"scope": nil, "expires_in": nil})
	if second.Scope != "read" || second.ExpiresIn != nil || second.AccessToken == tok.AccessToken {
		t.Errorf("default token = %+v, want scope read, no expiry, a new token", second)
	}
	c.as("Bearer "+second.AccessToken).do(http.MethodPost, identitiesPath(user.ID),
		identityBody(map[string]any{"type": "twitter", "value": "ana2"})).want(t, http.StatusForbidden)

	srv.AddOAuthClient("other", "other-secret")
	c.exchange(t, map[string]any{"client_id": "other", "client_secret": "other-secret"})
	if got := srv.TokensIssued(); got != 3 {
		t.Errorf("TokensIssued = %d, want 3", got)
	}
}

func TestTokenExchangeErrors(t *testing.T) {
	srv, c := newTestServer(t, Options{})
	cases := []struct {
		name   string
		body   string
		status int
		error  string
	}{
		{"bad secret", tokenBody(map[string]any{"client_secret": "nope"}), 401, "invalid_client"},
		{"unknown client", tokenBody(map[string]any{"client_id": "nope"}), 401, "invalid_client"},
		{"no client", tokenBody(map[string]any{"client_id": nil, "client_secret": nil}), 401, "invalid_client"},
		{"password grant", tokenBody(map[string]any{"grant_type": "password"}), 400, "unsupported_grant_type"},
		{"no grant", tokenBody(map[string]any{"grant_type": nil}), 400, "unsupported_grant_type"},
		{"expires_in too short", tokenBody(map[string]any{"expires_in": 299}), 400, "invalid_request"},
		{"expires_in too long", tokenBody(map[string]any{"expires_in": 172801}), 400, "invalid_request"},
		{"expires_in not a number", tokenBody(map[string]any{"expires_in": "600"}), 400, "invalid_request"},
		{"form body", "grant_type=client_credentials&client_id=terraform", 400, "invalid_request"},
		{"empty body", "", 400, "invalid_request"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var body any = tc.body
			if tc.body == "" {
				body = nil
			}
			resp := c.as("").do(http.MethodPost, "/oauth/tokens", body).want(t, tc.status)
			var e struct {
				Error       string `json:"error"`
				Description string `json:"error_description"`
			}
			resp.decode(t, &e)
			if e.Error != tc.error || e.Description == "" {
				t.Errorf("body = %s, want error %q with a description", resp.Body, tc.error)
			}
		})
	}
	for _, lifetime := range []int{300, 172800} {
		c.exchange(t, map[string]any{"expires_in": lifetime})
	}
	if got := srv.TokensIssued(); got != 2 {
		t.Errorf("TokensIssued = %d, want 2 (only the bounds succeeded)", got)
	}
}

// TestTokenLifetime: with TokenLifetime the token really expires then, by
// the fake's clock, and the fake says so in expires_in.
func TestTokenLifetime(t *testing.T) {
	clock := newFakeClock()
	srv, c := newTestServer(t, Options{Now: clock.Now, TokenLifetime: 2500 * time.Millisecond})
	user := srv.AddUser("Ana Lima", "ana@example.com")

	tok := c.exchange(t, map[string]any{"expires_in": 7200})
	if tok.ExpiresIn == nil || *tok.ExpiresIn != 3 {
		t.Fatalf("expires_in = %v, want 3 (2.5s rounded up)", tok.ExpiresIn)
	}
	bearer := c.as("Bearer " + tok.AccessToken)
	bearer.do(http.MethodGet, identitiesPath(user.ID), nil).want(t, http.StatusOK)
	clock.Advance(2499 * time.Millisecond)
	bearer.do(http.MethodGet, identitiesPath(user.ID), nil).want(t, http.StatusOK)
	clock.Advance(time.Millisecond)
	resp := bearer.do(http.MethodGet, identitiesPath(user.ID), nil).want(t, http.StatusUnauthorized)
	if e := resp.apiError(t); e.Error != "invalid_token" {
		t.Errorf("error = %q, want invalid_token", e.Error)
	}
	// Registered tokens do not expire.
	c.as("Bearer "+DefaultOAuthToken).do(http.MethodGet, identitiesPath(user.ID), nil).want(t, http.StatusOK)
}

func TestExpireTokens(t *testing.T) {
	srv, c := newTestServer(t, Options{})
	user := srv.AddUser("Ana Lima", "ana@example.com")
	old := c.exchange(t, nil)
	srv.ExpireTokens()

	resp := c.as("Bearer "+old.AccessToken).do(http.MethodGet, identitiesPath(user.ID), nil).want(t, http.StatusUnauthorized)
	if !strings.Contains(string(resp.Body), "invalid_token") {
		t.Errorf("body = %s", resp.Body)
	}
	fresh := c.exchange(t, nil)
	c.as("Bearer "+fresh.AccessToken).do(http.MethodGet, identitiesPath(user.ID), nil).want(t, http.StatusOK)
	c.as("Bearer "+DefaultOAuthToken).do(http.MethodGet, identitiesPath(user.ID), nil).want(t, http.StatusOK)
	if got := srv.TokensIssued(); got != 2 {
		t.Errorf("TokensIssued = %d, want 2", got)
	}
}

// TestTokenExchangeIsNotRateLimited: authentication must stay possible when
// the API budget is spent.
func TestTokenExchangeIsNotRateLimited(t *testing.T) {
	srv, c := newTestServer(t, Options{RateLimit: 1, Now: newFakeClock().Now})
	user := srv.AddUser("Ana Lima", "ana@example.com")
	c.do(http.MethodGet, identitiesPath(user.ID), nil).want(t, http.StatusOK)
	c.do(http.MethodGet, identitiesPath(user.ID), nil).want(t, http.StatusTooManyRequests)
	for range 3 {
		resp := c.as("").do(http.MethodPost, "/oauth/tokens", tokenBody(nil)).want(t, http.StatusCreated)
		if h := resp.Header.Get("X-Rate-Limit"); h != "" {
			t.Errorf("token exchange carries X-Rate-Limit %q", h)
		}
	}
}
