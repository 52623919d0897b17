package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"sort"
	"sync"
	"time"

	"github.com/tfzendesk/terraform-provider-zendesk/internal/tfrun"
	"github.com/tfzendesk/terraform-provider-zendesk/internal/zendesktest"
)

// scenario is one measured combination.
type scenario struct {
	identities, parallelism int
	limit                   limit
	limiter                 zendesktest.RateLimiter
	window, latency         time.Duration
	// load is how many busy processes run during a second no-change plan
	// (0: no second plan).
	load int
}

// phase is what one terraform command cost.
type phase struct {
	name     string
	wall     time.Duration
	requests []zendesktest.Request
}

// scenarios lists the plan's combinations: unlimited ones first, then the
// rate-limited ones, the slowest first.
func (p benchPlan) scenarios() []scenario {
	var out []scenario
	for _, n := range p.sizes {
		for _, par := range p.parallelism {
			for _, l := range p.limits {
				s := scenario{identities: n, parallelism: par, limit: l, window: p.window, latency: p.latency}
				if l.perWindow == 0 {
					s.load = p.load
					out = append(out, s)
					continue
				}
				for _, k := range p.limiters {
					s.limiter = k
					out = append(out, s)
				}
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].expected() > out[j].expected() })
	sort.SliceStable(out, func(i, j int) bool { return out[i].limit.perWindow == 0 && out[j].limit.perWindow != 0 })
	return out
}

// expected is roughly how long the scenario's limit makes it last.
func (s scenario) expected() time.Duration {
	if s.limit.perWindow == 0 {
		return 0
	}
	return floorOf(2*s.identities, s.limit, s.window)
}

// run builds the provider once and measures every scenario: those without
// a limit one at a time, so that their plans run on the machine as it is;
// the rate-limited ones, which mostly wait, plan.concurrency at once.
func run(ctx context.Context, plan benchPlan, out io.Writer) error {
	provider, cleanup, err := tfrun.BuildProvider(ctx)
	if err != nil {
		return err
	}
	defer cleanup()
	report := newReport(out)
	var limited []scenario
	for _, s := range plan.scenarios() {
		if s.limit.perWindow != 0 {
			limited = append(limited, s)
			continue
		}
		phases, err := measure(ctx, provider, s)
		if err != nil {
			return fmt.Errorf("%s: %w", s, err)
		}
		report.add(s, phases)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
		next     = make(chan scenario)
	)
	for range plan.concurrency {
		wg.Go(func() {
			for s := range next {
				phases, err := measure(ctx, provider, s)
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = fmt.Errorf("%s: %w", s, err)
					cancel()
				}
				if err == nil {
					report.add(s, phases)
				}
				mu.Unlock()
			}
		})
	}
	for _, s := range limited {
		select {
		case next <- s:
		case <-ctx.Done():
		}
	}
	close(next)
	wg.Wait()
	return firstErr
}

func (s scenario) String() string {
	return fmt.Sprintf("%d identities, -parallelism=%d, %s", s.identities, s.parallelism, s.limitText())
}

// measure applies, plans and destroys the scenario's identities against a
// fresh fake.
func measure(ctx context.Context, provider string, s scenario) ([]phase, error) {
	fake, err := zendesktest.New(zendesktest.Options{
		RateLimit: s.limit.perWindow, RateLimitWindow: s.window, RateLimiter: s.limiter, OtherTraffic: s.limit.other,
	})
	if err != nil {
		return nil, err
	}
	defer fake.Close()
	if s.latency > 0 {
		fake.AddFault(zendesktest.Fault{Kind: zendesktest.FaultLatency, Delay: s.latency})
	}
	ws, err := workspace(provider, fake.URL(), seed(fake, s.identities))
	if err != nil {
		return nil, err
	}
	defer ws.Remove()

	type step struct {
		name string
		args []string
		// exit codes that mean success: plan -detailed-exitcode says 0 for
		// no changes, and anything else is a finding.
		ok   int
		load int
	}
	steps := []step{
		{"apply", []string{"apply", "-auto-approve"}, 0, 0},
		{"plan (no change)", []string{"plan", "-detailed-exitcode"}, 0, 0},
	}
	if s.load > 0 {
		steps = append(steps, step{fmt.Sprintf("plan (no change), %d busy processes", s.load), []string{"plan", "-detailed-exitcode"}, 0, s.load})
	}
	steps = append(steps, step{"destroy", []string{"destroy", "-auto-approve"}, 0, 0})

	var phases []phase
	for _, st := range steps {
		// Each phase starts with a fresh window (a full bucket), as if it
		// ran alone: the budget a previous phase left over would otherwise
		// decide its time.
		fake.SetRateLimit(s.limit.perWindow, s.window)
		fake.ResetRequests()
		stopLoad := func() {}
		if st.load > 0 {
			if stopLoad, err = startLoad(st.load); err != nil {
				return nil, err
			}
		}
		args := append(st.args, "-input=false", "-no-color", fmt.Sprintf("-parallelism=%d", s.parallelism))
		start := time.Now()
		err := ws.Run(ctx, st.ok, args...)
		wall := time.Since(start)
		stopLoad()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", st.name, err)
		}
		phases = append(phases, phase{name: st.name, wall: wall, requests: fake.Requests()})
	}
	if left := len(fake.AllIdentities()); left != 0 {
		return nil, fmt.Errorf("destroy left %d identities in the fake", left)
	}
	return phases, nil
}

// seed adds users with 1 to 5 identities each, n in all, and returns the
// identities to declare.
func seed(fake *zendesktest.Server, n int) []declared {
	var out []declared
	for u := 0; len(out) < n; u++ {
		user := fake.AddUser(fmt.Sprintf("User %d", u), "")
		for i := range 1 + (u*7)%5 {
			if len(out) == n {
				break
			}
			d := declared{key: fmt.Sprintf("u%d-%d", user.ID, i), userID: user.ID, typ: "email", value: fmt.Sprintf("user%d.%d@example.org", user.ID, i)}
			if i == 2 {
				d.typ, d.value = "phone_number", fmt.Sprintf("+1555%03d%04d", u%1000, i)
			}
			out = append(out, d)
		}
	}
	return out
}

// throttled counts the answers that were 429.
func throttled(requests []zendesktest.Request) int {
	n := 0
	for _, r := range requests {
		if r.Status == http.StatusTooManyRequests {
			n++
		}
	}
	return n
}
