package zendesktest

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
)

// wireUser is a user as a client reads it.
type wireUser struct {
	ID         int64   `json:"id"`
	URL        string  `json:"url"`
	Name       string  `json:"name"`
	Email      *string `json:"email"`
	ExternalID *string `json:"external_id"`
	Role       string  `json:"role"`
	Active     bool    `json:"active"`
	Suspended  bool    `json:"suspended"`
	CreatedAt  string  `json:"created_at"`
	UpdatedAt  string  `json:"updated_at"`
}

// wireUsers is the answer of show_many and of the search.
type wireUsers struct {
	Users        []wireUser      `json:"users"`
	Identities   *[]wireIdentity `json:"identities"`
	NextPage     *string         `json:"next_page"`
	PreviousPage *string         `json:"previous_page"`
	Count        int             `json:"count"`
}

func (w wireUsers) ids() []int64 {
	out := []int64{}
	for _, u := range w.Users {
		out = append(out, u.ID)
	}
	return out
}

// getUsers GETs path, wants a 200 and decodes the users.
func (c *testClient) getUsers(path string) wireUsers {
	c.t.Helper()
	var out wireUsers
	c.do(http.MethodGet, path, nil).want(c.t, http.StatusOK).decode(c.t, &out)
	return out
}

func searchPath(query string, extra ...string) string {
	return "/api/v2/users/search?" + strings.Join(append([]string{"query=" + url.QueryEscape(query)}, extra...), "&")
}

func TestAddUserOptions(t *testing.T) {
	srv, _ := newTestServer(t, Options{})
	ana := srv.AddUser("Ana Lima", "ana@example.com", WithExternalID("emp-1"), WithRole("agent"), WithSuspended())
	if ana.ExternalID != "emp-1" || ana.Role != "agent" || !ana.Suspended || !ana.Active {
		t.Errorf("AddUser = %+v", ana)
	}
	for name, opt := range map[string]UserOption{
		"unknown role":                WithRole("owner"),
		"taken external id":           WithExternalID("emp-1"),
		"taken external id, any case": WithExternalID("EMP-1"),
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("AddUser did not panic")
				}
			}()
			srv.AddUser("Broken", "", opt)
		})
	}
	if got := len(srv.Users()); got != 1 {
		t.Errorf("refused users were stored: %d users", got)
	}
	// A deleted user's external id may be given again.
	srv.SoftDeleteUser(ana.ID)
	if again := srv.AddUser("Ana Again", "", WithExternalID("emp-1")); again.ExternalID != "emp-1" {
		t.Errorf("AddUser = %+v", again)
	}

	dup, _ := newTestServer(t, Options{AllowDuplicateExternalIDs: true})
	dup.AddUser("One", "", WithExternalID("emp-1"))
	dup.AddUser("Two", "", WithExternalID("Emp-1"))
}

func TestSoftDeleteUser(t *testing.T) {
	clock := newFakeClock()
	srv, c := newTestServer(t, Options{Now: clock.Now})
	ana := srv.AddUser("Ana Lima", "ana@example.com", WithExternalID("emp-1"))
	email := srv.Identities(ana.ID)[0]
	clock.Advance(time.Hour)
	srv.SoftDeleteUser(ana.ID)

	got, ok := srv.User(ana.ID)
	if !ok || got.Active || got.ExternalID != "emp-1" || got.Email != "" || !got.UpdatedAt.Equal(ana.CreatedAt.Add(time.Hour)) {
		t.Errorf("User = %+v, %v; want an inactive user with its external id and no email", got, ok)
	}
	c.do(http.MethodGet, identitiesPath(ana.ID), nil).want(t, http.StatusNotFound)
	c.do(http.MethodGet, identityPath(ana.ID, email.ID), nil).want(t, http.StatusNotFound)
	c.do(http.MethodPost, identitiesPath(ana.ID), identityBody(map[string]any{"type": "twitter", "value": "ana"})).want(t, http.StatusNotFound)
	// Its address is free again.
	ben := srv.AddUser("Ben Okafor", "ana@example.com")

	var shown struct {
		User wireUser `json:"user"`
	}
	c.do(http.MethodGet, fmt.Sprintf("/api/v2/users/%d.json", ana.ID), nil).want(t, http.StatusOK).decode(t, &shown)
	if shown.User.ID != ana.ID || shown.User.Active || shown.User.Email != nil {
		t.Errorf("GET user = %+v", shown.User)
	}
	if got := c.getUsers(searchPath("email:ana@example.com")).ids(); !slices.Equal(got, []int64{ben.ID}) {
		t.Errorf("search found %v, want only %d", got, ben.ID)
	}
	srv.DeleteUser(ana.ID)
	c.do(http.MethodGet, fmt.Sprintf("/api/v2/users/%d", ana.ID), nil).want(t, http.StatusNotFound)

	cleared, c2 := newTestServer(t, Options{DeletionClearsExternalID: true})
	carl := cleared.AddUser("Carl Berg", "", WithExternalID("emp-2"))
	cleared.SoftDeleteUser(carl.ID)
	if got, _ := cleared.User(carl.ID); got.ExternalID != "" || got.Active {
		t.Errorf("DeletionClearsExternalID: User = %+v", got)
	}
	if got := c2.getUsers("/api/v2/users/show_many?include_deleted=true&external_ids=emp-2"); got.Count != 0 {
		t.Errorf("DeletionClearsExternalID: show_many found %v", got.ids())
	}
}

