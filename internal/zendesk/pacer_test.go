package zendesk

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/tfzendesk/terraform-provider-zendesk/internal/zendesktest"
)

// The pacer's tests run in a synctest bubble with a manual clock: each
// request waits in its own goroutine, synctest.Wait returns once every
// goroutine is blocked, and only the test moves the clock.

// answer builds a response carrying rate-limit headers.
func answer(status int, headers ...string) *http.Response {
	h := http.Header{}
	for i := 0; i+1 < len(headers); i += 2 {
		h.Set(headers[i], headers[i+1])
	}
	return &http.Response{StatusCode: status, Header: h}
}

// pending is a request waiting in the pacer.
type pending struct {
	done   chan struct{}
	ticket ticket
	err    error
}

// request starts a request's wait, and returns it once it is blocked or
// through. Tests pass t.Context(), which ends the waits left when they end.
func request(p *pacer, ctx context.Context) *pending {
	r := &pending{done: make(chan struct{})}
	go func() {
		r.ticket, r.err = p.wait(ctx)
		close(r.done)
	}()
	synctest.Wait()
	return r
}

// gone reports whether the request was let through (or failed).
func (r *pending) gone() bool {
	select {
	case <-r.done:
		return true
	default:
		return false
	}
}

// mustGo starts a request and fails the test unless it goes at once.
func mustGo(t *testing.T, p *pacer) ticket {
	t.Helper()
	r := request(p, t.Context())
	if !r.gone() {
		t.Fatal("a request waited although the pacer should let it go")
	}
	if r.err != nil {
		t.Fatal(r.err)
	}
	return r.ticket
}

// countGone counts the requests let through, and fails on an error.
func countGone(t *testing.T, rs []*pending) int {
	t.Helper()
	n := 0
	for _, r := range rs {
		if r.gone() {
			if r.err != nil {
				t.Fatalf("wait: %v", r.err)
			}
			n++
		}
	}
	return n
}

func testPacer(clock *manualClock, maxWait time.Duration) *pacer {
	return newPacer(pacerConfig{clock: clock, maxWait: maxWait})
}

func TestPacer_oneRequestAloneUntilTheFirstAnswer(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := testPacer(newManualClock(), time.Hour)
		first := mustGo(t, p)
		if !first.probe {
			t.Error("the first request did not go as the probe")
		}
		second := request(p, t.Context())
		if second.gone() {
			t.Fatal("a second request went before anything was known of the limit")
		}
		p.observe(first, answer(200, "X-Rate-Limit", "400", "X-Rate-Limit-Remaining", "399"))
		synctest.Wait()
		if !second.gone() {
			t.Fatal("the second request still waited after the first answer")
		}
	})
}

func TestPacer_spendsAtOnceWhilePlentyIsLeft(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := testPacer(newManualClock(), time.Hour)
		p.observe(mustGo(t, p), answer(200, "X-Rate-Limit", "400", "X-Rate-Limit-Remaining", "300"))
		// The reserve is 5% of 400: 280 go at once, the clock standing still.
		for range 280 {
			mustGo(t, p)
		}
		// The first requests of the reserve take the spreading bucket's two
		// tokens; the next waits.
		for range spreadBurst {
			if r := request(p, t.Context()); !r.gone() {
				t.Fatal("a request of the reserve waited with a token at hand")
			}
		}
		if r := request(p, t.Context()); r.gone() {
			t.Fatal("the reserve was spent at once")
		}
	})
}

func TestPacer_spreadsTheReserveAtTheLimitsRate(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		clock := newManualClock()
		p := testPacer(clock, time.Hour)
		// 60 a minute is one a second, and 3 left is within the reserve of
		// max(2, 5% of 60) = 3.
		p.observe(mustGo(t, p), answer(200, "X-Rate-Limit", "60", "X-Rate-Limit-Remaining", "3"))
		// The spreading bucket holds two tokens, for requests that wake
		// late; then one a second.
		mustGo(t, p)
		mustGo(t, p)
		waiting := []*pending{request(p, t.Context()), request(p, t.Context())}
		if n := countGone(t, waiting); n != 0 {
			t.Fatalf("%d requests went within the second", n)
		}
		clock.Advance(999 * time.Millisecond)
		synctest.Wait()
		if n := countGone(t, waiting); n != 0 {
			t.Fatalf("%d requests went before a second had passed", n)
		}
		clock.Advance(time.Millisecond)
		synctest.Wait()
		if n := countGone(t, waiting); n != 1 {
			t.Fatalf("%d requests went after a second, want 1", n)
		}
	})
}

