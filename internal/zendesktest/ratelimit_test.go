package zendesktest

import (
	"net/http"
	"strconv"
	"testing"
	"time"
)

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
