package zendesktest

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
)

type wireShowMany struct {
	Users []struct {
		ID    int64   `json:"id"`
		URL   string  `json:"url"`
		Name  string  `json:"name"`
		Email *string `json:"email"`
		Role  string  `json:"role"`
	} `json:"users"`
	Identities *[]wireIdentity `json:"identities"`
	Count      int             `json:"count"`
}

func TestShowMany(t *testing.T) {
	srv, c := newTestServer(t, Options{})
	ana := srv.AddUser("Ana Lima", "ana@example.com")
	ben := srv.AddUser("Ben Okafor", "ben@example.com")
	gone := srv.AddUser("Gone", "gone@example.com")
	noEmail := srv.AddUser("No Email", "")
	c.createIdentity(ben.ID, map[string]any{"type": "twitter", "value": "ben"})
	srv.DeleteUser(gone.ID)

	for _, suffix := range []string{"", ".json"} {
		path := fmt.Sprintf("/api/v2/users/show_many%s?ids=%d,999,%d,%d,%d,%d&include=identities", suffix, ben.ID, ana.ID, gone.ID, noEmail.ID, ana.ID)
		var got wireShowMany
		c.do(http.MethodGet, path, nil).want(t, http.StatusOK).decode(t, &got)
		var ids []int64
		for _, u := range got.Users {
			ids = append(ids, u.ID)
		}
		if want := []int64{ben.ID, ana.ID, noEmail.ID}; !slices.Equal(ids, want) {
			t.Errorf("users = %v, want %v (as asked, unknown and deleted left out, no repeats)", ids, want)
		}
		if got.Count != 3 {
			t.Errorf("count = %d", got.Count)
		}
		u := got.Users[1]
		if u.Name != "Ana Lima" || u.Email == nil || *u.Email != "ana@example.com" || u.Role != "end-user" ||
			u.URL != fmt.Sprintf("%s/api/v2/users/%d.json", srv.URL(), ana.ID) {
			t.Errorf("user = %+v", u)
		}
		if got.Users[2].Email != nil {
			t.Errorf("a user without email has email %q", *got.Users[2].Email)
		}
		if got.Identities == nil || len(*got.Identities) != 3 {
			t.Fatalf("identities = %v, want ben's two and ana's one", got.Identities)
		}
	}

	resp := c.do(http.MethodGet, fmt.Sprintf("/api/v2/users/show_many?ids=%d", ana.ID), nil).want(t, http.StatusOK)
	if _, ok := resp.object(t)["identities"]; ok {
		t.Errorf("identities sideloaded without include: %s", resp.Body)
	}
	for _, key := range []string{"next_page", "previous_page", "count"} {
		if _, ok := resp.object(t)[key]; !ok {
			t.Errorf("no %q in %s", key, resp.Body)
		}
	}
	var both wireShowMany
	c.do(http.MethodGet, fmt.Sprintf("/api/v2/users/show_many?ids=%d&include=organizations,identities", ana.ID), nil).
		want(t, http.StatusOK).decode(t, &both)
	if both.Identities == nil || len(*both.Identities) != 1 {
		t.Errorf("include=organizations,identities: identities = %v", both.Identities)
	}
	var none wireShowMany
	resp = c.do(http.MethodGet, fmt.Sprintf("/api/v2/users/show_many?ids=%d&include=identities", noEmail.ID), nil).want(t, http.StatusOK)
	resp.decode(t, &none)
	if none.Identities == nil || len(*none.Identities) != 0 {
		t.Errorf("identities = %s, want an empty array", resp.Body)
	}
}

func TestShowManySideloadOptions(t *testing.T) {
	cases := []struct {
		name string
		opts Options
		want *int // identities sideloaded; nil = no key
	}{
		{"all", Options{}, new(4)},
		{"SideloadLimit", Options{SideloadLimit: 1}, new(2)},
		{"OmitIdentitySideload", Options{OmitIdentitySideload: true}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv, c := newTestServer(t, tc.opts)
			ana := srv.AddUser("Ana Lima", "ana@example.com")
			ben := srv.AddUser("Ben Okafor", "ben@example.com")
			c.createIdentity(ana.ID, map[string]any{"type": "twitter", "value": "ana"})
			c.createIdentity(ben.ID, map[string]any{"type": "twitter", "value": "ben"})
			var got wireShowMany
			c.do(http.MethodGet, fmt.Sprintf("/api/v2/users/show_many?ids=%d,%d&include=identities", ana.ID, ben.ID), nil).
				want(t, http.StatusOK).decode(t, &got)
			switch {
			case tc.want == nil && got.Identities != nil:
				t.Errorf("identities present: %v", *got.Identities)
			case tc.want != nil && (got.Identities == nil || len(*got.Identities) != *tc.want):
				t.Errorf("identities = %v, want %d", got.Identities, *tc.want)
			}
			if len(got.Users) != 2 {
				t.Errorf("users = %d, want 2", len(got.Users))
			}
		})
	}
}

func TestShowManyLimits(t *testing.T) {
	srv, c := newTestServer(t, Options{})
	var ids []string
	for i := range 101 {
		ids = append(ids, fmt.Sprint(srv.AddUser(fmt.Sprintf("User %d", i), "").ID))
	}
	var got wireShowMany
	c.do(http.MethodGet, "/api/v2/users/show_many?ids="+strings.Join(ids[:100], ","), nil).want(t, http.StatusOK).decode(t, &got)
	if got.Count != 100 {
		t.Errorf("count = %d, want 100", got.Count)
	}
	for _, q := range []string{"ids=" + strings.Join(ids, ","), "", "ids="} {
		resp := c.do(http.MethodGet, "/api/v2/users/show_many?"+q, nil).want(t, http.StatusBadRequest)
		if e := resp.apiError(t); e.Error == "" || e.Description == "" {
			t.Errorf("%.20s: body = %s", q, resp.Body)
		}
	}
}