func TestPacer_aRetryAfterHoldsEveryRequestThenReleasesThemOneByOne(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		clock := newManualClock()
		p := testPacer(clock, time.Hour)
		p.observe(mustGo(t, p), answer(200, "X-Rate-Limit", "400", "X-Rate-Limit-Remaining", "100"))
		refused := mustGo(t, p)
		p.observe(refused, answer(429, "X-Rate-Limit", "400", "Retry-After", "30"))
		var waiting []*pending
		for range 10 {
			waiting = append(waiting, request(p, t.Context()))
		}
		clock.Advance(29 * time.Second)
		synctest.Wait()
		if n := countGone(t, waiting); n != 0 {
			t.Fatalf("%d requests went during Retry-After", n)
		}
		clock.Advance(time.Second)
		synctest.Wait()
		// One request finds out whether the budget came back; the others
		// wait for its answer instead of meeting the limit together.
		var probe *pending
		for _, r := range waiting {
			if r.gone() {
				if probe != nil {
					t.Fatal("two requests went together after Retry-After")
				}
				probe = r
			}
		}
		if probe == nil || !probe.ticket.probe {
			t.Fatalf("after Retry-After: probe %+v, want one request going as the probe", probe)
		}
		p.observe(probe.ticket, answer(200, "X-Rate-Limit", "400", "X-Rate-Limit-Remaining", "399"))
		synctest.Wait()
		if n := countGone(t, waiting); n != 10 {
			t.Fatalf("%d of 10 requests went after the window came back", n)
		}
	})
}

func TestPacer_a503WithRetryAfterHoldsEveryRequest(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		clock := newManualClock()
		p := testPacer(clock, time.Hour)
		p.observe(mustGo(t, p), answer(503, "Retry-After", "5"))
		r := request(p, t.Context())
		clock.Advance(4 * time.Second)
		synctest.Wait()
		if r.gone() {
			t.Fatal("a request went during a 503's Retry-After")
		}
		clock.Advance(time.Second)
		synctest.Wait()
		if !r.gone() {
			t.Fatal("a request still waited after a 503's Retry-After")
		}
	})
}

func TestPacer_waitsForTheAnnouncedReset(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		clock := newManualClock()
		p := testPacer(clock, time.Hour)
		p.observe(mustGo(t, p), answer(200, "X-Rate-Limit", "400", "X-Rate-Limit-Remaining", "0", "Ratelimit-Reset", "10"))
		waiting := []*pending{request(p, t.Context()), request(p, t.Context())}
		clock.Advance(9 * time.Second)
		synctest.Wait()
		if n := countGone(t, waiting); n != 0 {
			t.Fatalf("%d requests went into a spent window before it reset", n)
		}
		clock.Advance(time.Second)
		synctest.Wait()
		// The window turned: one request finds out what it holds.
		if n := countGone(t, waiting); n != 1 {
			t.Fatalf("%d requests went when the window turned, want the one that finds out", n)
		}
	})
}

// The spreading rate halves on a 429, once for the requests that were
// under way together, and recovers while none come.
func TestPacer_slowsDownOnA429AndRecoversGently(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		clock := newManualClock()
		p := testPacer(clock, time.Hour)
		p.observe(mustGo(t, p), answer(200, "X-Rate-Limit", "400", "X-Rate-Limit-Remaining", "300"))
		a, b := mustGo(t, p), mustGo(t, p)
		p.observe(a, answer(429, "Retry-After", "1"))
		p.observe(b, answer(429, "Retry-After", "1"))
		if got := p.currentPace(clock.Now()); got != 0.5 {
			t.Fatalf("pace after two 429s of requests sent together = %v, want 0.5", got)
		}
		clock.Advance(time.Second)
		// A request sent after the slow-down meets the limit again.
		p.observe(mustGo(t, p), answer(429, "Retry-After", "1"))
		// Halved again, from what a second of recovery made of 0.5.
		if got, want := p.currentPace(clock.Now()), (0.5+paceRecovery/60)*paceDecrease; got != want {
			t.Fatalf("pace after a further 429 = %v, want %v", got, want)
		}
		for range 10 {
			// Each a request sent after the last slow-down.
			p.observe(ticket{seq: p.sent, epoch: p.epoch}, answer(429, "Retry-After", "1"))
		}
		if got := p.currentPace(clock.Now()); got != minPace {
			t.Fatalf("pace after many 429s = %v, want the floor %v", got, minPace)
		}
		// A minute without a 429 gives back a quarter of the limit.
		clock.Advance(time.Minute)
		if got := p.currentPace(clock.Now()); got != minPace+paceRecovery {
			t.Fatalf("pace a minute later = %v, want %v", got, minPace+paceRecovery)
		}
		clock.Advance(10 * time.Minute)
		if got := p.currentPace(clock.Now()); got != 1 {
			t.Fatalf("pace long after = %v, want all of the limit", got)
		}
	})
}

