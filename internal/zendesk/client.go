// Package zendesk is a client for the Zendesk Support API's user identity
// endpoints, and for the user endpoints that find users. It knows HTTP and
// Zendesk's rules (errors, retries, rate limits, pagination) and nothing of
// Terraform.
package zendesk

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/hashicorp/go-cleanhttp"
	"github.com/hashicorp/go-retryablehttp"
)

const (
	defaultRetryWaitMin = time.Second
	defaultRetryWaitMax = 30 * time.Second
	// defaultAttemptTimeout bounds one attempt of a request, so a hung
	// connection becomes a failed attempt instead of a stuck apply.
	defaultAttemptTimeout = 60 * time.Second
	// maxResponseBody bounds how much of an answer is read.
	maxResponseBody = 32 << 20
)

// Config configures a Client.
type Config struct {
	// URL is the account's base URL, e.g. https://acme.zendesk.com.
	URL string
	// Auth supplies the credentials of every request.
	Auth Auth
	// UserAgent is sent with every request.
	UserAgent string
	// MaxRetries bounds how many times a failed request is sent again; 0
	// sends each request once. Answers that ask to wait for the rate limit
	// (a 429, or a 503 with Retry-After) are not failures: the request
	// waits and goes again without using up a retry.
	MaxRetries int
	// MaxRateLimitWait bounds the time, over the client's life, that
	// requests spend held back by the rate limit (counted once however
	// many wait at once), the token exchanges of ClientCredentials given
	// as Auth included; a request that would wait past it fails with a
	// RateLimitWaitError. Zero means DefaultMaxRateLimitWait; a negative
	// value lets no request wait for the rate limit.
	MaxRateLimitWait time.Duration
	// RateLimitPeriod is what Zendesk's X-Rate-Limit counts (default a
	// minute); tests against a fake with shorter windows shorten it.
	RateLimitPeriod time.Duration
	// RetryWaitMin and RetryWaitMax bound the exponential backoff between
	// attempts when Zendesk gives no Retry-After (defaults 1s and 30s).
	RetryWaitMin, RetryWaitMax time.Duration
	// Wait, when set, is given every pause the client is about to take
	// before a retry, and every Retry-After and window reset it is about
	// to wait for, and returns the pause to take instead. Tests use it to
	// observe waits without sleeping.
	Wait func(time.Duration) time.Duration
	// Clock is the time the pacing of requests, the batching of reads and
	// the wait before a create is sent again go by (default the system
	// clock); tests move one by hand.
	Clock Clock
	// HTTPClient sends the requests (default: pooled). Its Timeout, when
	// set and AttemptTimeout is not, bounds each attempt rather than the
	// whole request: the waits between attempts have bounds of their own
	// (MaxRetryAfter, MaxRateLimitWait, the context).
	HTTPClient *http.Client
	// AttemptTimeout bounds one attempt of a request: sending it and
	// reading its answer, body included. An attempt that takes longer is a
	// failure whose outcome is unknown (see OutcomeUnknown). Default: the
	// Timeout of HTTPClient, else 60s.
	AttemptTimeout time.Duration
	// Logger receives request, response and retry logs (default: none).
	Logger Logger
	// BatchWindow is the least time an identity lookup waits for others
	// to join its show_many batch (default 50ms); the wait grows with the
	// gaps between the lookups that Terraform actually sends.
	BatchWindow time.Duration
	// Secrets are strings that no error or log line of the client may
	// quote from an answer: the credentials behind Auth. The client also
	// hides every Authorization header it sends, and any value that reads
	// like a credential (see redactor).
	Secrets []string
}

// Client calls one Zendesk account's API. It is safe for concurrent use.
type Client struct {
	base       *url.URL
	auth       Auth
	userAgent  string
	maxRetries int
	waitMin    time.Duration
	waitMax    time.Duration
	wait       func(time.Duration) time.Duration
	http       *http.Client
	log        Logger
	clock      Clock
	cache      *identityCache
	reader     *reader
	// secrets keeps credentials out of what the client quotes.
	secrets *redactor
}

