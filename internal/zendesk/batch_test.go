package zendesk

import (
	"context"
	"slices"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// The batcher's tests run in a synctest bubble with a manual clock, so
// which keys share a batch is decided by the test, not by the machine's
// speed: lookups start one by one, synctest.Wait lets each reach its wait,
// and only the test moves the clock.

// loads records the batches a batcher sends.
type loads struct {
	mu      sync.Mutex
	batches [][]int
}

func (l *loads) load(_ context.Context, keys []int) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.batches = append(l.batches, slices.Clone(keys))
	return nil
}

func (l *loads) all() [][]int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.batches)
}

// lookup starts a lookup of key, counted by the gauge as Terraform's
// would be, and returns once it waits or is done.
func lookup(t *testing.T, b *batcher[int], key int) {
	t.Helper()
	go func() {
		defer b.gauge.enter()()
		// Lookups still waiting when the test ends are cancelled.
		if err := b.get(t.Context(), key); err != nil && t.Context().Err() == nil {
			t.Errorf("get(%d): %v", key, err)
		}
	}()
	synctest.Wait()
}

// setParallelism makes the gauge remember n lookups at once, as Terraform
// at -parallelism=n does early in a run.
func setParallelism(g *gauge, n int) {
	leaves := make([]func(), n)
	for i := range leaves {
		leaves[i] = g.enter()
	}
	for _, leave := range leaves {
		leave()
	}
}

func TestBatcher_goesWhenEveryLookupWaitsOnIt(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		g := newGauge(newManualClock())
		setParallelism(g, 10)
		var l loads
		b := newBatcher(g, 50*time.Millisecond, 100, l.load)
		for key := range 10 {
			lookup(t, b, key)
		}
		// The tenth lookup fills the house: no eleventh can come, so the
		// batch goes at once, the clock standing still.
		if got := l.all(); len(got) != 1 || len(got[0]) != 10 {
			t.Fatalf("batches = %v, want one of 10 keys", got)
		}
	})
}

func TestBatcher_goesWhenFull(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		clock := newManualClock()
		g := newGauge(clock)
		setParallelism(g, 50)
		var l loads
		b := newBatcher(g, 50*time.Millisecond, 4, l.load)
		for key := range 10 {
			lookup(t, b, key)
		}
		clock.Advance(time.Second)
		synctest.Wait()
		want := [][]int{{0, 1, 2, 3}, {4, 5, 6, 7}, {8, 9}}
		if got := l.all(); !slices.EqualFunc(got, want, slices.Equal) {
			t.Fatalf("batches = %v, want %v", got, want)
		}
	})
}

func TestBatcher_goesWhenNoKeyJoinsForItsQuietPeriod(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		clock := newManualClock()
		g := newGauge(clock)
		setParallelism(g, 10)
		var l loads
		b := newBatcher(g, 50*time.Millisecond, 100, l.load)
		// Nothing known of the gaps between keys: the batch waits a window.
		lookup(t, b, 1)
		clock.Advance(49 * time.Millisecond)
		synctest.Wait()
		if got := l.all(); len(got) != 0 {
			t.Fatalf("batches = %v before the window ended", got)
		}
		clock.Advance(time.Millisecond)
		synctest.Wait()
		if got := l.all(); !slices.EqualFunc(got, [][]int{{1}}, slices.Equal) {
			t.Fatalf("batches = %v, want [[1]]", got)
		}
		// The next key came 60ms after the first, more than the batch
		// waited: the next batch waits gapMultiple such gaps.
		clock.Advance(10 * time.Millisecond)
		lookup(t, b, 2)
		clock.Advance(gapMultiple*60*time.Millisecond - time.Millisecond)
		synctest.Wait()
		if got := l.all(); len(got) != 1 {
			t.Fatalf("batches = %v before %d gaps had passed", got, gapMultiple)
		}
		clock.Advance(time.Millisecond)
		synctest.Wait()
		if got := l.all(); !slices.EqualFunc(got, [][]int{{1}, {2}}, slices.Equal) {
			t.Fatalf("batches = %v, want [[1] [2]]", got)
		}
	})
}

func TestBatcher_aLookupOfAKeyUnderWayJoinsItsFlight(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		clock := newManualClock()
		g := newGauge(clock)
		setParallelism(g, 10)
		var l loads
		b := newBatcher(g, 50*time.Millisecond, 100, l.load)
		lookup(t, b, 7)
		lookup(t, b, 7)
		clock.Advance(time.Second)
		synctest.Wait()
		if got := l.all(); !slices.EqualFunc(got, [][]int{{7}}, slices.Equal) {
			t.Fatalf("batches = %v, want the key loaded once", got)
		}
	})
}

// batchesFor runs keys that arrive gap apart at -parallelism=10, each
// lookup waiting on its batch, and returns the batches.
func batchesFor(t *testing.T, keys int, gap time.Duration) [][]int {
	t.Helper()
	var got [][]int
	synctest.Test(t, func(t *testing.T) {
		clock := newManualClock()
		g := newGauge(clock)
		setParallelism(g, 10)
		var l loads
		b := newBatcher(g, 50*time.Millisecond, 100, l.load)
		for key := range keys {
			lookup(t, b, key)
			clock.Advance(gap)
			synctest.Wait()
		}
		clock.Advance(time.Minute)
		synctest.Wait()
		got = l.all()
	})
	return got
}

// Terraform sends reads further apart on a busy machine: the batch waits
// in proportion, so a refresh costs about the same number of requests on a
// busy machine as on an idle one: one per ten reads at -parallelism=10.
func TestBatcher_theQuietPeriodFollowsHowFastKeysCome(t *testing.T) {
	const keys = 200
	idle := batchesFor(t, keys, 5*time.Millisecond)
	// Forty times further apart, and four times the least quiet period: a
	// batcher with a fixed window would send each key alone.
	busy := batchesFor(t, keys, 200*time.Millisecond)
	t.Logf("batches of %d keys: %d arriving 5ms apart, %d arriving 200ms apart", keys, len(idle), len(busy))
	for _, batches := range [][][]int{idle, busy} {
		n := 0
		for _, batch := range batches {
			n += len(batch)
		}
		if n != keys {
			t.Fatalf("%d keys loaded, want %d", n, keys)
		}
	}
	if len(idle) != keys/10 {
		t.Errorf("%d batches when keys come 5ms apart, want %d", len(idle), keys/10)
	}
	// The first key goes alone, before any gap is known.
	if len(busy) > keys/10+1 {
		t.Errorf("%d batches when keys come 200ms apart, %d when 5ms apart: the quiet period did not follow the gaps", len(busy), len(idle))
	}
}

// A pause between two runs of reads ends a batch, and is taken into the
// running average only up to a bound, so the next batch does not wait for
// ever.
func TestBatcher_theQuietPeriodIsBounded(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		clock := newManualClock()
		g := newGauge(clock)
		setParallelism(g, 10)
		var l loads
		b := newBatcher(g, 50*time.Millisecond, 100, l.load)
		for key := range 5 {
			lookup(t, b, key)
			clock.Advance(time.Hour)
			synctest.Wait()
		}
		b.mu.Lock()
		quiet := b.quietPeriod(10)
		b.mu.Unlock()
		if quiet != maxQuietPeriod {
			t.Errorf("quiet period after hour-long gaps = %s, want the bound %s", quiet, maxQuietPeriod)
		}
		if n := len(l.all()); n != 5 {
			t.Errorf("%d batches for 5 keys an hour apart, want 5", n)
		}
	})
}
