package zendesktest

import (
	"net/http"
	"slices"
	"testing"
	"time"
)

func TestVerifyAndUnverify(t *testing.T) {
	clock := newFakeClock()
	srv, c := newTestServer(t, Options{Now: clock.Now})
	user := srv.AddUser("Ana Lima", "")
	ident := c.createIdentity(user.ID, map[string]any{"type": "email", "value": "ana@example.com", "skip_verify_email": true})
	path := identityPath(user.ID, ident.ID)
	put := func(attrs map[string]any) wireIdentity {
		t.Helper()
		clock.Advance(time.Minute)
		return c.do(http.MethodPut, path, identityBody(attrs)).want(t, http.StatusOK).identity(t)
	}
	type state struct {
		verified   bool
		method     string
		verifiedAt bool
	}
	check := func(step string, got wireIdentity, want state) {
		t.Helper()
		if got.Verified != want.verified || got.VerificationMethod != want.method || (got.VerifiedAt != nil) != want.verifiedAt {
			t.Errorf("%s: verified=%v method=%q verified_at=%v, want %+v", step, got.Verified, got.VerificationMethod, got.VerifiedAt, want)
		}
	}

	check("created", ident, state{false, "none", false})
	check("verified:true", put(map[string]any{"verified": true}), state{true, "low", false})
	check("verified:false", put(map[string]any{"verified": false}), state{false, "none", false})
	check("method low", put(map[string]any{"verification_method": "low"}), state{true, "low", false})
	check("method none", put(map[string]any{"verification_method": "none"}), state{false, "none", false})

	clock.Advance(time.Minute)
	verified := c.do(http.MethodPut, path+"/verify", nil).want(t, http.StatusOK).identity(t)
	check("verify", verified, state{true, "full", true})
	if want := timestamp(clock.Now()); *verified.VerifiedAt != want || verified.UpdatedAt != want {
		t.Errorf("verified_at=%s updated_at=%s, want both %s", *verified.VerifiedAt, verified.UpdatedAt, want)
	}
	// verified:true on a fully verified identity keeps its stronger method.
	check("verified:true again", put(map[string]any{"verified": true}), state{true, "full", true})
	check("method wins over verified", put(map[string]any{"verified": true, "verification_method": "none"}), state{false, "none", false})
	check("method full", put(map[string]any{"verification_method": "full"}), state{true, "full", true})
}

func TestValueChangeUnverifies(t *testing.T) {
	srv, c := newTestServer(t, Options{})
	user := srv.AddUser("Ana Lima", "")
	cases := []struct {
		name         string
		typ, from    string
		attrs        map[string]any
		wantVerified bool
	}{
		{"email", "email", "a1@example.com", map[string]any{"value": "a2@example.com"}, false},
		{"email case only", "email", "b1@example.com", map[string]any{"value": "B1@example.com"}, false},
		{"email, verified in the same request", "email", "c1@example.com", map[string]any{"value": "c2@example.com", "verified": true}, true},
		{"email, same value", "email", "d1@example.com", map[string]any{"value": "d1@example.com"}, true},
		{"google", "google", "e1@gmail.com", map[string]any{"value": "e2@gmail.com"}, false},
		{"twitter keeps verification", "twitter", "f1", map[string]any{"value": "f2"}, true},
		{"phone keeps verification", "phone_number", "+15550000001", map[string]any{"value": "+15550000002"}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ident := c.createIdentity(user.ID, map[string]any{"type": tc.typ, "value": tc.from, "verified": true})
			if !ident.Verified {
				t.Fatal("created unverified")
			}
			got := c.do(http.MethodPut, identityPath(user.ID, ident.ID), identityBody(tc.attrs)).want(t, http.StatusOK).identity(t)
			if got.Verified != tc.wantVerified {
				t.Errorf("verified = %v, want %v", got.Verified, tc.wantVerified)
			}
			if !got.Verified && (got.VerificationMethod != "none" || got.VerifiedAt != nil) {
				t.Errorf("unverified identity has method %q, verified_at %v", got.VerificationMethod, got.VerifiedAt)
			}
		})
	}
}

func TestValueChangeUpdatesDeliverableState(t *testing.T) {
	srv, c := newTestServer(t, Options{})
	user := srv.AddUser("Ana Lima", "ana@example.com")
	email := srv.Identities(user.ID)[0]
	got := c.do(http.MethodPut, identityPath(user.ID, email.ID), identityBody(map[string]any{"value": "ana@lima.example"})).
		want(t, http.StatusOK).identity(t)
	if got.DeliverableState == nil || *got.DeliverableState != "deliverable" {
		t.Errorf("deliverable_state = %v, want deliverable", got.DeliverableState)
	}
	if u, _ := srv.User(user.ID); u.Email != "ana@lima.example" {
		t.Errorf("user email = %q", u.Email)
	}
}

func TestUpdatedAt(t *testing.T) {
	clock := newFakeClock()
	srv, c := newTestServer(t, Options{Now: clock.Now})
	user := srv.AddUser("Ana Lima", "")
	ident := c.createIdentity(user.ID, map[string]any{"type": "twitter", "value": "ana"})
	path := identityPath(user.ID, ident.ID)

	clock.Advance(time.Hour)
	same := c.do(http.MethodPut, path, identityBody(map[string]any{"value": "ana"})).want(t, http.StatusOK).identity(t)
	if same.UpdatedAt != ident.UpdatedAt {
		t.Errorf("an update that changed nothing moved updated_at to %s", same.UpdatedAt)
	}
	changed := c.do(http.MethodPut, path, identityBody(map[string]any{"value": "ana2"})).want(t, http.StatusOK).identity(t)
	if changed.UpdatedAt != timestamp(clock.Now()) || changed.CreatedAt != ident.CreatedAt {
		t.Errorf("created_at=%s updated_at=%s", changed.CreatedAt, changed.UpdatedAt)
	}
}

