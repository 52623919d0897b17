package zendesktest

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
)

func twitterBody(value string) map[string]any {
	return identityBody(map[string]any{"type": "twitter", "value": value})
}

func TestFaultStatus(t *testing.T) {
	srv, c := newTestServer(t, Options{})
	user := srv.AddUser("Ana Lima", "ana@example.com")
	srv.AddFault(Fault{Kind: FaultStatus, Route: RouteCreate, Status: http.StatusServiceUnavailable, RetryAfter: 7, Times: 1})

	resp := c.do(http.MethodPost, identitiesPath(user.ID), twitterBody("ana")).want(t, http.StatusServiceUnavailable)
	wantHeaders(t, resp, map[string]string{"Retry-After": "7", "Content-Type": jsonContentType})
	if e := resp.apiError(t); e.Error != "ServiceUnavailable" {
		t.Errorf("body = %s", resp.Body)
	}
	if n := len(srv.Identities(user.ID)); n != 1 {
		t.Fatalf("FaultStatus touched the store: %d identities", n)
	}
	// Times: 1 is spent; the retry succeeds.
	c.do(http.MethodPost, identitiesPath(user.ID), twitterBody("ana")).want(t, http.StatusCreated)
}

func TestFaultStatusCustomBody(t *testing.T) {
	srv, c := newTestServer(t, Options{})
	user := srv.AddUser("Ana Lima", "ana@example.com")
	srv.AddFault(Fault{Kind: FaultStatus, Status: http.StatusBadGateway, Body: "<html>Bad Gateway</html>", ContentType: "text/html"})
	srv.AddFault(Fault{Kind: FaultStatus, Status: http.StatusTeapot}) // never reached: the first rule decides
	resp := c.do(http.MethodGet, identitiesPath(user.ID), nil).want(t, http.StatusBadGateway)
	if string(resp.Body) != "<html>Bad Gateway</html>" || resp.Header.Get("Content-Type") != "text/html" {
		t.Errorf("answer = %q (%s)", resp.Body, resp.Header.Get("Content-Type"))
	}
}

// FaultEcho answers with the request, credentials and body included, as
// a debugging proxy might, in plain text or inside a JSON error.
func TestFaultEcho(t *testing.T) {
	srv, c := newTestServer(t, Options{})
	user := srv.AddUser("Ana Lima", "ana@example.com")
	srv.AddFault(Fault{Kind: FaultEcho, Route: RouteCreate, Times: 1})
	srv.AddFault(Fault{Kind: FaultEcho, Route: RouteCreate, Status: http.StatusBadRequest, ContentType: "application/json", Times: 1})

	resp := c.do(http.MethodPost, identitiesPath(user.ID), twitterBody("ana")).want(t, http.StatusBadGateway)
	wantHeaders(t, resp, map[string]string{"Content-Type": "text/plain; charset=utf-8"})
	for _, want := range []string{"POST " + identitiesPath(user.ID), "Authorization: " + c.authz, `"value":"ana"`} {
		if !strings.Contains(string(resp.Body), want) {
			t.Errorf("echo %q lacks %q", resp.Body, want)
		}
	}
	resp = c.do(http.MethodPost, identitiesPath(user.ID), twitterBody("ana")).want(t, http.StatusBadRequest)
	if e := resp.apiError(t); e.Error != "BadGateway" || !strings.Contains(e.Description, "Authorization: "+c.authz) {
		t.Errorf("JSON echo = %s", resp.Body)
	}
	if n := len(srv.Identities(user.ID)); n != 1 {
		t.Fatalf("FaultEcho touched the store: %d identities", n)
	}
}

func TestFaultDefaultBodies(t *testing.T) {
	cases := []struct {
		status      int
		contentType string
		contains    string
	}{
		{0, jsonContentType, `"error":"InternalServerError"`},
		{http.StatusInternalServerError, jsonContentType, `"error":"InternalServerError"`},
		{http.StatusServiceUnavailable, jsonContentType, `"error":"ServiceUnavailable"`},
		{http.StatusTooManyRequests, "text/plain; charset=utf-8", "Number of allowed API requests per minute exceeded"},
		{http.StatusNotFound, jsonContentType, `"error":"RecordNotFound"`},
		{http.StatusUnauthorized, jsonContentType, `"error":"Couldn't authenticate you"`},
		{http.StatusGatewayTimeout, jsonContentType, `"error":"GatewayTimeout"`},
	}
	for _, tc := range cases {
		rep := Fault{Kind: FaultStatus, Status: tc.status}.reply()
		if ct := rep.header.Get("Content-Type"); ct != tc.contentType || !strings.Contains(string(rep.body), tc.contains) {
			t.Errorf("status %d: %s %q", tc.status, ct, rep.body)
		}
	}
}

