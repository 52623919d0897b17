// Command bench measures what the provider spends: it builds the provider,
// starts the fake Zendesk in-process, and runs terraform apply, a no-change
// plan and destroy over N identities spread over users (1 to 5 each), with
// and without a rate limit, at several -parallelism values. For every phase
// it prints the wall time, the requests by endpoint, the 429s received and,
// under a rate limit, the ratio of the wall time to the floor the limit
// allows.
//
//	go run ./internal/bench -n 100,1000 -parallelism 10,50 -limit 0,700 -window 1m
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
)

func main() {
	var (
		sizes       = flag.String("n", "100,1000", "identity counts, comma separated")
		parallelism = flag.String("parallelism", "10,50", "terraform -parallelism values, comma separated")
		limits      = flag.String("limit", "0,700", "requests per window allowed by the fake, comma separated (0 = unlimited)")
		window      = flag.Duration("window", time.Minute, "the fake's rate-limit window (Zendesk's is a minute; shorter ones keep a run short)")
		latency     = flag.Duration("latency", 0, "latency the fake adds to every request")
	)
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	plan := benchPlan{window: *window, latency: *latency}
	var err error
	if plan.sizes, err = ints(*sizes); err == nil {
		if plan.parallelism, err = ints(*parallelism); err == nil {
			plan.limits, err = ints(*limits)
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(2)
	}
	if err := run(ctx, plan, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// benchPlan is every combination to measure.
type benchPlan struct {
	sizes, parallelism, limits []int
	window, latency            time.Duration
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
