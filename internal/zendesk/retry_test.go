package zendesk

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/go-cleanhttp"
	"github.com/tfzendesk/terraform-provider-zendesk/internal/zendesktest"
)

// operation is one client call on a user with an email and a phone
// identity, and the route it uses.
type operation struct {
	name   string
	method string
	route  zendesktest.Route
	call   func(c *Client, userID, phoneID int64) error
}

var operations = []operation{
	{"list", http.MethodGet, zendesktest.RouteList, func(c *Client, userID, _ int64) error {
		_, err := c.ListIdentities(context.Background(), userID)
		return err
	}},
	{"show", http.MethodGet, zendesktest.RouteShow, func(c *Client, userID, phoneID int64) error {
		_, err := c.GetIdentity(context.Background(), userID, phoneID)
		return err
	}},
	{"create", http.MethodPost, zendesktest.RouteCreate, func(c *Client, userID, _ int64) error {
		_, err := c.CreateIdentity(context.Background(), userID, CreateIdentityRequest{Type: "email", Value: "new@example.org"})
		return err
	}},
	{"update", http.MethodPut, zendesktest.RouteUpdate, func(c *Client, userID, phoneID int64) error {
		_, err := c.UpdateIdentity(context.Background(), userID, phoneID, UpdateIdentityRequest{Value: new("+15559998888")})
		return err
	}},
	{"delete", http.MethodDelete, zendesktest.RouteDelete, func(c *Client, userID, phoneID int64) error {
		return c.DeleteIdentity(context.Background(), userID, phoneID)
	}},
	{"make primary", http.MethodPut, zendesktest.RouteMakePrimary, func(c *Client, userID, phoneID int64) error {
		_, err := c.MakePrimary(context.Background(), userID, phoneID)
		return err
	}},
	{"verify", http.MethodPut, zendesktest.RouteVerify, func(c *Client, userID, phoneID int64) error {
		_, err := c.VerifyIdentity(context.Background(), userID, phoneID)
		return err
	}},
	{"request verification", http.MethodPut, zendesktest.RouteRequestVerification, func(c *Client, userID, phoneID int64) error {
		return c.RequestVerification(context.Background(), userID, phoneID)
	}},
}

// retryFixture is a fake with a user who has an email and a phone identity.
func retryFixture(t *testing.T) (fake *zendesktest.Server, userID, phoneID int64) {
	t.Helper()
	fake = zendesktest.NewTest(t, zendesktest.Options{})
	user := fake.AddUser("Ada", "ada@example.org")
	phone, err := fake.AddIdentity(zendesktest.Identity{UserID: user.ID, Type: "phone_number", Value: "+15550001111"})
	if err != nil {
		t.Fatal(err)
	}
	return fake, user.ID, phone.ID
}

// repeat returns n copies of r.
func repeat(r zendesktest.Route, n int) []zendesktest.Route {
	out := make([]zendesktest.Route, n)
	for i := range out {
		out[i] = r
	}
	return out
}

func TestRetry_retryAfterIsHonouredForEveryMethod(t *testing.T) {
	t.Parallel()
	for _, status := range []int{http.StatusTooManyRequests, http.StatusServiceUnavailable} {
		for _, op := range operations {
			t.Run(http.StatusText(status)+"/"+op.name, func(t *testing.T) {
				t.Parallel()
				fake, userID, phoneID := retryFixture(t)
				fake.AddFault(zendesktest.Fault{Kind: zendesktest.FaultStatus, Route: op.route, Times: 1, Status: status, RetryAfter: 7})
				c, waits := newTestClient(t, fake)

				if err := op.call(c, userID, phoneID); err != nil {
					t.Fatal(err)
				}
				// Zendesk did not carry out the refused request, so even a
				// create is simply sent again.
				wantRequests(t, fake, op.route, op.route)
				if n := fake.CountStatus(status); n != 1 {
					t.Errorf("%d answers were %d, want 1", n, status)
				}
				got := waits.all()
				if len(got) == 0 || slices.ContainsFunc(got, func(d time.Duration) bool { return d != 7*time.Second }) {
					t.Errorf("waits = %v, want Retry-After's 7s", got)
				}
				if op.route == zendesktest.RouteCreate {
					if n := len(fake.Identities(userID)); n != 3 {
						t.Errorf("the user has %d identities, want 3", n)
					}
				}
			})
		}
	}
}

