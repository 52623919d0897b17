package zendesk

import (
	"slices"
	"sync"
	"time"
)

// manualClock is a Clock that moves only when a test advances it. Tests
// run it inside a synctest bubble, where synctest.Wait tells when every
// goroutine is blocked, so what happens before and after each step of the
// clock is decided by the test, not by the machine's speed.
type manualClock struct {
	mu     sync.Mutex
	now    time.Time
	timers []*manualTimer
}

func newManualClock() *manualClock {
	return &manualClock{now: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
}

type manualTimer struct {
	clock  *manualClock
	at     time.Time
	ch     chan time.Time
	f      func()
	active bool
}

func (c *manualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *manualClock) NewTimer(d time.Duration) Timer {
	return c.add(d, nil)
}

func (c *manualClock) AfterFunc(d time.Duration, f func()) Timer {
	return c.add(d, f)
}

func (c *manualClock) add(d time.Duration, f func()) *manualTimer {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := &manualTimer{clock: c, f: f}
	if f == nil {
		t.ch = make(chan time.Time, 1)
	}
	c.schedule(t, d)
	return t
}

// schedule arms t to fire d from now; c.mu is held.
func (c *manualClock) schedule(t *manualTimer, d time.Duration) {
	t.at, t.active = c.now.Add(d), true
	if !slices.Contains(c.timers, t) {
		c.timers = append(c.timers, t)
	}
	if d <= 0 {
		c.fire(t)
	}
}

// fire runs a due timer; c.mu is held.
func (c *manualClock) fire(t *manualTimer) {
	t.active = false
	c.timers = slices.DeleteFunc(c.timers, func(o *manualTimer) bool { return o == t })
	if t.f != nil {
		go t.f()
		return
	}
	select {
	case t.ch <- c.now:
	default:
	}
}

// Advance moves the clock by d, firing the timers that fall due on the
// way, in order.
func (c *manualClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	end := c.now.Add(d)
	for {
		var next *manualTimer
		for _, t := range c.timers {
			if !t.at.After(end) && (next == nil || t.at.Before(next.at)) {
				next = t
			}
		}
		if next == nil {
			break
		}
		if next.at.After(c.now) {
			c.now = next.at
		}
		c.fire(next)
	}
	c.now = end
}

func (t *manualTimer) C() <-chan time.Time { return t.ch }

func (t *manualTimer) Stop() bool {
	t.clock.mu.Lock()
	defer t.clock.mu.Unlock()
	was := t.active
	t.active = false
	t.clock.timers = slices.DeleteFunc(t.clock.timers, func(o *manualTimer) bool { return o == t })
	return was
}

func (t *manualTimer) Reset(d time.Duration) bool {
	t.clock.mu.Lock()
	defer t.clock.mu.Unlock()
	was := t.active
	t.clock.schedule(t, d)
	return was
}

// pending counts the timers that have not fired yet.
func (c *manualClock) pending() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.timers)
}
