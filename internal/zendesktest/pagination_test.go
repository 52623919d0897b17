package zendesktest

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
)

// seedMany gives a user 260 identities besides its email: every fourth one
// a facebook identity, the others twitter, so filters cut across pages.
func seedMany(t *testing.T, srv *Server) (User, map[string][]int64) {
	t.Helper()
	user := srv.AddUser("Many Identities", "many@example.com")
	byType := map[string][]int64{"email": {srv.Identities(user.ID)[0].ID}}
	for i := range 260 {
		typ := "twitter"
		if i%4 == 0 {
			typ = "facebook"
		}
		ident, err := srv.AddIdentity(Identity{UserID: user.ID, Type: typ, Value: fmt.Sprintf("handle%03d", i)})
		if err != nil {
			t.Fatal(err)
		}
		byType[typ] = append(byType[typ], ident.ID)
	}
	return user, byType
}

type wireCursorPage struct {
	Identities []wireIdentity `json:"identities"`
	Meta       struct {
		HasMore      bool    `json:"has_more"`
		AfterCursor  *string `json:"after_cursor"`
		BeforeCursor *string `json:"before_cursor"`
	} `json:"meta"`
	Links struct {
		Next *string `json:"next"`
		Prev *string `json:"prev"`
	} `json:"links"`
}

// followCursor walks links.next from a first URL, returning the IDs seen
// and each page's size.
func followCursor(t *testing.T, c *testClient, first string) (ids []int64, sizes []int) {
	t.Helper()
	next := first
	for next != "" {
		var page wireCursorPage
		c.do(http.MethodGet, next, nil).want(t, http.StatusOK).decode(t, &page)
		for _, i := range page.Identities {
			ids = append(ids, i.ID)
		}
		sizes = append(sizes, len(page.Identities))
		if page.Meta.HasMore != (page.Links.Next != nil) {
			t.Fatalf("has_more=%v but links.next=%v", page.Meta.HasMore, page.Links.Next)
		}
		next = ""
		if page.Links.Next != nil {
			next = *page.Links.Next
			if !strings.HasPrefix(next, c.srv.URL()+"/api/v2/") {
				t.Fatalf("links.next %q is not an absolute URL of the fake", next)
			}
		}
		if len(sizes) > 100 {
			t.Fatal("pagination does not end")
		}
	}
	return ids, sizes
}

func allIDs(byType map[string][]int64, types ...string) []int64 {
	var out []int64
	for _, typ := range types {
		out = append(out, byType[typ]...)
	}
	slices.Sort(out)
	return out
}

func TestCursorPagination(t *testing.T) {
	srv, c := newTestServer(t, Options{})
	user, byType := seedMany(t, srv)
	base := identitiesPath(user.ID)

	cases := []struct {
		name      string
		query     string
		wantIDs   []int64
		wantSizes []int
	}{
		{"100 per page", "page[size]=100", allIDs(byType, "email", "twitter", "facebook"), []int{100, 100, 61}},
		{"7 per page", "page[size]=7", allIDs(byType, "email", "twitter", "facebook"), nil},
		{"type filter", "page[size]=25&type[]=facebook", allIDs(byType, "facebook"), []int{25, 25, 15}},
		{"encoded type filter", "page%5Bsize%5D=50&type%5B%5D=twitter&type%5B%5D=email", allIDs(byType, "email", "twitter"), []int{50, 50, 50, 46}},
		{"no match", "page[size]=10&type[]=messaging", nil, []int{0}},
		{"empty type ignored", "page[size]=100&type[]=", allIDs(byType, "email", "twitter", "facebook"), []int{100, 100, 61}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ids, sizes := followCursor(t, c, base+".json?"+tc.query)
			if !slices.Equal(ids, tc.wantIDs) {
				t.Errorf("got %d ids, want %d, in id order without repeats", len(ids), len(tc.wantIDs))
			}
			if tc.wantSizes != nil && !slices.Equal(sizes, tc.wantSizes) {
				t.Errorf("page sizes = %v, want %v", sizes, tc.wantSizes)
			}
		})
	}
}

