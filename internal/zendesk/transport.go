package zendesk

import (
	"bytes"
	"errors"
	"io"
	"net"
	"net/http"
)

// pacedTransport sends each attempt of a request when the pacer lets it
// go, and sends it again, as often as it takes, when Zendesk refuses it for
// the rate limit (a 429) or holds it back with a Retry-After (a 503): such
// an answer means the request was not processed, so even a create goes
// again, and it is not a failure, so it never uses up MaxRetries, which the
// retry policy above spends on real failures. The wait is bounded by the
// Retry-After the client waits out (MaxRetryAfter), by the request's
// context, and by the pacer's limit on the run's time spent waiting.
type pacedTransport struct {
	base  http.RoundTripper
	pacer *pacer
	// authorize sets the credentials of a request sent again, which may
	// have been renewed during the wait.
	authorize func(*http.Request) error
	log       Logger
}

func (t *pacedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	// refused is the last answer that asked to wait, kept to be returned
	// if the wait is cut short.
	var refused *http.Response
	for {
		tk, err := t.pacer.wait(ctx)
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
		resp, err := t.base.RoundTrip(req)
		t.pacer.observe(tk, resp)
		if err != nil {
			var opErr *net.OpError
			if errors.As(err, &opErr) && opErr.Op == "dial" {
				// No connection, so the request never left: a create can
				// be sent again without looking for it first.
				return nil, &notSentError{err: err}
			}
			return nil, err
		}
		wait, limited := rateLimitedWait(resp, t.pacer.clock.Now())
		if !limited || ctx.Err() != nil || ctx.Value(noRetriesKey{}) != nil {
			// The answer is the outcome; a cancellation is the retry
			// policy's to report, with it.
			return resp, nil //nolint:nilerr // see above
		}
		t.log.Warn(ctx, "Zendesk's rate limit held the request back; sending it again when the pace allows", map[string]any{
			"method": req.Method, "url": req.URL.String(), "status": resp.StatusCode, "retry_after": wait.String(),
		})
		refused = buffered(resp)
		next, err := t.again(req)
		if err != nil {
			refused.Body.Close()
			return nil, &notSentError{err: err}
		}
		req = next
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
	if err := t.authorize(next); err != nil {
		return nil, err
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

// notSentError is a request given up before it left: it had no effect.
type notSentError struct{ err error }

func (e *notSentError) Error() string { return "request not sent: " + e.err.Error() }
func (e *notSentError) Unwrap() []error {
	return []error{e.err, errNotSent}
}
