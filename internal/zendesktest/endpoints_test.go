package zendesktest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"testing"
	"time"
)

// TestEndpoints walks every identity endpoint, with and without the ".json"
// suffix, and checks status, wrapper and headers.
func TestEndpoints(t *testing.T) {
	for _, suffix := range []string{"", ".json"} {
		t.Run("suffix="+suffix, func(t *testing.T) {
			srv, c := newTestServer(t, Options{})
			user := srv.AddUser("Ana Lima", "ana@example.com")
			base := identitiesPath(user.ID)
			one := func(id int64, action string) string {
				p := identityPath(user.ID, id)
				if action != "" {
					p += "/" + action
				}
				return p + suffix
			}

			list := c.do(http.MethodGet, base+suffix, nil).want(t, http.StatusOK)
			if got := list.identities(t); len(got) != 1 || got[0].Value != "ana@example.com" {
				t.Fatalf("list = %+v, want the primary email", got)
			}

			created := c.do(http.MethodPost, base+suffix, identityBody(map[string]any{"type": "twitter", "value": "ana_lima"})).
				want(t, http.StatusCreated)
			ident := created.identity(t)
			wantLocation := fmt.Sprintf("%s/api/v2/users/%d/identities/%d.json", srv.URL(), user.ID, ident.ID)
			if got := created.Header.Get("Location"); got != wantLocation {
				t.Errorf("Location = %q, want %q", got, wantLocation)
			}
			if ident.URL != wantLocation {
				t.Errorf("url = %q, want %q", ident.URL, wantLocation)
			}

			if got := c.do(http.MethodGet, one(ident.ID, ""), nil).want(t, http.StatusOK).identity(t); got.Value != "ana_lima" {
				t.Errorf("show value = %q", got.Value)
			}

			updated := c.do(http.MethodPut, one(ident.ID, ""), identityBody(map[string]any{"value": "ana_l"})).
				want(t, http.StatusOK).identity(t)
			if updated.Value != "ana_l" {
				t.Errorf("update value = %q", updated.Value)
			}

			second := c.createIdentity(user.ID, map[string]any{"type": "twitter", "value": "ana_two"})
			collection := c.do(http.MethodPut, one(second.ID, "make_primary"), nil).want(t, http.StatusOK).identities(t)
			if len(collection) != 3 {
				t.Errorf("make_primary returned %d identities, want the whole collection of 3", len(collection))
			}

			verified := c.do(http.MethodPut, one(second.ID, "verify"), nil).want(t, http.StatusOK).identity(t)
			if !verified.Verified || verified.VerificationMethod != "full" {
				t.Errorf("verify = %+v", verified)
			}

			rv := c.do(http.MethodPut, one(ident.ID, "request_verification"), nil).want(t, http.StatusOK)
			if len(rv.Body) != 0 {
				t.Errorf("request_verification body = %q, want empty", rv.Body)
			}

			del := c.do(http.MethodDelete, one(ident.ID, ""), nil).want(t, http.StatusNoContent)
			if len(del.Body) != 0 {
				t.Errorf("delete body = %q, want empty", del.Body)
			}
			c.do(http.MethodGet, one(ident.ID, ""), nil).want(t, http.StatusNotFound)

			wantRoutes := []Route{RouteList, RouteCreate, RouteShow, RouteUpdate, RouteCreate, RouteMakePrimary,
				RouteVerify, RouteRequestVerification, RouteDelete, RouteShow}
			var gotRoutes []Route
			for _, r := range srv.Requests() {
				gotRoutes = append(gotRoutes, r.Route)
			}
			if !slices.Equal(gotRoutes, wantRoutes) {
				t.Errorf("routes = %v, want %v", gotRoutes, wantRoutes)
			}
		})
	}
}

// TestIdentityJSON checks that every documented attribute is present, with
// nulls where Zendesk sends them and timestamps in RFC 3339 UTC seconds.
func TestIdentityJSON(t *testing.T) {
	clock := newFakeClock()
	clock.Advance(123 * time.Millisecond) // must not leak into timestamps
	srv, c := newTestServer(t, Options{Now: clock.Now})
	user := srv.AddUser("Ana Lima", "")

	resp := c.do(http.MethodPost, identitiesPath(user.ID), identityBody(map[string]any{"type": "twitter", "value": "ana"})).
		want(t, http.StatusCreated)
	if ct := resp.Header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
		t.Errorf("Content-Type = %q", ct)
	}
	obj, ok := resp.object(t)["identity"].(map[string]any)
	if !ok {
		t.Fatalf("no identity object in %s", resp.Body)
	}
	wantKeys := []string{"created_at", "deliverable_state", "id", "primary", "type", "undeliverable_count",
		"updated_at", "url", "user_id", "value", "verification_method", "verified", "verified_at"}
	var keys []string
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if !slices.Equal(keys, wantKeys) {
		t.Fatalf("keys = %v, want %v", keys, wantKeys)
	}
	for _, k := range []string{"verified_at", "deliverable_state"} {
		if obj[k] != nil {
			t.Errorf("%s = %v, want null", k, obj[k])
		}
	}
	if obj["created_at"] != "2024-05-01T10:00:00Z" || obj["updated_at"] != "2024-05-01T10:00:00Z" {
		t.Errorf("timestamps = %v / %v", obj["created_at"], obj["updated_at"])
	}
	if obj["verification_method"] != "none" || obj["verified"] != false || obj["primary"] != true {
		t.Errorf("flags = %v", obj)
	}

	email := c.createIdentity(user.ID, map[string]any{"type": "email", "value": "ana@example.org"})
	if email.DeliverableState == nil || *email.DeliverableState != "reserved_example" {
		t.Errorf("deliverable_state = %v, want reserved_example", email.DeliverableState)
	}
	deliverable := c.createIdentity(user.ID, map[string]any{"type": "email", "value": "ana@lima.example"})
	if deliverable.DeliverableState == nil || *deliverable.DeliverableState != "deliverable" {
		t.Errorf("deliverable_state = %v, want deliverable", deliverable.DeliverableState)
	}
	verified := c.do(http.MethodPut, identityPath(user.ID, email.ID)+"/verify", nil).want(t, http.StatusOK).identity(t)
	if verified.VerifiedAt == nil || *verified.VerifiedAt != "2024-05-01T10:00:00Z" {
		t.Errorf("verified_at = %v", verified.VerifiedAt)
	}
}

// TestURLsFollowHost checks that URLs in answers use the Host the client
// asked for, as Zendesk's use the account's subdomain.
func TestURLsFollowHost(t *testing.T) {
	srv, c := newTestServer(t, Options{})
	user := srv.AddUser("Ana Lima", "ana@example.com")
	req, err := http.NewRequest(http.MethodGet, srv.URL()+identitiesPath(user.ID), nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Host = "acme.zendesk.test"
	req.Header.Set("Authorization", c.authz)
	resp, err := c.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var env struct {
		Identities []wireIdentity `json:"identities"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&env); err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("http://acme.zendesk.test/api/v2/users/%d/identities/%d.json", user.ID, env.Identities[0].ID)
	if env.Identities[0].URL != want {
		t.Errorf("url = %q, want %q", env.Identities[0].URL, want)
	}
}
