package zendesk

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// retrier returns the retry policy for one request's failures. Answers
// that ask to wait for the rate limit (a 429, or a 503 with Retry-After)
// never reach it: the paced transport below waits and sends the request
// again itself, since Zendesk did not process it, without using up
// MaxRetries. What is left:
//
//   - Other 5xx answers (a 503 without Retry-After among them) and failed
//     connections are retried only when the request is idempotent (GET,
//     PUT, DELETE). A POST that got no answer, or such an answer, may have
//     created the identity; CreateIdentity checks before sending it again.
//   - A request that could not connect at all never left, and is retried
//     whatever its method.
//   - A 401 for a token that can be renewed is retried once with a new one.
//   - Everything else is final, including a 429 or 503 whose Retry-After is
//     longer than the client waits, and a request given up because the run
//     waited for the rate limit as long as it may.
//
// MaxRetries bounds the attempts, and the context cancels any wait.
func (c *Client) retrier(method, path string, idempotent bool) *retryablehttp.Client {
	return &retryablehttp.Client{
		HTTPClient:   c.http,
		RetryWaitMin: c.waitMin,
		RetryWaitMax: c.waitMax,
		RetryMax:     c.maxRetries,
		CheckRetry: func(ctx context.Context, resp *http.Response, err error) (bool, error) {
			return c.shouldRetry(ctx, method, path, idempotent, resp, err)
		},
		Backoff: c.backoff,
		ErrorHandler: func(resp *http.Response, err error, attempts int) (*http.Response, error) {
			return nil, giveUp(method, path, resp, err, attempts, c.secrets)
		},
		PrepareRetry: c.authorize,
		RequestLogHook: func(_ retryablehttp.Logger, req *http.Request, attempt int) {
			if state, ok := req.Context().Value(callStateKey{}).(*callState); ok {
				state.attempts = attempt + 1
			}
			c.log.Debug(req.Context(), "Zendesk request", map[string]any{
				"method": req.Method, "url": req.URL.String(), "attempt": attempt + 1, "auth": c.auth.Method(),
			})
		},
		ResponseLogHook: func(_ retryablehttp.Logger, resp *http.Response) {
			c.log.Debug(resp.Request.Context(), "Zendesk response", map[string]any{
				"method": resp.Request.Method, "url": resp.Request.URL.String(), "status": resp.StatusCode,
				"rate_limit_remaining": resp.Header.Get("X-Rate-Limit-Remaining"),
			})
		},
	}
}

func (c *Client) shouldRetry(ctx context.Context, method, path string, idempotent bool, resp *http.Response, err error) (bool, error) {
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	if ctx.Value(noRetriesKey{}) != nil {
		return false, nil
	}
	if state, ok := ctx.Value(callStateKey{}).(*callState); ok && state.waited != nil {
		// The answer goes back as it is; do() adds why it was not sent again.
		return false, nil //nolint:nilerr // no error here: see above
	}
	fields := map[string]any{"method": method, "path": path}
	if err != nil {
		var waited *RateLimitWaitError
		if errors.As(err, &waited) || IsTokenExchange(err) {
			return false, nil
		}
		if errors.Is(err, errNotSent) {
			// No connection could be made: the request never left, so
			// sending it again is safe whatever its method.
			fields["error"] = err.Error()
			c.log.Warn(ctx, "Zendesk could not be reached; retrying", fields)
			return true, nil
		}
		// The default policy declines errors that no retry can fix (TLS
		// certificates, bad schemes, redirect loops).
		retry, _ := retryablehttp.DefaultRetryPolicy(ctx, nil, err)
		if retry && !idempotent {
			fields["error"] = err.Error()
			c.log.Warn(ctx, "Zendesk request failed without an answer; not resending a create blindly", fields)
			return false, nil
		}
		if retry {
			fields["error"] = err.Error()
			c.log.Warn(ctx, "Zendesk request failed without an answer; retrying", fields)
		}
		return retry, nil
	}
	fields["status"] = resp.StatusCode
	switch status := resp.StatusCode; {
	case status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable && resp.Header.Get("Retry-After") != "":
		// The paced transport waits out every Retry-After it can: one that
		// comes back here asks for longer than the client waits.
		fields["retry_after"] = resp.Header.Get("Retry-After")
		c.log.Warn(ctx, "Zendesk asked to retry later than the provider waits", fields)
		return false, nil
	case status == http.StatusUnauthorized && c.renewToken(ctx, resp):
		c.log.Debug(ctx, "Zendesk rejected the access token; retrying with a renewed one", fields)
		return true, nil
	case status >= 500 && status != http.StatusNotImplemented && idempotent:
		c.log.Warn(ctx, "Zendesk answered with a server error; retrying", fields)
		return true, nil
	}
	return false, nil
}