func TestShowManyDeletedUsers(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts Options
		// wantDeleted: include_deleted=true brings the deleted user.
		wantDeleted bool
	}{
		{"include_deleted honoured", Options{}, true},
		{"IgnoreIncludeDeleted", Options{IgnoreIncludeDeleted: true}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, c := newTestServer(t, tc.opts)
			ana := srv.AddUser("Ana Lima", "ana@example.com", WithExternalID("emp-1"))
			gone := srv.AddUser("Gone", "gone@example.com", WithExternalID("emp-2"))
			srv.SoftDeleteUser(gone.ID)
			for _, query := range []string{fmt.Sprintf("ids=%d,%d", ana.ID, gone.ID), "external_ids=emp-1,emp-2"} {
				if got := c.getUsers("/api/v2/users/show_many?" + query).ids(); !slices.Equal(got, []int64{ana.ID}) {
					t.Errorf("%s: users %v, want only the active one", query, got)
				}
				for _, flag := range []string{"true", "1"} {
					got := c.getUsers("/api/v2/users/show_many?include=identities&include_deleted=" + flag + "&" + query)
					want := []int64{ana.ID}
					if tc.wantDeleted {
						want = append(want, gone.ID)
					}
					if !slices.Equal(got.ids(), want) {
						t.Fatalf("%s with include_deleted=%s: users %v, want %v", query, flag, got.ids(), want)
					}
					if tc.wantDeleted && got.Users[1].Active {
						t.Errorf("the deleted user is shown active: %+v", got.Users[1])
					}
					if got.Identities == nil || len(*got.Identities) != 1 || (*got.Identities)[0].UserID != ana.ID {
						t.Errorf("identities = %+v, want Ana's only: a deleted user has none", got.Identities)
					}
				}
			}
		})
	}
}

func TestShowManyByExternalIDs(t *testing.T) {
	srv, c := newTestServer(t, Options{AllowDuplicateExternalIDs: true})
	ana := srv.AddUser("Ana Lima", "ana@example.com", WithExternalID("emp-1"))
	ben := srv.AddUser("Ben Okafor", "ben@example.com", WithExternalID("Emp-2"))
	twin := srv.AddUser("Ben Twin", "", WithExternalID("emp-2"))
	srv.AddUser("No External Id", "nobody@example.com")

	got := c.getUsers("/api/v2/users/show_many.json?external_ids=EMP-2,unknown,%20emp-1%20,,emp-1&include=identities")
	if want := []int64{ben.ID, twin.ID, ana.ID}; !slices.Equal(got.ids(), want) {
		t.Errorf("users = %v, want %v: as asked, any case, every holder, no repeats", got.ids(), want)
	}
	if got.Count != 3 || got.Users[0].ExternalID == nil || *got.Users[0].ExternalID != "Emp-2" {
		t.Errorf("answer = %+v", got)
	}
	if got.Identities == nil || len(*got.Identities) != 2 {
		t.Errorf("identities = %+v, want Ana's and Ben's emails", got.Identities)
	}

	many := make([]string, 101)
	for i := range many {
		many[i] = fmt.Sprintf("hr-%d", i)
	}
	for _, q := range []string{
		"external_ids=" + strings.Join(many, ","),
		fmt.Sprintf("ids=%d&external_ids=emp-1", ana.ID),
		"external_ids=",
	} {
		resp := c.do(http.MethodGet, "/api/v2/users/show_many?"+q, nil).want(t, http.StatusBadRequest)
		if e := resp.apiError(t); e.Error == "" || e.Description == "" {
			t.Errorf("%.30s: body = %s", q, resp.Body)
		}
	}
	if got := c.getUsers("/api/v2/users/show_many?external_ids=" + strings.Join(many[:100], ",")); got.Count != 0 {
		t.Errorf("100 unknown external ids found %d users", got.Count)
	}
}