func TestRetry_retryAfterAsAnHTTPDate(t *testing.T) {
	t.Parallel()
	at := time.Now().Add(5 * time.Minute).UTC().Format(http.TimeFormat)
	var calls atomic.Int32
	srv := newRecordingServer(t, func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			answerWith(http.StatusTooManyRequests, "text/plain", "slow down", "Retry-After", at)(w, r)
			return
		}
		answerWith(http.StatusOK, "application/json", oneIdentityJSON)(w, r)
	})
	c, waits := newTestClientAt(t, srv.URL)

	if _, err := c.GetIdentity(context.Background(), 1, 2); err != nil {
		t.Fatal(err)
	}
	got := waits.all()
	if len(got) == 0 || slices.ContainsFunc(got, func(d time.Duration) bool { return d <= 4*time.Minute || d > 5*time.Minute }) {
		t.Errorf("waits = %v, want about five minutes each", got)
	}
	if n := len(srv.requests()); n != 2 {
		t.Errorf("server saw %d requests, want 2", n)
	}
}

// A Retry-After longer than the client waits (an announced maintenance)
// ends the request at once with Zendesk's answer.
func TestRetry_retryAfterBeyondWhatTheClientWaits(t *testing.T) {
	t.Parallel()
	fake := zendesktest.NewTest(t, zendesktest.Options{})
	u := fake.AddUser("Ana", "ana@example.com")
	fake.AddFault(zendesktest.Fault{Kind: zendesktest.FaultStatus, Status: http.StatusServiceUnavailable, RetryAfter: 3600})
	c, waits := newTestClient(t, fake)
	_, err := c.ListIdentities(context.Background(), u.ID)
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusServiceUnavailable || apiErr.RetryAfter != time.Hour {
		t.Fatalf("got %v, want the 503 with its hour-long Retry-After", err)
	}
	if n := fake.TotalRequests(); n != 1 {
		t.Errorf("%d requests sent, want 1", n)
	}
	if got := waits.all(); len(got) != 0 {
		t.Errorf("the client waited %v", got)
	}
}

// A 429, or a 503 with Retry-After, says the request was not processed:
// it is waited out and sent again however often it comes, and never uses up
// max_retries, which is kept for real failures.
func TestRetry_rateLimitedAnswersNeverUseMaxRetries(t *testing.T) {
	t.Parallel()
	for _, fault := range []zendesktest.Fault{
		{Kind: zendesktest.FaultStatus, Status: http.StatusTooManyRequests, RetryAfter: 1, Times: 8},
		{Kind: zendesktest.FaultStatus, Status: http.StatusServiceUnavailable, RetryAfter: 1, Times: 8},
	} {
		for _, op := range operations {
			t.Run(http.StatusText(fault.Status)+"/"+op.name, func(t *testing.T) {
				t.Parallel()
				fake, userID, phoneID := retryFixture(t)
				f := fault
				f.Route = op.route
				fake.AddFault(f)
				c, waits := newTestClient(t, fake, withMaxRetries(0))

				if err := op.call(c, userID, phoneID); err != nil {
					t.Fatal(err)
				}
				wantRequests(t, fake, repeat(op.route, 9)...)
				if got := waits.all(); len(got) != 8 {
					t.Errorf("waits = %v, want eight Retry-Afters", got)
				}
				if op.route == zendesktest.RouteCreate && len(fake.Identities(userID)) != 3 {
					t.Errorf("the user has %d identities, want 3", len(fake.Identities(userID)))
				}
			})
		}
	}
}

// Rate-limited answers between real failures change nothing of how many
// real failures a request may meet.
func TestRetry_realFailuresStayBoundedAmongRateLimitedAnswers(t *testing.T) {
	t.Parallel()
	fake, userID, phoneID := retryFixture(t)
	fake.AddFault(zendesktest.Fault{Kind: zendesktest.FaultStatus, Route: zendesktest.RouteShow, Status: 429, RetryAfter: 1, Every: 2})
	fake.AddFault(zendesktest.Fault{Kind: zendesktest.FaultStatus, Route: zendesktest.RouteShow, Status: 500})
	c, _ := newTestClient(t, fake, withMaxRetries(2))

	_, err := c.GetIdentity(context.Background(), userID, phoneID)
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusInternalServerError || apiErr.Attempts != 3 {
		t.Fatalf("got %v, want the 500 after 3 attempts", err)
	}
	if n := fake.CountStatus(500); n != 3 {
		t.Errorf("%d answers were 500, want 3 (max_retries 2)", n)
	}
	if n := fake.CountStatus(429); n == 0 {
		t.Error("no answer was 429: the test shows nothing")
	}
}