// New checks cfg and returns a client.
func New(cfg Config) (*Client, error) {
	base, err := ParseBaseURL(cfg.URL)
	if err != nil {
		return nil, err
	}
	if cfg.Auth == nil {
		return nil, errors.New("no credentials: an API token or OAuth token is required")
	}
	if cfg.MaxRetries < 0 {
		return nil, fmt.Errorf("max retries must be 0 or more, got %d", cfg.MaxRetries)
	}
	c := &Client{
		base:       base,
		auth:       cfg.Auth,
		userAgent:  cfg.UserAgent,
		maxRetries: cfg.MaxRetries,
		waitMin:    orDefault(cfg.RetryWaitMin, defaultRetryWaitMin),
		waitMax:    orDefault(cfg.RetryWaitMax, defaultRetryWaitMax),
		wait:       cfg.Wait,
		http:       cfg.HTTPClient,
		log:        cfg.Logger,
		clock:      cfg.Clock,
		cache:      newIdentityCache(),
		secrets:    newRedactor(cfg.Secrets...),
	}
	if c.http == nil {
		c.http = cleanhttp.DefaultPooledClient()
	}
	if c.log == nil {
		c.log = nopLogger{}
	}
	if c.clock == nil {
		c.clock = systemClock{}
	}
	maxWait := cfg.MaxRateLimitWait
	if maxWait == 0 {
		maxWait = DefaultMaxRateLimitWait
	}
	// Every attempt, retries included, goes through the pacer.
	pacing := newPacer(pacerConfig{clock: c.clock, scale: cfg.Wait, period: cfg.RateLimitPeriod, maxWait: maxWait})
	paced := *c.http
	// A Timeout would bound the waits for the rate limit too: the
	// transport bounds each attempt instead.
	paced.Timeout = 0
	paced.Transport = &pacedTransport{
		base:           orDefaultTransport(c.http.Transport),
		pacer:          pacing,
		attemptTimeout: attemptTimeout(cfg.AttemptTimeout, c.http, defaultAttemptTimeout),
		authorize:      c.authorize,
		log:            c.log,
	}
	if auth, ok := c.auth.(rateLimitWaiter); ok {
		auth.shareRateLimitWait(pacing)
	}
	// Zendesk's API does not redirect. A redirect comes from a moved host
	// or a proxy, and following it would send the credentials (and a
	// create, turned into a GET) wherever it points: the client stops at
	// it and reports it (APIError.Location).
	paced.CheckRedirect = refuseRedirects
	c.http = &paced
	c.reader = newReader(c, orDefault(cfg.BatchWindow, defaultBatchWindow))
	return c, nil
}

// BaseURL is the account's base URL, e.g. https://acme.zendesk.com.
func (c *Client) BaseURL() string { return c.base.String() }

// call is one API operation: its request, and whether it may be sent again
// after a failure that left its outcome unknown.
type call struct {
	method string
	// path is under the base URL; next, when set, is an absolute URL that
	// Zendesk handed out (the next page) and replaces path and query.
	path  string
	query url.Values
	next  string
	body  any
	// acts has an effect each time it gets through, whatever its method
	// (request_verification sends an email).
	acts bool
}

// idempotent reports whether sending the call twice has the effect of
// sending it once. A POST creates a new identity each time it gets through;
// a call that acts sends another email.
func (r call) idempotent() bool { return r.method != http.MethodPost && !r.acts }

