package zendesktest

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"time"
)

// Bounds Zendesk puts on a requested access-token lifetime, in seconds.
const (
	minTokenLifetime = 300
	maxTokenLifetime = 172800
)

// tokenRequest is the JSON body of POST /oauth/tokens.
type tokenRequest struct {
	GrantType    string `json:"grant_type"`
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"client_secret"`
	Scope        string `json:"scope"`
	ExpiresIn    *int64 `json:"expires_in"`
}

type tokenResponse struct {
	AccessToken           string  `json:"access_token"`
	TokenType             string  `json:"token_type"`
	Scope                 string  `json:"scope"`
	ExpiresIn             *int64  `json:"expires_in"`
	RefreshToken          *string `json:"refresh_token"`
	RefreshTokenExpiresIn *int64  `json:"refresh_token_expires_in"`
}

// issueToken implements the client-credentials grant. The other grants need
// a browser or a refresh token, which the fake does not model.
func (s *Server) issueToken(x *exchange) reply {
	if x.bodyErr != nil {
		return oauthErrorReply(http.StatusBadRequest, "invalid_request", "The request body could not be read.")
	}
	var req tokenRequest
	if err := decodeStrictJSON(x.body, &req); err != nil {
		return oauthErrorReply(http.StatusBadRequest, "invalid_request",
			"The request is missing a required parameter, includes an unsupported parameter value, or is otherwise malformed: the body must be JSON.")
	}
	if req.GrantType != "client_credentials" {
		return oauthErrorReply(http.StatusBadRequest, "unsupported_grant_type",
			"The authorization grant type is not supported by the authorization server.")
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	if secret, ok := s.creds.clients[req.ClientID]; !ok || req.ClientID == "" || secret != req.ClientSecret {
		return oauthErrorReply(http.StatusUnauthorized, "invalid_client",
			"Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.")
	}
	if req.ExpiresIn != nil && (*req.ExpiresIn < minTokenLifetime || *req.ExpiresIn > maxTokenLifetime) {
		return oauthErrorReply(http.StatusBadRequest, "invalid_request",
			"expires_in must be between 300 and 172800 seconds.")
	}
	scope := req.Scope
	if scope == "" {
		scope = "read"
	}

	// The token really lives as long as the fake says: TokenLifetime lets
	// tests watch a token expire in seconds rather than minutes.
	lifetime := time.Duration(deref(req.ExpiresIn)) * time.Second
	if s.opts.TokenLifetime > 0 {
		lifetime = s.opts.TokenLifetime
	}
	token := &accessToken{scopes: parseScopes(scope), exchanged: true}
	var expiresIn *int64
	if lifetime > 0 {
		token.expiresAt = s.now().Add(lifetime)
		expiresIn = new(ceilSeconds(lifetime))
	}
	accessToken := randomToken()
	s.creds.tokens[accessToken] = token
	s.creds.issued++

	rep := jsonReply(http.StatusCreated, tokenResponse{
		AccessToken: accessToken,
		TokenType:   "bearer",
		Scope:       scope,
		ExpiresIn:   expiresIn,
	})
	rep.header.Set("Cache-Control", "no-store")
	rep.header.Set("Pragma", "no-cache")
	return rep
}

func oauthErrorReply(status int, code, description string) reply {
	return jsonReply(status, oauthError{Error: code, Description: description})
}

func randomToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails.
	return hex.EncodeToString(b)
}

// ceilSeconds rounds a duration up to whole seconds, at least one.
func ceilSeconds(d time.Duration) int64 {
	n := int64((d + time.Second - 1) / time.Second)
	return max(n, 1)
}
