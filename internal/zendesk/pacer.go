package zendesk

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// pacer spends the account's rate limit across every concurrent request
// of the client. Zendesk counts requests per minute per account, shared
// with every other integration, and reports what is left in
// X-Rate-Limit-Remaining (and, on lists, when the window resets in
// ratelimit-reset). The pacer keeps its own count of what is left, lowered
// by each request it lets through and corrected by each answer. When the
// count reaches zero, requests wait for the window to reset; where the
// reset time is unknown, one request goes ahead as a probe once the others
// have been answered, and its 429 says in Retry-After how long everyone
// waits. After a 429 or 503 with
// Retry-After, every request waits, instead of each worker hitting the
// limit and backing off on its own.
type pacer struct {
	now   func() time.Time
	scale func(time.Duration) time.Duration

	mu sync.Mutex
	// known is false until an answer has said what is left.
	known     bool
	remaining int
	resetAt   time.Time
	// pauseUntil holds every request back after a 429 or 503.
	pauseUntil time.Time
	// inFlight counts requests sent and not yet answered.
	inFlight int
	// probing is set while the one request sent into an exhausted window
	// of unknown reset is under way.
	probing bool
	// changed is closed and replaced whenever waiting requests should look
	// again.
	changed chan struct{}
}

func newPacer(scale func(time.Duration) time.Duration) *pacer {
	if scale == nil {
		scale = func(d time.Duration) time.Duration { return d }
	}
	return &pacer{now: time.Now, scale: scale, changed: make(chan struct{})}
}

// wait blocks until the request may be sent, or ctx is done. It reports
// whether the request goes as the probe of a spent window.
func (p *pacer) wait(ctx context.Context) (probe bool, err error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	for {
		p.mu.Lock()
		now := p.now()
		var until time.Time
		if p.known && !p.resetAt.IsZero() && !now.Before(p.resetAt) {
			// The window has reset: the next answer tells what is left.
			p.known, p.resetAt = false, time.Time{}
		}
		switch {
		case now.Before(p.pauseUntil):
			until = p.pauseUntil
		case !p.known || p.remaining > 0:
			p.remaining--
			p.inFlight++
			p.mu.Unlock()
			return false, nil
		case !p.resetAt.IsZero():
			until = p.resetAt
		case !p.probing && p.inFlight == 0:
			// The window is spent and when it resets is unknown: one
			// request finds out, alone, so that its answer counts exactly.
			p.probing = true
			p.inFlight++
			p.mu.Unlock()
			return true, nil
		}
		changed := p.changed
		p.mu.Unlock()
		if err := sleepUntil(ctx, until, changed); err != nil {
			return false, err
		}
	}
}

// observe reads the rate-limit headers of an answer (nil when the request
// failed without one); probe is what wait said of the request.
func (p *pacer) observe(resp *http.Response, probe bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.inFlight--
	if probe {
		p.probing = false
	}
	defer p.wake()
	if resp == nil {
		return
	}
	now := p.now()
	if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable {
		// A wait longer than the client takes fails the requests instead:
		// holding them all back would only delay that.
		if wait, ok := parseRetryAfter(resp.Header.Get("Retry-After"), now); ok && wait <= MaxRetryAfter {
			until := now.Add(p.scale(wait))
			if until.After(p.pauseUntil) {
				p.pauseUntil = until
			}
			if resp.StatusCode == http.StatusTooManyRequests {
				p.known, p.remaining, p.resetAt = true, 0, until
			}
			return
		}
	}
	remaining, err := strconv.Atoi(resp.Header.Get("X-Rate-Limit-Remaining"))
	if err != nil {
		if probe {
			p.known = false // no figures to go by: let requests through
		}
		return
	}
	// The other requests in flight may not be counted in this answer yet.
	// Answers can arrive out of order, so within a window the count only
	// goes down; a fresh window is recognised by the probe or the reset.
	left := max(remaining-p.inFlight, 0)
	if p.known && !probe {
		left = min(left, p.remaining)
	}
	p.known, p.remaining = true, left
	if reset, err := strconv.Atoi(resp.Header.Get("Ratelimit-Reset")); err == nil {
		p.resetAt = now.Add(p.scale(time.Duration(reset) * time.Second))
	} else if remaining > 0 {
		p.resetAt = time.Time{}
	}
}

// wake tells the waiting requests to look again; p.mu is held.
func (p *pacer) wake() {
	close(p.changed)
	p.changed = make(chan struct{})
}

// sleepUntil waits until t (forever when t is zero) or until changed is
// closed or ctx is done.
func sleepUntil(ctx context.Context, t time.Time, changed <-chan struct{}) error {
	var timeout <-chan time.Time
	if !t.IsZero() {
		timer := time.NewTimer(time.Until(t))
		defer timer.Stop()
		timeout = timer.C
	}
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-changed:
	case <-timeout:
	}
	return nil
}

// pacedTransport holds each request until the pacer lets it go.
type pacedTransport struct {
	base  http.RoundTripper
	pacer *pacer
}

func (t *pacedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	probe, err := t.pacer.wait(req.Context())
	if err != nil {
		return nil, &notSentError{err: err}
	}
	resp, err := t.base.RoundTrip(req)
	t.pacer.observe(resp, probe)
	var opErr *net.OpError
	if err != nil && errors.As(err, &opErr) && opErr.Op == "dial" {
		// No connection, so the request never left: a create can be sent
		// again without looking for it first.
		return nil, &notSentError{err: err}
	}
	return resp, err
}

// notSentError is a request given up before it left: it had no effect.
type notSentError struct{ err error }

func (e *notSentError) Error() string { return "request not sent: " + e.err.Error() }
func (e *notSentError) Unwrap() []error {
	return []error{e.err, errNotSent}
}
