package zendesktest

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

func TestAuthentication(t *testing.T) {
	srv, c := newTestServer(t, Options{})
	user := srv.AddUser("Ana Lima", "ana@example.com")
	srv.AddAPIToken("agent@example.com", "agent-token")
	srv.AddOAuthToken("read-only", "read")
	srv.AddOAuthToken("write-only", "write")
	srv.AddOAuthToken("resource-scoped", "users:read users:write")
	list := identitiesPath(user.ID)
	create := identityBody(map[string]any{"type": "twitter", "value": "ana"})

	const (
		couldNot     = "Couldn't authenticate you"
		invalidToken = "invalid_token"
		forbidden    = "Forbidden"
	)
	cases := []struct {
		name      string
		authz     string
		method    string
		body      any
		status    int
		wantError string
	}{
		{"default API token", basicAuth(DefaultEmail, DefaultAPIToken), http.MethodGet, nil, 200, ""},
		{"email is case-insensitive", basicAuth("ADMIN@example.com", DefaultAPIToken), http.MethodGet, nil, 200, ""},
		{"added API token", basicAuth("agent@example.com", "agent-token"), http.MethodGet, nil, 200, ""},
		{"no credentials", "", http.MethodGet, nil, 401, couldNot},
		{"wrong token", basicAuth(DefaultEmail, "nope"), http.MethodGet, nil, 401, couldNot},
		{"token of another agent", basicAuth("agent@example.com", DefaultAPIToken), http.MethodGet, nil, 401, couldNot},
		{"password instead of token", "Basic " + base64.StdEncoding.EncodeToString([]byte(DefaultEmail+":"+DefaultAPIToken)), http.MethodGet, nil, 401, couldNot},
		{"malformed basic", "Basic !!!", http.MethodGet, nil, 401, couldNot},
		{"unknown scheme", "Token " + DefaultAPIToken, http.MethodGet, nil, 401, couldNot},
		{"default OAuth token reads", "Bearer " + DefaultOAuthToken, http.MethodGet, nil, 200, ""},
		{"default OAuth token writes", "Bearer " + DefaultOAuthToken, http.MethodPost, create, 201, ""},
		{"bearer scheme is case-insensitive", "bearer " + DefaultOAuthToken, http.MethodGet, nil, 200, ""},
		{"unknown bearer", "Bearer nope", http.MethodGet, nil, 401, invalidToken},
		{"empty bearer", "Bearer ", http.MethodGet, nil, 401, invalidToken},
		{"read scope reads", "Bearer read-only", http.MethodGet, nil, 200, ""},
		{"read scope cannot write", "Bearer read-only", http.MethodPost, create, 403, forbidden},
		{"write scope cannot read", "Bearer write-only", http.MethodGet, nil, 403, forbidden},
		{"users:read does not read identities", "Bearer resource-scoped", http.MethodGet, nil, 403, forbidden},
		{"users:write does not write identities", "Bearer resource-scoped", http.MethodPost, create, 403, forbidden},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			// Each create needs a fresh value.
			body := tc.body
			if body != nil {
				body = identityBody(map[string]any{"type": "twitter", "value": strings.ReplaceAll(tc.name, " ", "_")})
			}
			resp := c.as(tc.authz).do(tc.method, list, body).want(t, tc.status)
			if tc.wantError == "" {
				return
			}
			e := resp.apiError(t)
			if e.Error != tc.wantError {
				t.Errorf("error = %q, want %q (body %s)", e.Error, tc.wantError, resp.Body)
			}
			switch tc.wantError {
			case invalidToken:
				var oe struct {
					Description string `json:"error_description"`
				}
				resp.decode(t, &oe)
				if !strings.Contains(oe.Description, "expired, revoked, malformed or invalid") {
					t.Errorf("error_description = %q", oe.Description)
				}
				if h := resp.Header.Get("WWW-Authenticate"); !strings.HasPrefix(h, "Bearer ") || !strings.Contains(h, `error="invalid_token"`) {
					t.Errorf("WWW-Authenticate = %q", h)
				}
			case forbidden:
				if !strings.HasPrefix(e.Description, "You do not have access to this page") {
					t.Errorf("description = %q", e.Description)
				}
			}
		})
	}
	if n := len(srv.Identities(user.ID)); n != 2 {
		t.Errorf("user has %d identities, want 2 (email and the one authorized create)", n)
	}
}

// TestRevokeOAuthToken ends a registered token.
func TestRevokeOAuthToken(t *testing.T) {
	srv, c := newTestServer(t, Options{})
	user := srv.AddUser("Ana Lima", "ana@example.com")
	bearer := c.as("Bearer " + DefaultOAuthToken)
	bearer.do(http.MethodGet, identitiesPath(user.ID), nil).want(t, http.StatusOK)
	srv.RevokeOAuthToken(DefaultOAuthToken)
	bearer.do(http.MethodGet, identitiesPath(user.ID), nil).want(t, http.StatusUnauthorized)
}

// TestRequestLogHoldsNoCredentials: the log keeps the scheme only.
func TestRequestLogHoldsNoCredentials(t *testing.T) {
	srv, c := newTestServer(t, Options{})
	user := srv.AddUser("Ana Lima", "ana@example.com")
	c.do(http.MethodGet, identitiesPath(user.ID), nil)
	c.as("Bearer "+DefaultOAuthToken).do(http.MethodGet, identitiesPath(user.ID), nil)
	c.as("").do(http.MethodGet, identitiesPath(user.ID), nil)
	c.as("").do(http.MethodPost, "/oauth/tokens?client_secret="+DefaultClientSecret, fmt.Sprintf(
		`{"grant_type":"client_credentials","client_id":%q,"client_secret":%q}`, DefaultClientID, DefaultClientSecret))

	log := srv.Requests()
	var auths []string
	for _, r := range log {
		auths = append(auths, r.Auth)
	}
	if got := strings.Join(auths, ","); got != "basic,bearer,," {
		t.Errorf("auth schemes = %q, want basic,bearer,,", got)
	}
	dump := fmt.Sprintf("%#v", log)
	for _, secret := range []string{DefaultAPIToken, DefaultOAuthToken, DefaultClientSecret,
		base64.StdEncoding.EncodeToString([]byte(DefaultEmail + "/token:" + DefaultAPIToken))} {
		if strings.Contains(dump, secret) {
			t.Errorf("request log holds a credential: %s", dump)
		}
	}
}
