package zendesk

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tfzendesk/terraform-provider-zendesk/internal/zendesktest"
)

// The time an attempt may take bounds each attempt, not the wait for a
// Retry-After between two: a request held back for longer than an attempt
// may take still goes through. The wait goes by the client's clock, moved
// by the test; the attempt's bound is real time, and the test lets more of
// it pass during the wait than an attempt may take.
func TestTransport_aRetryAfterLongerThanAnAttemptIsWaitedOut(t *testing.T) {
	t.Parallel()
	const attempt = 2 * time.Second
	fake := zendesktest.NewTest(t, zendesktest.Options{})
	ana := fake.AddUser("Ana Lima", "ana@example.com")
	fake.AddFault(zendesktest.Fault{Kind: zendesktest.FaultStatus, Route: zendesktest.RouteList, Status: http.StatusTooManyRequests,
		RetryAfter: 30, Times: 1})
	clock := newManualClock()
	// The caller's own client: its Timeout bounds each attempt.
	c, err := New(Config{
		URL: fake.URL(), Auth: APIToken(zendesktest.DefaultEmail, zendesktest.DefaultAPIToken),
		Clock: clock, HTTPClient: &http.Client{Timeout: attempt},
	})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := c.ListIdentities(t.Context(), ana.ID)
		done <- err
	}()
	// Once the 429 is in, the request waits for the clock.
	for clock.pending() == 0 {
		select {
		case err := <-done:
			t.Fatalf("the request ended before waiting out the Retry-After: %v", err)
		case <-time.After(10 * time.Millisecond):
		}
	}
	time.Sleep(attempt + attempt/4)
	clock.Advance(30 * time.Second)
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("ListIdentities = %v, want the identities after the wait", err)
		}
	case <-time.After(time.Minute):
		t.Fatal("the request still waits after its Retry-After")
	}
	var statuses []int
	for _, r := range fake.Requests() {
		statuses = append(statuses, r.Status)
	}
	if len(statuses) != 2 || statuses[0] != http.StatusTooManyRequests || statuses[1] != http.StatusOK {
		t.Errorf("answers = %v, want the 429 then a 200", statuses)
	}
}

// An attempt that hangs, before the answer or in the middle of its body,
// still fails once it has taken longer than an attempt may.
func TestTransport_anAttemptThatHangsFails(t *testing.T) {
	t.Parallel()
	const attempt = time.Second
	t.Run("no answer", func(t *testing.T) {
		t.Parallel()
		fake := zendesktest.NewTest(t, zendesktest.Options{})
		ana := fake.AddUser("Ana Lima", "ana@example.com")
		fake.AddFault(zendesktest.Fault{Kind: zendesktest.FaultLatency, Route: zendesktest.RouteList, Delay: time.Hour})
		c, _ := newTestClient(t, fake, withMaxRetries(0), func(c *Config) { c.AttemptTimeout = attempt })
		_, err := c.ListIdentities(t.Context(), ana.ID)
		wantAttemptTimedOut(t, err)
		if n := fake.Count(zendesktest.RouteList); n != 1 {
			t.Errorf("%d list requests, want 1", n)
		}
	})
	t.Run("a body that stalls", func(t *testing.T) {
		t.Parallel()
		srv := newRecordingServer(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusOK)
			_, _ = w.Write([]byte(`{"identities":[`))
			if err := http.NewResponseController(w).Flush(); err != nil {
				t.Errorf("flush: %v", err)
				return
			}
			<-r.Context().Done()
		})
		c, _ := newTestClientAt(t, srv.URL, withMaxRetries(0), func(c *Config) { c.AttemptTimeout = attempt })
		_, err := c.ListIdentities(t.Context(), 1)
		wantAttemptTimedOut(t, err)
	})
}

func wantAttemptTimedOut(t *testing.T, err error) {
	t.Helper()
	var timedOut *attemptTimeoutError
	if !errors.As(err, &timedOut) || !OutcomeUnknown(err) || errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("error = %v, want a timed-out attempt whose outcome is unknown", err)
	}
	if want := "no whole answer within 1s"; !strings.Contains(err.Error(), want) {
		t.Errorf("error = %q, want it to say %q", err, want)
	}
}

// closeCounter is a transport that counts CloseIdleConnections calls.
type closeCounter struct {
	http.RoundTripper
	closed int
}

func (c *closeCounter) CloseIdleConnections() { c.closed++ }

// Closing a client's idle connections reaches the transport underneath
// the pacer, as tests and long runs that drop connections expect.
func TestTransport_closesTheIdleConnectionsUnderneath(t *testing.T) {
	t.Parallel()
	base := &closeCounter{RoundTripper: http.DefaultTransport}
	c, err := New(Config{URL: "https://acme.zendesk.com", Auth: BearerToken("t"), HTTPClient: &http.Client{Transport: base}})
	if err != nil {
		t.Fatal(err)
	}
	c.http.CloseIdleConnections()
	if base.closed != 1 {
		t.Errorf("CloseIdleConnections reached the transport underneath %d times, want 1", base.closed)
	}
}
