package zendesk

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/tfzendesk/terraform-provider-zendesk/internal/zendesktest"
)

// readAll collects what UsersIdentities yields: the identity ids of each
// user, and the errors by user.
func readAll(t *testing.T, c *Client, users []int64) (got map[int64][]int64, order []int64, errs map[int64]error) {
	t.Helper()
	got, errs = map[int64][]int64{}, map[int64]error{}
	for u, err := range c.UsersIdentities(context.Background(), users) {
		order = append(order, u.UserID)
		if err != nil {
			errs[u.UserID] = err
			continue
		}
		for _, identity := range u.Identities {
			if identity.UserID != u.UserID {
				t.Errorf("user %d: identity %d belongs to user %d", u.UserID, identity.ID, identity.UserID)
			}
			got[u.UserID] = append(got[u.UserID], identity.ID)
		}
	}
	return got, order, errs
}

// fakeIDs is what the fake holds of each user.
func fakeIDs(fake *zendesktest.Server, users []int64) map[int64][]int64 {
	want := map[int64][]int64{}
	for _, u := range users {
		for _, identity := range fake.Identities(u) {
			want[u] = append(want[u], identity.ID)
		}
	}
	return want
}

func sameIDs(t *testing.T, got, want map[int64][]int64) {
	t.Helper()
	for u, ids := range want {
		g := slices.Clone(got[u])
		slices.Sort(g)
		if !slices.Equal(g, ids) {
			t.Errorf("user %d: identities %v, want %v", u, g, ids)
		}
	}
	for u := range got {
		if _, ok := want[u]; !ok {
			t.Errorf("user %d was not asked for", u)
		}
	}
}

func TestUsersIdentities_oneShowManyPerHundredUsers(t *testing.T) {
	t.Parallel()
	fake := zendesktest.NewTest(t, zendesktest.Options{})
	var users []int64
	for i := range 150 {
		u := fake.AddUser(fmt.Sprintf("User %d", i), fmt.Sprintf("user%d@example.com", i))
		seedEmails(t, fake, u.ID, i%3)
		users = append(users, u.ID)
	}
	// The first user has the most identities: the one list of the run.
	seedEmails(t, fake, users[0], 5)
	c := readerClient(t, fake)
	got, order, errs := readAll(t, c, users)
	if len(errs) > 0 {
		t.Fatalf("errors: %v", errs)
	}
	if !slices.Equal(order, users) {
		t.Errorf("users yielded out of order")
	}
	sameIDs(t, got, fakeIDs(fake, users))
	wantRoutes(t, fake, map[zendesktest.Route]int{zendesktest.RouteShowMany: 2, zendesktest.RouteList: 1})
	for _, r := range fake.Requests() {
		if r.Route != zendesktest.RouteShowMany {
			continue
		}
		q, _ := url.ParseQuery(r.RawQuery)
		if n := len(strings.Split(q.Get("ids"), ",")); n > showManyLimit || q.Get("include") != "identities" {
			t.Errorf("show_many asked for %d users, include=%q", n, q.Get("include"))
		}
	}

	// What was read is remembered: a refresh of it costs nothing more.
	lookupAll(t, c, fake.Identities(users[7]))
	wantRoutes(t, fake, map[zendesktest.Route]int{zendesktest.RouteShowMany: 2, zendesktest.RouteList: 1})
}

// Whatever the cap on the identities show_many sideloads per user, from
// minSideloadCap up, every identity is listed: a user sideloaded with as
// many as any user of the run may have been cut, and is listed; one with
// fewer has them all. The users have 1 to 6, 9 and 12 identities.
func TestUsersIdentities_everyIdentityWhateverTheSideloadCap(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		cap int
		// lists is how many users are listed: those sideloaded with the
		// most any user was.
		lists int
	}{
		{cap: 0, lists: 1},  // no cap: the user with 12, the most
		{cap: 5, lists: 4},  // 5, 6, 9 and 12 come with 5
		{cap: 7, lists: 2},  // 9 and 12 come with 7
		{cap: 12, lists: 1}, // the user with 12 has as many as the cap
		{cap: 20, lists: 1}, // a cap no user reaches
	} {
		t.Run(fmt.Sprintf("cap %d", tc.cap), func(t *testing.T) {
			t.Parallel()
			fake := zendesktest.NewTest(t, zendesktest.Options{SideloadLimit: tc.cap})
			var users []int64
			for i, n := range []int{1, 2, 3, 4, 5, 6, 9, 12} {
				u := fake.AddUser(fmt.Sprintf("User %d", i), fmt.Sprintf("user%d@example.com", i))
				seedEmails(t, fake, u.ID, n-1)
				users = append(users, u.ID)
			}
			got, _, errs := readAll(t, readerClient(t, fake), users)
			if len(errs) > 0 {
				t.Fatalf("errors: %v", errs)
			}
			sameIDs(t, got, fakeIDs(fake, users))
			wantRoutes(t, fake, map[zendesktest.Route]int{zendesktest.RouteShowMany: 1, zendesktest.RouteList: tc.lists})
		})
	}
}