// do sends the call, with retries, and decodes a 2xx answer into out.
func (c *Client) do(ctx context.Context, r call, out any) error {
	target, err := c.target(r)
	if err != nil {
		return err
	}
	var payload any
	var encoded []byte
	if r.body != nil {
		if encoded, err = json.Marshal(r.body); err != nil {
			return fmt.Errorf("encoding %s %s: %w", r.method, target.Path, err)
		}
		payload = encoded
	}
	state := &callState{}
	ctx = context.WithValue(ctx, callStateKey{}, state)
	req, err := retryablehttp.NewRequestWithContext(ctx, r.method, target.String(), payload)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)
	if payload != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if err := c.authorize(req.Request); err != nil {
		return err
	}
	if payload != nil {
		c.log.Trace(ctx, "Zendesk request body", map[string]any{"method": r.method, "path": target.Path, "body": string(encoded)})
	}

	resp, err := c.retrier(r.method, target.Path, r.idempotent()).Do(req)
	if err != nil {
		var reqErr *RequestError
		var apiErr *APIError
		var waited *RateLimitWaitError
		if errors.As(err, &reqErr) || errors.As(err, &apiErr) || errors.As(err, &waited) {
			return err
		}
		// Cancelled while waiting to retry: the last attempt had an answer,
		// so nothing is in doubt.
		return fmt.Errorf("%s %s: %w", r.method, target.Path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBody))
	if err != nil {
		return &RequestError{Method: r.method, Path: target.Path, Attempts: 1, Err: fmt.Errorf("reading the answer: %w", err)}
	}
	c.log.Trace(ctx, "Zendesk response body", map[string]any{"method": r.method, "path": target.Path, "status": resp.StatusCode, "body": c.secrets.text(string(body))})
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		apiErr := newAPIError(r.method, target.Path, resp, body, c.secrets)
		apiErr.Attempts = state.attempts
		if waited := state.waited; waited != nil {
			waited.Method, waited.Path, waited.Answer = r.method, target.Path, apiErr
			return waited
		}
		return apiErr
	}
	if out == nil || len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	if err := json.Unmarshal(body, out); err != nil {
		return &AnswerError{Method: r.method, Path: target.Path, StatusCode: resp.StatusCode,
			Problem: fmt.Sprintf("its body is not the JSON the client expects: %v", err)}
	}
	return nil
}

// target resolves the call's URL. A next-page URL must point at the same
// account: the credentials go wherever the request goes.
func (c *Client) target(r call) (*url.URL, error) {
	if r.next == "" {
		u := *c.base
		u.Path = r.path
		u.RawQuery = r.query.Encode()
		return &u, nil
	}
	u, err := url.Parse(r.next)
	if err != nil {
		return nil, fmt.Errorf("zendesk returned a next-page link that is not a URL: %w", err)
	}
	if !sameOrigin(u, c.base) {
		return nil, fmt.Errorf("zendesk returned a next-page link to %s://%s, not to the account at %s; refusing to send credentials there", u.Scheme, u.Host, c.base)
	}
	return u, nil
}

// sameOrigin reports whether two URLs reach the same server: the same
// scheme, host name (in any case) and port (the scheme's default when
// none is given).
func sameOrigin(a, b *url.URL) bool {
	return strings.EqualFold(a.Scheme, b.Scheme) && a.User == nil &&
		strings.EqualFold(a.Hostname(), b.Hostname()) && portOf(a) == portOf(b)
}

func portOf(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
		return "443"
	case "http":
		return "80"
	}
	return ""
}

// refuseRedirects is an http.Client's CheckRedirect that hands the
// redirect back as the answer instead of following it.
func refuseRedirects(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// authorize sets the Authorization header; it runs before every attempt so
// a renewed token is used on retries.
func (c *Client) authorize(req *http.Request) error {
	header, err := c.auth.Authorization(req.Context())
	if err != nil {
		return err
	}
	c.secrets.learnAuthorization(header)
	req.Header.Set("Authorization", header)
	return nil
}

// rateLimitWaiter is an Auth that sends requests of its own (the token
// exchange), whose waits for the rate limit count against the client's
// limit on the run's time spent waiting.
type rateLimitWaiter interface {
	shareRateLimitWait(*pacer)
}

// attemptTimeout is the bound of one attempt: the one configured, else the
// Timeout of the caller's http.Client, else def.
func attemptTimeout(configured time.Duration, client *http.Client, def time.Duration) time.Duration {
	switch {
	case configured > 0:
		return configured
	case client != nil && client.Timeout > 0:
		return client.Timeout
	}
	return def
}

func orDefaultTransport(t http.RoundTripper) http.RoundTripper {
	if t != nil {
		return t
	}
	return http.DefaultTransport
}

func orDefault(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}