// The run's limit on waiting for the rate limit ends a request that
// Zendesk keeps refusing, with Zendesk's answer and what happened.
func TestRetry_theWaitForTheRateLimitIsBounded(t *testing.T) {
	t.Parallel()
	fake, userID, _ := retryFixture(t)
	fake.AddFault(zendesktest.Fault{Kind: zendesktest.FaultStatus, Route: zendesktest.RouteCreate, Status: 429, RetryAfter: 1})
	// Each Retry-After of a second is waited for 20ms; the run may wait 100ms.
	c, _ := newTestClient(t, fake, withMaxRateLimitWait(100*time.Millisecond),
		withWait(func(time.Duration) time.Duration { return 20 * time.Millisecond }))

	_, err := c.CreateIdentity(context.Background(), userID, CreateIdentityRequest{Type: "email", Value: "new@example.org"})
	var waited *RateLimitWaitError
	if !errors.As(err, &waited) || waited.Waited < 100*time.Millisecond || waited.Limit != 100*time.Millisecond {
		t.Fatalf("got %v, want a RateLimitWaitError after 100ms", err)
	}
	if StatusCode(err) != http.StatusTooManyRequests {
		t.Errorf("StatusCode = %d, want Zendesk's 429", StatusCode(err))
	}
	if !strings.Contains(err.Error(), "HTTP 429 Too Many Requests") || !strings.Contains(err.Error(), "in all for Zendesk's rate limit") {
		t.Errorf("error %q does not say what happened", err)
	}
	// Refused every time: nothing was created, and nothing is looked for.
	if n := fake.Count(zendesktest.RouteList); n != 0 {
		t.Errorf("%d lookups after a refused create", n)
	}
	if n := len(fake.Identities(userID)); n != 2 {
		t.Errorf("the user has %d identities, want the 2 it had", n)
	}
}

func TestRetry_serverErrorsAndDropsAreRetriedForIdempotentRequests(t *testing.T) {
	t.Parallel()
	faults := []zendesktest.Fault{
		{Kind: zendesktest.FaultStatus, Status: http.StatusInternalServerError},
		{Kind: zendesktest.FaultStatus, Status: http.StatusBadGateway, Body: "<html>Bad gateway</html>", ContentType: "text/html"},
		{Kind: zendesktest.FaultStatus, Status: http.StatusGatewayTimeout},
		{Kind: zendesktest.FaultDrop},
		{Kind: zendesktest.FaultAfterCommit, Status: http.StatusInternalServerError},
		{Kind: zendesktest.FaultDropAfterCommit},
	}
	for _, fault := range faults {
		for _, op := range operations {
			if op.method == http.MethodPost || op.route == zendesktest.RouteRequestVerification {
				continue // TestRetry_aVerificationEmailIsNeverSentTwice
			}
			name := fault.Kind.String()
			if fault.Status != 0 {
				name += "_" + http.StatusText(fault.Status)
			}
			t.Run(name+"/"+op.name, func(t *testing.T) {
				t.Parallel()
				fake, userID, phoneID := retryFixture(t)
				f := fault
				f.Route, f.Times = op.route, 1
				fake.AddFault(f)
				// The faulted request is the client's first, on a new
				// connection, so the retry is the client's own and not
				// net/http's.
				c, waits := newTestClient(t, fake)

				err := op.call(c, userID, phoneID)
				if op.route == zendesktest.RouteDelete && (f.Kind == zendesktest.FaultAfterCommit || f.Kind == zendesktest.FaultDropAfterCommit) {
					// The first attempt deleted it; the retry learns so.
					if !IsNotFound(err) {
						t.Fatalf("delete retried after it was carried out = %v, want not found", err)
					}
				} else if err != nil {
					t.Fatal(err)
				}
				wantRequests(t, fake, op.route, op.route)
				if got := waits.all(); !slices.Equal(got, []time.Duration{testWaitMin}) {
					t.Errorf("waits = %v, want one backoff of %s", got, testWaitMin)
				}
			})
		}
	}
}

