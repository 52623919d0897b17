package main

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/tfzendesk/terraform-provider-zendesk/internal/zendesktest"
)

// report prints a Markdown table, one row per phase, as results come in.
type report struct {
	out io.Writer
}

func newReport(out io.Writer) *report {
	fmt.Fprintln(out, "| identities | rate limit | -parallelism | phase | wall | requests | by endpoint | 429s | floor | wall / floor |")
	fmt.Fprintln(out, "|---:|---|---:|---|---:|---:|---|---:|---:|---:|")
	return &report{out: out}
}

func (r *report) add(s scenario, phases []phase) {
	limit := "none"
	if s.limit > 0 {
		limit = fmt.Sprintf("%d / %s", s.limit, s.window)
	}
	for _, p := range phases {
		floor, ratio := "–", "–"
		served := len(p.requests) - throttled(p.requests)
		if s.limit > 0 && served > s.limit {
			// Below one window's worth the limit never binds: no floor.
			f := floorOf(served, s.limit, s.window)
			floor = round(f)
			ratio = fmt.Sprintf("%.2f", p.wall.Seconds()/f.Seconds())
		}
		fmt.Fprintf(r.out, "| %d | %s | %d | %s | %s | %d | %s | %d | %s | %s |\n",
			s.identities, limit, s.parallelism, p.name, round(p.wall), len(p.requests), byEndpoint(p.requests),
			throttled(p.requests), floor, ratio)
	}
}

// floorOf is the least time the rate limit allows for n requests: n at the
// rate of limit per window.
func floorOf(n, limit int, window time.Duration) time.Duration {
	return time.Duration(float64(n) / float64(limit) * float64(window))
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