// The most identities sideloaded for one user holds for the whole run: a
// later answer whose users have fewer is taken whole, and one that brings
// a user cut by the cap again is listed.
func TestUsersIdentities_theMostSideloadedHoldsForTheRun(t *testing.T) {
	t.Parallel()
	fake := zendesktest.NewTest(t, zendesktest.Options{SideloadLimit: 5})
	user := func(name string, n int) int64 {
		u := fake.AddUser(name, name+"@example.com")
		seedEmails(t, fake, u.ID, n-1)
		return u.ID
	}
	many, few, some, cut := user("many", 9), user("few", 2), user("some", 4), user("cut", 7)
	c := readerClient(t, fake)
	for _, step := range []struct {
		users []int64
		lists int
	}{
		{[]int64{many}, 1},      // cut to 5, the most so far
		{[]int64{few, some}, 0}, // 2 and 4: fewer than 5, whole
		{[]int64{some, cut}, 1}, // cut to 5 again
	} {
		fake.ResetRequests()
		got, _, errs := readAll(t, c, step.users)
		if len(errs) > 0 {
			t.Fatalf("errors: %v", errs)
		}
		sameIDs(t, got, fakeIDs(fake, step.users))
		want := map[zendesktest.Route]int{zendesktest.RouteShowMany: 1}
		if step.lists > 0 {
			want[zendesktest.RouteList] = step.lists
		}
		wantRoutes(t, fake, want)
	}
}

func TestUsersIdentities_fallbacks(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		opts  zendesktest.Options
		fault *zendesktest.Fault
		// many is how many identities the third user has.
		many int
		want map[zendesktest.Route]int
	}{
		{
			// A user without identities looks like a user cut to nothing:
			// listed, as is the user with as many as a cap could leave.
			name: "a short or suspect sideload is confirmed by a list",
			many: 25,
			want: map[zendesktest.Route]int{zendesktest.RouteShowMany: 1, zendesktest.RouteList: 2},
		},
		{
			name: "a capped sideload",
			opts: zendesktest.Options{SideloadLimit: 20},
			many: 150,
			// The capped user takes two pages.
			want: map[zendesktest.Route]int{zendesktest.RouteShowMany: 1, zendesktest.RouteList: 3},
		},
		{
			name: "no sideload: every user is listed",
			opts: zendesktest.Options{OmitIdentitySideload: true},
			many: 3,
			want: map[zendesktest.Route]int{zendesktest.RouteShowMany: 1, zendesktest.RouteList: 3},
		},
		{
			name:  "show_many refused: every user is listed",
			fault: &zendesktest.Fault{Kind: zendesktest.FaultStatus, Route: zendesktest.RouteShowMany, Status: 403},
			many:  3,
			want:  map[zendesktest.Route]int{zendesktest.RouteShowMany: 1, zendesktest.RouteList: 3},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			fake := zendesktest.NewTest(t, tc.opts)
			if tc.fault != nil {
				fake.AddFault(*tc.fault)
			}
			a := fake.AddUser("Ana", "ana@example.com")
			none := fake.AddUser("No Identities", "")
			many := fake.AddUser("Many", "many@example.com")
			seedEmails(t, fake, many.ID, tc.many-1)
			users := []int64{a.ID, none.ID, many.ID}
			got, _, errs := readAll(t, readerClient(t, fake), users)
			if len(errs) > 0 {
				t.Fatalf("errors: %v", errs)
			}
			sameIDs(t, got, fakeIDs(fake, users))
			wantRoutes(t, fake, tc.want)
		})
	}
}

func TestUsersIdentities_withoutSideloadShowManyIsNotAskedAgain(t *testing.T) {
	t.Parallel()
	fake := zendesktest.NewTest(t, zendesktest.Options{OmitIdentitySideload: true})
	a, b := fake.AddUser("A", "a@example.com"), fake.AddUser("B", "b@example.com")
	c := readerClient(t, fake)
	readAll(t, c, []int64{a.ID})
	got, _, errs := readAll(t, c, []int64{b.ID})
	if len(errs) > 0 {
		t.Fatalf("errors: %v", errs)
	}
	sameIDs(t, got, fakeIDs(fake, []int64{b.ID}))
	wantRoutes(t, fake, map[zendesktest.Route]int{zendesktest.RouteShowMany: 1, zendesktest.RouteList: 2})
}

