package zendesktest

import (
	"net/http"
	"strings"
	"testing"
)

func TestTypeFilter_undocumentedValues(t *testing.T) {
	for _, tc := range []struct {
		name   string
		strict bool
		query  string
		status int
		count  int
	}{
		{"lenient: google filters", false, "?type[]=google", http.StatusOK, 1},
		{"strict: documented values filter", true, "?type[]=email&type[]=twitter", http.StatusOK, 2},
		{"strict: no filter lists all", true, "", http.StatusOK, 3},
		{"strict: google is refused", true, "?type[]=email&type[]=google", http.StatusBadRequest, 0},
		{"strict: plain type too", true, "?type=google", http.StatusBadRequest, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, c := newTestServer(t, Options{StrictTypeFilter: tc.strict})
			ana := srv.AddUser("Ana Lima", "ana@example.com")
			c.createIdentity(ana.ID, map[string]any{"type": "google", "value": "ana@gmail.com"})
			c.createIdentity(ana.ID, map[string]any{"type": "twitter", "value": "ana_lima"})
			resp := c.do(http.MethodGet, identitiesPath(ana.ID)+tc.query, nil).want(t, tc.status)
			if tc.status != http.StatusOK {
				e := resp.apiError(t)
				if e.Error != "InvalidValue" || !strings.Contains(e.Description, "google is not a valid filter value") {
					t.Errorf("body = %s", resp.Body)
				}
				return
			}
			if got := resp.identities(t); len(got) != tc.count {
				t.Errorf("%d identities, want %d: %s", len(got), tc.count, resp.Body)
			}
		})
	}
}
