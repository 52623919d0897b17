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
	// MaxRetries bounds how many times an exchange answered 503 without
	// Retry-After is sent again. Answers that ask to wait for the rate
	// limit (a 429, or a 503 with Retry-After) are not failures: the
	// exchange waits and goes again without using up a retry, as an API
	// request does (see Config.MaxRetries).
	MaxRetries int
	// RetryWaitMin and RetryWaitMax bound the backoff between attempts when
	// Zendesk gives no Retry-After (defaults 1s and 30s).
	RetryWaitMin, RetryWaitMax time.Duration
	// Wait, when set, is given every pause before a retry and every
	// Retry-After about to be waited out, and returns the pause to take
	// instead (see Config.Wait).
	Wait func(time.Duration) time.Duration
	// HTTPClient sends the exchanges (default: pooled). Redirects are never
	// followed: they would carry the secret elsewhere. Its Timeout, when set
	// and AttemptTimeout is not, bounds each attempt, as in Config.
	HTTPClient *http.Client
	// AttemptTimeout bounds one attempt of an exchange, answer included.
	// Default: the Timeout of HTTPClient, else 30s.
	AttemptTimeout time.Duration
	// Logger receives a line per exchange, never a secret or a token.
	Logger Logger
}

// ClientCredentials authenticates with an OAuth client's id and secret: it
// exchanges them at /oauth/tokens (grant type client_credentials) for an
// access token, sends that as a bearer token, and exchanges them again
// before the token expires, or when Zendesk rejects it earlier, so a run
// that outlasts one token keeps working.
//
// An exchange answered 429, or 503 with Retry-After, waits and goes again
// as an API request does, without using up MaxRetries; given to New as
// Config.Auth, its waits count against the client's MaxRateLimitWait and go
// by its Clock (on its own, against DefaultMaxRateLimitWait). A 503 without
// Retry-After is retried within MaxRetries. Other failures end the request
// that needed the token; its error names /oauth/tokens and carries
// Zendesk's status, error and error_description (see IsTokenExchange).
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
	}
	noRedirects := *httpClient
	noRedirects.CheckRedirect = refuseRedirects
	// The transport bounds each attempt; a Timeout would bound the waits
	// for Retry-After too.
	noRedirects.Timeout = 0
	noRedirects.Transport = nil
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
		base:       orDefaultTransport(httpClient.Transport),
		timeout:    attemptTimeout(cfg.AttemptTimeout, httpClient, exchangeTimeout),
		log:        log,
		exchanging: make(chan struct{}, 1),
		rateLimit:  newPacer(pacerConfig{scale: cfg.Wait, maxWait: DefaultMaxRateLimitWait}),
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
	// http sends the exchanges through a transport made of base, which
	// bounds each attempt by timeout and waits out Retry-After within
	// rateLimit's limit on the run's waits.
	http    *http.Client
	base    http.RoundTripper
	timeout time.Duration
	log     Logger
	// secrets keeps the client secret out of the errors of an exchange,
	// should Zendesk (or a proxy in front of it) echo the request.
	secrets *redactor

	// exchanging is held through an exchange, so requests that all find
	// the token due wait for one exchange instead of each making their
	// own; a request stops waiting for it when its context ends.
	exchanging chan struct{}

	// mu guards the fields below.
	mu sync.Mutex
	// current is the token in use; nil before the first exchange and after
	// Zendesk rejected it.
	current *oauth2.Token
	// margin is how long before its expiry current is replaced.
	margin time.Duration
	// rateLimit accounts for the time spent waiting for the rate limit:
	// the client's pacer, once given to a client (shareRateLimitWait).
	rateLimit *pacer
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
	select {
	case c.exchanging <- struct{}{}:
	default:
		// An exchange is under way: its token will do, unless this
		// request ends first.
		select {
		case c.exchanging <- struct{}{}:
		case <-ctx.Done():
			return "", fmt.Errorf("waiting for the OAuth token exchange under way: %w", ctx.Err())
		}
	}
	defer func() { <-c.exchanging }()
	c.mu.Lock()
	current, margin := c.current, c.margin
	c.mu.Unlock()
	var lifetime time.Duration
	fetch := tokenSourceFunc(func() (*oauth2.Token, error) {
		tok, granted, err := c.exchange(ctx)
		lifetime = granted
		return tok, err
	})
	tok, err := oauth2.ReuseTokenSourceWithExpiry(current, fetch, margin).Token()
	if err != nil {
		return "", err
	}
	if tok != current {
		c.mu.Lock()
		c.current, c.margin = tok, renewalMargin(lifetime)
		c.mu.Unlock()
	}
	return "Bearer " + tok.AccessToken, nil
}