func TestShowUser(t *testing.T) {
	srv, c := newTestServer(t, Options{})
	ana := srv.AddUser("Ana Lima", "ana@example.com", WithExternalID("emp-1"), WithRole("admin"), WithSuspended())
	for _, suffix := range []string{"", ".json"} {
		resp := c.do(http.MethodGet, fmt.Sprintf("/api/v2/users/%d%s", ana.ID, suffix), nil).want(t, http.StatusOK)
		var got struct {
			User wireUser `json:"user"`
		}
		resp.decode(t, &got)
		u := got.User
		stamp := ana.CreatedAt.Format(time.RFC3339)
		if u.ID != ana.ID || u.Name != "Ana Lima" || u.Email == nil || *u.Email != "ana@example.com" ||
			u.ExternalID == nil || *u.ExternalID != "emp-1" || u.Role != "admin" || !u.Active || !u.Suspended ||
			u.CreatedAt != stamp || u.UpdatedAt != stamp || u.URL != fmt.Sprintf("%s/api/v2/users/%d.json", srv.URL(), ana.ID) {
			t.Errorf("user = %+v", u)
		}
		// Attributes the fake does not model are there, as Zendesk sends them.
		for _, key := range []string{"alias", "phone", "organization_id", "tags", "time_zone", "last_login_at"} {
			if _, ok := resp.object(t)["user"].(map[string]any)[key]; !ok {
				t.Errorf("no %q in %s", key, resp.Body)
			}
		}
	}
	noExternal := srv.AddUser("No External Id", "")
	var bare struct {
		User map[string]any `json:"user"`
	}
	c.do(http.MethodGet, fmt.Sprintf("/api/v2/users/%d", noExternal.ID), nil).want(t, http.StatusOK).decode(t, &bare)
	if v, ok := bare.User["external_id"]; !ok || v != nil {
		t.Errorf("external_id = %v, %v; want null", v, ok)
	}
	if e := c.do(http.MethodGet, "/api/v2/users/999", nil).want(t, http.StatusNotFound).apiError(t); e.Error != "RecordNotFound" {
		t.Errorf("unknown user: %+v", e)
	}
}

func TestSearchUsersNearMatches(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts Options
		want func(ana, joana, secondary User) []int64
	}{
		{"near matches", Options{}, func(ana, joana, secondary User) []int64 { return []int64{ana.ID, joana.ID, secondary.ID} }},
		{"SearchExactMatches", Options{SearchExactMatches: true}, func(ana, _, _ User) []int64 { return []int64{ana.ID} }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, c := newTestServer(t, tc.opts)
			ana := srv.AddUser("Ana Lima", "Ana@Example.com")
			joana := srv.AddUser("Joana Silva", "joana@example.com")
			secondary := srv.AddUser("Secondary", "sec@example.org")
			if _, err := srv.AddIdentity(Identity{UserID: secondary.ID, Type: "email", Value: "ana@example.com.br"}); err != nil {
				t.Fatal(err)
			}
			srv.AddUser("Ben Okafor", "ben@example.com")
			for _, query := range []string{`email:ana@example.com`, `email:"ANA@example.com"`, `type:user email:"ana@example.com"`} {
				if got, want := c.getUsers(searchPath(query)).ids(), tc.want(ana, joana, secondary); !slices.Equal(got, want) {
					t.Errorf("%s: users %v, want %v", query, got, want)
				}
			}
		})
	}
}

func TestSearchUsersSideload(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts Options
		want int // identities sideloaded; -1: no key
	}{
		{"identities", Options{}, 3},
		{"SearchOmitsIdentitySideload", Options{SearchOmitsIdentitySideload: true}, -1},
		// SideloadLimit is show_many's.
		{"SideloadLimit", Options{SideloadLimit: 1}, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, c := newTestServer(t, tc.opts)
			ana := srv.AddUser("Ana Lima", "ana@example.com")
			c.createIdentity(ana.ID, map[string]any{"type": "email", "value": "ana.work@example.org"})
			c.createIdentity(ana.ID, map[string]any{"type": "twitter", "value": "ana"})
			got := c.getUsers(searchPath("email:ana.work@example.org", "include=identities"))
			if !slices.Equal(got.ids(), []int64{ana.ID}) {
				t.Fatalf("users = %v: a secondary address finds its user", got.ids())
			}
			switch {
			case tc.want < 0 && got.Identities != nil:
				t.Errorf("identities sideloaded: %+v", *got.Identities)
			case tc.want >= 0 && (got.Identities == nil || len(*got.Identities) != tc.want):
				t.Errorf("identities = %+v, want %d", got.Identities, tc.want)
			}
			if plain := c.getUsers(searchPath("email:ana.work@example.org")); plain.Identities != nil {
				t.Errorf("identities without include: %+v", *plain.Identities)
			}
		})
	}
}

