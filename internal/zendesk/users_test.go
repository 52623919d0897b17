package zendesk

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tfzendesk/terraform-provider-zendesk/internal/zendesktest"
)

// batchingClient is a client of fake whose batches wait long enough that
// lookups a test starts together land in one batch unless the machine
// stalls for a second between two of them.
func batchingClient(t *testing.T, fake *zendesktest.Server) *Client {
	t.Helper()
	c, _ := newTestClient(t, fake, func(cfg *Config) { cfg.BatchWindow = time.Second })
	return c
}

// wantUser fails unless got is the fake's user as it is now.
func wantUser(t *testing.T, fake *zendesktest.Server, got *User, id int64) {
	t.Helper()
	want, ok := fake.User(id)
	if !ok {
		t.Fatalf("the fake has no user %d", id)
	}
	stamp := func(t time.Time) string { return t.UTC().Format(time.RFC3339) }
	opt := func(s string) string {
		if s == "" {
			return "<nil>"
		}
		return s
	}
	if got == nil || got.ID != want.ID || got.Name != want.Name || str(got.Email) != opt(want.Email) ||
		str(got.ExternalID) != opt(want.ExternalID) || got.Role != want.Role || got.Active != want.Active ||
		got.Suspended != want.Suspended || got.CreatedAt != stamp(want.CreatedAt) || got.UpdatedAt != stamp(want.UpdatedAt) ||
		got.URL != fmt.Sprintf("%s/api/v2/users/%d.json", fake.URL(), id) {
		t.Fatalf("user = %s, want %+v", describeUser(got), want)
	}
}

func str(p *string) string {
	if p == nil {
		return "<nil>"
	}
	return *p
}

func describeUser(u *User) string {
	if u == nil {
		return "<nil>"
	}
	return fmt.Sprintf("{ID:%d Name:%s Email:%s ExternalID:%s Role:%s Active:%v Suspended:%v Created:%s Updated:%s URL:%s}",
		u.ID, u.Name, str(u.Email), str(u.ExternalID), u.Role, u.Active, u.Suspended, u.CreatedAt, u.UpdatedAt, u.URL)
}

// showManyQueries returns the query of every show_many request.
func showManyQueries(t *testing.T, fake *zendesktest.Server) []url.Values {
	t.Helper()
	var out []url.Values
	for _, r := range fake.Requests() {
		if r.Route == zendesktest.RouteShowMany {
			q, err := url.ParseQuery(r.RawQuery)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, q)
		}
	}
	return out
}

func TestLookupUser_decodesTheUser(t *testing.T) {
	t.Parallel()
	fake := zendesktest.NewTest(t, zendesktest.Options{})
	ana := fake.AddUser("Ana Lima", "ana@example.com", zendesktest.WithExternalID("emp-1"), zendesktest.WithRole("agent"), zendesktest.WithSuspended())
	bare := fake.AddUser("No Email", "")
	c, _ := newTestClient(t, fake)
	for _, id := range []int64{ana.ID, bare.ID} {
		got, err := c.LookupUser(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		wantUser(t, fake, got, id)
	}
	for _, q := range showManyQueries(t, fake) {
		if q.Get("include") != "identities" || q.Get("include_deleted") != "true" {
			t.Errorf("show_many query %v: want include=identities and include_deleted=true", q)
		}
	}
}

func TestUser_decodesNullsAbsentAndUnknownFields(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		body string
		want User
	}{
		{`{"id":1,"name":"A","email":null,"external_id":null,"active":true,"suspended":false,"role":"end-user","tags":[],"photo":{"id":3}}`,
			User{ID: 1, Name: "A", Role: "end-user", Active: true}},
		// Without "active", a user is not taken for deleted.
		{`{"id":2,"name":"B"}`, User{ID: 2, Name: "B", Active: true}},
		{`{"id":3,"name":"C","active":false,"suspended":true,"external_id":"x"}`, User{ID: 3, Name: "C", ExternalID: new("x"), Suspended: true}},
		{`{"id":4,"active":null,"suspended":null}`, User{ID: 4, Active: true}},
	} {
		var got User
		if err := json.Unmarshal([]byte(tc.body), &got); err != nil {
			t.Fatalf("%s: %v", tc.body, err)
		}
		if describeUser(&got) != describeUser(&tc.want) {
			t.Errorf("%s: got %s, want %s", tc.body, describeUser(&got), describeUser(&tc.want))
		}
	}
}