func TestFaultEveryAndTimes(t *testing.T) {
	srv, c := newTestServer(t, Options{})
	user := srv.AddUser("Ana Lima", "ana@example.com")
	srv.AddFault(Fault{Kind: FaultStatus, Method: "get", Route: RouteList, Status: 500, Every: 2, Times: 2})
	var got []int
	for range 7 {
		got = append(got, c.do(http.MethodGet, identitiesPath(user.ID), nil).Status)
		// Requests the rule does not match do not advance its count.
		c.do(http.MethodGet, identityPath(user.ID, srv.Identities(user.ID)[0].ID), nil).want(t, http.StatusOK)
	}
	want := []int{200, 500, 200, 500, 200, 200, 200}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("statuses = %v, want %v", got, want)
		}
	}
}

func TestFaultMatching(t *testing.T) {
	srv, c := newTestServer(t, Options{})
	user := srv.AddUser("Ana Lima", "ana@example.com")
	srv.AddFault(Fault{Kind: FaultStatus, Method: http.MethodPut, Status: 500})
	srv.AddFault(Fault{Kind: FaultStatus, Route: RouteShowMany, Status: 503})

	email := srv.Identities(user.ID)[0]
	c.do(http.MethodGet, identitiesPath(user.ID), nil).want(t, http.StatusOK)
	c.do(http.MethodPut, identityPath(user.ID, email.ID)+"/verify", nil).want(t, 500)
	c.do(http.MethodPut, identityPath(user.ID, email.ID), identityBody(map[string]any{})).want(t, 500)
	c.do(http.MethodGet, "/api/v2/users/show_many?ids=1", nil).want(t, 503)
	// A blanket rule leaves token exchange alone...
	c.as("").do(http.MethodPost, "/oauth/tokens", tokenBody(nil)).want(t, http.StatusCreated)
	// ...but a rule naming it applies.
	srv.AddFault(Fault{Kind: FaultStatus, Route: RouteOAuthTokens, Status: 500, Times: 1})
	c.as("").do(http.MethodPost, "/oauth/tokens", tokenBody(nil)).want(t, 500)

	srv.ClearFaults()
	c.do(http.MethodPut, identityPath(user.ID, email.ID)+"/verify", nil).want(t, http.StatusOK)
}

// TestFaultsAfterAuth: refused requests never reach fault rules, so they do
// not use them up.
func TestFaultsAfterAuth(t *testing.T) {
	srv, c := newTestServer(t, Options{})
	user := srv.AddUser("Ana Lima", "ana@example.com")
	srv.AddFault(Fault{Kind: FaultStatus, Status: 500, Times: 1})
	c.as("").do(http.MethodGet, identitiesPath(user.ID), nil).want(t, http.StatusUnauthorized)
	c.do(http.MethodGet, identitiesPath(user.ID), nil).want(t, 500)
	c.do(http.MethodGet, identitiesPath(user.ID), nil).want(t, http.StatusOK)
}