// Each request_verification that gets through sends an email: it is sent
// again only after an answer that says Zendesk did not process it, or when
// no connection could be made.
func TestRetry_aVerificationEmailIsNeverSentTwice(t *testing.T) {
	t.Parallel()
	rv := zendesktest.RouteRequestVerification
	for _, tc := range []struct {
		name       string
		fault      zendesktest.Fault
		wantEmails int
		wantSent   int
		wantErr    bool
	}{
		{"429", zendesktest.Fault{Kind: zendesktest.FaultStatus, Status: http.StatusTooManyRequests, RetryAfter: 1}, 1, 2, false},
		{"503 with Retry-After", zendesktest.Fault{Kind: zendesktest.FaultStatus, Status: http.StatusServiceUnavailable, RetryAfter: 1}, 1, 2, false},
		// Without Retry-After, a proxy may have answered after Zendesk
		// took the request: not sent again, and the email may have gone.
		{"503 without Retry-After before sending", zendesktest.Fault{Kind: zendesktest.FaultStatus, Status: http.StatusServiceUnavailable}, 0, 1, true},
		{"503 without Retry-After after sending", zendesktest.Fault{Kind: zendesktest.FaultAfterCommit, Status: http.StatusServiceUnavailable}, 1, 1, true},
		{"500 before sending", zendesktest.Fault{Kind: zendesktest.FaultStatus, Status: http.StatusInternalServerError}, 0, 1, true},
		{"500 after sending", zendesktest.Fault{Kind: zendesktest.FaultAfterCommit, Status: http.StatusInternalServerError}, 1, 1, true},
		{"502 after sending", zendesktest.Fault{Kind: zendesktest.FaultAfterCommit, Status: http.StatusBadGateway}, 1, 1, true},
		{"connection dropped after sending", zendesktest.Fault{Kind: zendesktest.FaultDropAfterCommit}, 1, 1, true},
		{"connection dropped before sending", zendesktest.Fault{Kind: zendesktest.FaultDrop}, 0, 1, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			fake := zendesktest.NewTest(t, zendesktest.Options{})
			user := fake.AddUser("Ada", "ada@example.org")
			second, _ := fake.AddIdentity(zendesktest.Identity{UserID: user.ID, Type: "email", Value: "ada2@example.org"})
			tc.fault.Route, tc.fault.Times = rv, 1
			fake.AddFault(tc.fault)
			c, _ := newTestClient(t, fake)

			err := c.RequestVerification(context.Background(), user.ID, second.ID)
			if (err != nil) != tc.wantErr {
				t.Fatalf("RequestVerification = %v, want an error: %t", err, tc.wantErr)
			}
			if err != nil && !OutcomeUnknown(err) {
				t.Errorf("OutcomeUnknown(%v) = false: the email may have gone", err)
			}
			wantRequests(t, fake, repeat(rv, tc.wantSent)...)
			if n := fake.VerificationEmails(second.ID); n != tc.wantEmails {
				t.Errorf("%d verification emails sent, want %d", n, tc.wantEmails)
			}
		})
	}
}

func TestRetry_finalAnswersAreNotRetried(t *testing.T) {
	t.Parallel()
	for _, status := range []int{400, 401, 403, 404, 409, 422, 501} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			t.Parallel()
			fake, userID, phoneID := retryFixture(t)
			fake.AddFault(zendesktest.Fault{Kind: zendesktest.FaultStatus, Status: status})
			c, waits := newTestClient(t, fake)

			_, err := c.GetIdentity(context.Background(), userID, phoneID)
			if StatusCode(err) != status {
				t.Fatalf("GetIdentity = %v, want HTTP %d", err, status)
			}
			wantRequests(t, fake, zendesktest.RouteShow)
			if got := waits.all(); len(got) != 0 {
				t.Errorf("waits = %v, want none", got)
			}
		})
	}
}

func TestRetry_aCreateIsNeverSentTwiceBlindly(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		fault zendesktest.Fault
		want  []zendesktest.Route
	}{
		{"500 after the identity was created",
			zendesktest.Fault{Kind: zendesktest.FaultAfterCommit, Status: http.StatusInternalServerError},
			[]zendesktest.Route{zendesktest.RouteCreate, zendesktest.RouteList}},
		{"502 after the identity was created",
			zendesktest.Fault{Kind: zendesktest.FaultAfterCommit, Status: http.StatusBadGateway},
			[]zendesktest.Route{zendesktest.RouteCreate, zendesktest.RouteList}},
		{"503 without Retry-After after the identity was created",
			zendesktest.Fault{Kind: zendesktest.FaultAfterCommit, Status: http.StatusServiceUnavailable},
			[]zendesktest.Route{zendesktest.RouteCreate, zendesktest.RouteList}},
		{"503 without Retry-After before the identity was created",
			zendesktest.Fault{Kind: zendesktest.FaultStatus, Status: http.StatusServiceUnavailable},
			[]zendesktest.Route{zendesktest.RouteCreate, zendesktest.RouteList, zendesktest.RouteCreate}},
		{"connection dropped after the identity was created",
			zendesktest.Fault{Kind: zendesktest.FaultDropAfterCommit},
			[]zendesktest.Route{zendesktest.RouteCreate, zendesktest.RouteList}},
		{"500 before the identity was created",
			zendesktest.Fault{Kind: zendesktest.FaultStatus, Status: http.StatusInternalServerError},
			[]zendesktest.Route{zendesktest.RouteCreate, zendesktest.RouteList, zendesktest.RouteCreate}},
		{"connection dropped before the identity was created",
			zendesktest.Fault{Kind: zendesktest.FaultDrop},
			[]zendesktest.Route{zendesktest.RouteCreate, zendesktest.RouteList, zendesktest.RouteCreate}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fake, userID, _ := retryFixture(t)
			tt.fault.Method, tt.fault.Route, tt.fault.Times = http.MethodPost, zendesktest.RouteCreate, 1
			fake.AddFault(tt.fault)
			c, _ := newTestClient(t, fake)

			got, err := c.CreateIdentity(context.Background(), userID, CreateIdentityRequest{Type: "email", Value: "New@Example.org"})
			if err != nil {
				t.Fatal(err)
			}
			var matches []zendesktest.Identity
			for _, i := range fake.Identities(userID) {
				if i.Type == "email" && i.Value == "New@Example.org" {
					matches = append(matches, i)
				}
			}
			if len(matches) != 1 {
				t.Fatalf("the fake holds %d such identities, want exactly 1", len(matches))
			}
			if got.ID != matches[0].ID || got.Value != "New@Example.org" || got.UserID != userID {
				t.Errorf("CreateIdentity = %s, want the fake's %+v", describe(got), matches[0])
			}
			wantRequests(t, fake, tt.want...)
			for _, r := range fake.Requests() {
				if q, _ := url.ParseQuery(r.RawQuery); r.Route == zendesktest.RouteList && !slices.Equal(q["type[]"], []string{"email"}) {
					t.Errorf("the check listed %q, want only the email identities", r.RawQuery)
				}
			}
		})
	}
}

