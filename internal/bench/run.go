package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/tfzendesk/terraform-provider-zendesk/internal/tfrun"
	"github.com/tfzendesk/terraform-provider-zendesk/internal/zendesktest"
)

// scenario is one measured combination.
type scenario struct {
	identities, parallelism, limit int
	window, latency                time.Duration
}

// phase is what one terraform command cost.
type phase struct {
	name     string
	wall     time.Duration
	requests []zendesktest.Request
}

// run builds the provider once and measures every combination of the plan.
func run(ctx context.Context, plan benchPlan, out io.Writer) error {
	provider, cleanup, err := tfrun.BuildProvider(ctx)
	if err != nil {
		return err
	}
	defer cleanup()
	report := newReport(out)
	for _, n := range plan.sizes {
		for _, limit := range plan.limits {
			for _, p := range plan.parallelism {
				s := scenario{identities: n, parallelism: p, limit: limit, window: plan.window, latency: plan.latency}
				phases, err := measure(ctx, provider, s)
				if err != nil {
					return fmt.Errorf("%d identities, -parallelism=%d, limit %d: %w", n, p, limit, err)
				}
				report.add(s, phases)
			}
		}
	}
	return nil
}

// measure applies, plans and destroys the scenario's identities against a
// fresh fake.
func measure(ctx context.Context, provider string, s scenario) ([]phase, error) {
	fake, err := zendesktest.New(zendesktest.Options{RateLimit: s.limit, RateLimitWindow: s.window})
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

	var phases []phase
	for _, step := range []struct {
		name string
		args []string
		// exit codes that mean success: plan -detailed-exitcode says 0 for
		// no changes, and anything else is a finding.
		ok int
	}{
		{"apply", []string{"apply", "-auto-approve"}, 0},
		{"plan (no change)", []string{"plan", "-detailed-exitcode"}, 0},
		{"destroy", []string{"destroy", "-auto-approve"}, 0},
	} {
		// Each phase starts with a fresh window, as if it ran alone: the
		// budget a previous phase left over would otherwise decide its time.
		fake.SetRateLimit(s.limit, s.window)
		fake.ResetRequests()
		args := append(step.args, "-input=false", "-no-color", fmt.Sprintf("-parallelism=%d", s.parallelism))
		start := time.Now()
		if err := ws.Run(ctx, step.ok, args...); err != nil {
			return nil, fmt.Errorf("%s: %w", step.name, err)
		}
		phases = append(phases, phase{name: step.name, wall: time.Since(start), requests: fake.Requests()})
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