// Under a sliding window that other integrations keep full, a Retry-After
// of a second is true only if nobody else comes first, and they do: the
// probe sent after it is refused again. Room comes back for the run when
// its own requests leave the window, so the next probe waits for the first
// of them to leave, a period after Zendesk counted it, not for another
// Retry-After. A single refusal still waits for its Retry-After alone.
func TestPacer_aProbeRefusedAgainWaitsForTheRunsOwnRequestToLeave(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		clock := newManualClock()
		start := clock.Now()
		p := testPacer(clock, time.Hour)
		// Counted at 0s and 5s: the oldest leaves a minute window at 60s.
		p.observe(mustGo(t, p), answer(200, "X-Rate-Limit", "400", "X-Rate-Limit-Remaining", "300"))
		clock.Advance(5 * time.Second)
		p.observe(mustGo(t, p), answer(200, "X-Rate-Limit", "400", "X-Rate-Limit-Remaining", "200"))
		clock.Advance(5 * time.Second)
		p.observe(mustGo(t, p), answer(429, "X-Rate-Limit", "400", "X-Rate-Limit-Remaining", "0", "Retry-After", "1"))
		waiting := []*pending{request(p, t.Context()), request(p, t.Context())}
		clock.Advance(time.Second)
		synctest.Wait()
		probe := theProbe(t, waiting)
		// Refused again, with another short Retry-After.
		p.observe(probe.ticket, answer(429, "X-Rate-Limit", "400", "X-Rate-Limit-Remaining", "0", "Retry-After", "1"))
		rest := without(waiting, probe)
		clock.Advance(time.Second)
		synctest.Wait()
		if n := countGone(t, rest); n != 0 {
			t.Fatalf("%d requests went %s in, a Retry-After after a second refusal", n, clock.Now().Sub(start))
		}
		clock.Advance(start.Add(time.Minute - time.Millisecond).Sub(clock.Now()))
		synctest.Wait()
		if n := countGone(t, rest); n != 0 {
			t.Fatalf("%d requests went before the run's oldest request left the window", n)
		}
		clock.Advance(time.Millisecond)
		synctest.Wait()
		probe = theProbe(t, rest)
		// Room came back; the next refusal is a first one again, and its
		// Retry-After is waited for, no more.
		p.observe(probe.ticket, answer(200, "X-Rate-Limit", "400", "X-Rate-Limit-Remaining", "10"))
		p.observe(mustGo(t, p), answer(429, "X-Rate-Limit", "400", "X-Rate-Limit-Remaining", "0", "Retry-After", "1"))
		r := request(p, t.Context())
		clock.Advance(time.Second)
		synctest.Wait()
		if !r.gone() {
			t.Fatal("after a single refusal, a request still waited once its Retry-After had passed")
		}
	})
}

// The run's requests that leave the window during the Retry-After do not
// count: others took that room, and the next probe waits for one that
// leaves after it.
func TestPacer_aProbeRefusedAgainWaitsPastTheRetryAfter(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		clock := newManualClock()
		start := clock.Now()
		p := testPacer(clock, time.Hour)
		// Counted at 0s and 5s: they leave a minute window at 60s and 65s.
		p.observe(mustGo(t, p), answer(200, "X-Rate-Limit", "400", "X-Rate-Limit-Remaining", "300"))
		clock.Advance(5 * time.Second)
		p.observe(mustGo(t, p), answer(200, "X-Rate-Limit", "400", "X-Rate-Limit-Remaining", "200"))
		clock.Advance(53 * time.Second)
		p.observe(mustGo(t, p), answer(429, "X-Rate-Limit", "400", "X-Rate-Limit-Remaining", "0", "Retry-After", "1"))
		waiting := []*pending{request(p, t.Context()), request(p, t.Context())}
		clock.Advance(time.Second)
		synctest.Wait()
		probe := theProbe(t, waiting)
		// Refused again at 59s until 62s, after the request of 0s left.
		p.observe(probe.ticket, answer(429, "X-Rate-Limit", "400", "X-Rate-Limit-Remaining", "0", "Retry-After", "3"))
		rest := without(waiting, probe)
		clock.Advance(start.Add(65*time.Second - time.Millisecond).Sub(clock.Now()))
		synctest.Wait()
		if n := countGone(t, rest); n != 0 {
			t.Fatalf("%d requests went before the run's request of 5s left the window", n)
		}
		clock.Advance(time.Millisecond)
		synctest.Wait()
		theProbe(t, rest)
	})
}