func TestRetry_exhausted(t *testing.T) {
	t.Parallel()
	show, create, list := zendesktest.RouteShow, zendesktest.RouteCreate, zendesktest.RouteList
	tests := []struct {
		name         string
		maxRetries   int
		fault        zendesktest.Fault
		create       bool
		wantRequests []zendesktest.Route
		wantStatus   int // 0: a RequestError
		wantAttempts int
		wantWaits    []time.Duration // nil: not checked
	}{
		{"503 without Retry-After", 2,
			zendesktest.Fault{Kind: zendesktest.FaultStatus, Status: 503}, false,
			repeat(show, 3), 503, 3, []time.Duration{testWaitMin, 2 * testWaitMin}},
		{"500 with growing backoff", 4,
			zendesktest.Fault{Kind: zendesktest.FaultStatus, Status: 500}, false,
			repeat(show, 5), 500, 5, []time.Duration{testWaitMin, 2 * testWaitMin, 4 * testWaitMin, testWaitMax}},
		{"dropped connections", 2,
			zendesktest.Fault{Kind: zendesktest.FaultDrop}, false,
			repeat(show, 3), 0, 3, []time.Duration{testWaitMin, 2 * testWaitMin}},
		{"no retries", 0,
			zendesktest.Fault{Kind: zendesktest.FaultStatus, Status: 503}, false,
			repeat(show, 1), 503, 1, []time.Duration{}},
		{"no retries, 500", 0,
			zendesktest.Fault{Kind: zendesktest.FaultStatus, Status: 500}, false,
			repeat(show, 1), 500, 1, []time.Duration{}},
		{"create on 503 without Retry-After, checked before each resend", 2,
			zendesktest.Fault{Kind: zendesktest.FaultStatus, Status: 503}, true,
			[]zendesktest.Route{create, list, create, list, create, list}, 503, 3, []time.Duration{testWaitMin, 2 * testWaitMin}},
		{"create on 503 with a Retry-After beyond what the client waits: not processed, so not checked, and final", 2,
			zendesktest.Fault{Kind: zendesktest.FaultStatus, Status: 503, RetryAfter: 3600}, true,
			repeat(create, 1), 503, 1, []time.Duration{}},
		{"create on 500, checked before each resend", 2,
			zendesktest.Fault{Kind: zendesktest.FaultStatus, Status: 500}, true,
			[]zendesktest.Route{create, list, create, list, create, list}, 500, 3, []time.Duration{testWaitMin, 2 * testWaitMin}},
		{"create on dropped connections", 2,
			zendesktest.Fault{Kind: zendesktest.FaultDrop, Method: http.MethodPost}, true,
			[]zendesktest.Route{create, list, create, list, create, list}, 0, 3, []time.Duration{testWaitMin, 2 * testWaitMin}},
		{"create without retries still checks", 0,
			zendesktest.Fault{Kind: zendesktest.FaultStatus, Status: 500, Method: http.MethodPost}, true,
			[]zendesktest.Route{create, list}, 500, 1, []time.Duration{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fake, userID, phoneID := retryFixture(t)
			if tt.fault.Route == "" && tt.fault.Method == "" {
				tt.fault.Route = show
				if tt.create {
					tt.fault.Route = create
				}
			}
			fake.AddFault(tt.fault)
			c, waits := newTestClient(t, fake, withMaxRetries(tt.maxRetries))

			var err error
			if tt.create {
				_, err = c.CreateIdentity(context.Background(), userID, CreateIdentityRequest{Type: "email", Value: "new@example.org"})
			} else {
				_, err = c.GetIdentity(context.Background(), userID, phoneID)
			}
			var apiErr *APIError
			var reqErr *RequestError
			switch {
			case tt.wantStatus == 0 && errors.As(err, &reqErr):
				if reqErr.Attempts != tt.wantAttempts {
					t.Errorf("RequestError %q has Attempts %d, want %d", err, reqErr.Attempts, tt.wantAttempts)
				}
			case tt.wantStatus != 0 && errors.As(err, &apiErr):
				if apiErr.StatusCode != tt.wantStatus || apiErr.Attempts != tt.wantAttempts {
					t.Errorf("APIError %q has status %d and Attempts %d, want %d and %d", err, apiErr.StatusCode, apiErr.Attempts, tt.wantStatus, tt.wantAttempts)
				}
			default:
				t.Fatalf("error = %v (%T), want an APIError with status %d (0: a RequestError)", err, err, tt.wantStatus)
			}
			wantRequests(t, fake, tt.wantRequests...)
			if got := waits.all(); tt.wantWaits != nil && !slices.Equal(got, tt.wantWaits) {
				t.Errorf("waits = %v, want %v", got, tt.wantWaits)
			}
			if tt.create && len(fake.Identities(userID)) != 2 {
				t.Errorf("the user has %d identities, want the 2 it had", len(fake.Identities(userID)))
			}
		})
	}
}

