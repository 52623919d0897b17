package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"time"

	"github.com/tfzendesk/terraform-provider-zendesk/internal/zendesktest"
)

// config is what the flags say.
type config struct {
	addr            string
	rateLimit       int
	rateLimitWindow time.Duration
	rateLimiter     zendesktest.RateLimiter
	otherTraffic    float64
	latency         time.Duration
	users           int
	seed            bool
	verbose         bool
}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("zendesk-fake", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.addr, "addr", "127.0.0.1:0", "listen address")
	fs.IntVar(&c.rateLimit, "rate-limit", 0, "API requests per window (0 = unlimited)")
	fs.DurationVar(&c.rateLimitWindow, "rate-limit-window", time.Minute, "rate-limit window")
	fs.Func("rate-limiter", "how requests are counted: fixed (windows, the default), bucket (refilled continuously) or sliding (window)",
		func(name string) (err error) {
			c.rateLimiter, err = zendesktest.ParseRateLimiter(name)
			return err
		})
	fs.Float64Var(&c.otherTraffic, "other-traffic", 0, "share of the rate limit that other integrations spend, from 0 to 0.99")
	fs.DurationVar(&c.latency, "latency", 0, "delay added to every API request")
	fs.IntVar(&c.users, "users", 0, "extra generated users (User N <userN@example.com>)")
	fs.BoolVar(&c.seed, "seed", true, "seed the default users")
	fs.BoolVar(&c.verbose, "v", false, "log requests to stderr")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	switch {
	case fs.NArg() > 0:
		return c, fmt.Errorf("unexpected arguments: %v", fs.Args())
	case c.rateLimit < 0:
		return c, errors.New("-rate-limit must not be negative")
	case c.rateLimitWindow <= 0:
		return c, errors.New("-rate-limit-window must be positive")
	case c.otherTraffic < 0 || c.otherTraffic >= 1:
		return c, errors.New("-other-traffic must be a share from 0 to below 1")
	case c.latency < 0:
		return c, errors.New("-latency must not be negative")
	case c.users < 0:
		return c, errors.New("-users must not be negative")
	}
	return c, nil
}

// run starts the fake, announces it on stdout and serves until ctx ends.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	opts := zendesktest.Options{
		Addr:            cfg.addr,
		RateLimit:       cfg.rateLimit,
		RateLimitWindow: cfg.rateLimitWindow,
		RateLimiter:     cfg.rateLimiter,
		OtherTraffic:    cfg.otherTraffic,
	}
	if cfg.verbose {
		// log.Logger serializes writes from concurrent requests.
		logger := log.New(stderr, "", log.LstdFlags)
		opts.OnRequest = func(r zendesktest.Request) {
			logger.Printf("%s %s %d", r.Method, r.Path, r.Status)
		}
	}
	srv, err := zendesktest.New(opts)
	if err != nil {
		return err
	}
	// Close is graceful: it waits for requests in flight.
	defer srv.Close()
	if cfg.latency > 0 {
		srv.AddFault(zendesktest.Fault{Kind: zendesktest.FaultLatency, Delay: cfg.latency})
	}
	users, err := seed(srv, cfg.seed, cfg.users)
	if err != nil {
		return err
	}
	if err := announce(stdout, srv.URL(), users); err != nil {
		return err
	}
	<-ctx.Done()
	return nil
}

// announce prints the lines scripts parse, "ready" last and flushed.
func announce(stdout io.Writer, url string, users []zendesktest.User) error {
	w := bufio.NewWriter(stdout)
	fmt.Fprintf(w, "ZENDESK_URL=%s\n", url)
	fmt.Fprintf(w, "ZENDESK_EMAIL=%s\n", zendesktest.DefaultEmail)
	fmt.Fprintf(w, "ZENDESK_API_TOKEN=%s\n", zendesktest.DefaultAPIToken)
	for _, u := range users {
		fmt.Fprintf(w, "user %d %s %s\n", u.ID, u.Email, u.Name)
	}
	fmt.Fprintln(w, "ready")
	return w.Flush()
}
