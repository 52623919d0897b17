package main

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/tfzendesk/terraform-provider-zendesk/internal/zendesktest"
)

// report prints a Markdown table, one row per phase, as results come in.
type report struct {
	mu  sync.Mutex
	out io.Writer
}

func newReport(out io.Writer) *report {
	fmt.Fprintln(out, "| identities | -parallelism | rate limit | limiter | phase | wall | span | requests | by endpoint | 429s | floor | wall / floor | span / floor | limiter's floor | span / limiter's floor |")
	fmt.Fprintln(out, "|---:|---:|---|---|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|")
	return &report{out: out}
}

func (s scenario) limitText() string {
	if s.limit.perWindow == 0 {
		return "none"
	}
	text := fmt.Sprintf("%d / %s", s.limit.perWindow, s.window)
	if s.limit.other > 0 {
		text += fmt.Sprintf(", %.0f%% taken by other traffic", 100*s.limit.other)
	}
	return text
}

func (r *report) add(s scenario, phases []phase) {
	r.mu.Lock()
	defer r.mu.Unlock()
	limiter := "–"
	if s.limit.perWindow > 0 {
		limiter = s.limiter.String()
	}
	for _, p := range phases {
		floor, ratio, sratio, lfloor, lratio := "–", "–", "–", "–", "–"
		served := len(p.requests) - throttled(p.requests)
		span := p.span()
		if f := floorOf(served, s.limit, s.window); f > 0 {
			floor = round(f)
			ratio, sratio = fmt.Sprintf("%.2f", p.wall.Seconds()/f.Seconds()), fmt.Sprintf("%.2f", span.Seconds()/f.Seconds())
		}
		if f := limiterFloorOf(served, s.limit, s.limiter, s.window); f > 0 {
			lfloor, lratio = round(f), fmt.Sprintf("%.2f", span.Seconds()/f.Seconds())
		}
		share := "0"
		if n := throttled(p.requests); n > 0 {
			share = fmt.Sprintf("%d (%.1f%%)", n, 100*float64(n)/float64(len(p.requests)))
		}
		fmt.Fprintf(r.out, "| %d | %d | %s | %s | %s | %s | %s | %d | %s | %s | %s | %s | %s | %s | %s |\n",
			s.identities, s.parallelism, s.limitText(), limiter, p.name, round(p.wall), round(span), len(p.requests), byEndpoint(p.requests),
			share, floor, ratio, sratio, lfloor, lratio)
	}
}

// span is the time from the phase's first request to its last: the wall
// time less Terraform's own start and end, which no pacing changes.
func (p phase) span() time.Duration {
	if len(p.requests) == 0 {
		return 0
	}
	return p.requests[len(p.requests)-1].Time.Sub(p.requests[0].Time)
}

// budget is what the limit leaves the provider in a window.
func (l limit) budget() float64 { return float64(l.perWindow) * (1 - l.other) }

// floorOf is the least time a rate of the provider's budget a window
// allows for n requests, once the first window's budget is spent at once:
// (n - budget) / rate. Zero when the first window's budget suffices.
func floorOf(n int, l limit, window time.Duration) time.Duration {
	if l.perWindow == 0 || float64(n) <= l.budget() {
		return 0
	}
	return time.Duration((float64(n) - l.budget()) / l.budget() * float64(window))
}

// limiterFloorOf is the least time the limiter itself allows. A refilled
// bucket allows floorOf. Windows, fixed or sliding, serve a window's worth
// at a time: the requests beyond the first window's wait whole windows,
// so 1,000 requests at 400 a window need two windows after the first, not
// one and a half. Other traffic comes after the provider's first requests
// and so takes its share from the second window on.
func limiterFloorOf(n int, l limit, kind zendesktest.RateLimiter, window time.Duration) time.Duration {
	if l.perWindow == 0 || n <= l.perWindow {
		return 0
	}
	if kind == zendesktest.TokenBucket {
		return floorOf(n, l, window)
	}
	windows := math.Ceil((float64(n) - float64(l.perWindow)) / l.budget())
	return time.Duration(windows) * window
}

func byEndpoint(requests []zendesktest.Request) string {
	counts := map[string]int{}
	for _, r := range requests {
		counts[string(r.Route)]++
	}
	names := make([]string, 0, len(counts))
	for name := range counts {
		names = append(names, name)
	}
	sort.Strings(names)
	parts := make([]string, len(names))
	for i, name := range names {
		parts[i] = fmt.Sprintf("%s %d", name, counts[name])
	}
	return strings.Join(parts, ", ")
}

func round(d time.Duration) string {
	return d.Round(10 * time.Millisecond).String()
}