func TestCursorLinks(t *testing.T) {
	srv, c := newTestServer(t, Options{})
	user, byType := seedMany(t, srv)
	base := identitiesPath(user.ID)

	var first wireCursorPage
	c.do(http.MethodGet, base+"?page[size]=10&type[]=twitter", nil).want(t, http.StatusOK).decode(t, &first)
	if first.Links.Prev != nil {
		t.Errorf("first page has a prev link: %s", *first.Links.Prev)
	}
	next := *first.Links.Next
	for _, part := range []string{"page[size]=10", "type[]=twitter", "page[after]=" + *first.Meta.AfterCursor} {
		if !strings.Contains(next, part) {
			t.Errorf("links.next %q lacks %q", next, part)
		}
	}

	var second wireCursorPage
	c.do(http.MethodGet, next, nil).want(t, http.StatusOK).decode(t, &second)
	if second.Links.Prev == nil {
		t.Fatal("second page has no prev link")
	}
	var back wireCursorPage
	c.do(http.MethodGet, *second.Links.Prev, nil).want(t, http.StatusOK).decode(t, &back)
	if got, want := idsOf(back.Identities), idsOf(first.Identities); !slices.Equal(got, want) {
		t.Errorf("prev of the second page = %v, want the first page %v", got, want)
	}
	if back.Meta.HasMore {
		t.Error("going back to the first page: has_more is true, nothing is before it")
	}

	// page[after] can be sent without following a link.
	var manual wireCursorPage
	c.do(http.MethodGet, base+"?page[size]=10&type[]=twitter&page[after]="+*first.Meta.AfterCursor, nil).
		want(t, http.StatusOK).decode(t, &manual)
	if !slices.Equal(idsOf(manual.Identities), idsOf(second.Identities)) {
		t.Error("page[after] by hand differs from links.next")
	}

	// page[after] alone means cursor pagination with the default size.
	var deflt wireCursorPage
	c.do(http.MethodGet, base+"?page[after]="+*first.Meta.AfterCursor, nil).want(t, http.StatusOK).decode(t, &deflt)
	if len(deflt.Identities) != 100 || deflt.Identities[0].ID <= byType["email"][0] {
		t.Errorf("default-size page has %d identities", len(deflt.Identities))
	}
}

func idsOf(list []wireIdentity) []int64 {
	var out []int64
	for _, i := range list {
		out = append(out, i.ID)
	}
	return out
}

func TestCursorPaginationErrors(t *testing.T) {
	srv, c := newTestServer(t, Options{})
	user := srv.AddUser("Ana Lima", "ana@example.com")
	for _, q := range []string{"page[size]=101", "page[size]=0", "page[size]=-1", "page[size]=ten",
		"page[after]=not-a-cursor", "page[before]=eyJ4IjoxfQ", "page[after]=", "page[size]=5&page[after]=x&page[before]=y"} {
		t.Run(q, func(t *testing.T) {
			resp := c.do(http.MethodGet, identitiesPath(user.ID)+"?"+q, nil).want(t, http.StatusBadRequest)
			var e struct {
				Errors []struct {
					Code  string `json:"code"`
					Title string `json:"title"`
				} `json:"errors"`
			}
			resp.decode(t, &e)
			if len(e.Errors) != 1 || e.Errors[0].Code != "InvalidPaginationParameter" || e.Errors[0].Title == "" {
				t.Errorf("body = %s", resp.Body)
			}
		})
	}
}

type wireOffsetPage struct {
	Identities   []wireIdentity `json:"identities"`
	NextPage     *string        `json:"next_page"`
	PreviousPage *string        `json:"previous_page"`
	Count        *int           `json:"count"`
}

