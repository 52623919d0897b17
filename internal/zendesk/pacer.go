package zendesk

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

const (
	// DefaultRatePeriod is what Zendesk's X-Rate-Limit counts: requests a
	// minute.
	DefaultRatePeriod = time.Minute
	// DefaultMaxRateLimitWait bounds how long one run waits for the rate
	// limit in all, unless Config says otherwise.
	DefaultMaxRateLimitWait = 30 * time.Minute
	// assumedLimit is the limit a minute the pacer assumes until Zendesk
	// names one: the lowest plan's.
	assumedLimit = 200
	// reserveShare is the share of the limit below which what is left of
	// the budget is spread out at the rate the limit allows, instead of
	// being spent at once; minReserve is its least size.
	reserveShare = 0.05
	minReserve   = 2
	// The spreading rate adapts to the 429s that still come (AIMD): each
	// halves it, down to minPace of the limit, and every period without
	// one gives back paceRecovery of the limit, up to all of it.
	paceDecrease = 0.5
	minPace      = 1.0 / 16
	paceRecovery = 0.25
	// spreadBurst is how many spread requests may go back to back when
	// they come late.
	spreadBurst = 2
	// pauseWithoutRetryAfter is how long a 429 that does not say how long
	// to wait holds the requests back.
	pauseWithoutRetryAfter = time.Second
)

// pacer spends the account's rate limit across every concurrent request of
// the client, whatever way Zendesk counts it: fixed windows, a sliding
// window or a continuously refilled bucket, shared with other integrations.
//
// Every answer says the limit a minute (X-Rate-Limit) and what is left
// (X-Rate-Limit-Remaining); list answers may say when the window turns
// (ratelimit-reset). While plenty is left, requests go at once, each
// lowering the pacer's count. Once what is left falls to a small reserve,
// requests are spread out at the rate the limit allows, through a token
// bucket (golang.org/x/time/rate), so that a budget that refills as it is
// spent is never overrun. When the budget is spent, one request at a time
// goes to find out whether it has come back, unless the reset is known; when
// that request is refused again, room is taken as fast as it comes back
// (a sliding window that other integrations keep full), and the next one
// waits until one of the run's own requests of the last period leaves it.
// A 429, or a 503 with Retry-After, holds every request for as long as it
// asks, and a 429 halves the spreading rate, which then recovers slowly
// while none come: when other traffic spends the same budget, the rate
// settles at what is left for this run. After a wait, requests are
// released one by one at that rate, never all at once.
//
// Until an answer has said anything, one request goes alone.
//
// The time requests spend held back (counted once however many wait) is
// bounded by maxWait over the pacer's life, one Terraform run: a request
// that would wait past it fails with a RateLimitWaitError.
type pacer struct {
	clock Clock
	// scale turns a wait Zendesk asks for into the wait taken (tests
	// shrink them).
	scale func(time.Duration) time.Duration
	// period is what X-Rate-Limit counts.
	period  time.Duration
	maxWait time.Duration

	mu sync.Mutex
	// limit is X-Rate-Limit; 0 until an answer says it.
	limit int
	// known is false until an answer tells what is left; unlimited is set
	// when answers carry no rate-limit headers at all.
	known, unlimited bool
	// remaining is what is left of the budget by the pacer's count: what
	// an answer said, less the requests under way.
	remaining int
	// inFlight counts the requests sent and not answered yet.
	inFlight int
	// resetAt is when the spent budget comes back, when an answer said so.
	resetAt time.Time
	// pauseUntil holds every request back after a 429 or 503.
	pauseUntil time.Time
	// probing is set while the one request that finds out what is left is
	// under way.
	probing bool
	// sent numbers the requests. newAfter is the number of the last one
	// sent before the answer that last set remaining: an answer to a
	// request sent later was counted by Zendesk after that one, while an
	// answer to one sent before may be older, and may only lower the count.
	sent, newAfter uint64
	// pace is the share of the limit that spread requests use, as of
	// paceAt; epoch counts its decreases, so that the 429s of requests sent
	// before one decrease do not cause another.
	pace   float64
	paceAt time.Time
	epoch  uint64
	spread *rate.Limiter
	// holding counts the requests held back now, since holdingSince; held
	// is the time some were held back before that.
	holding      int
	holdingSince time.Time
	held         time.Duration
	// counted holds when the answers to the requests Zendesk counted in
	// the last period came, oldest first: a window that slides frees room
	// as they leave it (see refusedAgain).
	counted []time.Time
	// refused is set by a 429, and cleared when a request sent after it
	// (later than refusedAfter) is let through.
	refused      bool
	refusedAfter uint64
	// lastStatus and lastRetryAfter describe the last rate-limited answer.
	lastStatus     int
	lastRetryAfter time.Duration
	// changed is closed and replaced whenever waiting requests should look
	// again.
	changed chan struct{}
}

