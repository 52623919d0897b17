package zendesk

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-cleanhttp"
	"github.com/hashicorp/go-retryablehttp"
	"golang.org/x/oauth2"
)

// tokenPath is where Zendesk exchanges OAuth grants for access tokens. It
// is not under /api/v2.
const tokenPath = "/oauth/tokens"

// Bounds Zendesk puts on the lifetime of an access token it issues.
const (
	MinTokenLifetime = 5 * time.Minute
	MaxTokenLifetime = 48 * time.Hour
)

const (
	// exchangeTimeout bounds one attempt of a token exchange.
	exchangeTimeout = 30 * time.Second
	// maxRenewalMargin is how long before its expiry a token is replaced;
	// short-lived tokens are replaced when a fifth of their life is left.
	maxRenewalMargin = time.Minute
	// maxTokenAnswer bounds how much of a token answer is read.
	maxTokenAnswer = 1 << 20
)

// DefaultScopes are the scopes ClientCredentials asks for unless told
// otherwise: the identities API accepts only the broad read and write
// scopes, not users:read or users:write.
var DefaultScopes = []string{"read", "write"}

// ClientCredentialsConfig configures ClientCredentials.
type ClientCredentialsConfig struct {
	// URL is the account's base URL; tokens come from {URL}/oauth/tokens.
	URL string
	// ClientID is the OAuth client's unique identifier, ClientSecret its
	// secret (Admin Center, Apps and integrations, APIs, OAuth clients).
	ClientID     string
	ClientSecret string
	// Scopes the tokens are asked for (default DefaultScopes).
	Scopes []string
	// Lifetime asked for each access token, between MinTokenLifetime and
	// MaxTokenLifetime; 0 leaves it to Zendesk.
	Lifetime time.Duration
	// UserAgent is sent with every exchange.
	UserAgent string
	// MaxRetries bounds how many times an exchange answered 429 or 503 is
	// sent again.
	MaxRetries int
	// RetryWaitMin and RetryWaitMax bound the backoff between attempts when
	// Zendesk gives no Retry-After (defaults 1s and 30s).
	RetryWaitMin, RetryWaitMax time.Duration
	// Wait, when set, is given every pause before a retry and returns the
	// pause to take instead (see Config.Wait).
	Wait func(time.Duration) time.Duration
	// HTTPClient sends the exchanges (default: pooled, 30s per attempt).
	// Redirects are never followed: they would carry the secret elsewhere.
	HTTPClient *http.Client
	// Logger receives a line per exchange, never a secret or a token.
	Logger Logger
}

// ClientCredentials authenticates with an OAuth client's id and secret: it
// exchanges them at /oauth/tokens (grant type client_credentials) for an
// access token, sends that as a bearer token, and exchanges them again
// before the token expires, or when Zendesk rejects it earlier, so a run
// that outlasts one token keeps working.
//
// The exchange is retried only when Zendesk answers 429 or 503, which mean
// it did not process the request. Other failures end the request that
// needed the token; its error names /oauth/tokens and carries Zendesk's
// status, error and error_description (see IsTokenExchange).
func ClientCredentials(cfg ClientCredentialsConfig) (Auth, error) {
	base, err := ParseBaseURL(cfg.URL)
	if err != nil {
		return nil, err
	}
	switch {
	case cfg.ClientID == "":
		return nil, errors.New("client credentials: the OAuth client id is empty")
	case cfg.ClientSecret == "":
		return nil, errors.New("client credentials: the OAuth client secret is empty")
	case cfg.Lifetime != 0 && (cfg.Lifetime < MinTokenLifetime || cfg.Lifetime > MaxTokenLifetime):
		return nil, fmt.Errorf("client credentials: a token lifetime of %s is outside Zendesk's bounds of %s to %s", cfg.Lifetime, MinTokenLifetime, MaxTokenLifetime)
	case cfg.MaxRetries < 0:
		return nil, fmt.Errorf("max retries must be 0 or more, got %d", cfg.MaxRetries)
	}
	scopes := cfg.Scopes
	if len(scopes) == 0 {
		scopes = DefaultScopes
	}
	httpClient := cfg.HTTPClient
	if httpClient == nil {
		httpClient = cleanhttp.DefaultPooledClient()
		httpClient.Timeout = exchangeTimeout
	}
	noRedirects := *httpClient
	noRedirects.CheckRedirect = refuseRedirects
	log := cfg.Logger
	if log == nil {
		log = nopLogger{}
	}
	endpoint := *base
	endpoint.Path = tokenPath
	return &clientCredentials{
		endpoint:   endpoint.String(),
		clientID:   cfg.ClientID,
		secret:     redacted(cfg.ClientSecret),
		secrets:    newRedactor(cfg.ClientSecret),
		scope:      strings.Join(scopes, " "),
		lifetime:   cfg.Lifetime,
		userAgent:  cfg.UserAgent,
		maxRetries: cfg.MaxRetries,
		waitMin:    orDefault(cfg.RetryWaitMin, defaultRetryWaitMin),
		waitMax:    orDefault(cfg.RetryWaitMax, defaultRetryWaitMax),
		wait:       cfg.Wait,
		http:       &noRedirects,
		log:        log,
		margin:     maxRenewalMargin,
	}, nil
}