// theProbe returns the one request of rs that went, as the probe.
func theProbe(t *testing.T, rs []*pending) *pending {
	t.Helper()
	var probe *pending
	for _, r := range rs {
		if r.gone() {
			if probe != nil {
				t.Fatal("two requests went together to find out whether room came back")
			}
			probe = r
		}
	}
	if probe == nil || probe.err != nil || !probe.ticket.probe {
		t.Fatalf("probe %+v, want one request going to find out whether room came back", probe)
	}
	return probe
}

func without(rs []*pending, r *pending) []*pending {
	var out []*pending
	for _, x := range rs {
		if x != r {
			out = append(out, x)
		}
	}
	return out
}

func TestPacer_lateAnswersCannotRaiseTheCount(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := testPacer(newManualClock(), time.Hour)
		p.observe(mustGo(t, p), answer(200, "X-Rate-Limit-Remaining", "100"))
		a, b, c := mustGo(t, p), mustGo(t, p), mustGo(t, p)
		// Zendesk counted c before a and b, and its answer came first: the
		// two under way may not be counted in it yet.
		p.observe(c, answer(200, "X-Rate-Limit-Remaining", "99"))
		if p.remaining != 97 {
			t.Fatalf("remaining = %d after an answer of 99 with two requests under way, want 97", p.remaining)
		}
		// a and b were sent before c's answer: they may only lower the count.
		p.observe(a, answer(200, "X-Rate-Limit-Remaining", "98"))
		p.observe(b, answer(200, "X-Rate-Limit-Remaining", "99"))
		if p.remaining != 97 {
			t.Fatalf("remaining = %d after older answers of 98 and 99, want 97", p.remaining)
		}
		// A request sent after those answers tells what is left now, more
		// if the budget refilled meanwhile.
		p.observe(mustGo(t, p), answer(200, "X-Rate-Limit-Remaining", "120"))
		if p.remaining != 120 {
			t.Fatalf("remaining = %d after a newer answer of 120, want 120", p.remaining)
		}
	})
}

func TestPacer_withoutRateLimitHeadersRequestsGoFreely(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := testPacer(newManualClock(), time.Hour)
		p.observe(mustGo(t, p), answer(200))
		for range 1000 {
			mustGo(t, p)
		}
	})
}

// The time held back by the rate limit counts once however many requests
// wait, and a request that would wait past the run's limit fails, saying
// what happened.
func TestPacer_theRunsWaitIsBounded(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		clock := newManualClock()
		p := testPacer(clock, 90*time.Second)
		p.observe(mustGo(t, p), answer(429, "X-Rate-Limit", "400", "Retry-After", "60"))
		waiting := []*pending{request(p, t.Context()), request(p, t.Context())}
		clock.Advance(time.Minute)
		synctest.Wait()
		var probe *pending
		for _, r := range waiting {
			if r.gone() {
				probe = r
			}
		}
		if probe == nil {
			t.Fatal("no request went after Retry-After")
		}
		// A minute waited; the probe is refused again, for another minute,
		// but only 30 seconds of waiting are left.
		p.observe(probe.ticket, answer(429, "X-Rate-Limit", "400", "Retry-After", "60"))
		clock.Advance(29 * time.Second)
		synctest.Wait()
		if n := countWaitErrors(waiting); n != 0 {
			t.Fatal("a request failed before the limit on waiting was reached")
		}
		clock.Advance(time.Second)
		synctest.Wait()
		var werr *RateLimitWaitError
		for _, r := range waiting {
			if r != probe && !errors.As(r.err, &werr) {
				t.Fatalf("wait = %v, want a RateLimitWaitError", r.err)
			}
		}
		if werr.Waited != 90*time.Second || werr.Limit != 90*time.Second || werr.LastStatus != 429 || werr.RetryAfter != time.Minute {
			t.Errorf("error = %+v", *werr)
		}
		want := "requests waited 1m30s in all for Zendesk's rate limit during this run, the most allowed (1m30s); " +
			"the last answer that asked to wait was HTTP 429 Too Many Requests with Retry-After 1m0s"
		if werr.Error() != want {
			t.Errorf("Error() = %q, want %q", werr.Error(), want)
		}
		// Later requests that would have to wait fail at once.
		if r := request(p, t.Context()); !r.gone() || !errors.As(r.err, &werr) {
			t.Fatalf("a request after the limit: gone %t, err %v", r.gone(), r.err)
		}
	})
}

