package zendesktest

import (
	"errors"
	"net/http"
	"testing"
	"time"
)

func TestAddUser(t *testing.T) {
	srv, _ := newTestServer(t, Options{})
	ana := srv.AddUser("Ana Lima", "ana@example.com")
	if ana.ID != 1001 || ana.Name != "Ana Lima" || ana.Email != "ana@example.com" || ana.ExternalID != "" ||
		ana.Role != "end-user" || !ana.Active || ana.Suspended || ana.CreatedAt.IsZero() || !ana.UpdatedAt.Equal(ana.CreatedAt) {
		t.Errorf("AddUser = %+v", ana)
	}
	list := srv.Identities(ana.ID)
	if len(list) != 1 {
		t.Fatalf("identities = %+v, want the primary email", list)
	}
	email := list[0]
	if email.ID != 50001 || email.Type != "email" || !email.Primary || !email.Verified ||
		email.VerificationMethod != "full" || email.VerifiedAt == nil || email.DeliverableState != "reserved_example" {
		t.Errorf("email identity = %+v", email)
	}

	bare := srv.AddUser("No Email", "")
	if bare.ID != 1002 || len(srv.Identities(bare.ID)) != 0 {
		t.Errorf("user without email: %+v, %d identities", bare, len(srv.Identities(bare.ID)))
	}
	if got := srv.Users(); len(got) != 2 || got[0].ID != 1001 || got[1].ID != 1002 {
		t.Errorf("Users = %+v", got)
	}

	for _, email := range []string{"ana@example.com", "not-an-email"} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("AddUser with email %q did not panic", email)
				}
			}()
			srv.AddUser("Broken", email)
		}()
	}
	if got := len(srv.Users()); got != 2 {
		t.Errorf("a refused AddUser left a user behind: %d users", got)
	}
}

func TestAddIdentity(t *testing.T) {
	srv, c := newTestServer(t, Options{})
	user := srv.AddUser("Ana Lima", "ana@example.com")

	at := time.Date(2020, 1, 2, 3, 4, 5, 600, time.UTC)
	msg, err := srv.AddIdentity(Identity{UserID: user.ID, Type: "messaging", Value: "conv-123",
		VerificationMethod: "sso", CreatedAt: at, UndeliverableCount: 2})
	if err != nil {
		t.Fatal(err)
	}
	if msg.ID != 50002 || !msg.Primary || !msg.Verified || msg.VerificationMethod != "sso" ||
		!msg.CreatedAt.Equal(at.Truncate(time.Second)) || !msg.UpdatedAt.Equal(msg.CreatedAt) || msg.DeliverableState != "" {
		t.Errorf("messaging identity = %+v", msg)
	}
	// What the store seeded is what the API shows.
	shown := c.do(http.MethodGet, identityPath(user.ID, msg.ID), nil).want(t, http.StatusOK).identity(t)
	if shown.Type != "messaging" || shown.CreatedAt != "2020-01-02T03:04:05Z" || shown.UndeliverableCount != 2 {
		t.Errorf("shown = %+v", shown)
	}

	for _, typ := range []string{"any_channel", "sdk", "foreign", "microsoft"} {
		if _, err := srv.AddIdentity(Identity{UserID: user.ID, Type: typ, Value: "v-" + typ}); err != nil {
			t.Errorf("AddIdentity(%s): %v", typ, err)
		}
	}
	second, err := srv.AddIdentity(Identity{UserID: user.ID, Type: "email", Value: "ana2@example.com", Primary: true, Verified: true})
	if err != nil || !second.Primary || second.VerificationMethod != "low" {
		t.Errorf("second email = %+v, %v", second, err)
	}
	if first, _ := srv.Identity(50001); first.Primary {
		t.Error("AddIdentity with Primary did not demote the previous primary")
	}

	cases := []struct {
		name string
		in   Identity
		want error
	}{
		{"unknown user", Identity{UserID: 42, Type: "twitter", Value: "x"}, ErrNotFound},
		{"nonsense type", Identity{UserID: user.ID, Type: "pigeon", Value: "x"}, &ValidationError{Field: "type", Code: "InvalidValue"}},
		{"duplicate", Identity{UserID: user.ID, Type: "messaging", Value: "conv-123"}, &ValidationError{Field: "value", Code: "DuplicateValue"}},
		{"blank", Identity{UserID: user.ID, Type: "sdk", Value: " "}, &ValidationError{Field: "value", Code: "Blank"}},
		{"bad method", Identity{UserID: user.ID, Type: "twitter", Value: "x", VerificationMethod: "magic"}, &ValidationError{Field: "verification_method", Code: "InvalidValue"}},
	}
	for _, tc := range cases {
		_, err := srv.AddIdentity(tc.in)
		var got, want *ValidationError
		if errors.As(tc.want, &want) {
			if !errors.As(err, &got) || got.Field != want.Field || got.Code != want.Code || got.Description == "" {
				t.Errorf("%s: err = %v, want %s/%s", tc.name, err, want.Field, want.Code)
			}
		} else if !errors.Is(err, tc.want) {
			t.Errorf("%s: err = %v, want %v", tc.name, err, tc.want)
		}
	}
}