// backoff waits exponentially longer between attempts.
func (c *Client) backoff(minWait, maxWait time.Duration, attempt int, resp *http.Response) time.Duration {
	wait := retryablehttp.DefaultBackoff(minWait, maxWait, attempt, nil)
	if c.wait != nil {
		return c.wait(wait)
	}
	return wait
}

// giveUp turns the last attempt of a request that will not be sent again
// into an error naming the request, the attempts and the last answer.
func giveUp(method, path string, resp *http.Response, err error, attempts int, secrets *redactor) error {
	var waited *RateLimitWaitError
	if errors.As(err, &waited) {
		if waited.Method == "" {
			// Not sent at all; a token exchange refused for the rate limit
			// names itself.
			waited.Method, waited.Path = method, path
		}
		return waited
	}
	if IsTokenExchange(err) {
		// Renewing the access token failed before the retry: that failure,
		// not the 401 that asked for the renewal, is what to fix.
		if resp != nil {
			resp.Body.Close()
		}
		return err
	}
	if resp != nil {
		defer resp.Body.Close()
		body, _ := io.ReadAll(io.LimitReader(resp.Body, maxResponseBody))
		if err == nil || resp.StatusCode >= 300 {
			apiErr := newAPIError(method, path, resp, body, secrets)
			apiErr.Attempts = attempts
			if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
				// Interrupted as the answer came: both are the cause, and a
				// create's answer still decides whether it is looked up.
				return fmt.Errorf("%w after Zendesk answered %w", err, apiErr)
			}
			return apiErr
		}
	}
	return &RequestError{Method: method, Path: path, Attempts: attempts, Err: err}
}

// parseRetryAfter reads a Retry-After header: whole seconds or an HTTP date.
func parseRetryAfter(header string, now time.Time) (time.Duration, bool) {
	if header == "" {
		return 0, false
	}
	if seconds, err := strconv.Atoi(header); err == nil && seconds >= 0 {
		return time.Duration(seconds) * time.Second, true
	}
	if at, err := http.ParseTime(header); err == nil {
		return max(at.Sub(now), 0), true
	}
	return 0, false
}

// OutcomeUnknown reports whether a request failed in a way that leaves open
// whether Zendesk carried it out: no answer arrived, or a server error.
//
// Not in doubt are a request that never left (no connection could be made,
// or the run had waited for the rate limit as long as it may) and a 503
// with Retry-After, which Zendesk documents for maintenance and overload,
// when it did not process the request. A 503 without Retry-After is in
// doubt like a 500: a proxy or load balancer in front of Zendesk answers so,
// also after Zendesk committed the request.
func OutcomeUnknown(err error) bool {
	var waited *RateLimitWaitError
	if errors.Is(err, errNotSent) || errors.As(err, &waited) {
		return false
	}
	var reqErr *RequestError
	if errors.As(err, &reqErr) {
		return true
	}
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode < 500 {
		return false
	}
	return apiErr.StatusCode != http.StatusServiceUnavailable || !apiErr.HasRetryAfter
}

// MaxRetryAfter is the longest Retry-After the client waits out. A longer
// one (maintenance, say) fails the request with Zendesk's answer, rather
// than holding a pipeline for hours.
const MaxRetryAfter = 10 * time.Minute

// noRetriesKey marks a context whose requests are sent once only.
type noRetriesKey struct{}

// errNotSent marks a failure that happened before the request left, so it
// cannot have had any effect.
var errNotSent = errors.New("request not sent")

// renewToken handles a 401 for credentials that can be renewed: it drops
// the rejected token so the retry fetches a new one. It does so once per
// request, so a token that is refused again ends in the 401.
func (c *Client) renewToken(ctx context.Context, resp *http.Response) bool {
	auth, ok := c.auth.(renewingAuth)
	state, _ := ctx.Value(callStateKey{}).(*callState)
	if !ok || state == nil || state.renewed {
		return false
	}
	state.renewed = true
	auth.Invalidate(resp.Request.Header.Get("Authorization"))
	return true
}

// callState is what the retry policy remembers across the attempts of one
// request.
type callState struct {
	attempts int
	renewed  bool
	// waited is set when the last answer asked to wait for the rate limit
	// and the run had waited as long as it may.
	waited *RateLimitWaitError
}

type callStateKey struct{}
