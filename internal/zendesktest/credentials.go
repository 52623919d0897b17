package zendesktest

import (
	"encoding/base64"
	"net/http"
	"strings"
	"time"
)

// Credentials every new Server accepts.
const (
	DefaultEmail    = "admin@example.com"
	DefaultAPIToken = "fake-api-token-0123456789"
	// DefaultOAuthToken is a registered OAuth access token with scope
	// "read write"; it never expires.
	DefaultOAuthToken = "fake-oauth-token-0123456789"
	// DefaultClientID and DefaultClientSecret identify an OAuth client that
	// may exchange client credentials at /oauth/tokens.
	DefaultClientID     = "terraform"
	DefaultClientSecret = "fake-client-secret-0123456789"
)

// credentials are the API tokens, OAuth access tokens and OAuth clients the
// account knows.
type credentials struct {
	apiTokens map[apiTokenKey]bool
	tokens    map[string]*accessToken
	clients   map[string]string
	// issued counts successful /oauth/tokens exchanges.
	issued int
}

type apiTokenKey struct{ email, token string }

type accessToken struct {
	scopes map[string]bool
	// expiresAt is zero for tokens that never expire.
	expiresAt time.Time
	// exchanged marks tokens issued by /oauth/tokens (ExpireTokens ends
	// those only).
	exchanged bool
}

func newCredentials() *credentials {
	c := &credentials{
		apiTokens: map[apiTokenKey]bool{},
		tokens:    map[string]*accessToken{},
		clients:   map[string]string{},
	}
	c.addAPIToken(DefaultEmail, DefaultAPIToken)
	c.tokens[DefaultOAuthToken] = &accessToken{scopes: parseScopes("read write")}
	c.clients[DefaultClientID] = DefaultClientSecret
	return c
}

func (c *credentials) addAPIToken(email, token string) {
	c.apiTokens[apiTokenKey{strings.ToLower(email), token}] = true
}

func parseScopes(scope string) map[string]bool {
	set := map[string]bool{}
	for _, s := range strings.Fields(scope) {
		set[s] = true
	}
	return set
}

// authScheme names the scheme a request presented ("basic", "bearer" or ""),
// which is all the request log keeps of its Authorization header.
func authScheme(header string) string {
	scheme, _, _ := strings.Cut(header, " ")
	switch strings.ToLower(scheme) {
	case "basic":
		return "basic"
	case "bearer":
		return "bearer"
	}
	return ""
}

// check authenticates and authorizes an API request; nil means it may
// proceed. Expired tokens are forgotten as they are found.
func (c *credentials) check(r *http.Request, now time.Time) *reply {
	header := r.Header.Get("Authorization")
	scheme, secret, _ := strings.Cut(header, " ")
	if strings.EqualFold(scheme, "bearer") {
		return c.checkBearer(strings.TrimSpace(secret), r.Method, now)
	}
	if strings.EqualFold(scheme, "basic") && c.basicOK(strings.TrimSpace(secret)) {
		return nil
	}
	rep := errorReply(http.StatusUnauthorized, "Couldn't authenticate you", "")
	rep.header.Set("WWW-Authenticate", `Basic realm="Web Password"`)
	return &rep
}

// basicOK accepts "{email}/token:{api_token}"; Zendesk no longer accepts
// passwords over the API, so neither does the fake.
func (c *credentials) basicOK(encoded string) bool {
	raw, err := base64.StdEncoding.DecodeString(encoded)
	if err != nil {
		return false
	}
	user, token, ok := strings.Cut(string(raw), ":")
	if !ok {
		return false
	}
	email, ok := strings.CutSuffix(user, "/token")
	return ok && c.apiTokens[apiTokenKey{strings.ToLower(email), token}]
}

const invalidTokenDescription = "The access token provided is expired, revoked, malformed or invalid for other reasons."

func (c *credentials) checkBearer(token, method string, now time.Time) *reply {
	t, ok := c.tokens[token]
	if ok && !t.expiresAt.IsZero() && !now.Before(t.expiresAt) {
		delete(c.tokens, token)
		ok = false
	}
	if !ok {
		rep := jsonReply(http.StatusUnauthorized, oauthError{Error: "invalid_token", Description: invalidTokenDescription})
		rep.header.Set("WWW-Authenticate",
			`Bearer realm="Zendesk", error="invalid_token", error_description="`+invalidTokenDescription+`"`)
		return &rep
	}
	// The identities API wants the broad scopes: "read" for GET, "write"
	// for the rest. Resource scopes such as users:read do not qualify.
	need := "write"
	if method == http.MethodGet || method == http.MethodHead {
		need = "read"
	}
	if !t.scopes[need] {
		return new(errorReply(http.StatusForbidden, "Forbidden",
			"You do not have access to this page. Please contact the account owner of this help desk for further help."))
	}
	return nil
}

// oauthError is the OAuth 2.0 error shape (RFC 6749 section 5.2).
type oauthError struct {
	Error       string `json:"error"`
	Description string `json:"error_description"`
}

// AddAPIToken registers an API token for an agent's email address.
func (s *Server) AddAPIToken(email, token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.creds.addAPIToken(email, token)
}

// AddOAuthToken registers an OAuth access token with a space-separated
// scope, e.g. "read write", or "users:read users:write" (which the identity
// endpoints refuse with 403). It never expires.
func (s *Server) AddOAuthToken(token, scope string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.creds.tokens[token] = &accessToken{scopes: parseScopes(scope)}
}

// RevokeOAuthToken makes any access token, registered or issued, answer 401
// invalid_token from now on.
func (s *Server) RevokeOAuthToken(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.creds.tokens, token)
}

// AddOAuthClient registers an OAuth client allowed to exchange client
// credentials at /oauth/tokens.
func (s *Server) AddOAuthClient(id, secret string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.creds.clients[id] = secret
}

// ExpireTokens ends every access token issued by /oauth/tokens so far: they
// now answer 401 invalid_token, and a client must exchange its credentials
// again. Registered tokens (DefaultOAuthToken, AddOAuthToken) are kept.
func (s *Server) ExpireTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for token, t := range s.creds.tokens {
		if t.exchanged {
			delete(s.creds.tokens, token)
		}
	}
}

// TokensIssued is how many /oauth/tokens exchanges succeeded.
func (s *Server) TokensIssued() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.creds.issued
}
