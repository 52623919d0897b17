package zendesk

import (
	"context"
	"encoding/base64"
)

// Auth supplies the Authorization header of each request. Implementations
// keep their secrets unexported and print as "<redacted>", so a credential
// never reaches a log line or an error by way of fmt.
type Auth interface {
	// Authorization returns the header value for the next request.
	Authorization(ctx context.Context) (string, error)
	// Method names the scheme for logs and messages: "API token", "OAuth access token", ...
	Method() string
}

// renewingAuth is an Auth whose tokens can be renewed when Zendesk rejects
// one before its announced expiry.
type renewingAuth interface {
	Auth
	// Invalidate drops the token behind header so the next Authorization
	// call fetches a new one.
	Invalidate(header string)
}

// APIToken authenticates as an agent with an API token: HTTP basic auth
// with the user "{email}/token".
func APIToken(email, token string) Auth {
	raw := email + "/token:" + token
	return apiToken{header: "Basic " + base64.StdEncoding.EncodeToString([]byte(raw))}
}

type apiToken struct{ header string }

func (a apiToken) Authorization(context.Context) (string, error) { return a.header, nil }
func (apiToken) Method() string                                  { return "API token" }
func (apiToken) String() string                                  { return "APIToken(<redacted>)" }
func (a apiToken) GoString() string                              { return a.String() }

// BearerToken authenticates with an OAuth access token.
func BearerToken(token string) Auth {
	return bearerToken{header: "Bearer " + token}
}

type bearerToken struct{ header string }

func (b bearerToken) Authorization(context.Context) (string, error) { return b.header, nil }
func (bearerToken) Method() string                                  { return "OAuth access token" }
func (bearerToken) String() string                                  { return "BearerToken(<redacted>)" }
func (b bearerToken) GoString() string                              { return b.String() }
