package zendesktest

import (
	"net/http"
	"strconv"
	"testing"
	"time"
)

// takeAll counts n requests at t and returns how many were let through.
func takeAll(c counter, t time.Time, n int) int {
	served := 0
	for range n {
		if !c.take(t).exceeded {
			served++
		}
	}
	return served
}

func TestTokenBucket(t *testing.T) {
	start := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
	// 400 a minute: full at first, then one request every 150ms.
	b := &tokenBucket{limit: 400, window: time.Minute, tokens: 400}
	if n := takeAll(b, start, 450); n != 400 {
		t.Fatalf("a full bucket served %d of 450, want 400", n)
	}
	st := b.take(start.Add(100 * time.Millisecond))
	if !st.exceeded || st.reset < 49*time.Millisecond || st.reset > 50*time.Millisecond {
		t.Fatalf("100ms later: %+v, want refused with 50ms until a request is free", st)
	}
	if rep := st.tooManyRequests(); rep.header.Get("Retry-After") != "1" {
		t.Errorf("Retry-After = %q, want 1 (rounded up)", rep.header.Get("Retry-After"))
	}
	st = b.take(start.Add(150 * time.Millisecond))
	if st.exceeded || st.remaining != 0 {
		t.Fatalf("150ms later: %+v, want served with nothing left", st)
	}
	// A minute refills it whole, and no more.
	if n := takeAll(b, start.Add(10*time.Minute), 450); n != 400 {
		t.Errorf("after ten minutes the bucket served %d, want 400", n)
	}
	// Spent at the rate it refills, it never refuses.
	at := start.Add(20 * time.Minute)
	takeAll(b, at, 400)
	for i := range 100 {
		at = at.Add(150 * time.Millisecond)
		if b.take(at).exceeded {
			t.Fatalf("request %d at the refill rate was refused", i)
		}
	}
}

func TestSlidingWindow(t *testing.T) {
	start := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
	w := &slidingWindow{limit: 3, window: time.Minute}
	for i := range 3 {
		if w.take(start.Add(time.Duration(i) * 10 * time.Second)).exceeded {
			t.Fatalf("request %d refused", i)
		}
	}
	// At 0s, 10s and 20s: a request at 45s waits until the first leaves
	// the window, 15s later.
	st := w.take(start.Add(45 * time.Second))
	if !st.exceeded || st.reset != 15*time.Second {
		t.Fatalf("at 45s: %+v, want refused for 15s", st)
	}
	if st := w.take(start.Add(time.Minute)); st.exceeded || st.remaining != 0 {
		t.Fatalf("at 60s: %+v, want served with nothing left", st)
	}
	// Unlike a fixed window, turning the minute frees only what left it.
	if !w.take(start.Add(61 * time.Second)).exceeded {
		t.Error("at 61s a fourth request in a minute was served")
	}
	if w.take(start.Add(70 * time.Second)).exceeded {
		t.Error("at 70s the request of 10s had left the window, yet one was refused")
	}
}

func TestFixedWindow(t *testing.T) {
	start := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
	w := &fixedWindow{limit: 400, window: time.Minute}
	if n := takeAll(w, start.Add(5*time.Second), 450); n != 400 {
		t.Fatalf("a window served %d of 450, want 400", n)
	}
	if st := w.take(start.Add(50 * time.Second)); !st.exceeded || st.reset != 15*time.Second {
		t.Fatalf("at 50s: %+v, want refused until the window ends at 65s", st)
	}
	// The next window serves the whole limit at once.
	if n := takeAll(w, start.Add(65*time.Second), 450); n != 400 {
		t.Errorf("the next window served %d, want 400", n)
	}
}