// pacerConfig is what a pacer is made of; zero values take the defaults.
type pacerConfig struct {
	clock   Clock
	scale   func(time.Duration) time.Duration
	period  time.Duration
	maxWait time.Duration
}

func newPacer(cfg pacerConfig) *pacer {
	p := &pacer{
		clock:   cfg.clock,
		scale:   cfg.scale,
		period:  orDefault(cfg.period, DefaultRatePeriod),
		maxWait: max(cfg.maxWait, 0),
		pace:    1,
		changed: make(chan struct{}),
	}
	if p.clock == nil {
		p.clock = systemClock{}
	}
	if p.scale == nil {
		p.scale = func(d time.Duration) time.Duration { return d }
	}
	// A few tokens of burst make up for requests that wake late, and stay
	// well within the reserve.
	p.spread = rate.NewLimiter(p.spreadRate(p.clock.Now()), spreadBurst)
	return p
}

// ticket is what wait says of a request, for observe.
type ticket struct {
	seq, epoch uint64
	// probe is set on the request that finds out what is left.
	probe bool
}

// wait blocks until the request may be sent, ctx is done, or the run has
// waited for the rate limit as long as it may.
func (p *pacer) wait(ctx context.Context) (ticket, error) {
	return p.waitFor(ctx, p.admit)
}

// waitOut holds a request that the pacer does not pace until retryAt, the
// end of the Retry-After it was answered with: the token exchange, which
// the API's rate limit does not count. Its wait is bounded like any other
// request's, and counts against the same limit on the run's time spent
// waiting.
func (p *pacer) waitOut(ctx context.Context, retryAt time.Time) error {
	_, err := p.waitFor(ctx, func(now time.Time) (ticket, time.Time, bool, bool) {
		if now.Before(retryAt) {
			return ticket{}, retryAt, true, false
		}
		return ticket{}, time.Time{}, false, true
	})
	return err
}

// waitFor blocks until admit lets the request go, ctx is done, or the run
// has waited for the rate limit as long as it may. admit runs with p.mu
// held (see pacer.admit).
func (p *pacer) waitFor(ctx context.Context, admit func(now time.Time) (t ticket, until time.Time, limited, ok bool)) (ticket, error) {
	if err := ctx.Err(); err != nil {
		return ticket{}, err
	}
	holding := false
	for {
		p.mu.Lock()
		now := p.clock.Now()
		t, until, limited, ok := admit(now)
		if ok {
			if holding {
				p.release(now)
			}
			p.mu.Unlock()
			return t, nil
		}
		if limited && !holding {
			p.hold(now)
			holding = true
		}
		if holding {
			left := p.maxWait - p.heldAt(now)
			if left <= 0 {
				p.release(now)
				err := p.waitExceeded(now)
				p.mu.Unlock()
				return ticket{}, err
			}
			if until.IsZero() || until.Sub(now) > left {
				until = now.Add(left)
			}
		}
		changed := p.changed
		p.mu.Unlock()
		if err := p.sleep(ctx, now, until, changed); err != nil {
			if holding {
				p.mu.Lock()
				p.release(p.clock.Now())
				p.mu.Unlock()
			}
			return ticket{}, err
		}
	}
}

// admit decides, with p.mu held, whether a request may go now. When it may
// not, until is when to look again (zero: when something changes), and
// limited says whether the rate limit is what holds it back.
func (p *pacer) admit(now time.Time) (t ticket, until time.Time, limited, ok bool) {
	if !p.resetAt.IsZero() && !now.Before(p.resetAt) {
		// The window has turned: the next answer tells what is left.
		p.known, p.resetAt = false, time.Time{}
	}
	switch {
	case now.Before(p.pauseUntil):
		return ticket{}, p.pauseUntil, true, false
	case !p.known || p.remaining <= 0 && !p.unlimited:
		if p.probing {
			return ticket{}, time.Time{}, p.known, false
		}
		if p.known && !p.resetAt.IsZero() {
			return ticket{}, p.resetAt, true, false
		}
		if p.known {
			// Spent, and when it comes back is unknown: find out, at the
			// spreading rate.
			if at, ok := p.takeToken(now); !ok {
				return ticket{}, at, true, false
			}
		}
		p.probing = true
		return p.send(true), time.Time{}, false, true
	case p.unlimited || p.remaining > p.reserve():
		return p.send(false), time.Time{}, false, true
	}
	if at, ok := p.takeToken(now); !ok {
		return ticket{}, at, true, false
	}
	return p.send(false), time.Time{}, false, true
}

