package zendesktest

import (
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"
)

func TestConcurrentCreates(t *testing.T) {
	srv, c := newTestServer(t, Options{})
	user := srv.AddUser("Ana Lima", "ana@example.com")

	const n = 50
	statuses := make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			resp, err := c.try(http.MethodPost, identitiesPath(user.ID), twitterBody(fmt.Sprintf("handle%02d", i)))
			if err != nil {
				t.Error(err)
				return
			}
			statuses[i] = resp.Status
		})
	}
	wg.Wait()
	for i, s := range statuses {
		if s != http.StatusCreated {
			t.Errorf("create %d: status %d", i, s)
		}
	}
	list := srv.Identities(user.ID)
	if len(list) != n+1 {
		t.Fatalf("%d identities, want %d", len(list), n+1)
	}
	seen := map[int64]bool{}
	for _, i := range list {
		if seen[i.ID] {
			t.Errorf("id %d handed out twice", i.ID)
		}
		seen[i.ID] = true
	}
	if got := primaries(list)["twitter"]; len(got) != 1 {
		t.Errorf("%d primary twitter identities, want exactly 1", len(got))
	}
}

// TestConcurrentDuplicates: of many simultaneous creates of one value,
// exactly one wins, whichever user asks.
func TestConcurrentDuplicates(t *testing.T) {
	srv, c := newTestServer(t, Options{})
	users := []User{srv.AddUser("Ana Lima", "ana@example.com"), srv.AddUser("Ben Okafor", "ben@example.com")}

	const n = 20
	var mu sync.Mutex
	counts := map[int]int{}
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			// Emails are compared case-insensitively, so these collide.
			value := "shared@example.com"
			if i%2 == 0 {
				value = "Shared@Example.COM"
			}
			body := identityBody(map[string]any{"type": "email", "value": value})
			resp, err := c.try(http.MethodPost, identitiesPath(users[i%2].ID), body)
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			counts[resp.Status]++
			mu.Unlock()
		})
	}
	wg.Wait()
	if counts[http.StatusCreated] != 1 || counts[http.StatusUnprocessableEntity] != n-1 {
		t.Errorf("statuses = %v, want one 201 and %d 422", counts, n-1)
	}
}

// TestConcurrentMixedTraffic runs every kind of traffic at once, with the
// rate limiter and fault rules in play, so -race sees every shared path.
func TestConcurrentMixedTraffic(t *testing.T) {
	srv, c := newTestServer(t, Options{RateLimit: 1000, RateLimitWindow: time.Hour})
	user := srv.AddUser("Ana Lima", "ana@example.com")
	srv.AddFault(Fault{Kind: FaultStatus, Route: RouteShow, Status: 503, Every: 3})
	srv.AddFault(Fault{Kind: FaultLatency, Route: RouteList, Delay: time.Millisecond})

	var wg sync.WaitGroup
	for i := range 10 {
		wg.Go(func() {
			created, err := c.try(http.MethodPost, identitiesPath(user.ID), twitterBody(fmt.Sprintf("mixed%d", i)))
			if err != nil || created.Status != http.StatusCreated {
				t.Errorf("create: %v %v", err, created)
				return
			}
			id := created.identity(t).ID
			for _, step := range []struct {
				method, path string
				body         any
			}{
				{http.MethodGet, identitiesPath(user.ID), nil},
				{http.MethodGet, identityPath(user.ID, id), nil},
				{http.MethodPut, identityPath(user.ID, id), twitterBody(fmt.Sprintf("mixed%d-b", i))},
				{http.MethodPut, identityPath(user.ID, id) + "/make_primary", nil},
				{http.MethodPut, identityPath(user.ID, id) + "/verify", nil},
				{http.MethodGet, fmt.Sprintf("/api/v2/users/show_many?ids=%d&include=identities", user.ID), nil},
				{http.MethodDelete, identityPath(user.ID, id), nil},
			} {
				if _, err := c.try(step.method, step.path, step.body); err != nil {
					t.Error(err)
				}
			}
		})
		wg.Go(func() {
			_ = srv.Requests()
			_ = srv.AllIdentities()
			_ = srv.Count(RouteShow)
			srv.AddUser(fmt.Sprintf("Other %d", i), "")
		})
	}
	wg.Wait()
	if n := len(srv.Identities(user.ID)); n != 1 {
		t.Errorf("%d identities left, want the email only", n)
	}
	if got := primaries(srv.Identities(user.ID))["email"]; len(got) != 1 {
		t.Errorf("email primaries = %v", got)
	}
}