func TestStoreReturnsCopies(t *testing.T) {
	srv, _ := newTestServer(t, Options{})
	user := srv.AddUser("Ana Lima", "ana@example.com")
	got := srv.Identities(user.ID)
	got[0].Value = "changed"
	*got[0].VerifiedAt = time.Time{}
	one, _ := srv.Identity(got[0].ID)
	all := srv.AllIdentities()
	if one.Value != "ana@example.com" || one.VerifiedAt.IsZero() || all[0].Value != "ana@example.com" {
		t.Error("a returned identity shares memory with the store")
	}
	if srv.Identities(999) != nil {
		t.Error("Identities of an unknown user is not nil")
	}
	if _, ok := srv.Identity(999); ok {
		t.Error("Identity(999) found something")
	}
}

func TestDrift(t *testing.T) {
	srv, c := newTestServer(t, Options{})
	user := srv.AddUser("Ana Lima", "ana@example.com")
	other := srv.AddUser("Ben Okafor", "ben@example.com")
	email := srv.Identities(user.ID)[0]
	second := c.createIdentity(user.ID, map[string]any{"type": "email", "value": "ana2@example.com", "verified": true})

	if err := srv.SetIdentityValue(second.ID, "ana3@example.com"); err != nil {
		t.Fatal(err)
	}
	shown := c.do(http.MethodGet, identityPath(user.ID, second.ID), nil).want(t, http.StatusOK).identity(t)
	if shown.Value != "ana3@example.com" || shown.Verified {
		t.Errorf("after drift: %+v, want the new value, unverified", shown)
	}
	var invalid *ValidationError
	if err := srv.SetIdentityValue(second.ID, "ben@example.com"); !errors.As(err, &invalid) || invalid.Code != "DuplicateValue" {
		t.Errorf("drift onto a taken value: %v", err)
	}
	if err := srv.SetIdentityValue(999, "x@example.com"); !errors.Is(err, ErrNotFound) {
		t.Errorf("drift of an unknown identity: %v", err)
	}

	if err := srv.SetVerified(second.ID, true); err != nil {
		t.Fatal(err)
	}
	if got, _ := srv.Identity(second.ID); !got.Verified || got.VerificationMethod != "full" {
		t.Errorf("SetVerified(true) = %+v", got)
	}
	if err := srv.SetVerified(second.ID, false); err != nil {
		t.Fatal(err)
	}
	if got, _ := srv.Identity(second.ID); got.Verified || got.VerifiedAt != nil {
		t.Errorf("SetVerified(false) = %+v", got)
	}

	srv.RemoveIdentity(email.ID)
	c.do(http.MethodGet, identityPath(user.ID, email.ID), nil).want(t, http.StatusNotFound)
	if got, _ := srv.Identity(second.ID); !got.Primary {
		t.Error("removing the primary did not promote the remaining email")
	}
	srv.RemoveIdentity(email.ID) // unknown: ignored

	// DeleteUser frees the user's values.
	srv.DeleteUser(other.ID)
	c.do(http.MethodGet, identitiesPath(other.ID), nil).want(t, http.StatusNotFound)
	if _, ok := srv.User(other.ID); ok {
		t.Error("deleted user still found")
	}
	c.createIdentity(user.ID, map[string]any{"type": "email", "value": "ben@example.com"})
	srv.DeleteUser(other.ID) // unknown: ignored
}
