package zendesk

import (
	"context"
	"slices"
	"sync"
	"time"
)

const (
	// defaultBatchWindow is the least time a batch waits for another read
	// to join it. Terraform refreshes up to -parallelism resources at once;
	// a batch goes when every lookup under way waits on it, when it is
	// full, or when no read has joined it for its quiet period: this
	// window, or longer when Terraform's reads come further apart (a busy
	// machine) or many run at once.
	defaultBatchWindow = 50 * time.Millisecond
	// gapMultiple is how many of the recent gaps between reads a batch
	// waits for the next one: a gap several times longer than usual means
	// no read is coming soon. On a loaded machine Terraform's reads come in
	// irregular bursts, and a shorter wait sends batches early (4 gaps: 40
	// to 44 requests for a no-change plan of 334 users at -parallelism 10
	// with 4 busy processes on 2 cores; 8 gaps: 37 to 39, and no slower).
	gapMultiple = 8
	// gapWeight is the weight of the newest gap in the running average.
	gapWeight = 0.25
	// maxQuietPeriod bounds the quiet period however far apart reads come.
	maxQuietPeriod = 2 * time.Second
	// batchWindowsMax bounds how long a batch keeps waiting, in quiet
	// periods as of its first key.
	batchWindowsMax = 10
	// fullHouseMin is the fewest waiting lookups that may send a batch
	// before its window closes (see gauge.busiest).
	fullHouseMin = 8
)

// gauge counts the lookups under way across every batcher of a client, and
// remembers the most that ever were at once: about Terraform's
// -parallelism. When that many lookups wait on a gathering batch, no other
// read can come to join it, so it goes without waiting for its window to
// close. Its clock is the batchers'.
type gauge struct {
	clock Clock

	mu              sync.Mutex
	active, busiest int
}

// newGauge returns a gauge whose batchers go by clock (nil: the system
// clock).
func newGauge(clock Clock) *gauge {
	if clock == nil {
		clock = systemClock{}
	}
	return &gauge{clock: clock}
}

func (g *gauge) now() time.Time { return g.clock.Now() }

func (g *gauge) afterFunc(d time.Duration, f func()) Timer { return g.clock.AfterFunc(d, f) }

// enter counts a lookup under way, and returns its end.
func (g *gauge) enter() (leave func()) {
	g.mu.Lock()
	g.active++
	g.busiest = max(g.busiest, g.active)
	g.mu.Unlock()
	return func() {
		g.mu.Lock()
		g.active--
		g.mu.Unlock()
	}
}

func (g *gauge) peak() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.busiest
}

// batcher gathers the keys that lookups ask for at about the same time and
// loads each gathering with one request. A batch is sent when it holds
// limit keys, when every lookup under way waits on it, when no key has
// joined it for a quiet period, or after batchWindowsMax quiet periods.
// The quiet period follows how fast keys actually come: a few times the
// recent gap between them, so that a machine busy with other work, where
// Terraform sends its reads further apart, gathers as many keys in a batch
// as an idle one. The request is the batch's, not any one lookup's: a
// lookup that gives up does not cancel it for the others.
type batcher[K comparable] struct {
	gauge  *gauge
	window time.Duration
	limit  int
	// load reads the keys (and stores what it read where the lookups will
	// find it); its error is every waiting lookup's.
	load func(ctx context.Context, keys []K) error

	mu sync.Mutex
	// next gathers the keys of the batch that has not been sent yet.
	next *batch[K]
	// loading holds a flight per key whose batch has not answered yet.
	loading map[K]*flight
	// gap is the running average of the gaps between keys; lastKey is when
	// the last one came, and quietClosed says that the batch it joined
	// went for want of another key: the gap to the next one says how long
	// it should have waited.
	gap         time.Duration
	lastKey     time.Time
	quietClosed bool
}

type batch[K comparable] struct {
	ctx      context.Context
	keys     []K
	flights  []*flight
	deadline time.Time
	timer    Timer
	// waiting counts the lookups waiting on the batch.
	waiting int
}

// flight is one load that several lookups wait on.
type flight struct {
	done chan struct{}
	err  error
}

func newBatcher[K comparable](g *gauge, window time.Duration, limit int, load func(context.Context, []K) error) *batcher[K] {
	return &batcher[K]{gauge: g, window: window, limit: limit, load: load, loading: map[K]*flight{}}
}

// get waits until key has been loaded by a batch, and returns the batch's
// error.
func (b *batcher[K]) get(ctx context.Context, key K) error {
	busiest := b.gauge.peak()
	b.mu.Lock()
	f, ok := b.loading[key]
	if !ok {
		f = &flight{done: make(chan struct{})}
		b.loading[key] = f
		now := b.gauge.now()
		b.measure(now)
		quiet := b.quietPeriod(busiest)
		next := b.next
		if next == nil {
			next = &batch[K]{ctx: context.WithoutCancel(ctx), deadline: now.Add(batchWindowsMax * quiet)}
			next.timer = b.gauge.afterFunc(quiet, func() { b.sendNext(next) })
			b.next = next
		} else {
			next.timer.Reset(max(min(quiet, next.deadline.Sub(now)), 0))
		}
		next.keys = append(next.keys, key)
		next.flights = append(next.flights, f)
	}
	if next := b.next; next != nil && (!ok || slices.Contains(next.keys, key)) {
		next.waiting++
		if len(next.keys) == b.limit || next.waiting >= max(busiest, fullHouseMin) {
			b.next = nil
			next.timer.Stop()
			go b.send(next)
		}
	}
	b.mu.Unlock()
	return f.wait(ctx)
}

// measure takes the gap since the last key into the running average when
// it says how fast keys come: between keys of one gathering, or after a
// batch that went for want of another key. A gap that spans a load, when
// every lookup waited on it, says nothing of Terraform's pace. b.mu is
// held.
func (b *batcher[K]) measure(now time.Time) {
	if (b.next != nil || b.quietClosed) && !b.lastKey.IsZero() {
		gap := min(now.Sub(b.lastKey), maxQuietPeriod)
		if b.gap == 0 {
			b.gap = gap
		} else {
			b.gap += time.Duration(gapWeight * float64(gap-b.gap))
		}
	}
	b.lastKey, b.quietClosed = now, false
}

// quietPeriod is how long the gathering batch waits for another key: a
// few times the recent gap between keys, at least one window, and longer
// the more lookups run at once, since then the others keep Terraform busy
// while some wait.
func (b *batcher[K]) quietPeriod(busiest int) time.Duration {
	quiet := max(b.window*time.Duration(max(1, busiest/fullHouseMin)), gapMultiple*b.gap)
	return min(quiet, max(maxQuietPeriod, b.window))
}

// sendNext sends next when its quiet period or its time is up, unless it
// has gone already.
func (b *batcher[K]) sendNext(next *batch[K]) {
	b.mu.Lock()
	if b.next != next {
		b.mu.Unlock()
		return
	}
	b.next = nil
	b.quietClosed = true
	b.mu.Unlock()
	b.send(next)
}

func (b *batcher[K]) send(sent *batch[K]) {
	err := b.load(sent.ctx, sent.keys)
	b.mu.Lock()
	for i, key := range sent.keys {
		delete(b.loading, key)
		sent.flights[i].finish(err)
	}
	b.mu.Unlock()
}

func (f *flight) finish(err error) {
	f.err = err
	close(f.done)
}

func (f *flight) wait(ctx context.Context) error {
	select {
	case <-f.done:
		return f.err
	case <-ctx.Done():
		return ctx.Err()
	}
}
