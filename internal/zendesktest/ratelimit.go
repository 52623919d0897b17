package zendesktest

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// RateLimiter is a way of counting requests against Options.RateLimit.
// Zendesk does not document how it counts them: each of these fits the
// headers it sends, so the provider is tested under each.
type RateLimiter int

const (
	// FixedWindow counts requests in windows of RateLimitWindow. A window
	// opens with the first request after the previous one ended, so the
	// time until it resets is exact and Retry-After is the truth.
	FixedWindow RateLimiter = iota
	// TokenBucket is a bucket of RateLimit requests, full at first and
	// refilled continuously at RateLimit per RateLimitWindow. Retry-After
	// is the time until one request is free, rounded up: often 1.
	TokenBucket
	// SlidingWindow allows at most RateLimit requests in any span of
	// RateLimitWindow. Retry-After is the time until the oldest counted
	// request leaves the window.
	SlidingWindow
)

var rateLimiterNames = []string{"fixed", "bucket", "sliding"}

func (r RateLimiter) String() string {
	if r >= 0 && int(r) < len(rateLimiterNames) {
		return rateLimiterNames[r]
	}
	return fmt.Sprintf("RateLimiter(%d)", int(r))
}

// ParseRateLimiter reads a limiter's name: fixed, bucket or sliding.
func ParseRateLimiter(name string) (RateLimiter, error) {
	for i, n := range rateLimiterNames {
		if n == name {
			return RateLimiter(i), nil
		}
	}
	return 0, fmt.Errorf("unknown rate limiter %q: want one of %s", name, strings.Join(rateLimiterNames, ", "))
}

// rateState is what the limiter tells a request, in its response headers.
type rateState struct {
	limit     int
	remaining int
	// reset is until the count next goes down: the window's end, or when
	// the next request is free.
	reset    time.Duration
	exceeded bool
}

// counter is one way of counting. take counts a request at now, or
// refuses it; refused requests are not counted, so a client that waits out
// Retry-After gets through. spend counts one that is never refused, even
// past the limit. Calls come in time order.
type counter interface {
	take(now time.Time) rateState
	spend(now time.Time)
}

// rateLimiter applies a limit to the fake's API requests: Terraform's, and
// other traffic's, which spends a share of the same budget.
type rateLimiter struct {
	limit  int // requests per window; 0 = unlimited
	window time.Duration
	kind   RateLimiter
	count  counter
	other  otherTraffic
}

func newRateLimiter(limit int, window time.Duration, kind RateLimiter, otherShare float64) rateLimiter {
	if window <= 0 {
		window = time.Minute
	}
	l := rateLimiter{limit: limit, window: window, kind: kind}
	switch kind {
	case TokenBucket:
		l.count = &tokenBucket{limit: limit, window: window, tokens: float64(limit)}
	case SlidingWindow:
		l.count = &slidingWindow{limit: limit, window: window}
	default:
		l.count = &fixedWindow{limit: limit, window: window}
	}
	if otherShare > 0 && limit > 0 {
		l.other = otherTraffic{interval: time.Duration(float64(window) / (otherShare * float64(limit)))}
	}
	return l
}

// take counts one request of the client; limited is false when no limit
// applies.
func (l *rateLimiter) take(now time.Time) (st rateState, limited bool) {
	if l.limit <= 0 {
		return rateState{}, false
	}
	l.other.spend(now, l.count)
	return l.count.take(now), true
}

// otherTraffic is the requests of other integrations, arriving one every
// interval. They always get their share: each is counted when it comes,
// even past the limit (a client that keeps trying would get it in the
// end), so the provider has the rest of the budget, never more.
type otherTraffic struct {
	interval time.Duration
	next     time.Time
	// requests counts the other traffic's requests.
	requests int
}

// spend counts the other traffic's requests that arrived up to now.
func (o *otherTraffic) spend(now time.Time, c counter) {
	if o.interval <= 0 {
		return
	}
	if o.next.IsZero() {
		o.next = now
	}
	for !o.next.After(now) {
		c.spend(o.next)
		o.requests++
		o.next = o.next.Add(o.interval)
	}
}

