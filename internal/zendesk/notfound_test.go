package zendesk

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/tfzendesk/terraform-provider-zendesk/internal/zendesktest"
)

// Only Zendesk's RecordNotFound on a user or identity route says a record
// is gone. A host that is not the account's API answers every path with an
// HTML 404, and that must never read as "gone": Terraform would plan to
// create everything again, or drop it from the state.
func TestNotFound_anHTMLPageIsNotZendesksNotFound(t *testing.T) {
	t.Parallel()
	for _, op := range append(operations, operation{"lookup", http.MethodGet, zendesktest.RouteShowMany, func(c *Client, userID, phoneID int64) error {
		_, err := c.LookupIdentity(context.Background(), userID, phoneID)
		return err
	}}) {
		t.Run(op.name, func(t *testing.T) {
			t.Parallel()
			fake, userID, phoneID := retryFixture(t)
			fake.SetHostNotFound(true)
			c, _ := newTestClient(t, fake)

			err := op.call(c, userID, phoneID)
			var apiErr *APIError
			if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusNotFound {
				t.Fatalf("error = %v, want the 404", err)
			}
			if IsNotFound(err) {
				t.Errorf("IsNotFound(%v) = true for an HTML page", err)
			}
			if apiErr.ContentType != "text/html" {
				t.Errorf("ContentType = %q, want text/html", apiErr.ContentType)
			}
			if _, ok := fake.Identity(phoneID); !ok {
				t.Error("the phone identity is gone from the fake")
			}
		})
	}
}

// A 404 from the token exchange is about the credentials, even when its
// body reads RecordNotFound.
func TestNotFound_aTokenExchange404IsNotARecordGone(t *testing.T) {
	t.Parallel()
	for _, fault := range []zendesktest.Fault{
		{Kind: zendesktest.FaultStatus, Route: zendesktest.RouteOAuthTokens, Status: http.StatusNotFound},
		{Kind: zendesktest.FaultStatus, Route: zendesktest.RouteOAuthTokens, Status: http.StatusNotFound,
			Body: "<html><body>Not found</body></html>", ContentType: "text/html"},
	} {
		fake, userID, phoneID := retryFixture(t)
		fake.AddFault(fault)
		c := clientWithAuth(t, fake, clientCredentialsFor(t, fake, zendesktest.DefaultClientSecret, nil), nil)

		_, err := c.LookupIdentity(context.Background(), userID, phoneID)
		if err == nil || !IsTokenExchange(err) || StatusCode(err) != http.StatusNotFound {
			t.Fatalf("LookupIdentity = %v, want the exchange's 404", err)
		}
		if IsNotFound(err) {
			t.Errorf("IsNotFound(%v) = true for the token exchange", err)
		}
	}
}

// Zendesk's own answer for a record that is not there still counts.
func TestNotFound_recordNotFoundOnEachRoute(t *testing.T) {
	t.Parallel()
	fake, userID, phoneID := retryFixture(t)
	c, _ := newTestClient(t, fake)
	ctx := context.Background()
	fake.RemoveIdentity(phoneID)
	if _, err := c.LookupIdentity(ctx, userID, phoneID); !IsNotFound(err) {
		t.Errorf("LookupIdentity of a deleted identity = %v, want not found", err)
	}
	if err := c.DeleteIdentity(ctx, userID, phoneID); !IsNotFound(err) {
		t.Errorf("DeleteIdentity of a deleted identity = %v, want not found", err)
	}
	fake.DeleteUser(userID)
	if _, err := c.ListIdentities(ctx, userID); !IsNotFound(err) {
		t.Errorf("ListIdentities of a deleted user = %v, want not found", err)
	}
	if _, err := c.CreateIdentity(ctx, userID, CreateIdentityRequest{Type: "twitter", Value: "ada"}); !IsNotFound(err) {
		t.Errorf("CreateIdentity for a deleted user = %v, want not found", err)
	}
}