func countWaitErrors(rs []*pending) int {
	n := 0
	for _, r := range rs {
		var werr *RateLimitWaitError
		if r.gone() && errors.As(r.err, &werr) {
			n++
		}
	}
	return n
}

func TestPacer_cancellationEndsTheWait(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := testPacer(newManualClock(), time.Hour)
		p.observe(mustGo(t, p), answer(503, "Retry-After", "600"))
		ctx, cancel := context.WithCancel(t.Context())
		r := request(p, ctx)
		if r.gone() {
			t.Fatal("a request went during Retry-After")
		}
		cancel()
		synctest.Wait()
		if !r.gone() || !errors.Is(r.err, context.Canceled) {
			t.Fatalf("after the cancellation: gone %t, err %v", r.gone(), r.err)
		}
		if p.holding != 0 {
			t.Errorf("%d requests still counted as held", p.holding)
		}
	})
}

// Against the fake's rate limit, concurrent requests cost at most one 429
// per window they fill, however fast the machine: the probe that finds the
// budget spent, alone, learns from Retry-After when the window turns. No
// retry is spent on it.
func TestPacer_keepsConcurrentRequestsUnderTheLimit(t *testing.T) {
	t.Parallel()
	const limit, window, requests, workers = 20, time.Second, 50, 10
	fake := zendesktest.NewTest(t, zendesktest.Options{RateLimit: limit, RateLimitWindow: window})
	u := fake.AddUser("Ana", "ana@example.com")
	id := fake.Identities(u.ID)[0]
	c, err := New(Config{URL: fake.URL(), Auth: APIToken(zendesktest.DefaultEmail, zendesktest.DefaultAPIToken), RateLimitPeriod: window})
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

// Against the fake's sliding window with 30% of it spent by other
// integrations, which keep it full, 1,000 requests of ten workers are
// refused fewer than 1% of the time: once the window is full, the probe
// refused again waits for the run's own requests to leave it. The clock is
// synctest's, so the minutes this takes pass at once, and the fake counts
// by it (its handler runs in the bubble).
func TestPacer_aSlidingWindowKeptFullByOthersRefusesFewRequests(t *testing.T) {
	const requests, workers = 1000, 10
	fake := zendesktest.NewTest(t, zendesktest.Options{RateLimit: 400, RateLimiter: zendesktest.SlidingWindow, OtherTraffic: 0.3})
	u := fake.AddUser("Ana", "ana@example.com")
	path := fmt.Sprintf("/api/v2/users/%d/identities/%d", u.ID, fake.Identities(u.ID)[0].ID)
	synctest.Test(t, func(t *testing.T) {
		p := newPacer(pacerConfig{maxWait: time.Hour})
		jobs := make(chan struct{}, requests)
		for range requests {
			jobs <- struct{}{}
		}
		close(jobs)
		var wg sync.WaitGroup
		for w := range workers {
			wg.Go(func() {
				// Terraform's own time between a worker's requests, a
				// little different for each.
				think := time.Duration(50+10*w) * time.Millisecond
				for range jobs {
					time.Sleep(think)
					for {
						tk, err := p.wait(t.Context())
						if err != nil {
							t.Error(err)
							return
						}
						req := httptest.NewRequest(http.MethodGet, path, nil)
						req.SetBasicAuth(zendesktest.DefaultEmail+"/token", zendesktest.DefaultAPIToken)
						rec := httptest.NewRecorder()
						fake.ServeHTTP(rec, req)
						time.Sleep(10 * time.Millisecond)
						p.observe(tk, rec.Result())
						if rec.Code != http.StatusTooManyRequests {
							break
						}
					}
				}
			})
		}
		wg.Wait()
	})
	if n := fake.CountStatus(http.StatusOK); n != requests {
		t.Fatalf("%d answers were 200, want %d", n, requests)
	}
	refused := fake.CountStatus(http.StatusTooManyRequests)
	if total := fake.TotalRequests(); refused*100 >= total {
		t.Errorf("%d of %d requests were answered 429, want fewer than 1%%", refused, total)
	}
	t.Logf("%d requests, %d answered 429, %d of other integrations", fake.TotalRequests(), refused, fake.OtherRequests())
}
