package zendesk

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync/atomic"
	"time"
)

// pacedTransport sends each attempt of a request when the pacer lets it
// go, and sends it again, as often as it takes, when Zendesk refuses it for
// the rate limit (a 429) or holds it back with a Retry-After (a 503): such
// an answer means the request was not processed, so even a create goes
// again, and it is not a failure, so it never uses up MaxRetries, which the
// retry policy above spends on real failures. The wait is bounded by the
// Retry-After the client waits out (MaxRetryAfter), by the request's
// context, and by the pacer's limit on the run's time spent waiting.
//
// Each attempt, from sending the request to closing its answer's body, is
// bounded by attemptTimeout, so that a hung connection becomes a failed
// attempt. The waits between attempts are not: they have bounds of their
// own, and one Retry-After alone may last longer than an attempt may.
type pacedTransport struct {
	base  http.RoundTripper
	pacer *pacer
	// unpaced requests go at once, and wait only for the Retry-After they
	// are answered with: the token exchange, which the API's rate limit
	// does not count, and whose answers say nothing of it.
	unpaced bool
	// attemptTimeout bounds one attempt (no bound when 0).
	attemptTimeout time.Duration
	// authorize sets the credentials of a request sent again, which may
	// have been renewed during the wait; nil when the request carries its
	// own.
	authorize func(*http.Request) error
	log       Logger
}

func (t *pacedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	// refused is the last answer that asked to wait, kept to be returned
	// if the wait is cut short; retryAt is when it asked to be sent again.
	var refused *http.Response
	var retryAt time.Time
	for {
		tk, err := t.admit(ctx, retryAt)
		if err != nil {
			var waited *RateLimitWaitError
			switch {
			case refused != nil && ctx.Err() != nil:
				// Interrupted while waiting: the refusal is the answer, and
				// the retry policy reports the interruption with it.
				return refused, nil //nolint:nilerr // see above
			case refused != nil && errors.As(err, &waited):
				// Waited as long as the run may: the refusal is the
				// answer, and the error says why it was not sent again.
				if state, ok := ctx.Value(callStateKey{}).(*callState); ok {
					state.waited = waited
				}
				return refused, nil
			}
			return nil, &notSentError{err: err}
		}
		resp, err := t.attempt(req)
		if !t.unpaced {
			t.pacer.observe(tk, resp)
		}
		if err != nil {
			var opErr *net.OpError
			if errors.As(err, &opErr) && opErr.Op == "dial" {
				// No connection, so the request never left: a create can
				// be sent again without looking for it first.
				return nil, &notSentError{err: err}
			}
			return nil, err
		}
		now := t.pacer.clock.Now()
		wait, limited := rateLimitedWait(resp, now)
		if !limited || ctx.Err() != nil || ctx.Value(noRetriesKey{}) != nil {
			// The answer is the outcome; a cancellation is the retry
			// policy's to report, with it.
			return resp, nil //nolint:nilerr // see above
		}
		t.log.Warn(ctx, "Zendesk's rate limit held the request back; sending it again when the pace allows", map[string]any{
			"method": req.Method, "url": req.URL.String(), "status": resp.StatusCode, "retry_after": wait.String(),
		})
		refused = buffered(resp)
		if resent, ok := ctx.Value(resentKey{}).(*atomic.Bool); ok {
			resent.Store(true)
		}
		if t.unpaced {
			// The pacer learnt of a paced request's wait from its answer.
			retryAt = now.Add(t.pacer.scale(wait))
		}
		next, err := t.again(req)
		if err != nil {
			refused.Body.Close()
			return nil, &notSentError{err: err}
		}
		req = next
	}
}

// admit waits until the next attempt may go: when the pacer lets it, or,
// for an unpaced request, once the Retry-After it was last answered with
// has passed (retryAt is zero before the first attempt).
func (t *pacedTransport) admit(ctx context.Context, retryAt time.Time) (ticket, error) {
	switch {
	case !t.unpaced:
		return t.pacer.wait(ctx)
	case retryAt.IsZero():
		return ticket{}, ctx.Err()
	}
	return ticket{}, t.pacer.waitOut(ctx, retryAt)
}

// attempt sends the request once. Until the answer's body is closed, the
// attempt is bounded by attemptTimeout.
func (t *pacedTransport) attempt(req *http.Request) (*http.Response, error) {
	if t.attemptTimeout <= 0 {
		return t.base.RoundTrip(req)
	}
	timedOut := &attemptTimeoutError{timeout: t.attemptTimeout}
	ctx, cancel := context.WithTimeoutCause(req.Context(), t.attemptTimeout, timedOut)
	resp, err := t.base.RoundTrip(req.WithContext(ctx))
	if err != nil {
		if errors.Is(context.Cause(ctx), timedOut) {
			err = timedOut
		}
		cancel()
		return nil, err
	}
	resp.Body = &attemptBody{ReadCloser: resp.Body, ctx: ctx, cancel: cancel, timedOut: timedOut}
	// The answer belongs to the request as the caller sent it, whose
	// context outlives the attempt.
	resp.Request = req
	return resp, nil
}

// attemptBody is the body of an answer, read within its attempt's time; the
// attempt ends when it is closed.
type attemptBody struct {
	io.ReadCloser
	ctx      context.Context
	cancel   context.CancelFunc
	timedOut *attemptTimeoutError
}

func (b *attemptBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil && !errors.Is(err, io.EOF) && errors.Is(context.Cause(b.ctx), b.timedOut) {
		err = b.timedOut
	}
	return n, err
}

func (b *attemptBody) Close() error {
	defer b.cancel()
	return b.ReadCloser.Close()
}

// attemptTimeoutError is an attempt that got no whole answer in the time
// one attempt may take. Whether Zendesk carried the request out is
// unknown.
type attemptTimeoutError struct{ timeout time.Duration }

func (e *attemptTimeoutError) Error() string {
	return fmt.Sprintf("no whole answer within %s, the time one attempt may take", e.timeout)
}

// Timeout reports that the error is a timeout, as net.Error does.
func (e *attemptTimeoutError) Timeout() bool { return true }

// CloseIdleConnections closes the idle connections of the transport
// underneath, as http.Client.CloseIdleConnections expects of a transport.
func (t *pacedTransport) CloseIdleConnections() {
	if closer, ok := t.base.(interface{ CloseIdleConnections() }); ok {
		closer.CloseIdleConnections()
	}
}

// again copies a request to be sent once more, with a fresh body and the
// current credentials.
func (t *pacedTransport) again(req *http.Request) (*http.Request, error) {
	next := req.Clone(req.Context())
	if req.GetBody != nil {
		body, err := req.GetBody()
		if err != nil {
			return nil, err
		}
		next.Body = body
	}
	if t.authorize != nil {
		if err := t.authorize(next); err != nil {
			return nil, err
		}
	}
	return next, nil
}

// buffered reads a short answer into memory and closes its connection, so
// it can be returned later without holding the connection meanwhile.
func buffered(resp *http.Response) *http.Response {
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody*8))
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp
}

// resentKey marks a context whose caller wants to know whether the
// transport sent its request more than once (see CreateIdentity).
type resentKey struct{}

// notSentError is a request given up before it left: it had no effect.
type notSentError struct{ err error }

func (e *notSentError) Error() string { return "request not sent: " + e.err.Error() }
func (e *notSentError) Unwrap() []error {
	return []error{e.err, errNotSent}
}
