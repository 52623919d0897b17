package zendesk

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/tfzendesk/terraform-provider-zendesk/internal/zendesktest"
)

// answer builds a response carrying rate-limit headers.
func answer(status int, headers ...string) *http.Response {
	h := http.Header{}
	for i := 0; i+1 < len(headers); i += 2 {
		h.Set(headers[i], headers[i+1])
	}
	return &http.Response{StatusCode: status, Header: h}
}

// mustGo lets one request through, and checks whether it is the probe.
func mustGo(t *testing.T, p *pacer, wantProbe bool) {
	t.Helper()
	probe, err := p.wait(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if probe != wantProbe {
		t.Fatalf("request went with probe = %t, want %t", probe, wantProbe)
	}
}

// blocked reports whether wait is still blocked after a short while.
func blocked(t *testing.T, p *pacer) bool {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	probe, err := p.wait(ctx)
	if err == nil {
		p.observe(nil, probe)
		return false
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("wait: %v", err)
	}
	return true
}

func TestPacer_spendsWhatZendeskSaysIsLeft(t *testing.T) {
	p := newPacer(nil)
	// Nothing known yet: requests go.
	mustGo(t, p, false)
	p.observe(answer(200, "X-Rate-Limit", "700", "X-Rate-Limit-Remaining", "2"), false)

	mustGo(t, p, false)
	mustGo(t, p, false)
	// The budget is spent and the reset time unknown: nothing goes while
	// requests are in flight...
	if !blocked(t, p) {
		t.Fatal("a request went into a spent window")
	}
	p.observe(answer(200, "X-Rate-Limit-Remaining", "1"), false)
	p.observe(answer(200, "X-Rate-Limit-Remaining", "0"), false)
	// ...then one request goes alone to find out, and the others wait for
	// its answer.
	mustGo(t, p, true)
	if !blocked(t, p) {
		t.Fatal("a request went while the probe was under way")
	}
	// The probe's answer tells a new window has begun.
	p.observe(answer(200, "X-Rate-Limit-Remaining", "50"), true)
	if blocked(t, p) {
		t.Fatal("a request waited although the probe found budget left")
	}
}

func TestPacer_lateAnswersCannotRaiseTheCount(t *testing.T) {
	p := newPacer(nil)
	mustGo(t, p, false)
	p.observe(answer(200, "X-Rate-Limit-Remaining", "10"), false)
	mustGo(t, p, false)
	mustGo(t, p, false)
	// Answered out of order: the later request's answer first.
	p.observe(answer(200, "X-Rate-Limit-Remaining", "8"), false)
	p.observe(answer(200, "X-Rate-Limit-Remaining", "9"), false)
	if p.remaining != 7 {
		t.Fatalf("remaining = %d after answers of 8 and 9 with one more in flight at the first, want 7", p.remaining)
	}
}

func TestPacer_aRetryAfterHoldsEveryRequest(t *testing.T) {
	p := newPacer(nil)
	clock := time.Now()
	p.now = func() time.Time { return clock }
	mustGo(t, p, false)
	p.observe(answer(429, "Retry-After", "30"), false)
	if !blocked(t, p) {
		t.Fatal("a request went during Retry-After")
	}
	clock = clock.Add(31 * time.Second)
	if blocked(t, p) {
		t.Fatal("a request still waited after Retry-After")
	}
}

func TestPacer_waitsForTheAnnouncedReset(t *testing.T) {
	p := newPacer(nil)
	clock := time.Now()
	p.now = func() time.Time { return clock }
	mustGo(t, p, false)
	p.observe(answer(200, "X-Rate-Limit-Remaining", "0", "Ratelimit-Reset", "10"), false)
	if !blocked(t, p) {
		t.Fatal("a request went into a spent window")
	}
	clock = clock.Add(10 * time.Second)
	if blocked(t, p) {
		t.Fatal("a request waited after the window reset")
	}
}

func TestPacer_cancellationEndsTheWait(t *testing.T) {
	p := newPacer(nil)
	mustGo(t, p, false)
	p.observe(answer(503, "Retry-After", "3600"), false)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := p.wait(ctx)
		done <- err
	}()
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("wait: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("wait ignored the cancellation")
	}
}

// Against the fake's rate limit, a burst of concurrent requests costs at
// most one 429 per window: the probe that learns when the window resets.
func TestPacer_keepsConcurrentRequestsUnderTheLimit(t *testing.T) {
	t.Parallel()
	const limit, window, requests, workers = 20, time.Second, 50, 10
	fake := zendesktest.NewTest(t, zendesktest.Options{RateLimit: limit, RateLimitWindow: window})
	u := fake.AddUser("Ana", "ana@example.com")
	id := fake.Identities(u.ID)[0]
	c, err := New(Config{URL: fake.URL(), Auth: APIToken(zendesktest.DefaultEmail, zendesktest.DefaultAPIToken), MaxRetries: 5})
	if err != nil {
		t.Fatal(err)
	}
	jobs := make(chan int)
	var wg sync.WaitGroup
	errs := make(chan error, requests)
	for range workers {
		wg.Go(func() {
			for range jobs {
				if _, err := c.GetIdentity(context.Background(), u.ID, id.ID); err != nil {
					errs <- err
				}
			}
		})
	}
	for i := range requests {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	windows := (requests + limit - 1) / limit
	if n := fake.CountStatus(http.StatusTooManyRequests); n > windows {
		t.Errorf("%d answers were 429, want at most one per window (%d)", n, windows)
	}
	if n := fake.CountStatus(http.StatusOK); n != requests {
		t.Errorf("%d answers were 200, want %d", n, requests)
	}
	if testing.Verbose() {
		start := fake.Requests()[0].Time
		for _, r := range fake.Requests() {
			t.Logf("%6dms %d", r.Time.Sub(start).Milliseconds(), r.Status)
		}
	}
	t.Logf("%d requests, %d answered 429", fake.TotalRequests(), fake.CountStatus(http.StatusTooManyRequests))
}
