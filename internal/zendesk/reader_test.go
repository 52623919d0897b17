package zendesk

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tfzendesk/terraform-provider-zendesk/internal/zendesktest"
)

// readerClient is a client of fake whose batches wait long enough that
// every lookup a test starts together lands in one batch.
func readerClient(t *testing.T, fake *zendesktest.Server) *Client {
	t.Helper()
	c, err := New(Config{
		URL:          fake.URL(),
		Auth:         APIToken(zendesktest.DefaultEmail, zendesktest.DefaultAPIToken),
		MaxRetries:   2,
		RetryWaitMin: time.Millisecond,
		RetryWaitMax: 5 * time.Millisecond,
		BatchWindow:  50 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// seedEmails gives the user n more email identities.
func seedEmails(t *testing.T, fake *zendesktest.Server, userID int64, n int) []zendesktest.Identity {
	t.Helper()
	out := make([]zendesktest.Identity, n)
	for i := range out {
		id, err := fake.AddIdentity(zendesktest.Identity{UserID: userID, Type: "email", Value: fmt.Sprintf("u%d.e%d@example.org", userID, i)})
		if err != nil {
			t.Fatal(err)
		}
		out[i] = id
	}
	return out
}

// lookupAll looks every identity up concurrently and checks each answer.
func lookupAll(t *testing.T, c *Client, identities []zendesktest.Identity) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, len(identities))
	for _, want := range identities {
		wg.Go(func() {
			got, err := c.LookupIdentity(context.Background(), want.UserID, want.ID)
			switch {
			case err != nil:
				errs <- fmt.Errorf("identity %d: %w", want.ID, err)
			case got.ID != want.ID || got.Value != want.Value || got.UserID != want.UserID:
				errs <- fmt.Errorf("identity %d: got %+v", want.ID, got)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func routeCounts(fake *zendesktest.Server) map[zendesktest.Route]int {
	out := map[zendesktest.Route]int{}
	for _, r := range fake.Requests() {
		out[r.Route]++
	}
	return out
}

func wantRoutes(t *testing.T, fake *zendesktest.Server, want map[zendesktest.Route]int) {
	t.Helper()
	got := routeCounts(fake)
	for route, n := range want {
		if got[route] != n {
			t.Errorf("%s requests: %d, want %d (all: %v)", route, got[route], n, got)
		}
	}
	for route, n := range got {
		if _, expected := want[route]; !expected {
			t.Errorf("unexpected %s requests: %d", route, n)
		}
	}
}

// showManyUsers returns the users each show_many asked for, and fails the
// test on any other request, or a user asked for twice.
func showManyUsers(t *testing.T, fake *zendesktest.Server) [][]string {
	t.Helper()
	var batches [][]string
	seen := map[string]bool{}
	for _, r := range fake.Requests() {
		if r.Route != zendesktest.RouteShowMany || r.Status != 200 {
			t.Errorf("%s %s?%s answered %d, want show_many only", r.Method, r.Path, r.RawQuery, r.Status)
			continue
		}
		q, _ := url.ParseQuery(r.RawQuery)
		ids := strings.Split(q.Get("ids"), ",")
		for _, id := range ids {
			if seen[id] {
				t.Errorf("user %s was read twice", id)
			}
			seen[id] = true
		}
		batches = append(batches, ids)
	}
	return batches
}

// How many batches concurrent lookups make depends on when each starts
// (the batcher's tests drive that with a clock); what holds however fast
// the machine is: each user is read once, through show_many.
func TestLookupIdentity_concurrentReadsShareShowMany(t *testing.T) {
	t.Parallel()
	fake := zendesktest.NewTest(t, zendesktest.Options{})
	var all []zendesktest.Identity
	for i := range 10 {
		u := fake.AddUser(fmt.Sprintf("User %d", i), "")
		all = append(all, seedEmails(t, fake, u.ID, 1+i%3)...)
	}
	c := readerClient(t, fake)
	lookupAll(t, c, all)
	batches := showManyUsers(t, fake)
	users := 0
	for _, b := range batches {
		users += len(b)
	}
	if users != 10 {
		t.Errorf("show_many read %d users, want the 10", users)
	}

	// Everything is known now: reading it all again costs nothing.
	before := fake.TotalRequests()
	lookupAll(t, c, all)
	if n := fake.TotalRequests(); n != before {
		t.Errorf("reading again sent %d more requests", n-before)
	}
}

func TestLookupIdentity_aBatchHoldsAtMostOneHundredUsers(t *testing.T) {
	t.Parallel()
	fake := zendesktest.NewTest(t, zendesktest.Options{})
	var all []zendesktest.Identity
	for i := range 150 {
		u := fake.AddUser(fmt.Sprintf("User %d", i), fmt.Sprintf("user%d@example.com", i))
		all = append(all, fake.Identities(u.ID)...)
	}
	lookupAll(t, readerClient(t, fake), all)
	users := 0
	for _, ids := range showManyUsers(t, fake) {
		if len(ids) > showManyLimit {
			t.Errorf("a show_many asked for %d users", len(ids))
		}
		users += len(ids)
	}
	if users != 150 {
		t.Errorf("show_many read %d users, want the 150", users)
	}
}

func TestLookupIdentity_oneUserWithManyIdentities(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name          string
		sideloadLimit int
		want          map[zendesktest.Route]int
	}{
		{"the sideload carries them all", 0, map[zendesktest.Route]int{zendesktest.RouteShowMany: 1}},
		// Misses in a short sideload are answered by one listing of the
		// user, three pages for 250 identities.
		{"the sideload carries fewer", 100, map[zendesktest.Route]int{zendesktest.RouteShowMany: 1, zendesktest.RouteList: 3}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			fake := zendesktest.NewTest(t, zendesktest.Options{SideloadLimit: tc.sideloadLimit})
			u := fake.AddUser("Many", "")
			all := seedEmails(t, fake, u.ID, 250)
			lookupAll(t, readerClient(t, fake), all)
			wantRoutes(t, fake, tc.want)
		})
	}
}

func TestLookupIdentity_withoutSideloadListsUsersForTheRestOfTheRun(t *testing.T) {
	t.Parallel()
	fake := zendesktest.NewTest(t, zendesktest.Options{OmitIdentitySideload: true})
	a, b := fake.AddUser("A", "a@example.com"), fake.AddUser("B", "b@example.com")
	c := readerClient(t, fake)
	lookupAll(t, c, fake.Identities(a.ID))
	wantRoutes(t, fake, map[zendesktest.Route]int{zendesktest.RouteShowMany: 1, zendesktest.RouteList: 1})
	lookupAll(t, c, fake.Identities(b.ID))
	wantRoutes(t, fake, map[zendesktest.Route]int{zendesktest.RouteShowMany: 1, zendesktest.RouteList: 2})
}

func TestLookupIdentity_aMissingIdentityIsConfirmedBeforeItIsGone(t *testing.T) {
	t.Parallel()
	fake := zendesktest.NewTest(t, zendesktest.Options{})
	u := fake.AddUser("Ana", "ana@example.com")
	gone := seedEmails(t, fake, u.ID, 1)[0]
	fake.RemoveIdentity(gone.ID)

	_, err := readerClient(t, fake).LookupIdentity(context.Background(), u.ID, gone.ID)
	if !IsNotFound(err) {
		t.Fatalf("got %v, want a not-found error", err)
	}
	// The sideload lacked it, and the direct read said 404.
	wantRoutes(t, fake, map[zendesktest.Route]int{zendesktest.RouteShowMany: 1, zendesktest.RouteShow: 1})
}

func TestLookupIdentity_anIncompleteSideloadNeverHidesAnIdentity(t *testing.T) {
	t.Parallel()
	// Zendesk answering show_many with an empty sideload: every identity is
	// still found, through the list.
	fake := zendesktest.NewTest(t, zendesktest.Options{})
	u := fake.AddUser("Ana", "ana@example.com")
	fake.AddFault(zendesktest.Fault{
		Kind: zendesktest.FaultStatus, Route: zendesktest.RouteShowMany, Status: 200, ContentType: "application/json",
		Body: fmt.Sprintf(`{"users":[{"id":%d,"name":"Ana"}],"identities":[]}`, u.ID),
	})
	lookupAll(t, readerClient(t, fake), fake.Identities(u.ID))
	wantRoutes(t, fake, map[zendesktest.Route]int{zendesktest.RouteShowMany: 1, zendesktest.RouteList: 1})
}

func TestLookupIdentity_aWriteForgetsWhatWasRead(t *testing.T) {
	t.Parallel()
	fake := zendesktest.NewTest(t, zendesktest.Options{})
	u := fake.AddUser("Ana", "ana@example.com")
	id := fake.Identities(u.ID)[0]
	c := readerClient(t, fake)
	ctx := context.Background()
	if _, err := c.LookupIdentity(ctx, u.ID, id.ID); err != nil {
		t.Fatal(err)
	}
	other, err := c.CreateIdentity(ctx, u.ID, CreateIdentityRequest{Type: "email", Value: "ana.b@example.org", Primary: true})
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.LookupIdentity(ctx, u.ID, id.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Primary {
		t.Errorf("identity %d read as primary after %d was made primary: the cache served a stale read", id.ID, other.ID)
	}
	wantRoutes(t, fake, map[zendesktest.Route]int{zendesktest.RouteShowMany: 2, zendesktest.RouteCreate: 1})
}

func TestLookupIdentity_unknownUser(t *testing.T) {
	t.Parallel()
	fake := zendesktest.NewTest(t, zendesktest.Options{})
	if _, err := readerClient(t, fake).LookupIdentity(context.Background(), 424242, 1); !IsNotFound(err) {
		t.Fatalf("got %v, want a not-found error", err)
	}
}

func TestLookupIdentity_aCancelledReaderDoesNotCancelTheBatch(t *testing.T) {
	t.Parallel()
	fake := zendesktest.NewTest(t, zendesktest.Options{})
	a, b := fake.AddUser("A", "a@example.com"), fake.AddUser("B", "b@example.com")
	others := append(fake.Identities(b.ID), seedEmails(t, fake, b.ID, fullHouseMin-2)...)
	// A window no test outlasts: the batch goes when it is full, that is
	// when every lookup below waits on it, so B's lookups join the batch
	// that A's cancelled lookup started.
	c, err := New(Config{
		URL:         fake.URL(),
		Auth:        APIToken(zendesktest.DefaultEmail, zendesktest.DefaultAPIToken),
		BatchWindow: time.Minute,
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.LookupIdentity(ctx, a.ID, fake.Identities(a.ID)[0].ID); err == nil {
		t.Fatal("a cancelled lookup succeeded")
	}
	lookupAll(t, c, others)

	// One show_many served A and B, and B needed no read of its own: the
	// batch was not sent with A's cancelled context.
	wantRoutes(t, fake, map[zendesktest.Route]int{zendesktest.RouteShowMany: 1})
	r := fake.Requests()[0]
	if q, _ := url.ParseQuery(r.RawQuery); r.Status != 200 || q.Get("ids") != fmt.Sprintf("%d,%d", a.ID, b.ID) {
		t.Errorf("show_many?%s answered %d, want both users answered 200", r.RawQuery, r.Status)
	}
}

// fullHouseClient is a client of fake whose batches wait a window no test
// outlasts: a batch goes when it is full, that is when fullHouseMin
// lookups wait on it. Tests that start exactly that many lookups at once
// get one batch however fast the machine is.
func fullHouseClient(t *testing.T, fake *zendesktest.Server) *Client {
	t.Helper()
	c, err := New(Config{
		URL:         fake.URL(),
		Auth:        APIToken(zendesktest.DefaultEmail, zendesktest.DefaultAPIToken),
		MaxRetries:  1,
		BatchWindow: time.Minute,
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// When show_many fails, the lookups of a user's identities share one list
// of the user, not a read each; a list that says the user is gone answers
// them all.
func TestLookupIdentity_showManyFailureListsEachUserOnce(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		fault     bool
		userGone  bool
		wantFound bool
		want      map[zendesktest.Route]int
	}{
		{"show_many refused", true, false, true, map[zendesktest.Route]int{zendesktest.RouteShowMany: 1, zendesktest.RouteList: 1}},
		{"show_many refused, the user gone", true, true, false, map[zendesktest.Route]int{zendesktest.RouteShowMany: 1, zendesktest.RouteList: 1}},
		// show_many leaves a deleted user's identities out, so the list is
		// asked; its RecordNotFound is the answer.
		{"the user gone", false, true, false, map[zendesktest.Route]int{zendesktest.RouteShowMany: 1, zendesktest.RouteList: 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			fake := zendesktest.NewTest(t, zendesktest.Options{})
			u := fake.AddUser("Ana", "ana@example.com")
			all := append(fake.Identities(u.ID), seedEmails(t, fake, u.ID, fullHouseMin-1)...)
			if tc.fault {
				fake.AddFault(zendesktest.Fault{Kind: zendesktest.FaultStatus, Route: zendesktest.RouteShowMany, Status: 403})
			}
			if tc.userGone {
				fake.SoftDeleteUser(u.ID)
			}
			c := fullHouseClient(t, fake)
			if tc.wantFound {
				lookupAll(t, c, all)
			} else {
				var wg sync.WaitGroup
				for _, identity := range all {
					wg.Go(func() {
						if _, err := c.LookupIdentity(context.Background(), u.ID, identity.ID); !IsNotFound(err) {
							t.Errorf("identity %d: got %v, want a not-found error", identity.ID, err)
						}
					})
				}
				wg.Wait()
			}
			wantRoutes(t, fake, tc.want)

			// A lookup that comes later finds the list's answer.
			if _, err := c.LookupIdentity(context.Background(), u.ID, all[0].ID); (err == nil) != tc.wantFound {
				t.Errorf("a later lookup: %v", err)
			}
			wantRoutes(t, fake, tc.want)
		})
	}
}

// A miss in a user's sideload that holds fewer identities than another
// user's did is not a cut: the identity is read directly, without a list.
// A user sideloaded with as many as the most may have been cut: listed.
func TestLookupIdentity_aWholeSideloadNeedsNoList(t *testing.T) {
	t.Parallel()
	fake := zendesktest.NewTest(t, zendesktest.Options{SideloadLimit: minSideloadCap})
	big := fake.AddUser("Big", "big@example.com")
	bigs := append(fake.Identities(big.ID), seedEmails(t, fake, big.ID, minSideloadCap+2)...)
	small := fake.AddUser("Small", "small@example.com")
	gone := seedEmails(t, fake, small.ID, 1)[0]
	fake.RemoveIdentity(gone.ID)
	c := readerClient(t, fake)

	// Big's last identities are past the cap: the list finds them.
	lookupAll(t, c, bigs)
	wantRoutes(t, fake, map[zendesktest.Route]int{zendesktest.RouteShowMany: 1, zendesktest.RouteList: 1})

	fake.ResetRequests()
	if _, err := c.LookupIdentity(context.Background(), small.ID, gone.ID); !IsNotFound(err) {
		t.Fatalf("got %v, want a not-found error", err)
	}
	wantRoutes(t, fake, map[zendesktest.Route]int{zendesktest.RouteShowMany: 1, zendesktest.RouteShow: 1})
}

// Each write forgets what the client read of the user: the next lookup
// asks Zendesk again and sees the write, instead of what was read before.
func TestLookupIdentity_everyWriteForgetsWhatWasRead(t *testing.T) {
	t.Parallel()
	for _, op := range operations {
		if op.method == http.MethodGet {
			continue
		}
		t.Run(op.name, func(t *testing.T) {
			t.Parallel()
			fake, userID, phoneID := retryFixture(t)
			email := fake.Identities(userID)[0]
			c := readerClient(t, fake)
			ctx := context.Background()
			if _, err := c.LookupIdentity(ctx, userID, email.ID); err != nil {
				t.Fatal(err)
			}
			if err := op.call(c, userID, phoneID); err != nil {
				t.Fatal(err)
			}
			fake.ResetRequests()

			got, err := c.LookupIdentity(ctx, userID, email.ID)
			if err != nil {
				t.Fatal(err)
			}
			if fake.TotalRequests() == 0 {
				t.Errorf("after %s, the lookup was answered from what was read before it", op.name)
			}
			if want, _ := fake.Identity(email.ID); got.Primary != want.Primary || got.UpdatedAt != timestampOf(want.UpdatedAt) {
				t.Errorf("after %s, lookup = %s, want the fake's %+v", op.name, describe(got), want)
			}
		})
	}
}

func timestampOf(t time.Time) string { return t.UTC().Format(time.RFC3339) }