func TestUsersIdentities_anUnknownUserIsConfirmedAndReported(t *testing.T) {
	t.Parallel()
	fake := zendesktest.NewTest(t, zendesktest.Options{})
	a, b := fake.AddUser("A", "a@example.com"), fake.AddUser("B", "b@example.com")
	seedEmails(t, fake, a.ID, 1)
	const unknown = 424242
	got, order, errs := readAll(t, readerClient(t, fake), []int64{a.ID, unknown, b.ID, a.ID})
	if !slices.Equal(order, []int64{a.ID, unknown, b.ID}) {
		t.Errorf("yielded %v: each user once, in the order given", order)
	}
	if len(errs) != 1 || !IsNotFound(errs[unknown]) {
		t.Fatalf("errors %v, want one not-found error for user %d", errs, unknown)
	}
	sameIDs(t, got, fakeIDs(fake, []int64{a.ID, b.ID}))
	// The unknown user had no sideload; its list answered 404. A and B,
	// with fewer identities than any cap allowed for, were not listed.
	wantRoutes(t, fake, map[zendesktest.Route]int{zendesktest.RouteShowMany: 1, zendesktest.RouteList: 1})
}

func TestUsersIdentities_stoppingEarlySparesTheNextBatches(t *testing.T) {
	t.Parallel()
	fake := zendesktest.NewTest(t, zendesktest.Options{})
	var users []int64
	for i := range 250 {
		users = append(users, fake.AddUser(fmt.Sprintf("User %d", i), fmt.Sprintf("user%d@example.com", i)).ID)
	}
	// The first user has as many identities as the smallest cap allowed
	// for, every other user fewer: its list is the only one.
	seedEmails(t, fake, users[0], minSideloadCap-1)
	read := 0
	for _, err := range readerClient(t, fake).UsersIdentities(context.Background(), users) {
		if err != nil {
			t.Fatal(err)
		}
		if read++; read == 120 {
			break
		}
	}
	wantRoutes(t, fake, map[zendesktest.Route]int{zendesktest.RouteShowMany: 2, zendesktest.RouteList: 1})
}

// Users whose sideload may be short are listed as the iteration reaches
// them, a few at a time: a caller that stops early spares the others'
// lists. Users that all have as many identities as the smallest cap
// allowed for are all listed, since such a cap would make them look the
// same.
func TestUsersIdentities_usersAreListedAsTheIterationReachesThem(t *testing.T) {
	t.Parallel()
	fake := zendesktest.NewTest(t, zendesktest.Options{})
	var users []int64
	for i := range 10 {
		u := fake.AddUser(fmt.Sprintf("User %d", i), fmt.Sprintf("user%d@example.com", i))
		seedEmails(t, fake, u.ID, minSideloadCap-1)
		users = append(users, u.ID)
	}
	for u, err := range readerClient(t, fake).UsersIdentities(context.Background(), users) {
		if err != nil || len(u.Identities) != minSideloadCap {
			t.Fatalf("user %d: %v, %v", u.UserID, u.Identities, err)
		}
		break
	}
	wantRoutes(t, fake, map[zendesktest.Route]int{zendesktest.RouteShowMany: 1, zendesktest.RouteList: listConcurrency})

	fake.ResetRequests()
	got, _, errs := readAll(t, readerClient(t, fake), users)
	if len(errs) > 0 {
		t.Fatalf("errors: %v", errs)
	}
	sameIDs(t, got, fakeIDs(fake, users))
	wantRoutes(t, fake, map[zendesktest.Route]int{zendesktest.RouteShowMany: 1, zendesktest.RouteList: len(users)})
}

// Users that all have fewer identities than the smallest cap allowed for
// cost no list: one show_many answers for them all.
func TestUsersIdentities_usersWithFewIdentitiesNeedNoList(t *testing.T) {
	t.Parallel()
	fake := zendesktest.NewTest(t, zendesktest.Options{})
	var users []int64
	for i := range 10 {
		u := fake.AddUser(fmt.Sprintf("User %d", i), fmt.Sprintf("user%d@example.com", i))
		seedEmails(t, fake, u.ID, i%2) // one or two identities each
		users = append(users, u.ID)
	}
	got, _, errs := readAll(t, readerClient(t, fake), users)
	if len(errs) > 0 {
		t.Fatalf("errors: %v", errs)
	}
	sameIDs(t, got, fakeIDs(fake, users))
	wantRoutes(t, fake, map[zendesktest.Route]int{zendesktest.RouteShowMany: 1})
}

func TestUsersIdentities_aFailedListEndsTheIteration(t *testing.T) {
	t.Parallel()
	fake := zendesktest.NewTest(t, zendesktest.Options{})
	a, none := fake.AddUser("A", "a@example.com"), fake.AddUser("None", "")
	b := fake.AddUser("B", "b@example.com")
	seedEmails(t, fake, b.ID, 1) // A has fewer: whole, not listed
	fake.AddFault(zendesktest.Fault{Kind: zendesktest.FaultStatus, Route: zendesktest.RouteList, Status: 403})
	var order []int64
	var last error
	for u, err := range readerClient(t, fake).UsersIdentities(context.Background(), []int64{a.ID, none.ID, b.ID}) {
		order = append(order, u.UserID)
		last = err
	}
	if !slices.Equal(order, []int64{a.ID, none.ID}) || StatusCode(last) != 403 {
		t.Errorf("yielded users %v ending with %v, want %v ending with the 403", order, last, []int64{a.ID, none.ID})
	}
}