// IsTokenExchange reports whether err is a failed exchange of OAuth client
// credentials for an access token, rather than a failed API request.
func IsTokenExchange(err error) bool {
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		return apiErr.Path == tokenPath
	}
	var reqErr *RequestError
	return errors.As(err, &reqErr) && reqErr.Path == tokenPath
}

// redacted holds a secret and prints as "<redacted>" however it is
// formatted, so the struct that holds it can be printed safely too.
type redacted string

func (redacted) String() string   { return "<redacted>" }
func (redacted) GoString() string { return `"<redacted>"` }

type clientCredentials struct {
	endpoint   string
	clientID   string
	secret     redacted
	scope      string
	lifetime   time.Duration
	userAgent  string
	maxRetries int
	waitMin    time.Duration
	waitMax    time.Duration
	wait       func(time.Duration) time.Duration
	http       *http.Client
	log        Logger
	// secrets keeps the client secret out of the errors of an exchange,
	// should Zendesk (or a proxy in front of it) echo the request.
	secrets *redactor

	// mu guards the cached token and is held through an exchange, so
	// requests that all find the token due wait for one exchange instead
	// of each making their own.
	mu sync.Mutex
	// current is the token in use; nil before the first exchange and after
	// Zendesk rejected it.
	current *oauth2.Token
	// margin is how long before its expiry current is replaced.
	margin time.Duration
}

func (*clientCredentials) Method() string     { return "OAuth client credentials" }
func (*clientCredentials) String() string     { return "ClientCredentials(<redacted>)" }
func (c *clientCredentials) GoString() string { return c.String() }

// Authorization returns "Bearer <token>", exchanging the client
// credentials first when there is no token yet, the token is within its
// renewal margin of expiring, or Zendesk rejected it (Invalidate).
//
// oauth2's reuse source decides whether the cached token is still good
// and fetches a new one when it is not. It is rebuilt on every call around
// the cached token so that the exchange runs with this request's context
// (cancellation, logging) and so that each token gets a renewal margin that
// suits the lifetime Zendesk gave it, which a single long-lived reuse
// source cannot do.
func (c *clientCredentials) Authorization(ctx context.Context) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var lifetime time.Duration
	fetch := tokenSourceFunc(func() (*oauth2.Token, error) {
		tok, granted, err := c.exchange(ctx)
		lifetime = granted
		return tok, err
	})
	tok, err := oauth2.ReuseTokenSourceWithExpiry(c.current, fetch, c.margin).Token()
	if err != nil {
		return "", err
	}
	if tok != c.current {
		c.current, c.margin = tok, renewalMargin(lifetime)
	}
	return "Bearer " + tok.AccessToken, nil
}

// Invalidate drops the cached token if header still carries it. When
// several requests are refused with the same token at once, the first to
// get here causes one new exchange and the others then use its token.
func (c *clientCredentials) Invalidate(header string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.current != nil && header == "Bearer "+c.current.AccessToken {
		c.current = nil
	}
}