func TestRetry_exhaustedErrorMentionsTheAttempts(t *testing.T) {
	t.Parallel()
	fake, userID, phoneID := retryFixture(t)
	fake.AddFault(zendesktest.Fault{Kind: zendesktest.FaultStatus, Status: 503})
	c, _ := newTestClient(t, fake, withMaxRetries(2))

	_, err := c.GetIdentity(context.Background(), userID, phoneID)
	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("GetIdentity = %v, want an *APIError", err)
	}
	want := APIError{
		Method: http.MethodGet, Path: identityPath(userID, phoneID), StatusCode: 503,
		Code: "ServiceUnavailable", Description: "Zendesk is temporarily unavailable. Please try again later.",
		Attempts: 3,
	}
	if !equalAPIErrors(*apiErr, want) {
		t.Errorf("APIError = %#v, want %#v", *apiErr, want)
	}
	wantText := "GET " + identityPath(userID, phoneID) + ": HTTP 503 Service Unavailable (after 3 attempts): " +
		"ServiceUnavailable: Zendesk is temporarily unavailable. Please try again later."
	if err.Error() != wantText {
		t.Errorf("Error() = %s, want %s", err, wantText)
	}
}

func equalAPIErrors(a, b APIError) bool {
	return a.Method == b.Method && a.Path == b.Path && a.StatusCode == b.StatusCode && a.Code == b.Code &&
		a.Description == b.Description && len(a.Details) == 0 && len(b.Details) == 0 && a.Body == b.Body &&
		a.RetryAfter == b.RetryAfter && a.Attempts == b.Attempts
}

// returnsWithin runs f and fails the test if it has not returned after
// limit: a bound against hanging, not a measure of speed.
func returnsWithin(t *testing.T, limit time.Duration, f func() error) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- f() }()
	select {
	case err := <-done:
		return err
	case <-time.After(limit):
		t.Fatalf("still waiting after %s", limit)
		return nil
	}
}

// cancelOnFirstWait returns a Wait that makes the client really wait, at
// least 10s, and cancels the operation 50ms into the first wait.
func cancelOnFirstWait(cancel context.CancelFunc) func(time.Duration) time.Duration {
	var once sync.Once
	return func(d time.Duration) time.Duration {
		once.Do(func() { time.AfterFunc(50*time.Millisecond, cancel) })
		return max(d, 10*time.Second)
	}
}

// hookTransport calls hook with each request the client is about to send.
type hookTransport struct {
	hook func(*http.Request)
	next http.RoundTripper
}

func (h hookTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	h.hook(req)
	return h.next.RoundTrip(req)
}

// withHook makes the client call hook before each request it sends.
func withHook(t *testing.T, hook func(*http.Request)) clientOption {
	transport := cleanhttp.DefaultPooledTransport()
	t.Cleanup(transport.CloseIdleConnections)
	return func(c *Config) {
		c.HTTPClient = &http.Client{Transport: hookTransport{hook: hook, next: transport}}
	}
}