// send counts a request that goes.
func (p *pacer) send(probe bool) ticket {
	p.sent++
	p.inFlight++
	p.remaining--
	return ticket{seq: p.sent, epoch: p.epoch, probe: probe}
}

// reserve is how much of the budget is spread out rather than spent at
// once.
func (p *pacer) reserve() int {
	return max(minReserve, int(math.Ceil(float64(p.limitOrAssumed())*reserveShare)))
}

func (p *pacer) limitOrAssumed() int {
	if p.limit > 0 {
		return p.limit
	}
	return assumedLimit
}

// takeToken takes the spreading rate's next token, or says when it comes.
func (p *pacer) takeToken(now time.Time) (time.Time, bool) {
	p.spread.SetLimitAt(now, p.spreadRate(now))
	r := p.spread.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return now.Add(d), false
	}
	return now, true
}

// currentPace is the share of the limit that spread requests use now: the
// pace as of its last decrease, recovered since.
func (p *pacer) currentPace(now time.Time) float64 {
	if p.paceAt.IsZero() {
		return p.pace
	}
	recovered := paceRecovery * now.Sub(p.paceAt).Seconds() / p.period.Seconds()
	return min(1, p.pace+max(recovered, 0))
}

func (p *pacer) spreadRate(now time.Time) rate.Limit {
	return rate.Limit(float64(p.limitOrAssumed()) * p.currentPace(now) / p.period.Seconds())
}

// slowDown halves the spreading rate after a 429, once for all the
// requests that were under way together.
func (p *pacer) slowDown(now time.Time, t ticket) {
	if t.epoch != p.epoch {
		return
	}
	p.pace = max(p.currentPace(now)*paceDecrease, minPace)
	p.paceAt = now
	p.epoch++
}

// observe reads the rate-limit headers of a request's answer (nil when it
// got none).
func (p *pacer) observe(t ticket, resp *http.Response) {
	p.mu.Lock()
	defer p.mu.Unlock()
	defer p.wake()
	p.inFlight--
	if t.probe {
		p.probing = false
	}
	if resp == nil {
		return
	}
	now := p.clock.Now()
	if limit, err := strconv.Atoi(resp.Header.Get("X-Rate-Limit")); err == nil && limit > 0 {
		p.limit = limit
	}
	if wait, ok := rateLimitedWait(resp, now); ok {
		p.lastStatus, p.lastRetryAfter = resp.StatusCode, wait
		until := now.Add(p.scale(wait))
		if resp.StatusCode == http.StatusTooManyRequests {
			if t.probe && p.refused {
				until = p.refusedAgain(until)
			}
			p.refused, p.refusedAfter = true, p.sent
			p.known, p.unlimited, p.remaining = true, false, 0
			p.slowDown(now, t)
		}
		if until.After(p.pauseUntil) {
			p.pauseUntil = until
		}
		return
	}
	// Zendesk counted this request, whatever it answered.
	p.count(now)
	if t.seq > p.refusedAfter {
		p.refused = false
	}
	remaining, err := strconv.Atoi(resp.Header.Get("X-Rate-Limit-Remaining"))
	if err != nil {
		if !p.known {
			// No figures to go by: Zendesk reports no limit.
			p.known, p.unlimited = true, true
		}
		return
	}
	// The requests under way may not be counted in this answer yet:
	// counting them as spent may underrate what is left, never overrate it.
	left := max(remaining-p.inFlight, 0)
	if p.known && !p.unlimited && t.seq <= p.newAfter {
		left = min(left, p.remaining)
	} else {
		p.newAfter = p.sent
	}
	p.known, p.unlimited, p.remaining = true, false, left
	// When the window turns matters once the budget is spent: until then
	// no request goes, and then one finds out what the new window holds.
	reset, err := strconv.Atoi(resp.Header.Get("Ratelimit-Reset"))
	switch {
	case p.remaining > 0:
		p.resetAt = time.Time{}
	case err == nil && reset >= 0:
		p.resetAt = now.Add(p.scale(time.Duration(reset) * time.Second))
	}
}

// count notes that Zendesk counted a request answered now, and forgets
// those answered before the last period.
func (p *pacer) count(now time.Time) {
	p.counted = append(p.counted, now)
	gone := 0
	for gone < len(p.counted) && !p.counted[gone].After(now.Add(-p.period)) {
		gone++
	}
	p.counted = p.counted[gone:]
}

