package zendesk

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/tfzendesk/terraform-provider-zendesk/internal/zendesktest"
)

// Zendesk's API does not redirect; a moved host or a proxy might. The
// client never follows a redirect: it would carry the credentials, and a
// create turned into a GET, wherever the redirect points.
func TestRedirects_areNeverFollowed(t *testing.T) {
	t.Parallel()
	elsewhere := newRecordingServer(t, answerWith(http.StatusOK, "application/json", oneIdentityJSON))
	for _, status := range []int{http.StatusMovedPermanently, http.StatusFound, http.StatusTemporaryRedirect, http.StatusPermanentRedirect} {
		for _, op := range operations {
			t.Run(http.StatusText(status)+"/"+op.name, func(t *testing.T) {
				t.Parallel()
				fake, userID, phoneID := retryFixture(t)
				// Another port of the same host, over plain http.
				location := elsewhere.URL + "/api/v2/users/1/identities/2"
				fake.AddFault(zendesktest.Fault{Kind: zendesktest.FaultRedirect, Route: op.route, Status: status, Location: location})
				c, _ := newTestClient(t, fake)
				before := fake.Identities(userID)

				err := op.call(c, userID, phoneID)
				var apiErr *APIError
				if !errors.As(err, &apiErr) || apiErr.StatusCode != status || apiErr.Location != location {
					t.Fatalf("error = %v, want an *APIError with status %d and Location %s", err, status, location)
				}
				if !strings.Contains(err.Error(), location) || !strings.Contains(err.Error(), "redirect the client does not follow") {
					t.Errorf("error %q does not name the redirect", err)
				}
				if IsNotFound(err) {
					t.Error("a redirect counts as not found")
				}
				// Not sent again, and nothing changed.
				wantRequests(t, fake, op.route)
				if after := fake.Identities(userID); len(after) != len(before) {
					t.Errorf("the fake holds %d identities, had %d", len(after), len(before))
				}
			})
		}
	}
	t.Cleanup(func() {
		if n := len(elsewhere.requests()); n != 0 {
			t.Errorf("the redirect target received %d requests, want none", n)
		}
	})
}

// A create answered with a redirect must not become a GET whose answer is
// taken for the new identity (id 0).
func TestRedirects_aCreateRedirectedToAnIdentityCreatesNothing(t *testing.T) {
	t.Parallel()
	fake, userID, phoneID := retryFixture(t)
	location := fake.URL() + identityPath(userID, phoneID)
	fake.AddFault(zendesktest.Fault{Kind: zendesktest.FaultRedirect, Route: zendesktest.RouteCreate, Status: http.StatusFound, Location: location})
	c, _ := newTestClient(t, fake)

	got, err := c.CreateIdentity(context.Background(), userID, CreateIdentityRequest{Type: "email", Value: "new@example.org"})
	if err == nil || StatusCode(err) != http.StatusFound {
		t.Fatalf("CreateIdentity = %s, %v; want the 302 as an error", describe(got), err)
	}
	wantRequests(t, fake, zendesktest.RouteCreate)
}
