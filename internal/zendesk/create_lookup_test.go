package zendesk

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"testing/synctest"
	"time"

	"github.com/tfzendesk/terraform-provider-zendesk/internal/zendesktest"
)

// staleList answers a list of the user's identities as a replica that has
// not caught up with the last create would: without it.
var staleList = zendesktest.Fault{Kind: zendesktest.FaultStatus, Route: zendesktest.RouteList, Status: http.StatusOK,
	Body: `{"identities":[],"meta":{"has_more":false},"links":{"next":null}}`, ContentType: "application/json", Times: 1}

// phonesOf returns the user's phone identities that are the number.
func phonesOf(fake *zendesktest.Server, userID int64, number string) []zendesktest.Identity {
	var out []zendesktest.Identity
	for _, id := range fake.Identities(userID) {
		if id.Type == TypePhoneNumber && SameValue(TypePhoneNumber, id.Value, number) {
			out = append(out, id)
		}
	}
	return out
}

// A create sent again after an unknown outcome may collide with what the
// first attempt made, when the lookup between them missed it. The 422 is
// then looked up once more: the user's own identity is adopted, however
// Zendesk spelt the number.
func TestCreateIdentity_aDuplicateAfterAResendIsTheUsersOwnIdentity(t *testing.T) {
	t.Parallel()
	fake := zendesktest.NewTest(t, zendesktest.Options{FormatPhoneNumbers: true})
	ada := fake.AddUser("Ada", "ada@example.org")
	fake.AddFault(zendesktest.Fault{Kind: zendesktest.FaultAfterCommit, Route: zendesktest.RouteCreate, Status: http.StatusServiceUnavailable, Times: 1})
	fake.AddFault(staleList)
	c, _ := newTestClient(t, fake)

	got, err := c.CreateIdentity(context.Background(), ada.ID, CreateIdentityRequest{Type: TypePhoneNumber, Value: "(555) 010-0200"})
	if err != nil {
		t.Fatalf("CreateIdentity = %v, want the identity the first attempt made", err)
	}
	stored := phonesOf(fake, ada.ID, "+15550100200")
	if len(stored) != 1 {
		t.Fatalf("the fake holds %d such phone numbers, want exactly 1: %+v", len(stored), stored)
	}
	if got.ID != stored[0].ID || got.UserID != ada.ID || got.Value != "+15550100200" {
		t.Errorf("CreateIdentity = %s, want the fake's %+v", describe(got), stored[0])
	}
	// The 503, the stale lookup, the resend refused as a duplicate, and
	// the lookup that finds it.
	wantRequests(t, fake, zendesktest.RouteCreate, zendesktest.RouteList, zendesktest.RouteCreate, zendesktest.RouteList)
	if n := fake.CountStatus(http.StatusUnprocessableEntity); n != 1 {
		t.Errorf("%d answers were 422, want the resend's", n)
	}
}

// A 503 with Retry-After is documented as "not processed", and the
// transport sends the create again after the wait; should a proxy have
// answered it after Zendesk made the identity, the resend is refused as a
// duplicate, and the lookup that follows finds the user's own identity.
func TestCreateIdentity_aDuplicateAfterATransportResendIsTheUsersOwnIdentity(t *testing.T) {
	t.Parallel()
	fake := zendesktest.NewTest(t, zendesktest.Options{})
	ada := fake.AddUser("Ada", "ada@example.org")
	fake.AddFault(zendesktest.Fault{Kind: zendesktest.FaultAfterCommit, Route: zendesktest.RouteCreate, Status: http.StatusServiceUnavailable, RetryAfter: 1, Times: 1})
	c, _ := newTestClient(t, fake)

	got, err := c.CreateIdentity(context.Background(), ada.ID, CreateIdentityRequest{Type: TypeEmail, Value: "ada.work@example.org"})
	if err != nil {
		t.Fatalf("CreateIdentity = %v, want the identity the first attempt made", err)
	}
	var stored []zendesktest.Identity
	for _, id := range fake.Identities(ada.ID) {
		if id.Value == "ada.work@example.org" {
			stored = append(stored, id)
		}
	}
	if len(stored) != 1 || got.ID != stored[0].ID {
		t.Fatalf("CreateIdentity = %s; the fake holds %+v, want exactly that one", describe(got), stored)
	}
	// The 503 after the commit, the resend refused as a duplicate, and the
	// lookup that finds it.
	wantRequests(t, fake, zendesktest.RouteCreate, zendesktest.RouteCreate, zendesktest.RouteList)
}