// refusedAgain says when to look again when the request that went to find
// out whether room had come back, after a 429, is refused too: Retry-After
// is the time until room comes back if no other request takes it first,
// and under a window that slides, kept full by other integrations, they
// take it, every time. Room comes back for this run as its own requests
// leave the window, a period after Zendesk counted them: the next probe
// waits for the first of them to leave once the Retry-After is over,
// instead of meeting the limit again every Retry-After. Under a fixed
// window or a refilled bucket Retry-After tells the truth, and a second
// refusal in a row seldom comes; when it does, the wait, shorter than a
// period, loses no budget: a bucket holds a period's refill, and the window
// that turns meanwhile is still open when it ends.
func (p *pacer) refusedAgain(until time.Time) time.Time {
	for _, at := range p.counted {
		if leaves := at.Add(p.period); !leaves.Before(until) {
			return leaves
		}
	}
	return until
}

// rateLimitedWait reports whether an answer says that Zendesk refused the
// request for the rate limit or held it back for a while without
// processing it (a 429, or a 503 with a Retry-After the client waits out),
// and how long it asked to wait.
func rateLimitedWait(resp *http.Response, now time.Time) (time.Duration, bool) {
	wait, ok := parseRetryAfter(resp.Header.Get("Retry-After"), now)
	switch resp.StatusCode {
	case http.StatusTooManyRequests:
		if !ok {
			return pauseWithoutRetryAfter, true
		}
		return wait, wait <= MaxRetryAfter
	case http.StatusServiceUnavailable:
		return wait, ok && wait <= MaxRetryAfter
	}
	return 0, false
}

// hold and release count the requests held back by the rate limit, and
// the time during which any was.
func (p *pacer) hold(now time.Time) {
	if p.holding == 0 {
		p.holdingSince = now
	}
	p.holding++
}

func (p *pacer) release(now time.Time) {
	p.holding--
	if p.holding == 0 {
		p.held += now.Sub(p.holdingSince)
	}
}

// heldAt is the time during which requests were held back, up to now.
func (p *pacer) heldAt(now time.Time) time.Duration {
	if p.holding > 0 {
		return p.held + now.Sub(p.holdingSince)
	}
	return p.held
}

func (p *pacer) waitExceeded(now time.Time) error {
	return &RateLimitWaitError{Waited: p.heldAt(now), Limit: p.maxWait, LastStatus: p.lastStatus, RetryAfter: p.lastRetryAfter}
}

// wake tells the waiting requests to look again; p.mu is held.
func (p *pacer) wake() {
	close(p.changed)
	p.changed = make(chan struct{})
}

// sleep waits until until (no limit when zero), until changed is closed or
// ctx is done.
func (p *pacer) sleep(ctx context.Context, now, until time.Time, changed <-chan struct{}) error {
	var timeout <-chan time.Time
	if !until.IsZero() {
		timer := p.clock.NewTimer(until.Sub(now))
		defer timer.Stop()
		timeout = timer.C()
	}
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-changed:
	case <-timeout:
	}
	return nil
}

// RateLimitWaitError is a request that was not sent because the run had
// waited for Zendesk's rate limit as long as Config.MaxRateLimitWait
// allows. Nothing is in doubt: the request never reached Zendesk.
type RateLimitWaitError struct {
	Method string
	Path   string
	// Waited is how long requests of the run were held back, in all.
	Waited time.Duration
	// Limit is Config.MaxRateLimitWait.
	Limit time.Duration
	// LastStatus and RetryAfter describe the last answer that asked to
	// wait (LastStatus 0 when none did: the budget Zendesk reported was
	// spent).
	LastStatus int
	RetryAfter time.Duration
	// Answer is Zendesk's refusal of this very request, when it had one:
	// the request was not sent again.
	Answer *APIError
}

func (e *RateLimitWaitError) Error() string {
	waited := fmt.Sprintf("requests waited %s in all for Zendesk's rate limit during this run, the most allowed (%s)",
		e.Waited.Round(time.Second), e.Limit)
	switch {
	case e.Answer != nil:
		return fmt.Sprintf("%s; not sent again: %s", e.Answer.Error(), waited)
	case e.Method != "":
		waited = fmt.Sprintf("%s %s: not sent: %s", e.Method, e.Path, waited)
	}
	if e.LastStatus != 0 {
		waited += fmt.Sprintf("; the last answer that asked to wait was HTTP %d %s with Retry-After %s",
			e.LastStatus, http.StatusText(e.LastStatus), e.RetryAfter)
	}
	return waited
}

// Unwrap returns Zendesk's refusal, when there was one.
func (e *RateLimitWaitError) Unwrap() error {
	if e.Answer == nil {
		return nil
	}
	return e.Answer
}