// Other traffic spends its share of each limiter's budget, evenly over
// time, however greedy the client: the client gets the rest.
func TestOtherTraffic(t *testing.T) {
	start := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
	for _, kind := range []RateLimiter{FixedWindow, TokenBucket, SlidingWindow} {
		t.Run(kind.String(), func(t *testing.T) {
			l := newRateLimiter(400, time.Minute, kind, 0.3)
			// A client that asks for a request every 10ms for ten minutes.
			served := 0
			for at := start; at.Before(start.Add(10 * time.Minute)); at = at.Add(10 * time.Millisecond) {
				if st, _ := l.take(at); !st.exceeded {
					served++
				}
			}
			if other := l.other.requests; other != 1200 {
				t.Errorf("other traffic spent %d in ten minutes, want 30%% of 4,000", other)
			}
			// Ten minutes hold 4,000 requests (a bucket starts full with a
			// minute's more, a first fixed or sliding window goes to the
			// client before the other traffic comes).
			if served < 2800-10 || served > 2800+400 {
				t.Errorf("the client got %d in ten minutes, want about 70%% of 4,000", served)
			}
		})
	}
}

// Through the server: each limiter's headers, and a 429's Retry-After that
// is the truth.
func TestRateLimiters(t *testing.T) {
	for _, tc := range []struct {
		kind RateLimiter
		// after the limit is spent within the first second: Retry-After,
		// and what a request 1s later gets.
		retryAfter string
		after      int
	}{
		{FixedWindow, "60", http.StatusTooManyRequests},
		{TokenBucket, "1", http.StatusOK},
		{SlidingWindow, "60", http.StatusTooManyRequests},
	} {
		t.Run(tc.kind.String(), func(t *testing.T) {
			clock := newFakeClock()
			srv, c := newTestServer(t, Options{RateLimit: 60, RateLimiter: tc.kind, Now: clock.Now})
			user := srv.AddUser("Ana Lima", "ana@example.com")
			list := identitiesPath(user.ID)
			for range 60 {
				c.do(http.MethodGet, list, nil).want(t, http.StatusOK)
			}
			limited := c.do(http.MethodGet, list, nil).want(t, http.StatusTooManyRequests)
			wantHeaders(t, limited, map[string]string{"Retry-After": tc.retryAfter, "X-Rate-Limit": "60", "X-Rate-Limit-Remaining": "0"})
			clock.Advance(time.Second)
			c.do(http.MethodGet, list, nil).want(t, tc.after)
			retry, _ := strconv.Atoi(limited.Header.Get("Retry-After"))
			clock.Advance(time.Duration(retry) * time.Second)
			c.do(http.MethodGet, list, nil).want(t, http.StatusOK)
		})
	}
}

func TestParseRateLimiter(t *testing.T) {
	for _, kind := range []RateLimiter{FixedWindow, TokenBucket, SlidingWindow} {
		if got, err := ParseRateLimiter(kind.String()); err != nil || got != kind {
			t.Errorf("ParseRateLimiter(%q) = %v, %v", kind, got, err)
		}
	}
	if _, err := ParseRateLimiter("leaky"); err == nil {
		t.Error("ParseRateLimiter accepted leaky")
	}
}