// A value another user holds is never adopted: the resend's 422 is the
// answer, after one more lookup among the user's own identities.
func TestCreateIdentity_aDuplicateAfterAResendHeldByAnotherUserStaysAnError(t *testing.T) {
	t.Parallel()
	fake := zendesktest.NewTest(t, zendesktest.Options{FormatPhoneNumbers: true})
	bob := fake.AddUser("Bob", "bob@example.org")
	if _, err := fake.AddIdentity(zendesktest.Identity{UserID: bob.ID, Type: TypePhoneNumber, Value: "+15550100200"}); err != nil {
		t.Fatal(err)
	}
	ada := fake.AddUser("Ada", "ada@example.org")
	// The first attempt is not processed, but the client cannot know.
	fake.AddFault(zendesktest.Fault{Kind: zendesktest.FaultStatus, Route: zendesktest.RouteCreate, Status: http.StatusServiceUnavailable, Times: 1})
	c, _ := newTestClient(t, fake)

	got, err := c.CreateIdentity(context.Background(), ada.ID, CreateIdentityRequest{Type: TypePhoneNumber, Value: "(555) 010-0200"})
	var apiErr *APIError
	if !IsDuplicateValue(err) || !errors.As(err, &apiErr) || apiErr.Attempts != 2 {
		t.Fatalf("CreateIdentity = %v, %v; want the 422 DuplicateValue after 2 attempts", got, err)
	}
	if n := len(phonesOf(fake, ada.ID, "+15550100200")); n != 0 {
		t.Errorf("Ada holds %d such phone numbers, want none", n)
	}
	if n := len(phonesOf(fake, bob.ID, "+15550100200")); n != 1 {
		t.Errorf("Bob holds %d such phone numbers, want his one", n)
	}
	wantRequests(t, fake, zendesktest.RouteCreate, zendesktest.RouteList, zendesktest.RouteCreate, zendesktest.RouteList)
}

// The wait before a create is sent again goes by the client's clock: the
// resend goes when the test moves the clock, not before.
func TestCreateIdentity_waitsByTheClientsClock(t *testing.T) {
	t.Parallel()
	fake, userID, _ := retryFixture(t)
	fake.AddFault(zendesktest.Fault{Kind: zendesktest.FaultStatus, Route: zendesktest.RouteCreate, Status: http.StatusInternalServerError, Times: 1})
	synctest.Test(t, func(t *testing.T) {
		clock := newManualClock()
		c, err := New(Config{
			URL:          fake.URL(),
			Auth:         APIToken(zendesktest.DefaultEmail, zendesktest.DefaultAPIToken),
			MaxRetries:   1,
			RetryWaitMin: time.Minute,
			RetryWaitMax: time.Minute,
			Clock:        clock,
			HTTPClient:   inProcess(fake),
		})
		if err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() {
			_, err := c.CreateIdentity(t.Context(), userID, CreateIdentityRequest{Type: "email", Value: "new@example.org"})
			done <- err
		}()
		synctest.Wait()
		wantRequests(t, fake, zendesktest.RouteCreate, zendesktest.RouteList)
		clock.Advance(time.Minute - time.Nanosecond)
		synctest.Wait()
		if len(fake.Requests()) != 2 {
			t.Fatalf("requests = %v before the wait was over", requestRoutes(fake))
		}
		clock.Advance(time.Nanosecond)
		synctest.Wait()
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("CreateIdentity = %v", err)
			}
		default:
			t.Fatal("CreateIdentity still waits after the clock moved past its backoff")
		}
		wantRequests(t, fake, zendesktest.RouteCreate, zendesktest.RouteList, zendesktest.RouteCreate)
	})
	if n := len(fake.Identities(userID)); n != 3 {
		t.Errorf("the user has %d identities, want the new one besides its 2", n)
	}
}