// One show_many answers identity lookups and user lookups of the same
// users, whichever comes first.
func TestLookupUser_sharesTheIdentityReadsShowMany(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	fake := zendesktest.NewTest(t, zendesktest.Options{})
	ana, ben := fake.AddUser("Ana Lima", "ana@example.com"), fake.AddUser("Ben Okafor", "ben@example.com")
	c, _ := newTestClient(t, fake)

	if _, err := c.LookupIdentity(ctx, ana.ID, fake.Identities(ana.ID)[0].ID); err != nil {
		t.Fatal(err)
	}
	got, err := c.LookupUser(ctx, ana.ID)
	if err != nil {
		t.Fatal(err)
	}
	wantUser(t, fake, got, ana.ID)

	if _, err := c.LookupUser(ctx, ben.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.LookupIdentity(ctx, ben.ID, fake.Identities(ben.ID)[0].ID); err != nil {
		t.Fatal(err)
	}
	wantRoutes(t, fake, map[zendesktest.Route]int{zendesktest.RouteShowMany: 2})
}

func TestLookupUser_concurrentLookupsShareOneShowMany(t *testing.T) {
	t.Parallel()
	fake := zendesktest.NewTest(t, zendesktest.Options{})
	var users []zendesktest.User
	for i := range 12 {
		users = append(users, fake.AddUser(fmt.Sprintf("User %d", i), fmt.Sprintf("user%d@example.com", i)))
	}
	c := batchingClient(t, fake)
	var wg sync.WaitGroup
	errs := make(chan error, 2*len(users))
	for i, u := range users {
		wg.Go(func() {
			got, err := c.LookupUser(context.Background(), u.ID)
			if err != nil || got.ID != u.ID || str(got.Email) != u.Email {
				errs <- fmt.Errorf("user %d: %s, %w", u.ID, describeUser(got), err)
			}
		})
		if i%2 == 0 { // and identity lookups of every other user
			email := fake.Identities(u.ID)[0]
			wg.Go(func() {
				if got, err := c.LookupIdentity(context.Background(), u.ID, email.ID); err != nil || got.Value != email.Value {
					errs <- fmt.Errorf("identity %d: %w", email.ID, err)
				}
			})
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	// 18 lookups of 12 users: show_many only, and each user asked for
	// once, whichever batch it went in. How many batches they made depends
	// on how fast the machine runs the goroutines (one when idle; a batch
	// goes early once 8 lookups wait), so only the speed-independent bound
	// is asserted; the batcher's own tests drive a manual clock.
	batches := fake.Count(zendesktest.RouteShowMany)
	if batches < 1 || fake.TotalRequests() != batches {
		t.Errorf("%d show_many of %d requests, want show_many only", batches, fake.TotalRequests())
	}
	asked := 0
	for _, q := range showManyQueries(t, fake) {
		asked += len(strings.Split(q.Get("ids"), ","))
	}
	if asked != len(users) {
		t.Errorf("the batches asked for %d users, want each of the %d once", asked, len(users))
	}
}

func TestLookupUser_deletedUser(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		opts zendesktest.Options
		want map[zendesktest.Route]int
	}{
		{"show_many returns it", zendesktest.Options{}, map[zendesktest.Route]int{zendesktest.RouteShowMany: 1}},
		// show_many leaves it out: the direct read finds it.
		{"show_many ignores include_deleted", zendesktest.Options{IgnoreIncludeDeleted: true},
			map[zendesktest.Route]int{zendesktest.RouteShowMany: 1, zendesktest.RouteShowUser: 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			fake := zendesktest.NewTest(t, tc.opts)
			gone := fake.AddUser("Gone", "gone@example.com", zendesktest.WithExternalID("emp-9"))
			fake.SoftDeleteUser(gone.ID)
			c, _ := newTestClient(t, fake)
			got, err := c.LookupUser(context.Background(), gone.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Active {
				t.Errorf("a deleted user is active: %s", describeUser(got))
			}
			wantUser(t, fake, got, gone.ID)
			wantRoutes(t, fake, tc.want)
		})
	}
}

func TestLookupUser_unknownUserIsConfirmedBeforeItIsNotFound(t *testing.T) {
	t.Parallel()
	fake := zendesktest.NewTest(t, zendesktest.Options{})
	c, _ := newTestClient(t, fake)
	_, err := c.LookupUser(context.Background(), 4242)
	var notFound *UserNotFoundError
	if !errors.As(err, &notFound) || notFound.By != ByID || notFound.Value != "4242" || notFound.Searched {
		t.Fatalf("got %v, want a not-found error for id 4242", err)
	}
	if want := `no Zendesk user has id "4242"`; err.Error() != want {
		t.Errorf("error = %q, want %q", err, want)
	}
	wantRoutes(t, fake, map[zendesktest.Route]int{zendesktest.RouteShowMany: 1, zendesktest.RouteShowUser: 1})
}

func TestLookupUser_showManyFailureFallsBackToADirectRead(t *testing.T) {
	t.Parallel()
	fake := zendesktest.NewTest(t, zendesktest.Options{})
	ana := fake.AddUser("Ana Lima", "ana@example.com")
	fake.AddFault(zendesktest.Fault{Kind: zendesktest.FaultStatus, Route: zendesktest.RouteShowMany, Status: 403})
	c, _ := newTestClient(t, fake)
	got, err := c.LookupUser(context.Background(), ana.ID)
	if err != nil {
		t.Fatal(err)
	}
	wantUser(t, fake, got, ana.ID)
	wantRoutes(t, fake, map[zendesktest.Route]int{zendesktest.RouteShowMany: 1, zendesktest.RouteShowUser: 1})
}

func TestLookupUser_withoutSideloadStillBatchesUsers(t *testing.T) {
	t.Parallel()
	fake := zendesktest.NewTest(t, zendesktest.Options{OmitIdentitySideload: true})
	ana, ben := fake.AddUser("Ana Lima", "ana@example.com"), fake.AddUser("Ben Okafor", "ben@example.com")
	c, _ := newTestClient(t, fake)
	for _, id := range []int64{ana.ID, ben.ID} {
		got, err := c.LookupUser(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		wantUser(t, fake, got, id)
	}
	wantRoutes(t, fake, map[zendesktest.Route]int{zendesktest.RouteShowMany: 2})
}

func TestLookupUser_aWriteForgetsTheUser(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	fake := zendesktest.NewTest(t, zendesktest.Options{})
	ana := fake.AddUser("Ana Lima", "ana@example.com", zendesktest.WithExternalID("emp-1"))
	c, _ := newTestClient(t, fake)
	if _, err := c.LookupUser(ctx, ana.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.LookupUserByExternalID(ctx, "emp-1"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateIdentity(ctx, ana.ID, CreateIdentityRequest{Type: TypeEmail, Value: "ana.work@example.org", Primary: true}); err != nil {
		t.Fatal(err)
	}
	for _, lookup := range []func() (*User, error){
		func() (*User, error) { return c.LookupUser(ctx, ana.ID) },
		func() (*User, error) { return c.LookupUserByExternalID(ctx, "emp-1") },
	} {
		got, err := lookup()
		if err != nil {
			t.Fatal(err)
		}
		if str(got.Email) != "ana.work@example.org" {
			t.Errorf("primary email %s after the write: the cache served a stale user", str(got.Email))
		}
	}
	wantRoutes(t, fake, map[zendesktest.Route]int{zendesktest.RouteShowMany: 4, zendesktest.RouteCreate: 1})
}

// A deleted user's identities are gone, whatever show_many sideloads for
// it: the user's list decides, and its RecordNotFound answers the lookup.
func TestLookupIdentity_ignoresIdentitiesSideloadedForADeletedUser(t *testing.T) {
	t.Parallel()
	fake := zendesktest.NewTest(t, zendesktest.Options{})
	ana := fake.AddUser("Ana Lima", "ana@example.com")
	email := fake.Identities(ana.ID)[0]
	fake.SoftDeleteUser(ana.ID)
	fake.AddFault(zendesktest.Fault{
		Kind: zendesktest.FaultStatus, Route: zendesktest.RouteShowMany, Status: 200, ContentType: "application/json",
		Body: fmt.Sprintf(`{"users":[{"id":%d,"name":"Ana","active":false}],"identities":[{"id":%d,"user_id":%d,"type":"email","value":"ana@example.com"}]}`,
			ana.ID, email.ID, ana.ID),
	})
	c, _ := newTestClient(t, fake)
	if _, err := c.LookupIdentity(context.Background(), ana.ID, email.ID); !IsNotFound(err) {
		t.Fatalf("got %v, want a not-found error", err)
	}
	wantRoutes(t, fake, map[zendesktest.Route]int{zendesktest.RouteShowMany: 1, zendesktest.RouteList: 1})
}

func TestLookupUserByExternalID(t *testing.T) {
	t.Parallel()
	fake := zendesktest.NewTest(t, zendesktest.Options{AllowDuplicateExternalIDs: true})
	ana := fake.AddUser("Ana Lima", "ana@example.com", zendesktest.WithExternalID("emp-1"))
	twinA := fake.AddUser("Twin A", "", zendesktest.WithExternalID("emp-2"))
	twinB := fake.AddUser("Twin B", "", zendesktest.WithExternalID("EMP-2"))
	gone := fake.AddUser("Gone", "", zendesktest.WithExternalID("emp-3"))
	fake.SoftDeleteUser(gone.ID)
	former := fake.AddUser("Former", "", zendesktest.WithExternalID("emp-4"))
	fake.SoftDeleteUser(former.ID)
	current := fake.AddUser("Current", "", zendesktest.WithExternalID("emp-4"))
	tests := []struct {
		externalID string
		want       int64 // 0: an error
		ambiguous  []int64
	}{
		{externalID: "emp-1", want: ana.ID},
		{externalID: "EMP-1", want: ana.ID},
		{externalID: "emp-2", ambiguous: []int64{twinA.ID, twinB.ID}},
		{externalID: "emp-3", want: gone.ID},
		{externalID: "emp-4", want: current.ID},
		{externalID: "emp-404"},
	}
	c := batchingClient(t, fake)
	var wg sync.WaitGroup
	for _, tc := range tests {
		wg.Go(func() {
			got, err := c.LookupUserByExternalID(context.Background(), tc.externalID)
			var notFound *UserNotFoundError
			var ambiguous *AmbiguousUserError
			switch {
			case tc.want != 0:
				if err != nil || got.ID != tc.want {
					t.Errorf("%s: %s, %v; want user %d", tc.externalID, describeUser(got), err, tc.want)
				}
			case tc.ambiguous != nil:
				if !errors.As(err, &ambiguous) || ambiguous.By != ByExternalID || ambiguous.Value != tc.externalID ||
					len(ambiguous.Users) != 2 || ambiguous.Users[0].ID != tc.ambiguous[0] || ambiguous.Users[1].ID != tc.ambiguous[1] {
					t.Errorf("%s: %v; want users %v", tc.externalID, err, tc.ambiguous)
				}
			default:
				if !errors.As(err, &notFound) || notFound.By != ByExternalID || notFound.Value != tc.externalID {
					t.Errorf("%s: %v; want not found", tc.externalID, err)
				}
			}
		})
	}
	wg.Wait()
	queries := showManyQueries(t, fake)
	// How many batches the lookups made depends on the machine's speed:
	// what holds at any speed is show_many only, each value asked once.
	if len(queries) < 1 || fake.TotalRequests() != len(queries) {
		t.Fatalf("%d show_many of %d requests for %d lookups, want show_many only", len(queries), fake.TotalRequests(), len(tests))
	}
	var asked []string
	for _, q := range queries {
		if q.Has("ids") || q.Get("include_deleted") != "true" {
			t.Errorf("show_many query %v", q)
		}
		asked = append(asked, strings.Split(q.Get("external_ids"), ",")...)
	}
	if len(asked) != len(tests) {
		t.Errorf("external ids asked: %v, each of the %d once", asked, len(tests))
	}

	// What the batch returned answers a lookup by id of those users.
	fake.ResetRequests()
	got, err := c.LookupUser(context.Background(), ana.ID)
	if err != nil || got.ID != ana.ID {
		t.Fatalf("%s, %v", describeUser(got), err)
	}
	if n := fake.TotalRequests(); n != 0 {
		t.Errorf("looking up user %d by id after its external id sent %d requests", ana.ID, n)
	}
}

func TestLookupUserByExternalID_withACommaIsSearchedAlone(t *testing.T) {
	t.Parallel()
	fake := zendesktest.NewTest(t, zendesktest.Options{})
	lima := fake.AddUser("Ana Lima", "", zendesktest.WithExternalID("Lima, Ana"))
	c, _ := newTestClient(t, fake)
	got, err := c.LookupUserByExternalID(context.Background(), "lima, ana")
	if err != nil || got.ID != lima.ID {
		t.Fatalf("%s, %v", describeUser(got), err)
	}
	_, err = c.LookupUserByExternalID(context.Background(), "Lima, Bo")
	var notFound *UserNotFoundError
	if !errors.As(err, &notFound) || notFound.Searched {
		t.Errorf("got %v, want a not-found error that did not go through the search index", err)
	}
	wantRoutes(t, fake, map[zendesktest.Route]int{zendesktest.RouteSearchUsers: 2})
	for _, r := range fake.Requests() {
		if q, _ := url.ParseQuery(r.RawQuery); !strings.HasPrefix(strings.ToLower(q.Get("external_id")), "lima, ") || q.Has("query") {
			t.Errorf("search query %q", r.RawQuery)
		}
	}
}

func TestLookupUserByExternalID_showManyFailureFallsBackToTheSearch(t *testing.T) {
	t.Parallel()
	fake := zendesktest.NewTest(t, zendesktest.Options{})
	ana := fake.AddUser("Ana Lima", "ana@example.com", zendesktest.WithExternalID("emp-1"))
	fake.AddFault(zendesktest.Fault{Kind: zendesktest.FaultStatus, Route: zendesktest.RouteShowMany, Status: 500, Times: 10})
	c, _ := newTestClient(t, fake, withMaxRetries(0))
	got, err := c.LookupUserByExternalID(context.Background(), "emp-1")
	if err != nil || got.ID != ana.ID {
		t.Fatalf("%s, %v", describeUser(got), err)
	}
	wantRoutes(t, fake, map[zendesktest.Route]int{zendesktest.RouteShowMany: 1, zendesktest.RouteSearchUsers: 1})
}

func TestFindUserByEmail(t *testing.T) {
	t.Parallel()
	for _, opts := range []zendesktest.Options{{}, {SearchExactMatches: true}} {
		t.Run(fmt.Sprintf("SearchExactMatches=%v", opts.SearchExactMatches), func(t *testing.T) {
			t.Parallel()
			fake := zendesktest.NewTest(t, opts)
			// Joana's address contains Ana's: a near match. Ana's work
			// address is a secondary identity.
			joana := fake.AddUser("Joana Silva", "joana@example.com")
			ana := fake.AddUser("Ana Lima", "Ana@Example.com", zendesktest.WithSuspended())
			if _, err := fake.AddIdentity(zendesktest.Identity{UserID: ana.ID, Type: "email", Value: "ana.work@example.org"}); err != nil {
				t.Fatal(err)
			}
			// A twitter handle that looks like an address is no email.
			if _, err := fake.AddIdentity(zendesktest.Identity{UserID: joana.ID, Type: "twitter", Value: "ana.work@example.org.br"}); err != nil {
				t.Fatal(err)
			}
			c, _ := newTestClient(t, fake)
			for _, tc := range []struct {
				email string
				want  int64
			}{
				{"ana@example.com", ana.ID},
				{"ANA@EXAMPLE.COM", ana.ID},
				{"ana.work@example.org", ana.ID},
				{"joana@example.com", joana.ID},
				{"na@example.com", 0},
				{"nobody@example.net", 0},
			} {
				fake.ResetRequests()
				got, err := c.FindUserByEmail(context.Background(), tc.email)
				var notFound *UserNotFoundError
				switch {
				case tc.want != 0 && (err != nil || got.ID != tc.want):
					t.Errorf("%s: %s, %v; want user %d", tc.email, describeUser(got), err, tc.want)
				case tc.want == 0 && (!errors.As(err, &notFound) || notFound.By != ByEmail || notFound.Value != tc.email || !notFound.Searched):
					t.Errorf("%s: %v; want a not-found error from the search", tc.email, err)
				}
				if tc.want == ana.ID {
					wantUser(t, fake, got, ana.ID)
				}
				wantRoutes(t, fake, map[zendesktest.Route]int{zendesktest.RouteSearchUsers: 1})
				r := fake.Requests()[0]
				q, _ := url.ParseQuery(r.RawQuery)
				if q.Get("query") != `email:"`+tc.email+`"` || q.Get("include") != "identities" {
					t.Errorf("search query %q", r.RawQuery)
				}
			}
		})
	}
}

func TestFindUserByEmail_notFoundNamesTheNearMatches(t *testing.T) {
	t.Parallel()
	fake := zendesktest.NewTest(t, zendesktest.Options{})
	for i := range 7 {
		fake.AddUser(fmt.Sprintf("User %d", i), fmt.Sprintf("x%dna@example.com", i))
	}
	c, _ := newTestClient(t, fake)
	_, err := c.FindUserByEmail(context.Background(), "na@example.com")
	var notFound *UserNotFoundError
	if !errors.As(err, &notFound) || len(notFound.NearMatches) != 7 {
		t.Fatalf("got %v, want a not-found error with 7 near matches", err)
	}
	want := `no Zendesk user has email "na@example.com"; the search returned 7 user(s) without that exact address: ` +
		`user 1001 (User 0, x0na@example.com), user 1002 (User 1, x1na@example.com), user 1003 (User 2, x2na@example.com), ` +
		`user 1004 (User 3, x3na@example.com), user 1005 (User 4, x4na@example.com) and 2 more; ` +
		`Zendesk's search index can take a few minutes to include a user or address added recently`
	if err.Error() != want {
		t.Errorf("error =\n%s\nwant\n%s", err, want)
	}
}

func TestFindUserByEmail_followsPagesOfNearMatches(t *testing.T) {
	t.Parallel()
	fake := zendesktest.NewTest(t, zendesktest.Options{})
	for i := range 130 {
		fake.AddUser(fmt.Sprintf("User %d", i), fmt.Sprintf("u%03d.ana@example.com", i))
	}
	ana := fake.AddUser("Ana Lima", "ana@example.com")
	c, _ := newTestClient(t, fake)
	got, err := c.FindUserByEmail(context.Background(), "ana@example.com")
	if err != nil || got.ID != ana.ID {
		t.Fatalf("%s, %v", describeUser(got), err)
	}
	// The fake orders by id: Ana is on the second page of 100.
	wantRoutes(t, fake, map[zendesktest.Route]int{zendesktest.RouteSearchUsers: 2})
}

func TestFindUserByEmail_withoutSideloadChecksTheCandidates(t *testing.T) {
	t.Parallel()
	fake := zendesktest.NewTest(t, zendesktest.Options{SearchOmitsIdentitySideload: true})
	fake.AddUser("Joana Silva", "joana@example.com")
	ana := fake.AddUser("Ana Lima", "ana@example.org")
	if _, err := fake.AddIdentity(zendesktest.Identity{UserID: ana.ID, Type: "email", Value: "ana@example.com"}); err != nil {
		t.Fatal(err)
	}
	c, _ := newTestClient(t, fake)
	// Ana's primary address says it at once.
	if got, err := c.FindUserByEmail(context.Background(), "ana@example.org"); err != nil || got.ID != ana.ID {
		t.Fatalf("%s, %v", describeUser(got), err)
	}
	wantRoutes(t, fake, map[zendesktest.Route]int{zendesktest.RouteSearchUsers: 1})
	// A secondary address: both candidates' email identities are listed.
	fake.ResetRequests()
	if got, err := c.FindUserByEmail(context.Background(), "ana@example.com"); err != nil || got.ID != ana.ID {
		t.Fatalf("%s, %v", describeUser(got), err)
	}
	wantRoutes(t, fake, map[zendesktest.Route]int{zendesktest.RouteSearchUsers: 1, zendesktest.RouteList: 2})
}

func TestFindUserByEmail_searchIndexLag(t *testing.T) {
	t.Parallel()
	var now atomic.Int64
	now.Store(time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC).Unix())
	fake := zendesktest.NewTest(t, zendesktest.Options{
		SearchIndexDelay: time.Minute,
		Now:              func() time.Time { return time.Unix(now.Load(), 0) },
	})
	ana := fake.AddUser("Ana Lima", "ana@example.com")
	c, _ := newTestClient(t, fake)
	_, err := c.FindUserByEmail(context.Background(), "ana@example.com")
	var notFound *UserNotFoundError
	if !errors.As(err, &notFound) || !notFound.Searched || !strings.Contains(err.Error(), "search index") {
		t.Fatalf("got %v, want a not-found error that mentions the search index", err)
	}
	now.Add(60)
	if got, err := c.FindUserByEmail(context.Background(), "ana@example.com"); err != nil || got.ID != ana.ID {
		t.Fatalf("a minute later: %s, %v", describeUser(got), err)
	}
}

func TestAmbiguousUserError(t *testing.T) {
	t.Parallel()
	err := &AmbiguousUserError{By: ByExternalID, Value: "emp-2", Users: []User{
		{ID: 1, Name: "A", Email: new("a@example.com"), ExternalID: new("emp-2"), Active: true},
		{ID: 2, Name: "B", ExternalID: new("EMP-2"), Active: true, Suspended: true},
		{ID: 3, Name: "C", ExternalID: new("emp-2")},
	}}
	want := `3 Zendesk users have external_id "emp-2": user 1 (A, a@example.com, external_id "emp-2"), ` +
		`user 2 (B, external_id "EMP-2", suspended), user 3 (C, external_id "emp-2", deleted)`
	if err.Error() != want {
		t.Errorf("error =\n%s\nwant\n%s", err, want)
	}
}

func TestOneUser(t *testing.T) {
	t.Parallel()
	active, deleted := User{ID: 1, Active: true}, User{ID: 2}
	for _, tc := range []struct {
		users []User
		want  int64 // 0: an error
	}{
		{nil, 0},
		{[]User{deleted}, 2},
		{[]User{deleted, active}, 1},
		{[]User{active, {ID: 3, Active: true}}, 0},
		{[]User{deleted, {ID: 4}}, 0},
	} {
		got, err := oneUser(ByExternalID, "x", tc.users)
		if tc.want != 0 && (err != nil || got.ID != tc.want) || tc.want == 0 && err == nil {
			t.Errorf("oneUser(%v) = %s, %v; want %d", tc.users, describeUser(got), err, tc.want)
		}
	}
}