// fixedWindow counts requests in fixed windows.
type fixedWindow struct {
	limit  int
	window time.Duration
	start  time.Time
	used   int
}

// roll opens a new window when the last one has ended. What was spent past
// the limit (other traffic's, see spend) comes first in the new one.
func (w *fixedWindow) roll(now time.Time) {
	if w.start.IsZero() || !now.Before(w.start.Add(w.window)) {
		w.start, w.used = now, max(w.used-w.limit, 0)
	}
}

func (w *fixedWindow) spend(now time.Time) {
	w.roll(now)
	w.used++
}

func (w *fixedWindow) take(now time.Time) rateState {
	w.roll(now)
	st := rateState{limit: w.limit, reset: w.start.Add(w.window).Sub(now)}
	if w.used >= w.limit {
		st.exceeded = true
		return st
	}
	w.used++
	st.remaining = max(w.limit-w.used, 0)
	return st
}

// tokenBucket is a bucket refilled continuously.
type tokenBucket struct {
	limit  int
	window time.Duration
	tokens float64
	last   time.Time
}

// tokenEpsilon absorbs the rounding of refills, so that a request that
// comes exactly when its token is due gets it.
const tokenEpsilon = 1e-9

func (b *tokenBucket) perSecond() float64 { return float64(b.limit) / b.window.Seconds() }

func (b *tokenBucket) refill(now time.Time) {
	if !b.last.IsZero() {
		b.tokens = min(float64(b.limit), b.tokens+now.Sub(b.last).Seconds()*b.perSecond())
	}
	b.last = now
}

// spend takes a token even from an empty bucket, which then owes it.
func (b *tokenBucket) spend(now time.Time) {
	b.refill(now)
	b.tokens--
}

func (b *tokenBucket) take(now time.Time) rateState {
	b.refill(now)
	perSecond := b.perSecond()
	st := rateState{limit: b.limit}
	if b.tokens < 1-tokenEpsilon {
		st.exceeded = true
	} else {
		b.tokens--
		st.remaining = max(int(b.tokens+tokenEpsilon), 0)
	}
	if b.tokens < 1-tokenEpsilon {
		st.reset = time.Duration((1 - b.tokens) / perSecond * float64(time.Second))
	}
	return st
}

// slidingWindow remembers when each counted request came, for a window.
type slidingWindow struct {
	limit  int
	window time.Duration
	times  []time.Time
}

func (w *slidingWindow) expire(now time.Time) {
	expired := 0
	for expired < len(w.times) && !w.times[expired].Add(w.window).After(now) {
		expired++
	}
	w.times = w.times[expired:]
}

func (w *slidingWindow) spend(now time.Time) {
	w.expire(now)
	w.times = append(w.times, now)
}

func (w *slidingWindow) take(now time.Time) rateState {
	w.expire(now)
	st := rateState{limit: w.limit}
	if len(w.times) >= w.limit {
		st.exceeded = true
		// Free once enough have left to bring the count under the limit.
		st.reset = w.times[len(w.times)-w.limit].Add(w.window).Sub(now)
		return st
	}
	w.times = append(w.times, now)
	st.remaining = w.limit - len(w.times)
	st.reset = w.times[0].Add(w.window).Sub(now)
	return st
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
// so that waiting it always gets through (unless other traffic comes
// first).
func (st rateState) tooManyRequests() reply {
	rep := textReply(http.StatusTooManyRequests, "Number of allowed API requests per minute exceeded")
	rep.header.Set("Retry-After", strconv.FormatInt(max(1, ceilSeconds(st.reset)), 10))
	return rep
}

// SetRateLimit changes the rate limit (0 = unlimited) and window (0 = one
// minute), starting afresh: a fresh window, a full bucket, no other
// traffic owed. The limiter and the other traffic's share are kept.
func (s *Server) SetRateLimit(limit int, window time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.limiter = newRateLimiter(limit, window, s.opts.RateLimiter, s.opts.OtherTraffic)
}

// OtherRequests returns how many requests of other integrations the rate
// limit counted since it was last set (see Options.OtherTraffic).
func (s *Server) OtherRequests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.limiter.other.requests
}
