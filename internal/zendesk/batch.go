package zendesk

import (
	"context"
	"slices"
	"sync"
	"time"
)

const (
	// defaultBatchWindow is how long a batch waits for another read to
	// join it. Terraform refreshes up to -parallelism resources at once, and
	// their reads arrive a few milliseconds apart; a batch goes when no read
	// has joined it for this long, or when it is full.
	defaultBatchWindow = 50 * time.Millisecond
	// batchWindowsMax bounds how long a batch keeps waiting, in windows.
	batchWindowsMax = 10
	// fullHouseMin is the fewest waiting lookups that may send a batch
	// before its window closes (see gauge.busiest).
	fullHouseMin = 8
)

// gauge counts the lookups under way across every batcher of a client, and
// remembers the most that ever were at once: about Terraform's
// -parallelism. When that many lookups wait on a gathering batch, no other
// read can come to join it, so it goes without waiting for its window to
// close.
type gauge struct {
	mu              sync.Mutex
	active, busiest int
}

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
// joined it for a quiet period, or after batchWindowsMax windows. The
// request is the batch's, not any one lookup's: a lookup that gives up does
// not cancel it for the others.
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
}

type batch[K comparable] struct {
	ctx      context.Context
	keys     []K
	flights  []*flight
	deadline time.Time
	timer    *time.Timer
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
		next := b.next
		if next == nil {
			next = &batch[K]{ctx: context.WithoutCancel(ctx), deadline: time.Now().Add(batchWindowsMax * b.window)}
			next.timer = time.AfterFunc(b.quietPeriod(busiest), func() { b.sendNext(next) })
			b.next = next
		} else if quiet := b.quietPeriod(busiest); time.Until(next.deadline) > quiet {
			next.timer.Reset(quiet)
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

// quietPeriod is how long the gathering batch waits for another key: one
// window, and longer the more lookups run at once, since then the others
// keep Terraform busy while some wait.
func (b *batcher[K]) quietPeriod(busiest int) time.Duration {
	return b.window * time.Duration(max(1, busiest/fullHouseMin))
}

// sendNext sends next when its window closes, unless it has gone already.
func (b *batcher[K]) sendNext(next *batch[K]) {
	b.mu.Lock()
	if b.next != next {
		b.mu.Unlock()
		return
	}
	b.next = nil
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
