package zendesktest

import (
	"fmt"
	"net/http"
	"slices"
	"testing"
)

// primaries summarizes which identities are primary, per type.
func primaries(list []Identity) map[string][]int64 {
	out := map[string][]int64{}
	for _, i := range list {
		if i.Primary {
			out[i.Type] = append(out[i.Type], i.ID)
		}
	}
	return out
}

func assertPrimaries(t *testing.T, srv *Server, userID int64, want map[string]int64) {
	t.Helper()
	got := primaries(srv.Identities(userID))
	if len(got) != len(want) {
		t.Errorf("primaries = %v, want %v", got, want)
	}
	for typ, id := range want {
		if !slices.Equal(got[typ], []int64{id}) {
			t.Errorf("primary %s = %v, want [%d]", typ, got[typ], id)
		}
	}
}

func TestPrimaryOnCreate(t *testing.T) {
	srv, c := newTestServer(t, Options{})
	user := srv.AddUser("Ana Lima", "ana@example.com")
	email := srv.Identities(user.ID)[0]

	second := c.createIdentity(user.ID, map[string]any{"type": "email", "value": "ana2@example.com"})
	if second.Primary {
		t.Error("a second email became primary without asking")
	}
	phone := c.createIdentity(user.ID, map[string]any{"type": "phone_number", "value": "+15550001111", "primary": false})
	if !phone.Primary {
		t.Error("the first phone number is not primary")
	}
	assertPrimaries(t, srv, user.ID, map[string]int64{"email": email.ID, "phone_number": phone.ID})

	third := c.createIdentity(user.ID, map[string]any{"type": "email", "value": "ana3@example.com", "primary": true})
	if !third.Primary {
		t.Error("primary:true was not honoured")
	}
	// The phone's primary is independent of the email's.
	assertPrimaries(t, srv, user.ID, map[string]int64{"email": third.ID, "phone_number": phone.ID})
	if u, _ := srv.User(user.ID); u.Email != "ana3@example.com" {
		t.Errorf("user email = %q, want the new primary", u.Email)
	}
}

func TestIgnoreCreateFlags(t *testing.T) {
	srv, c := newTestServer(t, Options{IgnoreCreateFlags: true})
	user := srv.AddUser("Ana Lima", "ana@example.com")
	email := srv.Identities(user.ID)[0]
	got := c.createIdentity(user.ID, map[string]any{"type": "email", "value": "ana2@example.com", "primary": true, "verified": true})
	if got.Primary || got.Verified || got.VerificationMethod != "none" {
		t.Errorf("flags were honoured: %+v", got)
	}
	assertPrimaries(t, srv, user.ID, map[string]int64{"email": email.ID})
	// The first identity of a type is primary whatever the flags.
	if first := c.createIdentity(user.ID, map[string]any{"type": "twitter", "value": "ana"}); !first.Primary {
		t.Error("first twitter identity is not primary")
	}
	if n := srv.VerificationEmails(got.ID); n != 1 {
		t.Errorf("verification emails = %d, want 1: the address stayed unverified", n)
	}
}

func TestUpdateIgnoresPrimary(t *testing.T) {
	srv, c := newTestServer(t, Options{})
	user := srv.AddUser("Ana Lima", "ana@example.com")
	email := srv.Identities(user.ID)[0]
	second := c.createIdentity(user.ID, map[string]any{"type": "email", "value": "ana2@example.com"})

	got := c.do(http.MethodPut, identityPath(user.ID, second.ID), identityBody(map[string]any{"primary": true})).
		want(t, http.StatusOK).identity(t)
	if got.Primary {
		t.Error("update made an identity primary")
	}
	c.do(http.MethodPut, identityPath(user.ID, email.ID), identityBody(map[string]any{"primary": false})).want(t, http.StatusOK)
	assertPrimaries(t, srv, user.ID, map[string]int64{"email": email.ID})
}

