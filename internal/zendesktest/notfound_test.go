package zendesktest

import (
	"net/http"
	"testing"
)

// TestNotFound covers both 404 shapes: RecordNotFound for a missing record,
// InvalidEndpoint for a path or method the API does not have.
func TestNotFound(t *testing.T) {
	srv, c := newTestServer(t, Options{})
	ana := srv.AddUser("Ana Lima", "ana@example.com")
	ben := srv.AddUser("Ben Okafor", "ben@example.com")
	gone := srv.AddUser("Gone User", "gone@example.com")
	anaEmail := srv.Identities(ana.ID)[0]
	benEmail := srv.Identities(ben.ID)[0]
	goneEmail := srv.Identities(gone.ID)[0]
	srv.DeleteUser(gone.ID)
	twitter := map[string]any{"type": "twitter", "value": "x"}

	cases := []struct {
		name   string
		method string
		path   string
		body   any
		want   string
	}{
		{"list of unknown user", http.MethodGet, identitiesPath(999), nil, "RecordNotFound"},
		{"create on unknown user", http.MethodPost, identitiesPath(999), identityBody(twitter), "RecordNotFound"},
		{"list of deleted user", http.MethodGet, identitiesPath(gone.ID), nil, "RecordNotFound"},
		{"show of deleted user's identity", http.MethodGet, identityPath(gone.ID, goneEmail.ID), nil, "RecordNotFound"},
		{"unknown identity", http.MethodGet, identityPath(ana.ID, 99999), nil, "RecordNotFound"},
		{"identity of another user", http.MethodGet, identityPath(ana.ID, benEmail.ID), nil, "RecordNotFound"},
		{"update of another user's identity", http.MethodPut, identityPath(ana.ID, benEmail.ID), identityBody(map[string]any{"verified": true}), "RecordNotFound"},
		{"delete of another user's identity", http.MethodDelete, identityPath(ana.ID, benEmail.ID), nil, "RecordNotFound"},
		{"make_primary of another user's identity", http.MethodPut, identityPath(ana.ID, benEmail.ID) + "/make_primary", nil, "RecordNotFound"},
		{"verify unknown identity", http.MethodPut, identityPath(ana.ID, 99999) + "/verify.json", nil, "RecordNotFound"},
		{"request_verification unknown identity", http.MethodPut, identityPath(ana.ID, 99999) + "/request_verification", nil, "RecordNotFound"},

		{"unknown API path", http.MethodGet, "/api/v2/tickets", nil, "InvalidEndpoint"},
		{"API root", http.MethodGet, "/api/v2", nil, "InvalidEndpoint"},
		{"non-numeric user", http.MethodGet, "/api/v2/users/ana/identities", nil, "InvalidEndpoint"},
		{"non-numeric identity", http.MethodGet, identitiesPath(ana.ID) + "/first", nil, "InvalidEndpoint"},
		{"trailing slash", http.MethodGet, identitiesPath(ana.ID) + "/", nil, "InvalidEndpoint"},
		{"unknown action", http.MethodPut, identityPath(ana.ID, anaEmail.ID) + "/promote", nil, "InvalidEndpoint"},
		{"PATCH identity", http.MethodPatch, identityPath(ana.ID, anaEmail.ID), identityBody(map[string]any{}), "InvalidEndpoint"},
		{"POST to an identity", http.MethodPost, identityPath(ana.ID, anaEmail.ID), identityBody(twitter), "InvalidEndpoint"},
		{"DELETE the collection", http.MethodDelete, identitiesPath(ana.ID), nil, "InvalidEndpoint"},
		{"PUT the collection", http.MethodPut, identitiesPath(ana.ID), identityBody(twitter), "InvalidEndpoint"},
		{"GET make_primary", http.MethodGet, identityPath(ana.ID, anaEmail.ID) + "/make_primary", nil, "InvalidEndpoint"},
		{"POST verify", http.MethodPost, identityPath(ana.ID, anaEmail.ID) + "/verify", nil, "InvalidEndpoint"},
		{"POST show_many", http.MethodPost, "/api/v2/users/show_many", nil, "InvalidEndpoint"},
		{"outside the API", http.MethodGet, "/users/1/identities", nil, "InvalidEndpoint"},
		{"GET oauth tokens", http.MethodGet, "/oauth/tokens", nil, "InvalidEndpoint"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp := c.do(tc.method, tc.path, tc.body).want(t, http.StatusNotFound)
			if got := resp.apiError(t); got.Error != tc.want || got.Description != "Not found" {
				t.Errorf("body = %s, want error %q with description \"Not found\"", resp.Body, tc.want)
			}
			if ct := resp.Header.Get("Content-Type"); ct != jsonContentType {
				t.Errorf("Content-Type = %q", ct)
			}
		})
	}
	if _, ok := srv.Identity(benEmail.ID); !ok {
		t.Error("a refused delete removed another user's identity")
	}
}

// TestUnknownPathsOutsideTheAPIAreNotAuthenticated: only /api/v2 wants
// credentials.
func TestUnknownPathsOutsideTheAPIAreNotAuthenticated(t *testing.T) {
	_, c := newTestServer(t, Options{})
	c.as("").do(http.MethodGet, "/favicon.ico", nil).want(t, http.StatusNotFound)
	c.as("").do(http.MethodGet, "/api/v2/tickets", nil).want(t, http.StatusUnauthorized)
}
