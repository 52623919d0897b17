package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/tfzendesk/terraform-provider-zendesk/internal/tfrun"
)

// The headline budget, checked on every make test: a no-change plan of
// 1,000 identities spread over users, at Terraform's default parallelism,
// takes at most 120 requests. The same run checks that the plan after an
// apply shows no changes and that destroy leaves nothing behind.
func TestNoChangePlanOfAThousandIdentities(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	provider, cleanup, err := tfrun.BuildProvider(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer cleanup()
	phases, err := measure(ctx, provider, scenario{identities: 1000, parallelism: 10})
	if err != nil {
		t.Fatal(err)
	}
	const budget = 120
	plan := phases[1]
	t.Logf("%s of 1000 identities: %d requests (%s) in %s", plan.name, len(plan.requests), byEndpoint(plan.requests), plan.wall.Round(time.Millisecond))
	if len(plan.requests) > budget {
		t.Errorf("the no-change plan took %d requests, budget %d", len(plan.requests), budget)
	}
	if got := byEndpoint(plan.requests); !strings.HasPrefix(got, "show_many ") || strings.Contains(got, ",") {
		t.Errorf("the plan read with %s, want show_many only", got)
	}
	if apply := phases[0]; len(apply.requests) != 1000 {
		t.Errorf("the apply took %d requests (%s), want one create each", len(apply.requests), byEndpoint(apply.requests))
	}
}

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