// TestFaultAfterCommit is the case a provider must reconcile: the identity
// exists, but the client saw a 500.
func TestFaultAfterCommit(t *testing.T) {
	srv, c := newTestServer(t, Options{})
	user := srv.AddUser("Ana Lima", "ana@example.com")
	srv.AddFault(Fault{Kind: FaultAfterCommit, Route: RouteCreate, Times: 1})

	resp := c.do(http.MethodPost, identitiesPath(user.ID), twitterBody("ana")).want(t, http.StatusInternalServerError)
	if e := resp.apiError(t); e.Error != "InternalServerError" {
		t.Errorf("body = %s", resp.Body)
	}
	if resp.Header.Get("Location") != "" {
		t.Error("the real answer's Location header leaked into the fault")
	}
	list := srv.Identities(user.ID)
	if len(list) != 2 || list[1].Value != "ana" {
		t.Fatalf("identities = %+v, want the twitter identity created", list)
	}
	// A blind retry now collides with what the first attempt created.
	retry := c.do(http.MethodPost, identitiesPath(user.ID), twitterBody("ana")).want(t, http.StatusUnprocessableEntity)
	assertRecordInvalid(t, retry, "value", "DuplicateValue", "Value: ana is already being used by another user")

	srv.AddFault(Fault{Kind: FaultAfterCommit, Route: RouteDelete, Status: http.StatusBadGateway})
	c.do(http.MethodDelete, identityPath(user.ID, list[1].ID), nil).want(t, http.StatusBadGateway)
	if _, ok := srv.Identity(list[1].ID); ok {
		t.Error("FaultAfterCommit on DELETE did not delete")
	}
}

// A 503 without Retry-After after the commit is what a proxy in front of
// Zendesk sends when it gives up on an answer: unlike Zendesk's own 503, it
// does not say that the request was not processed.
func TestFaultAfterCommit_serviceUnavailableWithoutRetryAfter(t *testing.T) {
	srv, c := newTestServer(t, Options{})
	user := srv.AddUser("Ana Lima", "ana@example.com")
	srv.AddFault(Fault{Kind: FaultAfterCommit, Route: RouteCreate, Status: http.StatusServiceUnavailable, Times: 1})

	resp := c.do(http.MethodPost, identitiesPath(user.ID), twitterBody("ana")).want(t, http.StatusServiceUnavailable)
	if _, ok := resp.Header["Retry-After"]; ok {
		t.Errorf("Retry-After = %q, want none", resp.Header.Get("Retry-After"))
	}
	if e := resp.apiError(t); e.Error != "ServiceUnavailable" {
		t.Errorf("body = %s", resp.Body)
	}
	if list := srv.Identities(user.ID); len(list) != 2 || list[1].Value != "ana" {
		t.Fatalf("identities = %+v, want the twitter identity created", list)
	}
	if n := srv.Count(RouteCreate); n != 1 {
		t.Errorf("%d creates logged, want 1", n)
	}
}

// A write acknowledged but not applied answers as the route does when it
// succeeds, from the store as it was.
func TestFaultNotApplied(t *testing.T) {
	srv, c := newTestServer(t, Options{})
	user := srv.AddUser("Ana Lima", "ana@example.com")
	first := srv.Identities(user.ID)[0]
	second, err := srv.AddIdentity(Identity{UserID: user.ID, Type: "email", Value: "ana.work@example.org"})
	if err != nil {
		t.Fatal(err)
	}
	srv.AddFault(Fault{Kind: FaultNotApplied, Route: RouteMakePrimary, Times: 1})

	var answer struct {
		Identities []wireIdentity `json:"identities"`
	}
	c.do(http.MethodPut, identityPath(user.ID, second.ID)+"/make_primary", nil).want(t, http.StatusOK).decode(t, &answer)
	primaries := map[int64]bool{}
	for _, id := range answer.Identities {
		primaries[id.ID] = id.Primary
	}
	if len(primaries) != 2 || !primaries[first.ID] || primaries[second.ID] {
		t.Errorf("answer = %+v, want the collection with %d still primary", answer.Identities, first.ID)
	}
	if stored, _ := srv.Identity(second.ID); stored.Primary {
		t.Error("FaultNotApplied made the identity primary")
	}
	// The rule is spent: the next one is applied.
	c.do(http.MethodPut, identityPath(user.ID, second.ID)+"/make_primary", nil).want(t, http.StatusOK)
	if stored, _ := srv.Identity(second.ID); !stored.Primary {
		t.Error("make_primary after the fault did not apply")
	}

	srv.AddFault(Fault{Kind: FaultNotApplied, Method: http.MethodPut})
	srv.AddFault(Fault{Kind: FaultNotApplied, Method: http.MethodDelete})
	var shown struct {
		Identity wireIdentity `json:"identity"`
	}
	c.do(http.MethodPut, identityPath(user.ID, second.ID)+"/verify", nil).want(t, http.StatusOK)
	c.do(http.MethodPut, identityPath(user.ID, first.ID), identityBody(map[string]any{"value": "ana.new@example.com"})).
		want(t, http.StatusOK).decode(t, &shown)
	if shown.Identity.ID != first.ID || shown.Identity.Value != "ana@example.com" {
		t.Errorf("update answered %+v, want the identity unchanged", shown.Identity)
	}
	c.do(http.MethodPut, identityPath(user.ID, second.ID)+"/request_verification", nil).want(t, http.StatusOK)
	c.do(http.MethodDelete, identityPath(user.ID, second.ID), nil).want(t, http.StatusNoContent)
	c.do(http.MethodPut, identityPath(user.ID, 999999)+"/make_primary", nil).want(t, http.StatusNotFound)
	if got := srv.Identities(user.ID); len(got) != 2 || got[0].Value != "ana@example.com" || !got[1].Primary || got[1].Verified {
		t.Errorf("identities = %+v, want both, unchanged", got)
	}
	if n := srv.VerificationEmails(second.ID); n != 0 {
		t.Errorf("%d verification emails sent, want none", n)
	}
	// Not a write to an existing identity: served as usual.
	c.do(http.MethodGet, identitiesPath(user.ID), nil).want(t, http.StatusOK)
}

