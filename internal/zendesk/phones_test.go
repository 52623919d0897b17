package zendesk

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/tfzendesk/terraform-provider-zendesk/internal/zendesktest"
)

func TestSameValue(t *testing.T) {
	t.Parallel()
	tests := []struct {
		typ, a, b string
		same      bool
	}{
		{TypeEmail, "Ana@Example.com", "ana@example.com", true},
		{TypeGoogle, "ana@gmail.com", "ANA@gmail.com", true},
		{TypeTwitter, "Ana", "ana", false},
		{TypePhoneNumber, "+1 555 010 0200", "+15550100200", true},
		{TypePhoneNumber, "+1 (555) 010-0200", "+1.555.010.0200", true},
		{TypeAgentForwarding, "+44 20 7946 0958", "+442079460958", true},
		// Zendesk formats ten digits as a North American direct line.
		{TypePhoneNumber, "555-010-0200", "+15550100200", true},
		{TypePhoneNumber, "(555) 010-0200", "5550100200", true},
		{TypePhoneNumber, "+15550100200", "+15550100201", false},
		{TypePhoneNumber, "+44 20 7946 0958", "020 7946 0958", false},
		{TypePhoneNumber, "15550100200", "+15550100200", false},
		{TypePhoneNumber, "+5550100200", "+15550100200", false},
		// Not numbers: only the same text matches.
		{TypePhoneNumber, "ext. 42", "42", false},
		{TypePhoneNumber, "1+5550100200", "+15550100200", false},
		{TypeFacebook, "+15550100200", "+1 555 010 0200", false},
	}
	for _, tt := range tests {
		if got := SameValue(tt.typ, tt.a, tt.b); got != tt.same {
			t.Errorf("SameValue(%s, %q, %q) = %t, want %t", tt.typ, tt.a, tt.b, got, tt.same)
		}
		if got := SameValue(tt.typ, tt.b, tt.a); got != tt.same {
			t.Errorf("SameValue(%s, %q, %q) = %t, want %t", tt.typ, tt.b, tt.a, got, tt.same)
		}
	}
}

func TestIsE164(t *testing.T) {
	t.Parallel()
	for number, want := range map[string]bool{
		"+15550100200":      true,
		"+442079460958":     true,
		"+123456789012345":  true,
		"+1 555 010 0200":   false,
		"+1-555-010-0200":   false,
		"15550100200":       false,
		"+015550100200":     false,
		"+1234567890123456": false,
		"+":                 false,
		"+1":                false,
		" +15550100200":     false,
	} {
		if got := IsE164(number); got != want {
			t.Errorf("IsE164(%q) = %t, want %t", number, got, want)
		}
	}
}

func TestIsPhoneNumber(t *testing.T) {
	t.Parallel()
	for number, want := range map[string]bool{
		"+15550100200":        true,
		"+1 (555) 010-0200":   true,
		"555.010.0200":        true,
		"5550100":             true,
		"+123456789012345":    true,
		"555010":              false,
		"+1234567890123456":   false,
		"1+5550100200":        false,
		"+1 555 010 0200 x12": false,
		"call +15550100200":   false,
		"":                    false,
	} {
		if got := IsPhoneNumber(number); got != want {
			t.Errorf("IsPhoneNumber(%q) = %t, want %t", number, got, want)
		}
	}
}

// An account that formats phone numbers stores another spelling of the
// number it is sent: the number is still found by the spelling sent.
func TestFindIdentity_aPhoneNumberZendeskFormatted(t *testing.T) {
	t.Parallel()
	fake := zendesktest.NewTest(t, zendesktest.Options{FormatPhoneNumbers: true})
	user := fake.AddUser("Ada", "ada@example.org")
	c, _ := newTestClient(t, fake)
	ctx := context.Background()

	// The create's answer is lost: the lookup must recognise the number
	// Zendesk stored as the one sent, or a second create would fail with a
	// duplicate and leave the first one unknown to Terraform.
	fake.AddFault(zendesktest.Fault{Kind: zendesktest.FaultDropAfterCommit, Route: zendesktest.RouteCreate, Times: 1})
	created, err := c.CreateIdentity(ctx, user.ID, CreateIdentityRequest{Type: TypePhoneNumber, Value: "+1 555 010 0200"})
	if err != nil {
		t.Fatal(err)
	}
	if created.Value != "+15550100200" {
		t.Errorf("created value = %q, want Zendesk's +15550100200", created.Value)
	}
	wantRequests(t, fake, zendesktest.RouteCreate, zendesktest.RouteList)

	for _, spelling := range []string{"+1 555 010 0200", "(555) 010-0200", "+15550100200"} {
		found, err := c.FindIdentity(ctx, user.ID, TypePhoneNumber, spelling)
		if err != nil || found == nil || found.ID != created.ID {
			t.Errorf("FindIdentity(%q) = %s, %v; want identity %d", spelling, describe(found), err, created.ID)
		}
	}
}

// When a create's answer is lost and the lookup fails too, the error says
// both, so the caller can tell that the identity may exist.
func TestCreateIdentity_lostAnswerAndFailedLookup(t *testing.T) {
	t.Parallel()
	fake := zendesktest.NewTest(t, zendesktest.Options{})
	user := fake.AddUser("Ada", "ada@example.org")
	fake.AddFault(zendesktest.Fault{Kind: zendesktest.FaultDropAfterCommit, Route: zendesktest.RouteCreate, Times: 1})
	fake.AddFault(zendesktest.Fault{Kind: zendesktest.FaultStatus, Route: zendesktest.RouteList, Status: http.StatusForbidden})
	c, _ := newTestClient(t, fake)

	_, err := c.CreateIdentity(context.Background(), user.ID, CreateIdentityRequest{Type: TypePhoneNumber, Value: "+15550100200"})
	var unconfirmed *UnconfirmedCreateError
	if !errors.As(err, &unconfirmed) {
		t.Fatalf("CreateIdentity = %v (%T), want an *UnconfirmedCreateError", err, err)
	}
	var reqErr *RequestError
	if !errors.As(unconfirmed.Err, &reqErr) || StatusCode(unconfirmed.LookupErr) != http.StatusForbidden {
		t.Errorf("Err = %v, LookupErr = %v; want the dropped create and the 403 of the list", unconfirmed.Err, unconfirmed.LookupErr)
	}
	if unconfirmed.UserID != user.ID || unconfirmed.Type != TypePhoneNumber || unconfirmed.Value != "+15550100200" {
		t.Errorf("the error names %d %s %q", unconfirmed.UserID, unconfirmed.Type, unconfirmed.Value)
	}
	wantRequests(t, fake, zendesktest.RouteCreate, zendesktest.RouteList)
	if n := len(fake.Identities(user.ID)); n != 2 {
		t.Errorf("the fake holds %d identities, want the email and the phone", n)
	}
}