func TestRateLimit(t *testing.T) {
	clock := newFakeClock()
	srv, c := newTestServer(t, Options{RateLimit: 3, RateLimitWindow: 1500 * time.Millisecond, Now: clock.Now})
	user := srv.AddUser("Ana Lima", "ana@example.com")
	email := srv.Identities(user.ID)[0]
	list, show := identitiesPath(user.ID), identityPath(user.ID, email.ID)

	first := c.do(http.MethodGet, list, nil).want(t, http.StatusOK)
	wantHeaders(t, first, map[string]string{"X-Rate-Limit": "3", "X-Rate-Limit-Remaining": "2",
		"Ratelimit-Limit": "3", "Ratelimit-Remaining": "2", "Ratelimit-Reset": "2"})
	clock.Advance(200 * time.Millisecond)
	second := c.do(http.MethodGet, show, nil).want(t, http.StatusOK)
	wantHeaders(t, second, map[string]string{"X-Rate-Limit": "3", "X-Rate-Limit-Remaining": "1", "Ratelimit-Limit": ""})
	// Refused requests count too: a 401 spends budget.
	c.as("").do(http.MethodGet, show, nil).want(t, http.StatusUnauthorized)

	limited := c.do(http.MethodGet, list, nil).want(t, http.StatusTooManyRequests)
	if ct := limited.Header.Get("Content-Type"); ct != "text/plain; charset=utf-8" {
		t.Errorf("Content-Type = %q", ct)
	}
	if string(limited.Body) != "Number of allowed API requests per minute exceeded" {
		t.Errorf("body = %q", limited.Body)
	}
	// 1.3s remain in the window: Retry-After rounds up.
	wantHeaders(t, limited, map[string]string{"Retry-After": "2", "X-Rate-Limit-Remaining": "0"})
	// The limit is checked before authentication and a 429 spends nothing.
	c.as("").do(http.MethodGet, list, nil).want(t, http.StatusTooManyRequests)

	// Waiting exactly Retry-After gets through.
	retry, _ := strconv.Atoi(limited.Header.Get("Retry-After"))
	clock.Advance(time.Duration(retry) * time.Second)
	after := c.do(http.MethodGet, list, nil).want(t, http.StatusOK)
	wantHeaders(t, after, map[string]string{"X-Rate-Limit-Remaining": "2"})

	if got := srv.CountStatus(http.StatusTooManyRequests); got != 2 {
		t.Errorf("CountStatus(429) = %d, want 2", got)
	}
	if got := srv.Count(RouteList); got != 4 {
		t.Errorf("Count(list) = %d, want 4 (429s are logged too)", got)
	}
}

// TestRetryAfterIsTrue checks Retry-After at many points of a window: a
// client that waits what it says always gets through, one that waits a
// second less does not.
func TestRetryAfterIsTrue(t *testing.T) {
	for _, offset := range []time.Duration{0, 1, 999 * time.Millisecond, time.Second, 1500 * time.Millisecond, 2999 * time.Millisecond} {
		t.Run(offset.String(), func(t *testing.T) {
			clock := newFakeClock()
			srv, c := newTestServer(t, Options{RateLimit: 1, RateLimitWindow: 3 * time.Second, Now: clock.Now})
			user := srv.AddUser("Ana Lima", "ana@example.com")
			list := identitiesPath(user.ID)
			c.do(http.MethodGet, list, nil).want(t, http.StatusOK)
			clock.Advance(offset)
			limited := c.do(http.MethodGet, list, nil).want(t, http.StatusTooManyRequests)
			retry, err := strconv.Atoi(limited.Header.Get("Retry-After"))
			if err != nil || retry < 1 {
				t.Fatalf("Retry-After = %q", limited.Header.Get("Retry-After"))
			}
			if retry > 1 {
				clock.Advance(time.Duration(retry-1) * time.Second)
				c.do(http.MethodGet, list, nil).want(t, http.StatusTooManyRequests)
				clock.Advance(time.Second)
			} else {
				clock.Advance(time.Second)
			}
			c.do(http.MethodGet, list, nil).want(t, http.StatusOK)
		})
	}
}

func TestSetRateLimit(t *testing.T) {
	srv, c := newTestServer(t, Options{Now: newFakeClock().Now})
	user := srv.AddUser("Ana Lima", "ana@example.com")
	list := identitiesPath(user.ID)
	if h := c.do(http.MethodGet, list, nil).want(t, http.StatusOK).Header.Get("X-Rate-Limit"); h != "" {
		t.Errorf("unlimited fake sends X-Rate-Limit %q", h)
	}
	srv.SetRateLimit(1, time.Minute)
	c.do(http.MethodGet, list, nil).want(t, http.StatusOK)
	limited := c.do(http.MethodGet, list, nil).want(t, http.StatusTooManyRequests)
	wantHeaders(t, limited, map[string]string{"Retry-After": "60"})
	srv.SetRateLimit(0, 0)
	c.do(http.MethodGet, list, nil).want(t, http.StatusOK)
}

func wantHeaders(t *testing.T, resp *testResponse, want map[string]string) {
	t.Helper()
	for k, v := range want {
		if got := resp.Header.Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
}