func TestVerificationEmails(t *testing.T) {
	srv, c := newTestServer(t, Options{})
	user := srv.AddUser("Ana Lima", "ana@example.com")
	cases := []struct {
		name  string
		attrs map[string]any
		want  int
	}{
		{"unverified email", map[string]any{"type": "email", "value": "a@example.com"}, 1},
		{"skip_verify_email inside", map[string]any{"type": "email", "value": "b@example.com", "skip_verify_email": true}, 0},
		{"verified email", map[string]any{"type": "email", "value": "c@example.com", "verified": true}, 0},
		{"twitter", map[string]any{"type": "twitter", "value": "ana"}, 0},
	}
	for _, tc := range cases {
		ident := c.createIdentity(user.ID, tc.attrs)
		if got := srv.VerificationEmails(ident.ID); got != tc.want {
			t.Errorf("%s: verification emails = %d, want %d", tc.name, got, tc.want)
		}
	}

	// skip_verify_email beside the identity, as some of Zendesk's docs place it.
	resp := c.do(http.MethodPost, identitiesPath(user.ID), map[string]any{
		"identity":          map[string]any{"type": "email", "value": "d@example.com"},
		"skip_verify_email": true,
	}).want(t, http.StatusCreated)
	outside := resp.identity(t)
	if got := srv.VerificationEmails(outside.ID); got != 0 {
		t.Errorf("skip_verify_email outside: %d emails, want 0", got)
	}

	rv := identityPath(user.ID, outside.ID) + "/request_verification"
	c.do(http.MethodPut, rv, nil).want(t, http.StatusOK)
	c.do(http.MethodPut, rv+".json", nil).want(t, http.StatusOK)
	if got := srv.VerificationEmails(outside.ID); got != 2 {
		t.Errorf("after two requests: %d emails, want 2", got)
	}
	primary := srv.Identities(user.ID)[0]
	c.do(http.MethodPut, identityPath(user.ID, primary.ID)+"/request_verification", nil).want(t, http.StatusOK)
	if got := srv.VerificationEmails(primary.ID); got != 0 {
		t.Errorf("a verified identity was sent %d emails", got)
	}
	// A handle or a number has no address to send a link to.
	for _, typ := range []string{"twitter", "phone_number", "google"} {
		ident := c.createIdentity(user.ID, map[string]any{"type": typ, "value": map[string]string{
			"twitter": "ana_l", "phone_number": "+15550100900", "google": "ana.l@gmail.com"}[typ]})
		c.do(http.MethodPut, identityPath(user.ID, ident.ID)+"/request_verification", nil).want(t, http.StatusOK)
		if got := srv.VerificationEmails(ident.ID); got != 0 {
			t.Errorf("a %s identity was sent %d verification emails", typ, got)
		}
	}

	// The log says where each email went and why, after a change of address
	// too.
	c.do(http.MethodPut, identityPath(user.ID, outside.ID), identityBody(map[string]any{"value": "d2@example.com"})).want(t, http.StatusOK)
	c.do(http.MethodPut, rv, nil).want(t, http.StatusOK)
	var sent []VerificationEmail
	for _, e := range srv.SentVerificationEmails() {
		if e.IdentityID == outside.ID {
			sent = append(sent, e)
		}
	}
	want := []VerificationEmail{
		{IdentityID: outside.ID, UserID: user.ID, Address: "d@example.com", Trigger: EmailOnRequest},
		{IdentityID: outside.ID, UserID: user.ID, Address: "d@example.com", Trigger: EmailOnRequest},
		{IdentityID: outside.ID, UserID: user.ID, Address: "d2@example.com", Trigger: EmailOnRequest},
	}
	if !slices.Equal(sent, want) {
		t.Errorf("emails of identity %d = %+v, want %+v", outside.ID, sent, want)
	}
	if first := srv.SentVerificationEmails()[0]; first.Address != "a@example.com" || first.Trigger != EmailOnCreate {
		t.Errorf("first email = %+v, want the create's to a@example.com", first)
	}
}

func TestVerificationEmailOnValueChange(t *testing.T) {
	for _, tc := range []struct {
		name  string
		opts  Options
		attrs map[string]any
		want  int
	}{
		{"off", Options{}, map[string]any{"value": "a2@example.com"}, 0},
		{"on", Options{VerificationEmailOnValueChange: true}, map[string]any{"value": "a2@example.com"}, 1},
		{"on, skip_verify_email", Options{VerificationEmailOnValueChange: true}, map[string]any{"value": "a2@example.com", "skip_verify_email": true}, 0},
		{"on, verified in the same request", Options{VerificationEmailOnValueChange: true}, map[string]any{"value": "a2@example.com", "verified": true}, 0},
		{"on, same address", Options{VerificationEmailOnValueChange: true}, map[string]any{"value": "a1@example.com"}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, c := newTestServer(t, tc.opts)
			user := srv.AddUser("Ana Lima", "ana@example.com")
			ident := c.createIdentity(user.ID, map[string]any{"type": "email", "value": "a1@example.com", "skip_verify_email": true})
			c.do(http.MethodPut, identityPath(user.ID, ident.ID), identityBody(tc.attrs)).want(t, http.StatusOK)
			sent := srv.SentVerificationEmails()
			if len(sent) != tc.want {
				t.Fatalf("emails = %+v, want %d", sent, tc.want)
			}
			if tc.want == 1 && (sent[0].Address != "a2@example.com" || sent[0].Trigger != EmailOnValueChange) {
				t.Errorf("email = %+v, want one to a2@example.com for the change of value", sent[0])
			}
		})
	}
}