func TestRetry_cancelledDuringAWait(t *testing.T) {
	t.Parallel()
	show, create, list, update := zendesktest.RouteShow, zendesktest.RouteCreate, zendesktest.RouteList, zendesktest.RouteUpdate
	tests := []struct {
		name  string
		fault zendesktest.Fault
		route zendesktest.Route
		want  []zendesktest.Route
	}{
		{"Retry-After on a read", zendesktest.Fault{Kind: zendesktest.FaultStatus, Status: 503, RetryAfter: 10}, show, []zendesktest.Route{show}},
		{"Retry-After on an update", zendesktest.Fault{Kind: zendesktest.FaultStatus, Status: 429, RetryAfter: 10}, update, []zendesktest.Route{update}},
		{"backoff after a 500", zendesktest.Fault{Kind: zendesktest.FaultStatus, Status: 500}, show, []zendesktest.Route{show}},
		{"Retry-After on a create", zendesktest.Fault{Kind: zendesktest.FaultStatus, Status: 503, RetryAfter: 10}, create, []zendesktest.Route{create}},
		{"backoff before a create is sent again", zendesktest.Fault{Kind: zendesktest.FaultStatus, Status: 500}, create, []zendesktest.Route{create, list}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fake, userID, phoneID := retryFixture(t)
			tt.fault.Route = tt.route
			fake.AddFault(tt.fault)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			c, _ := newTestClient(t, fake, withWait(cancelOnFirstWait(cancel)))

			err := returnsWithin(t, 2*time.Second, func() error {
				var err error
				switch tt.route {
				case show:
					_, err = c.GetIdentity(ctx, userID, phoneID)
				case update:
					_, err = c.UpdateIdentity(ctx, userID, phoneID, UpdateIdentityRequest{Verified: new(true)})
				default:
					_, err = c.CreateIdentity(ctx, userID, CreateIdentityRequest{Type: "email", Value: "new@example.org"})
				}
				return err
			})
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("error = %v, want context.Canceled in its chain", err)
			}
			wantRequests(t, fake, tt.want...)
			if n := len(fake.Identities(userID)); n != 2 {
				t.Errorf("the user has %d identities, want the 2 it had", n)
			}
		})
	}
}

func TestRetry_aCreateCancelledBeforeItIsSentCreatesNothing(t *testing.T) {
	t.Parallel()
	fake, userID, _ := retryFixture(t)
	c, _ := newTestClient(t, fake)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()

	got, err := c.CreateIdentity(ctx, userID, CreateIdentityRequest{Type: "email", Value: "new@example.org"})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("CreateIdentity = %v, %v; want context.Canceled in the error chain", got, err)
	}
	if n := fake.Count(zendesktest.RouteCreate); n != 0 {
		t.Errorf("%d create requests reached the fake, want none", n)
	}
	if n := len(fake.Identities(userID)); n != 2 {
		t.Errorf("the user has %d identities, want the 2 it had", n)
	}
}

