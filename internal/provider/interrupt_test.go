package provider

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tfzendesk/terraform-provider-zendesk/internal/tfrun"
	"github.com/tfzendesk/terraform-provider-zendesk/internal/zendesktest"
)

// Ctrl-C during a long Retry-After wait: Terraform asks the provider to
// stop, and the provider gives up the wait at once instead of sleeping it
// out. This runs the real terraform binary with the provider built from
// this tree, as a user would, and interrupts it.
func TestInterruptDuringRetryAfterReturnsPromptly(t *testing.T) {
	t.Parallel()
	const retryAfter = 300 // seconds: the wait the interrupt must cut short
	createSent := make(chan struct{})
	var once sync.Once
	fake := zendesktest.NewTest(t, zendesktest.Options{OnRequest: func(r zendesktest.Request) {
		if r.Route == zendesktest.RouteCreate {
			once.Do(func() { close(createSent) })
		}
	}})
	ana := fake.AddUser("Ana Lima", "ana@example.com")
	fake.AddFault(zendesktest.Fault{Kind: zendesktest.FaultStatus, Route: zendesktest.RouteCreate, Status: http.StatusServiceUnavailable, RetryAfter: retryAfter})

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	providerDir, cleanup, err := tfrun.BuildProvider(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer cleanup()
	ws, err := tfrun.NewWorkspace(providerDir, map[string]string{
		"ZENDESK_URL":       fake.URL(),
		"ZENDESK_EMAIL":     zendesktest.DefaultEmail,
		"ZENDESK_API_TOKEN": zendesktest.DefaultAPIToken,
	}, map[string][]byte{"main.tf": []byte(identityConfig("work", ana.ID, "email", "ana.work@example.org"))})
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Remove()

	var out bytes.Buffer
	apply := ws.Command(ctx, &out, "apply", "-auto-approve", "-no-color")
	if err := apply.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- apply.Wait() }()

	select {
	case <-createSent:
	case err := <-done:
		t.Fatalf("terraform ended before the create was sent: %v\n%s", err, out.String())
	case <-ctx.Done():
		t.Fatalf("the create was never sent\n%s", out.String())
	}
	interrupted := time.Now()
	if err := apply.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	// A bound against hanging, far below the Retry-After being waited out.
	const bound = 60 * time.Second
	select {
	case err := <-done:
		if err == nil {
			t.Fatalf("the interrupted apply succeeded\n%s", out.String())
		}
	case <-time.After(bound):
		_ = apply.Process.Kill()
		t.Fatalf("terraform still ran %s after the interrupt, waiting out a %ds Retry-After\n%s", bound, retryAfter, out.String())
	}
	t.Logf("terraform returned %s after the interrupt", time.Since(interrupted).Round(time.Millisecond))

	if !strings.Contains(out.String(), "The operation was interrupted before it completed") {
		t.Errorf("the output does not say the create was interrupted:\n%s", out.String())
	}
	// Zendesk answered 503 to the one create: nothing was created, so
	// nothing can be orphaned.
	if got := fake.Identities(ana.ID); len(got) != 1 {
		t.Errorf("user has %d identities after the interrupted create, want only the original: %v", len(got), got)
	}
	if n := fake.Count(zendesktest.RouteCreate); n != 1 {
		t.Errorf("%d creates sent, want 1", n)
	}
}
