package zendesktest

import (
	"net/http"
	"strconv"
	"time"
)

// rateLimiter counts API requests in fixed windows. A window opens with the
// first request after the previous one ended, so the time until it resets is
// exact and Retry-After can be the truth.
type rateLimiter struct {
	limit  int // requests per window; 0 = unlimited
	window time.Duration
	start  time.Time
	used   int
}

// rateState is what the limiter tells a request, in its response headers.
type rateState struct {
	limit     int
	remaining int
	reset     time.Duration // until the current window ends
	exceeded  bool
}

// take counts one request against the current window. Refused requests are
// not counted, so a client that waits out Retry-After gets through.
func (l *rateLimiter) take(now time.Time) (rateState, bool) {
	if l.limit <= 0 {
		return rateState{}, false
	}
	if l.start.IsZero() || !now.Before(l.start.Add(l.window)) {
		l.start, l.used = now, 0
	}
	st := rateState{limit: l.limit, reset: l.start.Add(l.window).Sub(now)}
	if l.used >= l.limit {
		st.exceeded = true
		return st, true
	}
	l.used++
	st.remaining = l.limit - l.used
	return st, true
}

// set changes the limit and starts a fresh window.
func (l *rateLimiter) set(limit int, window time.Duration) {
	if window <= 0 {
		window = time.Minute
	}
	*l = rateLimiter{limit: limit, window: window}
}

// writeHeaders adds the headers Zendesk sends: X-Rate-Limit on every
// response, and the ratelimit-* trio on list endpoints.
func (st rateState) writeHeaders(h http.Header, listEndpoint bool) {
	h.Set("X-Rate-Limit", strconv.Itoa(st.limit))
	h.Set("X-Rate-Limit-Remaining", strconv.Itoa(st.remaining))
	if listEndpoint {
		h.Set("ratelimit-limit", strconv.Itoa(st.limit))
		h.Set("ratelimit-remaining", strconv.Itoa(st.remaining))
		h.Set("ratelimit-reset", strconv.FormatInt(ceilSeconds(st.reset), 10))
	}
}

// tooManyRequests is Zendesk's 429: plain text, and a Retry-After rounded up
// so that waiting it always reaches the next window.
func (st rateState) tooManyRequests() reply {
	rep := textReply(http.StatusTooManyRequests, "Number of allowed API requests per minute exceeded")
	rep.header.Set("Retry-After", strconv.FormatInt(ceilSeconds(st.reset), 10))
	return rep
}

// SetRateLimit changes the rate limit (0 = unlimited) and window (0 = one
// minute), starting a fresh window.
func (s *Server) SetRateLimit(limit int, window time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.limiter.set(limit, window)
}
