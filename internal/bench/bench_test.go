package main

import (
	"testing"
	"time"

	"github.com/tfzendesk/terraform-provider-zendesk/internal/zendesktest"
)

// The figures themselves come from make bench: they depend on the
// machine's speed, so no test asserts them.

func TestInts(t *testing.T) {
	t.Parallel()
	got, err := ints("100, 1000")
	if err != nil || len(got) != 2 || got[0] != 100 || got[1] != 1000 {
		t.Errorf("ints(\"100, 1000\") = %v, %v", got, err)
	}
	if _, err := ints("10,x"); err == nil {
		t.Error("ints accepted a word")
	}
}

func TestParseLimit(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]limit{"0": {}, "400": {perWindow: 400}, "400@0.3": {perWindow: 400, other: 0.3}} {
		if got, err := parseLimit(in); err != nil || got != want {
			t.Errorf("parseLimit(%q) = %+v, %v; want %+v", in, got, err, want)
		}
	}
	for _, in := range []string{"x", "-1", "400@1", "400@0", "0@0.3", "400@x"} {
		if _, err := parseLimit(in); err == nil {
			t.Errorf("parseLimit accepted %q", in)
		}
	}
}

// The floors of the table: the even-rate floor, and what windows
// allow.
func TestFloors(t *testing.T) {
	t.Parallel()
	// 400 a minute less 30%: 280 a minute, 720 beyond the first minute.
	minute := float64(time.Minute)
	shared := time.Duration(720.0 / 280 * minute)
	for _, tc := range []struct {
		n     int
		l     limit
		kind  zendesktest.RateLimiter
		floor time.Duration
		lim   time.Duration
	}{
		{1000, limit{perWindow: 400}, zendesktest.TokenBucket, 90 * time.Second, 90 * time.Second},
		{1000, limit{perWindow: 400}, zendesktest.FixedWindow, 90 * time.Second, 2 * time.Minute},
		{1000, limit{perWindow: 200}, zendesktest.SlidingWindow, 4 * time.Minute, 4 * time.Minute},
		{1000, limit{perWindow: 400, other: 0.3}, zendesktest.FixedWindow, shared, 3 * time.Minute},
		{300, limit{perWindow: 400}, zendesktest.FixedWindow, 0, 0},
	} {
		if got := floorOf(tc.n, tc.l, time.Minute); got != tc.floor {
			t.Errorf("floorOf(%d, %+v) = %s, want %s", tc.n, tc.l, got, tc.floor)
		}
		if got := limiterFloorOf(tc.n, tc.l, tc.kind, time.Minute); got != tc.lim {
			t.Errorf("limiterFloorOf(%d, %+v, %s) = %s, want %s", tc.n, tc.l, tc.kind, got, tc.lim)
		}
	}
}

func TestScenariosRunUnlimitedFirstThenTheSlowest(t *testing.T) {
	t.Parallel()
	p, err := parsePlan("1000", "10", "400,0,200", "fixed,bucket")
	if err != nil {
		t.Fatal(err)
	}
	p.window, p.load = time.Minute, 4
	var got []string
	for _, s := range p.scenarios() {
		got = append(got, s.limitText()+" "+s.limiter.String())
	}
	want := []string{"none fixed", "200 / 1m0s fixed", "200 / 1m0s bucket", "400 / 1m0s fixed", "400 / 1m0s bucket"}
	if len(got) != len(want) {
		t.Fatalf("scenarios = %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("scenarios = %q, want %q", got, want)
		}
	}
}
