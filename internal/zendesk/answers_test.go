package zendesk

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/tfzendesk/terraform-provider-zendesk/internal/zendesktest"
)

// A 2xx answer to a write that does not describe the identity written is
// an error, never an identity with id 0 or one of another user.
func TestWrites_refuseAnAnswerWithoutTheIdentity(t *testing.T) {
	t.Parallel()
	bodies := map[string]func(userID, phoneID int64) string{
		"an empty body":          func(int64, int64) string { return "" },
		"an empty object":        func(int64, int64) string { return `{}` },
		"an identity with id 0":  func(userID, _ int64) string { return fmt.Sprintf(`{"identity":{"id":0,"user_id":%d}}`, userID) },
		"another user's":         func(_, phoneID int64) string { return fmt.Sprintf(`{"identity":{"id":%d,"user_id":9999}}`, phoneID) },
		"a bare identity object": func(userID, phoneID int64) string { return fmt.Sprintf(`{"id":%d,"user_id":%d}`, phoneID, userID) },
	}
	writes := []struct {
		name  string
		route zendesktest.Route
		call  func(c *Client, userID, phoneID int64) (*Identity, error)
	}{
		{"create", zendesktest.RouteCreate, func(c *Client, userID, _ int64) (*Identity, error) {
			return c.CreateIdentity(context.Background(), userID, CreateIdentityRequest{Type: "email", Value: "new@example.org"})
		}},
		{"update", zendesktest.RouteUpdate, func(c *Client, userID, phoneID int64) (*Identity, error) {
			return c.UpdateIdentity(context.Background(), userID, phoneID, UpdateIdentityRequest{Verified: new(true)})
		}},
		{"verify", zendesktest.RouteVerify, func(c *Client, userID, phoneID int64) (*Identity, error) {
			return c.VerifyIdentity(context.Background(), userID, phoneID)
		}},
	}
	for _, w := range writes {
		for name, body := range bodies {
			t.Run(w.name+" answered with "+name, func(t *testing.T) {
				t.Parallel()
				fake, userID, phoneID := retryFixture(t)
				fake.AddFault(zendesktest.Fault{Kind: zendesktest.FaultStatus, Route: w.route, Status: http.StatusOK,
					Body: body(userID, phoneID), ContentType: "application/json"})
				c, _ := newTestClient(t, fake)

				got, err := w.call(c, userID, phoneID)
				var answerErr *AnswerError
				if !errors.As(err, &answerErr) {
					t.Fatalf("%s = %s, %v; want an *AnswerError", w.name, describe(got), err)
				}
				if w.route == zendesktest.RouteCreate {
					// Something took the create: the client looks for what it
					// may have made, once, and does not send it again.
					wantRequests(t, fake, zendesktest.RouteCreate, zendesktest.RouteList)
				} else {
					wantRequests(t, fake, w.route)
				}
			})
		}
	}
}

// A create carried out whose answer lacks the identity is found by the
// lookup that follows: recorded, not lost.
func TestCreateIdentity_anAnswerWithoutTheIdentityIsLookedUp(t *testing.T) {
	t.Parallel()
	fake, userID, _ := retryFixture(t)
	fake.AddFault(zendesktest.Fault{Kind: zendesktest.FaultAfterCommit, Route: zendesktest.RouteCreate, Status: http.StatusCreated,
		Body: `{}`, ContentType: "application/json", Times: 1})
	c, _ := newTestClient(t, fake)

	got, err := c.CreateIdentity(context.Background(), userID, CreateIdentityRequest{Type: "email", Value: "new@example.org"})
	if err != nil {
		t.Fatal(err)
	}
	stored := fake.Identities(userID)
	if last := stored[len(stored)-1]; got.ID != last.ID || last.Value != "new@example.org" {
		t.Errorf("CreateIdentity = %s, want the fake's %+v", describe(got), last)
	}
	wantRequests(t, fake, zendesktest.RouteCreate, zendesktest.RouteList)
}