func TestOffsetPagination(t *testing.T) {
	srv, c := newTestServer(t, Options{})
	user, byType := seedMany(t, srv)
	base := identitiesPath(user.ID)

	cases := []struct {
		name      string
		first     string
		wantIDs   []int64
		wantSizes []int
	}{
		{"default per_page", base, allIDs(byType, "email", "twitter", "facebook"), []int{100, 100, 61}},
		{"per_page 40 with filter", base + ".json?per_page=40&type[]=twitter", allIDs(byType, "twitter"), []int{40, 40, 40, 40, 35}},
		{"per_page above 100 is capped", base + "?per_page=500&type%5B%5D=facebook&type%5B%5D=email", allIDs(byType, "email", "facebook"), []int{66}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var ids []int64
			var sizes []int
			next := tc.first
			for page := 1; next != ""; page++ {
				var p wireOffsetPage
				c.do(http.MethodGet, next, nil).want(t, http.StatusOK).decode(t, &p)
				if p.Count == nil || *p.Count != len(tc.wantIDs) {
					t.Fatalf("count = %v, want %d", p.Count, len(tc.wantIDs))
				}
				switch {
				case page == 1 && p.PreviousPage != nil:
					t.Errorf("first page has previous_page %s", *p.PreviousPage)
				case page > 1 && (p.PreviousPage == nil || !strings.Contains(*p.PreviousPage, fmt.Sprintf("page=%d", page-1))):
					t.Errorf("page %d previous_page = %v", page, p.PreviousPage)
				}
				ids = append(ids, idsOf(p.Identities)...)
				sizes = append(sizes, len(p.Identities))
				next = ""
				if p.NextPage != nil {
					next = *p.NextPage
					if !strings.HasPrefix(next, srv.URL()+"/api/v2/") || !strings.Contains(next, fmt.Sprintf("page=%d", page+1)) {
						t.Fatalf("next_page = %q", next)
					}
				}
			}
			if !slices.Equal(ids, tc.wantIDs) {
				t.Errorf("got %d ids, want %d in id order", len(ids), len(tc.wantIDs))
			}
			if !slices.Equal(sizes, tc.wantSizes) {
				t.Errorf("page sizes = %v, want %v", sizes, tc.wantSizes)
			}
		})
	}
}

func TestOffsetPaginationLimits(t *testing.T) {
	srv, c := newTestServer(t, Options{})
	user := srv.AddUser("Ana Lima", "ana@example.com")
	base := identitiesPath(user.ID)

	var last wireOffsetPage
	c.do(http.MethodGet, base+"?per_page=100&page=100", nil).want(t, http.StatusOK).decode(t, &last)
	if len(last.Identities) != 0 || last.NextPage != nil || last.PreviousPage == nil || *last.Count != 1 {
		t.Errorf("page 100 = %+v", last)
	}
	for _, q := range []string{"page=101", "per_page=30&page=334", "page=0", "page=x", "per_page=0", "per_page=-5"} {
		resp := c.do(http.MethodGet, base+"?"+q, nil).want(t, http.StatusBadRequest)
		if e := resp.apiError(t); e.Error != "InvalidPaginationParameter" || e.Description == "" {
			t.Errorf("%s: body = %s", q, resp.Body)
		}
	}
	c.do(http.MethodGet, base+"?per_page=30&page=333", nil).want(t, http.StatusOK)
}

// TestPageLinksNameTheHostInLowerCase: links carry the server's own name,
// whatever case the client typed it in.
func TestPageLinksNameTheHostInLowerCase(t *testing.T) {
	srv, c := newTestServer(t, Options{})
	user, _ := seedMany(t, srv)
	mixed := strings.Replace(srv.URL(), "127.0.0.1", "LocalHost", 1)
	var page wireCursorPage
	c.do(http.MethodGet, mixed+identitiesPath(user.ID)+"?page[size]=10", nil).want(t, http.StatusOK).decode(t, &page)
	lower := strings.ToLower(mixed)
	if page.Links.Next == nil || !strings.HasPrefix(*page.Links.Next, lower+"/") {
		t.Errorf("links.next = %v, want it under %s", page.Links.Next, lower)
	}
	if got := page.Identities[0].URL; !strings.HasPrefix(got, lower+"/") {
		t.Errorf("url = %q, want it under %s", got, lower)
	}
}