// shareRateLimitWait makes the exchanges wait for the rate limit within
// the same limit on the run's waits as the client's API requests.
func (c *clientCredentials) shareRateLimitWait(p *pacer) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.rateLimit = p
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
	// The exchange is a request of its own, not part of the API request
	// that needed the token.
	state := &callState{}
	ctx = context.WithValue(ctx, callStateKey{}, state)
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
		apiErr := newAPIError(http.MethodPost, tokenPath, resp, body, c.secrets)
		if waited := state.waited; waited != nil {
			// Asked to wait past the run's limit: nothing was issued.
			waited.Method, waited.Path, waited.Answer = http.MethodPost, tokenPath, apiErr
			return nil, 0, waited
		}
		return nil, 0, apiErr
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

// retrier sends an exchange, waiting out a 429 or a 503 with Retry-After
// (Zendesk did not process it) as often as it takes, within MaxRetryAfter
// for one and the run's limit on its waits for all, as for any API
// request. A 503 without Retry-After is sent again within MaxRetries.
// Other server errors and dropped connections are final: the request that
// needed the token fails with them, and is not retried with a token that
// may have been issued after all.
func (c *clientCredentials) retrier() *retryablehttp.Client {
	c.mu.Lock()
	rateLimit := c.rateLimit
	c.mu.Unlock()
	client := *c.http
	client.Transport = &pacedTransport{base: c.base, pacer: rateLimit, unpaced: true, attemptTimeout: c.timeout, log: c.log}
	return &retryablehttp.Client{
		HTTPClient:   &client,
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
			fields := map[string]any{"status": resp.StatusCode, "retry_after": resp.Header.Get("Retry-After")}
			switch {
			case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable && resp.Header.Get("Retry-After") != "":
				// The transport waits out every Retry-After it can: one that
				// comes back here asks for longer than the client waits, or
				// the run has waited as long as it may (the exchange's error
				// says so).
				if state, ok := ctx.Value(callStateKey{}).(*callState); !ok || state.waited == nil {
					c.log.Warn(ctx, "Zendesk asked to retry the token exchange later than the provider waits", fields)
				}
				return false, nil
			case resp.StatusCode == http.StatusServiceUnavailable:
				c.log.Warn(ctx, "Zendesk could not take the token exchange; retrying", fields)
				return true, nil
			}
			return false, nil
		},
		Backoff: func(minWait, maxWait time.Duration, attempt int, resp *http.Response) time.Duration {
			wait := retryablehttp.DefaultBackoff(minWait, maxWait, attempt, resp)
			if c.wait != nil {
				return c.wait(wait)
			}
			return wait
		},
		ErrorHandler: func(resp *http.Response, err error, attempts int) (*http.Response, error) {
			if resp == nil {
				return nil, &RequestError{Method: http.MethodPost, Path: tokenPath, Attempts: attempts, Err: err}
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(io.LimitReader(resp.Body, maxResponseBody))
			apiErr := newAPIError(http.MethodPost, tokenPath, resp, body, c.secrets)
			apiErr.Attempts = attempts
			if err != nil {
				// Interrupted as the answer came, or while waiting out
				// its Retry-After: both are the cause.
				return nil, fmt.Errorf("%w after Zendesk answered %w", err, apiErr)
			}
			// Retries ran out: the last answer is the error.
			return nil, apiErr
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
