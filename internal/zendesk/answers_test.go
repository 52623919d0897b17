package zendesk

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
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

// make_primary answers with the user's collection: one that does not show
// the identity as primary is an error that says what came back, never a
// collection the caller takes for the identity made primary.
func TestMakePrimary_refusesAnAnswerThatDoesNotShowThePrimary(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		// fault answers make_primary of secondID, the user's second email;
		// want is the problem the error names.
		fault func(userID, emailID, secondID int64) zendesktest.Fault
		want  func(userID, emailID, secondID int64) string
	}{
		{"acknowledged but not applied",
			func(int64, int64, int64) zendesktest.Fault {
				return zendesktest.Fault{Kind: zendesktest.FaultNotApplied}
			},
			func(_, emailID, secondID int64) string {
				return fmt.Sprintf(`the answer lists identity %d (email "ada2@example.org") as not primary, and identity %d ("ada@example.org") as the user's primary email`, secondID, emailID)
			}},
		{"an empty object",
			func(int64, int64, int64) zendesktest.Fault {
				return zendesktest.Fault{Kind: zendesktest.FaultStatus, Status: http.StatusOK, Body: `{}`}
			},
			func(int64, int64, int64) string { return `the answer lists no identities` }},
		{"a collection without the identity",
			func(userID, emailID, _ int64) zendesktest.Fault {
				return zendesktest.Fault{Kind: zendesktest.FaultStatus, Status: http.StatusOK,
					Body: fmt.Sprintf(`{"identities":[{"id":%d,"user_id":%d,"type":"email","value":"ada@example.org","primary":true}]}`, emailID, userID)}
			},
			func(_, _, secondID int64) string {
				return fmt.Sprintf("the answer lists 1 identities, none of them identity %d", secondID)
			}},
		{"another user's identity",
			func(_, _, secondID int64) zendesktest.Fault {
				return zendesktest.Fault{Kind: zendesktest.FaultStatus, Status: http.StatusOK,
					Body: fmt.Sprintf(`{"identities":[{"id":%d,"user_id":9999,"type":"email","value":"ada2@example.org","primary":true}]}`, secondID)}
			},
			func(userID, _, secondID int64) string {
				return fmt.Sprintf("the answer describes identity %d as one of user 9999, not of user %d", secondID, userID)
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			fake := zendesktest.NewTest(t, zendesktest.Options{})
			user := fake.AddUser("Ada", "ada@example.org")
			email := fake.Identities(user.ID)[0]
			second, err := fake.AddIdentity(zendesktest.Identity{UserID: user.ID, Type: "email", Value: "ada2@example.org"})
			if err != nil {
				t.Fatal(err)
			}
			f := tc.fault(user.ID, email.ID, second.ID)
			f.Route, f.Times = zendesktest.RouteMakePrimary, 1
			fake.AddFault(f)
			c, _ := newTestClient(t, fake)

			got, err := c.MakePrimary(context.Background(), user.ID, second.ID)
			var answerErr *AnswerError
			if !errors.As(err, &answerErr) {
				t.Fatalf("MakePrimary = %v, %v; want an *AnswerError", got, err)
			}
			want := "PUT " + identityPath(user.ID, second.ID, "make_primary") + ": Zendesk's answer is unusable: " + tc.want(user.ID, email.ID, second.ID)
			if !strings.HasPrefix(err.Error(), want) {
				t.Errorf("error = %s\nwant   %s", err, want)
			}
			// An answer came: the request is not sent again.
			wantRequests(t, fake, zendesktest.RouteMakePrimary)
		})
	}
}