func TestRetry_aCreateCancelledInFlightIsChecked(t *testing.T) {
	t.Parallel()
	fake, userID, _ := retryFixture(t)
	// The fake holds the create back, and does not carry it out once the
	// client has hung up.
	fake.AddFault(zendesktest.Fault{Kind: zendesktest.FaultLatency, Route: zendesktest.RouteCreate, Delay: time.Minute})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c, _ := newTestClient(t, fake, withHook(t, func(req *http.Request) {
		if req.Method == http.MethodPost {
			time.AfterFunc(50*time.Millisecond, cancel)
		}
	}))

	err := returnsWithin(t, 2*time.Second, func() error {
		_, err := c.CreateIdentity(ctx, userID, CreateIdentityRequest{Type: "email", Value: "new@example.org"})
		return err
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("CreateIdentity = %v, want context.Canceled in the error chain", err)
	}
	// Whether the create got through is unknown to the client, so it
	// checks, even though its own context is done.
	wantRequests(t, fake, zendesktest.RouteCreate, zendesktest.RouteList)
	if n := len(fake.Identities(userID)); n != 2 {
		t.Errorf("the user has %d identities, want the 2 it had", n)
	}
}

func TestRetry_aCreateCancelledWhileCheckedStillFindsTheIdentity(t *testing.T) {
	t.Parallel()
	fake, userID, _ := retryFixture(t)
	fake.AddFault(zendesktest.Fault{Kind: zendesktest.FaultAfterCommit, Route: zendesktest.RouteCreate, Times: 1})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// Terraform is interrupted just as the client starts to look for the
	// identity its create may have made.
	c, _ := newTestClient(t, fake, withHook(t, func(req *http.Request) {
		if req.Method == http.MethodGet {
			cancel()
		}
	}))

	got, err := c.CreateIdentity(ctx, userID, CreateIdentityRequest{Type: "email", Value: "new@example.org"})
	if err != nil {
		t.Fatalf("CreateIdentity = %v; want the identity Zendesk created, so that Terraform keeps track of it", err)
	}
	if stored, ok := fake.Identity(got.ID); !ok || stored.Value != "new@example.org" {
		t.Errorf("CreateIdentity = %s, not the fake's identity", describe(got))
	}
	wantRequests(t, fake, zendesktest.RouteCreate, zendesktest.RouteList)
}

// With no connection to be had, a request never leaves: even a create is
// sent again, and none is looked for afterwards.
func TestRetry_unreachableZendeskIsRetriedForEveryMethod(t *testing.T) {
	t.Parallel()
	fake := zendesktest.NewTest(t, zendesktest.Options{})
	url := fake.URL()
	fake.Close()
	c, waits := newTestClientAt(t, url)
	_, err := c.CreateIdentity(context.Background(), 1, CreateIdentityRequest{Type: "email", Value: "ana@example.org"})
	var reqErr *RequestError
	if !errors.As(err, &reqErr) || !errors.Is(err, errNotSent) {
		t.Fatalf("got %v, want a request error for a request that was not sent", err)
	}
	if reqErr.Attempts != 4 {
		t.Errorf("Attempts = %d, want 4 (MaxRetries 3)", reqErr.Attempts)
	}
	if n := len(waits.all()); n != 3 {
		t.Errorf("%d waits between attempts, want 3", n)
	}
}

// Interrupted just as Zendesk answers: the error says both, so the user
// reads that the run was interrupted, and a create's 500 still counts as an
// answer that may hide a created identity.
func TestRetry_interruptedAsTheAnswerArrives(t *testing.T) {
	t.Parallel()
	for _, status := range []int{http.StatusServiceUnavailable, http.StatusInternalServerError} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			t.Parallel()
			srv := newRecordingServer(t, answerWith(status, "application/json", `{"error":"Unavailable"}`, "Retry-After", "1"))
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			// The answer arrives whole, then the interruption comes before
			// the retry policy looks at it.
			cancelAfter := roundTripFunc(func(req *http.Request) (*http.Response, error) {
				resp, err := http.DefaultTransport.RoundTrip(req)
				cancel()
				return resp, err
			})
			c, err := New(Config{URL: srv.URL, Auth: APIToken("a@example.com", "t"), MaxRetries: 3, HTTPClient: &http.Client{Transport: cancelAfter}})
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.CreateIdentity(ctx, 1, CreateIdentityRequest{Type: "email", Value: "ana@example.org"})
			if !errors.Is(err, context.Canceled) || StatusCode(err) != status {
				t.Fatalf("got %v, want context.Canceled and the %d answer", err, status)
			}
			// A 500 may hide a created identity: the interrupted create still
			// looks once (the list fails here, on the test server, which is
			// enough to show it was asked); a 503 was not processed.
			lists := 0
			for _, r := range srv.requests() {
				if r.Method == http.MethodGet {
					lists++
				}
			}
			if want := map[int]int{http.StatusServiceUnavailable: 0, http.StatusInternalServerError: 1}[status]; lists != want {
				t.Errorf("%d lookups after the interrupted create, want %d", lists, want)
			}
		})
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// Whether a failure leaves open that Zendesk carried the request out.
func TestOutcomeUnknown(t *testing.T) {
	t.Parallel()
	refused503 := &APIError{StatusCode: http.StatusServiceUnavailable, RetryAfter: time.Hour, HasRetryAfter: true}
	for _, tc := range []struct {
		name string
		err  error
		want bool
	}{
		{"no answer", &RequestError{Err: errors.New("connection reset")}, true},
		{"could not connect", &RequestError{Err: &notSentError{err: errors.New("connection refused")}}, false},
		{"500", &APIError{StatusCode: http.StatusInternalServerError}, true},
		{"502", &APIError{StatusCode: http.StatusBadGateway}, true},
		{"503 with Retry-After: Zendesk did not process it", refused503, false},
		{"503 with Retry-After: 0", &APIError{StatusCode: http.StatusServiceUnavailable, HasRetryAfter: true}, false},
		{"503 without Retry-After: a proxy may answer so after the commit", &APIError{StatusCode: http.StatusServiceUnavailable}, true},
		{"429", &APIError{StatusCode: http.StatusTooManyRequests}, false},
		{"422", &APIError{StatusCode: http.StatusUnprocessableEntity}, false},
		{"given up waiting for the rate limit", &RateLimitWaitError{Answer: refused503}, false},
		{"interrupted as a 503 without Retry-After came",
			fmt.Errorf("%w after Zendesk answered %w", context.Canceled, &APIError{StatusCode: http.StatusServiceUnavailable}), true},
	} {
		if got := OutcomeUnknown(tc.err); got != tc.want {
			t.Errorf("%s: OutcomeUnknown(%v) = %t, want %t", tc.name, tc.err, got, tc.want)
		}
	}
}
