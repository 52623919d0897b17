package zendesk

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"testing/synctest"
	"time"

	"github.com/tfzendesk/terraform-provider-zendesk/internal/zendesktest"
)

// These tests run in a synctest bubble with a manual clock, as the pacer's
// do: the client reaches the fake in the goroutine that sends, without a
// network, so synctest.Wait returns once every request waits for the clock,
// and only the test moves it.

// oauthTestClient is a client of the fake that authenticates with client
// credentials, both going by clock and retrying real failures up to
// maxRetries times.
func oauthTestClient(t *testing.T, fake *zendesktest.Server, clock Clock, maxRetries int, maxWait time.Duration) *Client {
	t.Helper()
	auth, err := ClientCredentials(ClientCredentialsConfig{
		URL: fake.URL(), ClientID: zendesktest.DefaultClientID, ClientSecret: zendesktest.DefaultClientSecret,
		Lifetime: time.Hour, MaxRetries: maxRetries, HTTPClient: inProcess(fake),
	})
	if err != nil {
		t.Fatal(err)
	}
	c, err := New(Config{
		URL: fake.URL(), Auth: auth, MaxRetries: maxRetries, MaxRateLimitWait: maxWait,
		Clock: clock, HTTPClient: inProcess(fake),
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// listing is a ListIdentities under way in its own goroutine.
type listing struct {
	done chan struct{}
	err  error
}

func startListing(ctx context.Context, c *Client, userID int64) *listing {
	l := &listing{done: make(chan struct{})}
	go func() {
		_, l.err = c.ListIdentities(ctx, userID)
		close(l.done)
	}()
	synctest.Wait()
	return l
}

func (l *listing) over() bool {
	select {
	case <-l.done:
		return true
	default:
		return false
	}
}

// tokenRefusals makes the fake answer the next n token exchanges 429 with
// Retry-After.
func tokenRefusals(fake *zendesktest.Server, n int, retryAfter time.Duration) {
	fake.AddFault(zendesktest.Fault{Kind: zendesktest.FaultStatus, Route: zendesktest.RouteOAuthTokens, Status: http.StatusTooManyRequests,
		RetryAfter: int(retryAfter / time.Second), Times: n})
}

// A token exchange refused for the rate limit waits and goes again, as
// often as it takes, without using up max_retries.
func TestClientCredentials_rateLimitedExchangesNeverUseMaxRetries(t *testing.T) {
	t.Parallel()
	const maxRetries = 2
	fake := zendesktest.NewTest(t, zendesktest.Options{})
	ana := fake.AddUser("Ana Lima", "ana@example.com")
	tokenRefusals(fake, maxRetries+1, time.Second)
	synctest.Test(t, func(t *testing.T) {
		clock := newManualClock()
		l := startListing(t.Context(), oauthTestClient(t, fake, clock, maxRetries, time.Hour), ana.ID)
		seconds := 0
		for ; !l.over() && seconds < 10; seconds++ {
			clock.Advance(time.Second)
			synctest.Wait()
		}
		if !l.over() {
			t.Fatalf("the request still waits after %ds of Retry-After: 1", seconds)
		}
		if l.err != nil {
			t.Fatalf("ListIdentities = %v, want the identities once the exchange got through", l.err)
		}
		if seconds != maxRetries+1 {
			t.Errorf("the exchange waited %ds, want one Retry-After of 1s for each of the %d refusals", seconds, maxRetries+1)
		}
	})
	if n := fake.Count(zendesktest.RouteOAuthTokens); n != maxRetries+2 {
		t.Errorf("%d exchanges, want %d: every refusal and the one that got through", n, maxRetries+2)
	}
	if n := fake.TokensIssued(); n != 1 {
		t.Errorf("TokensIssued = %d, want 1", n)
	}
}

// With no time left to wait for the rate limit, a refused exchange ends at
// once, saying so, with Zendesk's answer.
func TestClientCredentials_aRefusedExchangeWithNoTimeLeftToWait(t *testing.T) {
	t.Parallel()
	fake := zendesktest.NewTest(t, zendesktest.Options{})
	ana := fake.AddUser("Ana Lima", "ana@example.com")
	tokenRefusals(fake, 1, time.Second)
	synctest.Test(t, func(t *testing.T) {
		// A negative limit lets no request wait (max_rate_limit_wait = "0s").
		l := startListing(t.Context(), oauthTestClient(t, fake, newManualClock(), 3, -1), ana.ID)
		if !l.over() {
			t.Fatal("the request waits for the rate limit although the run may not")
		}
		var waited *RateLimitWaitError
		if !errors.As(l.err, &waited) || waited.Limit != 0 || waited.Answer == nil ||
			waited.Answer.StatusCode != http.StatusTooManyRequests || waited.Answer.RetryAfter != time.Second {
			t.Fatalf("error = %v, want a RateLimitWaitError with the exchange's 429", l.err)
		}
		if !IsTokenExchange(l.err) || waited.Method != http.MethodPost || waited.Path != tokenPath {
			t.Errorf("error = %v (%s %s), want it to name the token exchange", l.err, waited.Method, waited.Path)
		}
	})
	if n := fake.Count(zendesktest.RouteOAuthTokens); n != 1 {
		t.Errorf("%d exchanges, want 1", n)
	}
	if n := fake.Count(zendesktest.RouteList); n != 0 {
		t.Errorf("%d API requests were sent without a token", n)
	}
}

// The exchange's waits and the API requests' count against one limit on
// the run's time spent waiting for the rate limit.
func TestClientCredentials_exchangeWaitsCountAgainstTheRunsLimit(t *testing.T) {
	t.Parallel()
	fake := zendesktest.NewTest(t, zendesktest.Options{})
	ana := fake.AddUser("Ana Lima", "ana@example.com")
	tokenRefusals(fake, 1, time.Second)
	fake.AddFault(zendesktest.Fault{Kind: zendesktest.FaultStatus, Route: zendesktest.RouteList, Status: http.StatusTooManyRequests,
		RetryAfter: 1, Times: 1})
	synctest.Test(t, func(t *testing.T) {
		clock := newManualClock()
		const limit = 1500 * time.Millisecond
		l := startListing(t.Context(), oauthTestClient(t, fake, clock, 3, limit), ana.ID)
		// The exchange waits its second; the list request, refused in turn,
		// has half a second left of the run's limit.
		clock.Advance(time.Second)
		synctest.Wait()
		if l.over() {
			t.Fatalf("the request ended after the exchange's wait: %v; want it to wait for its own Retry-After", l.err)
		}
		if n := fake.Count(zendesktest.RouteList); n != 1 {
			t.Fatalf("%d list requests after the exchange's wait, want the 1 refused", n)
		}
		clock.Advance(limit - time.Second)
		synctest.Wait()
		if !l.over() {
			t.Fatal("the request still waits past the run's limit")
		}
		var waited *RateLimitWaitError
		if !errors.As(l.err, &waited) || waited.Waited != limit || waited.Answer == nil || waited.Answer.Path != identitiesPath(ana.ID) {
			t.Fatalf("error = %v, want a RateLimitWaitError for the list after %s of waiting in all", l.err, limit)
		}
	})
	if n := fake.Count(zendesktest.RouteList); n != 1 {
		t.Errorf("%d list requests, want the 1 refused: it was not sent again", n)
	}
}

// A wait for the exchange's Retry-After ends with the context, for the
// request that exchanges and for one that waits for its token.
func TestClientCredentials_cancelledWhileTheExchangeWaits(t *testing.T) {
	t.Parallel()
	t.Run("the request that exchanges", func(t *testing.T) {
		t.Parallel()
		fake := zendesktest.NewTest(t, zendesktest.Options{})
		ana := fake.AddUser("Ana Lima", "ana@example.com")
		tokenRefusals(fake, 1, time.Minute)
		synctest.Test(t, func(t *testing.T) {
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			l := startListing(ctx, oauthTestClient(t, fake, newManualClock(), 3, time.Hour), ana.ID)
			if l.over() {
				t.Fatalf("the request did not wait for the exchange's Retry-After: %v", l.err)
			}
			cancel()
			synctest.Wait()
			if !l.over() || !errors.Is(l.err, context.Canceled) || !IsTokenExchange(l.err) || StatusCode(l.err) != http.StatusTooManyRequests {
				t.Fatalf("over %v, error %v; want context.Canceled with the exchange's 429, at once", l.over(), l.err)
			}
		})
		if n := fake.Count(zendesktest.RouteOAuthTokens); n != 1 {
			t.Errorf("%d exchanges, want 1", n)
		}
		if n := fake.Count(zendesktest.RouteList); n != 0 {
			t.Errorf("%d API requests were sent without a token", n)
		}
	})
	t.Run("a request that waits for the token", func(t *testing.T) {
		t.Parallel()
		fake := zendesktest.NewTest(t, zendesktest.Options{})
		ana := fake.AddUser("Ana Lima", "ana@example.com")
		tokenRefusals(fake, 1, time.Minute)
		synctest.Test(t, func(t *testing.T) {
			clock := newManualClock()
			c := oauthTestClient(t, fake, clock, 3, time.Hour)
			exchanging := startListing(t.Context(), c, ana.ID)
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			waiting := startListing(ctx, c, ana.ID)
			cancel()
			synctest.Wait()
			if !waiting.over() || !errors.Is(waiting.err, context.Canceled) {
				t.Fatalf("over %v, error %v; want context.Canceled at once", waiting.over(), waiting.err)
			}
			if exchanging.over() {
				t.Fatalf("the request that exchanges ended with another's context: %v", exchanging.err)
			}
			clock.Advance(time.Minute)
			synctest.Wait()
			if !exchanging.over() || exchanging.err != nil {
				t.Fatalf("the request that exchanges: over %v, error %v; want the identities after the wait", exchanging.over(), exchanging.err)
			}
		})
		if n := fake.Count(zendesktest.RouteOAuthTokens); n != 2 {
			t.Errorf("%d exchanges, want the refused one and the one after the wait", n)
		}
		if n := fake.Count(zendesktest.RouteList); n != 1 {
			t.Errorf("%d list requests, want 1", n)
		}
	})
}