func TestFaultDrop(t *testing.T) {
	for _, kind := range []FaultKind{FaultDrop, FaultDropAfterCommit} {
		t.Run(kind.String(), func(t *testing.T) {
			srv, c := newTestServer(t, Options{})
			user := srv.AddUser("Ana Lima", "ana@example.com")
			srv.AddFault(Fault{Kind: kind, Route: RouteCreate, Times: 1})

			_, err := c.try(http.MethodPost, identitiesPath(user.ID), twitterBody("ana"))
			if err == nil {
				t.Fatal("the client got an answer from a dropped connection")
			}
			log := srv.Requests()
			if len(log) != 1 || log[0].Status != 0 || log[0].Route != RouteCreate {
				t.Errorf("log = %+v, want one create with status 0", log)
			}
			committed := len(srv.Identities(user.ID)) == 2
			if committed != (kind == FaultDropAfterCommit) {
				t.Errorf("identity created = %v", committed)
			}
			if got := srv.CountStatus(0); got != 1 {
				t.Errorf("CountStatus(0) = %d", got)
			}
		})
	}
}

func TestFaultLatency(t *testing.T) {
	done := make(chan Request, 8)
	srv, c := newTestServer(t, Options{OnRequest: func(r Request) { done <- r }})
	user := srv.AddUser("Ana Lima", "ana@example.com")

	srv.AddFault(Fault{Kind: FaultLatency, Route: RouteList, Delay: 10 * time.Millisecond, Times: 1})
	c.do(http.MethodGet, identitiesPath(user.ID), nil).want(t, http.StatusOK)
	<-done

	// A client that gives up during the delay is not served.
	srv.AddFault(Fault{Kind: FaultLatency, Route: RouteCreate, Delay: time.Hour})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL()+identitiesPath(user.ID), strings.NewReader(`{"identity":{"type":"twitter","value":"ana"}}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", c.authz)
	if _, err := c.http.Do(req); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want the client's deadline", err)
	}
	if r := <-done; r.Route != RouteCreate || r.Status != 0 {
		t.Errorf("logged %+v, want create with status 0", r)
	}
	if n := len(srv.Identities(user.ID)); n != 1 {
		t.Errorf("an abandoned request was served: %d identities", n)
	}
}

// TestCloseCutsLatencyShort: Close must not wait for an injected delay.
func TestCloseCutsLatencyShort(t *testing.T) {
	srv, c := newTestServer(t, Options{})
	user := srv.AddUser("Ana Lima", "ana@example.com")
	srv.AddFault(Fault{Kind: FaultLatency, Delay: time.Hour})
	errc := make(chan error, 1)
	go func() {
		_, err := c.try(http.MethodGet, identitiesPath(user.ID), nil)
		errc <- err
	}()
	for srv.TotalRequests() == 0 {
		time.Sleep(time.Millisecond) // until the request is inside the fake
	}
	srv.Close()
	if err := <-errc; err == nil {
		t.Error("the delayed request got an answer")
	}
	srv.Close() // idempotent
}
