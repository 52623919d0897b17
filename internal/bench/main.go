// Command bench measures what the provider spends: it builds the provider,
// starts the fake Zendesk in-process, and runs terraform apply, a no-change
// plan and destroy over N identities spread over users (1 to 5 each), with
// and without a rate limit, under each way of counting it (fixed windows, a
// refilled bucket, a sliding window), with and without other traffic
// spending a share of it. For every phase it prints the wall time, the
// requests by endpoint, the 429s received and, under a rate limit, the
// ratio of the wall time to the least the limit allows.
//
// Scenarios without a limit run first, one at a time, and plan twice: on
// the machine as it is, and with -load busy processes running. Rate-limited
// scenarios wait for the limit most of the time, so -concurrency of them
// run at once.
//
//	go run ./internal/bench -n 1000 -limit 0,400,200,400@0.3 -limiter fixed,bucket,sliding -load 4
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"time"

	"github.com/tfzendesk/terraform-provider-zendesk/internal/zendesktest"
)

func main() {
	if os.Getenv(busyEnv) != "" {
		spin()
	}
	var (
		sizes       = flag.String("n", "1000", "identity counts, comma separated")
		parallelism = flag.String("parallelism", "10", "terraform -parallelism values, comma separated")
		limits      = flag.String("limit", "0,400,200,400@0.3", "rate limits, comma separated: requests per window (0 = unlimited), "+
			"@SHARE for the share other traffic spends")
		limiters    = flag.String("limiter", "fixed,bucket,sliding", "ways the fake counts a limit, comma separated: fixed, bucket, sliding")
		window      = flag.Duration("window", time.Minute, "the fake's rate-limit window (Zendesk's is a minute)")
		latency     = flag.Duration("latency", 0, "latency the fake adds to every request")
		load        = flag.Int("load", 4, "busy processes that load the machine during a second no-change plan of unlimited scenarios (0: none)")
		concurrency = flag.Int("concurrency", 3, "rate-limited scenarios run at once")
	)
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	plan, err := parsePlan(*sizes, *parallelism, *limits, *limiters)
	if err == nil && *concurrency < 1 {
		err = fmt.Errorf("-concurrency must be at least 1")
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(2)
	}
	plan.window, plan.latency, plan.load, plan.concurrency = *window, *latency, *load, *concurrency
	if err := run(ctx, plan, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// benchPlan is every combination to measure.
type benchPlan struct {
	sizes, parallelism []int
	limits             []limit
	limiters           []zendesktest.RateLimiter
	window, latency    time.Duration
	load, concurrency  int
}

// limit is a rate limit and the share of it other traffic spends.
type limit struct {
	perWindow int
	other     float64
}

func parsePlan(sizes, parallelism, limits, limiters string) (benchPlan, error) {
	var p benchPlan
	var err error
	if p.sizes, err = ints(sizes); err != nil {
		return p, err
	}
	if p.parallelism, err = ints(parallelism); err != nil {
		return p, err
	}
	for _, f := range strings.Split(limits, ",") {
		l, err := parseLimit(strings.TrimSpace(f))
		if err != nil {
			return p, err
		}
		p.limits = append(p.limits, l)
	}
	for _, f := range strings.Split(limiters, ",") {
		k, err := zendesktest.ParseRateLimiter(strings.TrimSpace(f))
		if err != nil {
			return p, err
		}
		p.limiters = append(p.limiters, k)
	}
	return p, nil
}

// parseLimit reads "400" or "400@0.3".
func parseLimit(s string) (limit, error) {
	rate, share, shared := strings.Cut(s, "@")
	var l limit
	var err error
	if l.perWindow, err = strconv.Atoi(rate); err != nil || l.perWindow < 0 {
		return l, fmt.Errorf("limit %q: want requests per window, then @SHARE for other traffic, such as 400@0.3", s)
	}
	if shared {
		if l.other, err = strconv.ParseFloat(share, 64); err != nil || l.other <= 0 || l.other >= 1 || l.perWindow == 0 {
			return l, fmt.Errorf("limit %q: other traffic's share must be above 0 and below 1, of a limit", s)
		}
	}
	return l, nil
}

func ints(list string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(list, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 0 {
			return nil, fmt.Errorf("%q is not a list of whole numbers", list)
		}
		out = append(out, n)
	}
	return out, nil
}
