package zendesktest

import (
	"net/http"
	"slices"
	"testing"
	"time"
)

func TestRequestLog(t *testing.T) {
	clock := newFakeClock()
	srv, c := newTestServer(t, Options{RateLimit: 7, Now: clock.Now})
	user := srv.AddUser("Ana Lima", "ana@example.com")
	email := srv.Identities(user.ID)[0]
	srv.AddFault(Fault{Kind: FaultStatus, Route: RouteVerify, Status: 503, Times: 1})

	c.do(http.MethodGet, identitiesPath(user.ID)+"?page[size]=2", nil)                    // 200
	c.as("").do(http.MethodGet, identityPath(user.ID, email.ID), nil)                     // 401
	c.do(http.MethodGet, identityPath(user.ID, 1), nil)                                   // 404
	c.do(http.MethodPut, identityPath(user.ID, email.ID)+"/verify", nil)                  // 503 (fault)
	created := c.createIdentity(user.ID, map[string]any{"type": "twitter", "value": "a"}) // 201
	clock.Advance(time.Second)
	c.do(http.MethodDelete, identityPath(user.ID, created.ID), nil) // 204
	c.do(http.MethodGet, "/api/v2/tickets.json", nil)               // 404
	c.do(http.MethodGet, identitiesPath(user.ID), nil)              // 429

	log := srv.Requests()
	want := []Request{
		{Method: "GET", Path: identitiesPath(user.ID), RawQuery: "page[size]=2", Route: RouteList, UserID: user.ID, Status: 200, Auth: "basic"},
		{Method: "GET", Path: identityPath(user.ID, email.ID), Route: RouteShow, UserID: user.ID, IdentityID: email.ID, Status: 401},
		{Method: "GET", Path: identityPath(user.ID, 1), Route: RouteShow, UserID: user.ID, IdentityID: 1, Status: 404, Auth: "basic"},
		{Method: "PUT", Path: identityPath(user.ID, email.ID) + "/verify", Route: RouteVerify, UserID: user.ID, IdentityID: email.ID, Status: 503, Auth: "basic"},
		{Method: "POST", Path: identitiesPath(user.ID), Route: RouteCreate, UserID: user.ID, Status: 201, Auth: "basic"},
		{Method: "DELETE", Path: identityPath(user.ID, created.ID), Route: RouteDelete, UserID: user.ID, IdentityID: created.ID, Status: 204, Auth: "basic"},
		{Method: "GET", Path: "/api/v2/tickets.json", Route: RouteUnknown, Status: 404, Auth: "basic"},
		{Method: "GET", Path: identitiesPath(user.ID), Route: RouteList, UserID: user.ID, Status: 429, Auth: "basic"},
	}
	if len(log) != len(want) {
		t.Fatalf("log has %d entries, want %d: %+v", len(log), len(want), log)
	}
	for i := range want {
		wantTime := clock.Now()
		if i < 5 {
			wantTime = wantTime.Add(-time.Second)
		}
		want[i].Time = wantTime
		if log[i] != want[i] {
			t.Errorf("entry %d = %+v\nwant       %+v", i, log[i], want[i])
		}
	}

	if got := srv.Count(RouteList); got != 2 {
		t.Errorf("Count(list) = %d", got)
	}
	if got := srv.Count(RouteMakePrimary); got != 0 {
		t.Errorf("Count(make_primary) = %d", got)
	}
	if got := srv.CountStatus(http.StatusNotFound); got != 2 {
		t.Errorf("CountStatus(404) = %d", got)
	}
	if got := srv.TotalRequests(); got != 8 {
		t.Errorf("TotalRequests = %d", got)
	}

	// Requests returns a copy.
	log[0].Status = 999
	if srv.Requests()[0].Status != 200 {
		t.Error("Requests shares memory with the log")
	}

	srv.ResetRequests()
	if srv.TotalRequests() != 0 || srv.Count(RouteList) != 0 || len(srv.Requests()) != 0 {
		t.Error("ResetRequests left entries")
	}
	srv.SetRateLimit(0, 0)
	c.do(http.MethodGet, identitiesPath(user.ID), nil).want(t, http.StatusOK)
	if routes := []Route{srv.Requests()[0].Route}; !slices.Equal(routes, []Route{RouteList}) {
		t.Errorf("after reset: %v", routes)
	}
}

func TestOnRequest(t *testing.T) {
	got := make(chan Request, 1)
	srv, c := newTestServer(t, Options{OnRequest: func(r Request) { got <- r }})
	user := srv.AddUser("Ana Lima", "ana@example.com")
	c.do(http.MethodGet, identitiesPath(user.ID), nil).want(t, http.StatusOK)
	if r := <-got; r.Route != RouteList || r.Status != 200 || r.Auth != "basic" {
		t.Errorf("OnRequest got %+v", r)
	}
}