// renewalMargin is how long before its expiry a token of that lifetime is
// replaced: a minute, so that no request goes out with a token about to
// lapse (clock skew, a slow request), or a fifth of the lifetime when that
// is shorter, so short-lived tokens still serve most of their life. Tokens
// without an expiry (lifetime 0) are replaced only when Zendesk rejects them.
func renewalMargin(lifetime time.Duration) time.Duration {
	if lifetime <= 0 {
		return maxRenewalMargin
	}
	// oauth2 takes a zero margin to mean its own default of 10 seconds.
	return max(min(maxRenewalMargin, lifetime/5), time.Millisecond)
}

// tokenRequest is the JSON body of POST /oauth/tokens; Zendesk refuses the
// form-encoded body of RFC 6749.
type tokenRequest struct {
	GrantType    string `json:"grant_type"`
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"client_secret"`
	Scope        string `json:"scope"`
	ExpiresIn    int64  `json:"expires_in,omitempty"`
}

// tokenAnswer is the part of Zendesk's 201 answer the provider uses.
type tokenAnswer struct {
	AccessToken string      `json:"access_token"`
	TokenType   string      `json:"token_type"`
	ExpiresIn   json.Number `json:"expires_in"`
	Scope       string      `json:"scope"`
}

// exchange asks Zendesk for a new access token and returns it with the
// lifetime Zendesk granted (0 when it set no expiry).
func (c *clientCredentials) exchange(ctx context.Context) (*oauth2.Token, time.Duration, error) {
	payload, err := json.Marshal(tokenRequest{
		GrantType:    "client_credentials",
		ClientID:     c.clientID,
		ClientSecret: string(c.secret),
		Scope:        c.scope,
		ExpiresIn:    int64(c.lifetime / time.Second),
	})
	if err != nil {
		return nil, 0, fmt.Errorf("encoding the token request: %w", err)
	}
	req, err := retryablehttp.NewRequestWithContext(ctx, http.MethodPost, c.endpoint, payload)
	if err != nil {
		return nil, 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)

	// The token's life is counted from before the request left, so the
	// provider never believes a token lives longer than Zendesk does.
	sent := time.Now()
	resp, err := c.retrier().Do(req)
	if err != nil {
		var reqErr *RequestError
		var apiErr *APIError
		if errors.As(err, &reqErr) || errors.As(err, &apiErr) {
			return nil, 0, err
		}
		return nil, 0, fmt.Errorf("%s %s: %w", http.MethodPost, tokenPath, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxTokenAnswer))
	if err != nil {
		return nil, 0, &RequestError{Method: http.MethodPost, Path: tokenPath, Attempts: 1, Err: fmt.Errorf("reading the answer: %w", err)}
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, 0, newAPIError(http.MethodPost, tokenPath, resp, body, c.secrets)
	}
	g, err := parseTokenAnswer(body, sent)
	if err != nil {
		return nil, 0, fmt.Errorf("%s %s: Zendesk's answer (HTTP %d) %w", http.MethodPost, tokenPath, resp.StatusCode, err)
	}
	fields := map[string]any{"expires_in": int64(g.lifetime / time.Second), "scope": g.scope}
	c.log.Debug(ctx, "Zendesk OAuth access token obtained", fields)
	if granted := strings.Fields(g.scope); len(granted) > 0 && (!slices.Contains(granted, "read") || !slices.Contains(granted, "write")) {
		c.log.Warn(ctx, "The OAuth access token lacks the read and write scopes; the identities API will refuse it", fields)
	}
	return g.token, g.lifetime, nil
}

// grant is a token Zendesk issued, with the lifetime (0: no expiry) and
// the scope it was issued for.
type grant struct {
	token    *oauth2.Token
	lifetime time.Duration
	scope    string
}

// parseTokenAnswer reads a successful answer; sent is when the request left.
func parseTokenAnswer(body []byte, sent time.Time) (grant, error) {
	var ans tokenAnswer
	if err := json.Unmarshal(body, &ans); err != nil {
		return grant{}, fmt.Errorf("is not a token: %w", err)
	}
	if ans.AccessToken == "" {
		return grant{}, errors.New("has no access_token")
	}
	if ans.TokenType != "" && !strings.EqualFold(ans.TokenType, "bearer") {
		return grant{}, fmt.Errorf("has the token_type %q, not bearer", ans.TokenType)
	}
	g := grant{token: &oauth2.Token{AccessToken: ans.AccessToken, TokenType: "Bearer"}, scope: ans.Scope}
	if ans.ExpiresIn != "" {
		seconds, err := ans.ExpiresIn.Float64()
		if err != nil {
			return grant{}, fmt.Errorf("has an expires_in that is not a number: %w", err)
		}
		if seconds > 0 {
			g.lifetime = time.Duration(seconds * float64(time.Second))
			g.token.Expiry = sent.Add(g.lifetime)
		}
	}
	return g, nil
}

// retrier sends an exchange again only after a 429 or 503, the answers
// with which Zendesk says it did not process the request, and only when
// their Retry-After is at most MaxRetryAfter, as for any API request. Other server
// errors and dropped connections are final: the request that needed the
// token fails with them, and is not retried with a token that may have
// been issued after all.
func (c *clientCredentials) retrier() *retryablehttp.Client {
	return &retryablehttp.Client{
		HTTPClient:   c.http,
		RetryWaitMin: c.waitMin,
		RetryWaitMax: c.waitMax,
		RetryMax:     c.maxRetries,
		CheckRetry: func(ctx context.Context, resp *http.Response, err error) (bool, error) {
			if ctx.Err() != nil {
				return false, ctx.Err()
			}
			if err != nil {
				// An exchange that got no answer is final, like any POST:
				// the error goes back to the caller as it is.
				return false, nil //nolint:nilerr // err is returned by Do itself
			}
			retry := resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable
			if !retry {
				return false, nil
			}
			fields := map[string]any{"status": resp.StatusCode, "retry_after": resp.Header.Get("Retry-After")}
			// Every request waits on an exchange under way: it waits no
			// longer than any one request would.
			if wait, ok := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok && wait > MaxRetryAfter {
				c.log.Warn(ctx, "Zendesk asked to retry the token exchange later than the provider waits", fields)
				return false, nil
			}
			c.log.Warn(ctx, "Zendesk asked to retry the token exchange later", fields)
			return true, nil
		},
		Backoff: func(minWait, maxWait time.Duration, attempt int, resp *http.Response) time.Duration {
			wait := retryablehttp.DefaultBackoff(minWait, maxWait, attempt, resp)
			if c.wait != nil {
				return c.wait(wait)
			}
			return wait
		},
		ErrorHandler: func(resp *http.Response, err error, attempts int) (*http.Response, error) {
			if resp != nil && err == nil {
				// Retries ran out: the last answer is the error.
				defer resp.Body.Close()
				body, _ := io.ReadAll(io.LimitReader(resp.Body, maxResponseBody))
				apiErr := newAPIError(http.MethodPost, tokenPath, resp, body, c.secrets)
				apiErr.Attempts = attempts
				return nil, apiErr
			}
			if resp != nil {
				resp.Body.Close()
			}
			return nil, &RequestError{Method: http.MethodPost, Path: tokenPath, Attempts: attempts, Err: err}
		},
		// The request body holds the secret: log the request line only.
		RequestLogHook: func(_ retryablehttp.Logger, req *http.Request, attempt int) {
			c.log.Debug(req.Context(), "Zendesk request", map[string]any{
				"method": req.Method, "url": req.URL.String(), "attempt": attempt + 1, "auth": c.Method(),
			})
		},
		ResponseLogHook: func(_ retryablehttp.Logger, resp *http.Response) {
			c.log.Debug(resp.Request.Context(), "Zendesk response", map[string]any{
				"method": resp.Request.Method, "url": resp.Request.URL.String(), "status": resp.StatusCode,
			})
		},
	}
}

// tokenSourceFunc adapts a function to oauth2.TokenSource.
type tokenSourceFunc func() (*oauth2.Token, error)

func (f tokenSourceFunc) Token() (*oauth2.Token, error) { return f() }