func TestSearchUsersPagination(t *testing.T) {
	srv, c := newTestServer(t, Options{})
	var want []int64
	for i := range 5 {
		want = append(want, srv.AddUser(fmt.Sprintf("User %d", i), fmt.Sprintf("user%d@example.com", i)).ID)
	}
	var got []int64
	next := searchPath("email:example.com", "per_page=2")
	for pages := 0; next != ""; pages++ {
		if pages == 3 {
			t.Fatal("more than 3 pages of 2 for 5 users")
		}
		page := c.getUsers(next)
		if page.Count != 5 || len(page.Users) > 2 || (page.PreviousPage == nil) != (pages == 0) {
			t.Errorf("page %d: count %d, %d users, previous %v", pages+1, page.Count, len(page.Users), page.PreviousPage)
		}
		got = append(got, page.ids()...)
		next = ""
		if page.NextPage != nil {
			if !strings.HasPrefix(*page.NextPage, srv.URL()+"/api/v2/users/search?") {
				t.Fatalf("next_page = %s", *page.NextPage)
			}
			next = *page.NextPage
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("users = %v, want %v", got, want)
	}
	c.do(http.MethodGet, searchPath("email:example.com", "page=101"), nil).want(t, http.StatusBadRequest)
	if empty := c.getUsers(searchPath("email:nobody@example.net")); len(empty.Users) != 0 || empty.Count != 0 || empty.NextPage != nil {
		t.Errorf("no match: %+v", empty)
	}
}

func TestSearchUsersIndexDelay(t *testing.T) {
	clock := newFakeClock()
	srv, c := newTestServer(t, Options{Now: clock.Now, SearchIndexDelay: time.Minute})
	ana := srv.AddUser("Ana Lima", "ana@example.com", WithExternalID("emp-1"))
	if got := c.getUsers(searchPath("email:ana@example.com")); len(got.Users) != 0 {
		t.Errorf("a user created now was found: %v", got.ids())
	}
	// external_id bypasses the index.
	if got := c.getUsers("/api/v2/users/search?external_id=EMP-1").ids(); !slices.Equal(got, []int64{ana.ID}) {
		t.Errorf("external_id search = %v", got)
	}
	clock.Advance(time.Minute)
	if got := c.getUsers(searchPath("email:ana@example.com")).ids(); !slices.Equal(got, []int64{ana.ID}) {
		t.Errorf("after a minute: %v", got)
	}
	// A new address waits for the index too; the user's older one is found.
	c.createIdentity(ana.ID, map[string]any{"type": "email", "value": "ana.new@example.org"})
	if got := c.getUsers(searchPath("email:ana.new@example.org")); len(got.Users) != 0 {
		t.Errorf("a new address was found: %v", got.ids())
	}
	clock.Advance(time.Minute)
	if got := c.getUsers(searchPath("email:ana.new@example.org")).ids(); !slices.Equal(got, []int64{ana.ID}) {
		t.Errorf("the new address after a minute: %v", got)
	}
}

func TestSearchUsersBadRequests(t *testing.T) {
	_, c := newTestServer(t, Options{})
	for _, q := range []string{"", "query=", "query=ana&external_id=emp-1"} {
		resp := c.do(http.MethodGet, "/api/v2/users/search?"+q, nil).want(t, http.StatusBadRequest)
		if e := resp.apiError(t); e.Error == "" || e.Description == "" {
			t.Errorf("%q: body = %s", q, resp.Body)
		}
	}
}

func TestParseSearchQuery(t *testing.T) {
	for _, tc := range []struct {
		query string
		want  []searchTerm
	}{
		{`email:ana@example.com`, []searchTerm{{"email", "ana@example.com"}}},
		{` type:user   Email:"ana+x@example.com" `, []searchTerm{{"type", "user"}, {"email", "ana+x@example.com"}}},
		{`"Ana Lima" role:agent`, []searchTerm{{"", "Ana Lima"}, {"role", "agent"}}},
		{`ana`, []searchTerm{{"", "ana"}}},
		{`name:"unterminated`, []searchTerm{{"name", `"unterminated`}}},
	} {
		if got := parseSearchQuery(tc.query); !slices.Equal(got, tc.want) {
			t.Errorf("parseSearchQuery(%q) = %q, want %q", tc.query, got, tc.want)
		}
	}
}