func TestMakePrimary(t *testing.T) {
	srv, c := newTestServer(t, Options{})
	user := srv.AddUser("Ana Lima", "ana@example.com")
	other := srv.AddUser("Ben Okafor", "ben@example.com")
	email := srv.Identities(user.ID)[0]
	phone := c.createIdentity(user.ID, map[string]any{"type": "phone_number", "value": "+15550001111"})
	second := c.createIdentity(user.ID, map[string]any{"type": "email", "value": "ana2@example.com"})
	phone2 := c.createIdentity(user.ID, map[string]any{"type": "phone_number", "value": "+15550002222"})

	collection := c.do(http.MethodPut, identityPath(user.ID, second.ID)+"/make_primary", nil).want(t, http.StatusOK).identities(t)
	var ids []int64
	state := map[int64]bool{}
	for _, i := range collection {
		ids = append(ids, i.ID)
		state[i.ID] = i.Primary
	}
	if want := []int64{email.ID, phone.ID, second.ID, phone2.ID}; !slices.Equal(ids, want) {
		t.Errorf("collection ids = %v, want %v ordered by id", ids, want)
	}
	if state[email.ID] || !state[second.ID] || !state[phone.ID] || state[phone2.ID] {
		t.Errorf("primary flags in collection = %v", state)
	}
	assertPrimaries(t, srv, user.ID, map[string]int64{"email": second.ID, "phone_number": phone.ID})

	// Again on the primary: a no-op that still returns the collection.
	again := c.do(http.MethodPut, identityPath(user.ID, second.ID)+"/make_primary.json", nil).want(t, http.StatusOK).identities(t)
	if len(again) != 4 {
		t.Errorf("collection has %d identities, want 4", len(again))
	}

	if err := srv.SetPrimary(phone2.ID); err != nil {
		t.Fatal(err)
	}
	assertPrimaries(t, srv, user.ID, map[string]int64{"email": second.ID, "phone_number": phone2.ID})
	if err := srv.SetPrimary(999); err == nil {
		t.Error("SetPrimary of an unknown identity succeeded")
	}
	assertPrimaries(t, srv, other.ID, map[string]int64{"email": srv.Identities(other.ID)[0].ID})
}

func TestDeletePrimary(t *testing.T) {
	for _, refuse := range []bool{false, true} {
		t.Run(fmt.Sprintf("RefusePrimaryDelete=%v", refuse), func(t *testing.T) {
			srv, c := newTestServer(t, Options{RefusePrimaryDelete: refuse})
			user := srv.AddUser("Ana Lima", "ana@example.com")
			email := srv.Identities(user.ID)[0]
			phone := c.createIdentity(user.ID, map[string]any{"type": "phone_number", "value": "+15550001111"})
			second := c.createIdentity(user.ID, map[string]any{"type": "email", "value": "ana2@example.com"})
			third := c.createIdentity(user.ID, map[string]any{"type": "email", "value": "ana3@example.com"})

			resp := c.do(http.MethodDelete, identityPath(user.ID, email.ID), nil)
			if refuse {
				resp.want(t, http.StatusUnprocessableEntity)
				assertRecordInvalid(t, resp, "base", "PrimaryIdentity",
					"Cannot delete the primary identity. Make another identity primary first.")
				assertPrimaries(t, srv, user.ID, map[string]int64{"email": email.ID, "phone_number": phone.ID})
				// The only identity of its type may go.
				c.do(http.MethodDelete, identityPath(user.ID, phone.ID), nil).want(t, http.StatusNoContent)
				// Non-primary identities may always go.
				c.do(http.MethodDelete, identityPath(user.ID, third.ID), nil).want(t, http.StatusNoContent)
				return
			}
			resp.want(t, http.StatusNoContent)
			// The oldest remaining email is promoted, not the newest.
			assertPrimaries(t, srv, user.ID, map[string]int64{"email": second.ID, "phone_number": phone.ID})
			c.do(http.MethodDelete, identityPath(user.ID, phone.ID), nil).want(t, http.StatusNoContent)
			assertPrimaries(t, srv, user.ID, map[string]int64{"email": second.ID})
		})
	}
}
