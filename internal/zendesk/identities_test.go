package zendesk

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tfzendesk/terraform-provider-zendesk/internal/zendesktest"
)

// addIdentities gives the user n more identities of the type, with values
// unique to the user.
func addIdentities(t *testing.T, fake *zendesktest.Server, userID int64, identityType string, n int) {
	t.Helper()
	for i := range n {
		value := fmt.Sprintf("u%d.%d@example.org", userID, i)
		if identityType == TypePhoneNumber {
			value = fmt.Sprintf("+1555%03d%04d", userID%1000, i)
		}
		if _, err := fake.AddIdentity(zendesktest.Identity{UserID: userID, Type: identityType, Value: value}); err != nil {
			t.Fatal(err)
		}
	}
}

// wantSameIdentities fails unless got holds the fake's identities, in order.
func wantSameIdentities(t *testing.T, got []Identity, want []zendesktest.Identity) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d identities, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i].ID != want[i].ID || got[i].Value != want[i].Value || got[i].Type != want[i].Type ||
			got[i].UserID != want[i].UserID || got[i].Primary != want[i].Primary {
			t.Fatalf("identity %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}

// ofTypes keeps the fake's identities of the types.
func ofTypes(list []zendesktest.Identity, types ...string) []zendesktest.Identity {
	var out []zendesktest.Identity
	for _, i := range list {
		if slices.Contains(types, i.Type) {
			out = append(out, i)
		}
	}
	return out
}

func TestListIdentities_followsCursorPagesToTheEnd(t *testing.T) {
	t.Parallel()
	tests := []struct {
		identities   int
		wantRequests int
	}{
		{0, 1},
		{1, 1},
		{99, 1},
		{100, 1},
		{101, 2},
		{200, 2},
		{260, 3},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.identities), func(t *testing.T) {
			t.Parallel()
			fake := zendesktest.NewTest(t, zendesktest.Options{})
			user := fake.AddUser("Ada", "")
			addIdentities(t, fake, user.ID, TypeEmail, tt.identities)
			c, _ := newTestClient(t, fake)

			got, err := c.ListIdentities(context.Background(), user.ID)
			if err != nil {
				t.Fatal(err)
			}
			wantSameIdentities(t, got, fake.Identities(user.ID))
			reqs := fake.Requests()
			if len(reqs) != tt.wantRequests {
				t.Fatalf("%d requests, want %d: %+v", len(reqs), tt.wantRequests, reqs)
			}
			for i, r := range reqs {
				q, _ := url.ParseQuery(r.RawQuery)
				if r.Route != zendesktest.RouteList || r.Status != http.StatusOK || q.Get("page[size]") != "100" || q.Has("page[after]") != (i > 0) {
					t.Errorf("request %d = %s %s?%s (%d), want a cursor page of 100", i, r.Method, r.Path, r.RawQuery, r.Status)
				}
			}
		})
	}
}

// offsetProxy serves the fake's offset pagination: it forwards every
// request to the fake without page[size], under its own host, so the
// fake's next_page links lead back to it.
func offsetProxy(t *testing.T, fake *zendesktest.Server) string {
	t.Helper()
	target, err := url.Parse(fake.URL())
	if err != nil {
		t.Fatal(err)
	}
	proxy := &httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) {
		r.SetURL(target)
		r.Out.Host = r.In.Host
		q := r.In.URL.Query()
		q.Del("page[size]")
		r.Out.URL.RawQuery = q.Encode()
	}}
	srv := httptest.NewServer(proxy)
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestListIdentities_bothPaginationStyles(t *testing.T) {
	t.Parallel()
	tests := []struct {
		style        string
		types        []string
		wantRequests int
	}{
		{"cursor", nil, 3},
		{"cursor", []string{TypePhoneNumber}, 2},
		{"cursor", []string{TypeEmail, TypePhoneNumber}, 3},
		{"cursor", []string{TypeTwitter}, 1},
		{"offset", nil, 3},
		{"offset", []string{TypePhoneNumber}, 2},
		{"offset", []string{TypeEmail, TypePhoneNumber}, 3},
		{"offset", []string{TypeTwitter}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.style+"/"+strings.Join(tt.types, "+"), func(t *testing.T) {
			t.Parallel()
			fake := zendesktest.NewTest(t, zendesktest.Options{})
			user := fake.AddUser("Ada", "ada@example.org")
			// 130 email and 130 phone identities, interleaved so that every
			// page of the unfiltered list holds both types.
			for i := range 130 {
				email := zendesktest.Identity{UserID: user.ID, Type: TypeEmail, Value: fmt.Sprintf("ada.%d@example.org", i)}
				phone := zendesktest.Identity{UserID: user.ID, Type: TypePhoneNumber, Value: fmt.Sprintf("+1555000%04d", i)}
				for _, id := range []zendesktest.Identity{email, phone} {
					if i == 129 && id.Type == TypeEmail {
						continue // the user's primary email makes 130
					}
					if _, err := fake.AddIdentity(id); err != nil {
						t.Fatal(err)
					}
				}
			}
			base := fake.URL()
			if tt.style == "offset" {
				base = offsetProxy(t, fake)
			}
			c, _ := newTestClientAt(t, base)

			got, err := c.ListIdentities(context.Background(), user.ID, tt.types...)
			if err != nil {
				t.Fatal(err)
			}
			want := fake.Identities(user.ID)
			if tt.types != nil {
				want = ofTypes(want, tt.types...)
			}
			wantSameIdentities(t, got, want)
			reqs := fake.Requests()
			if len(reqs) != tt.wantRequests {
				t.Fatalf("%d requests, want %d: %+v", len(reqs), tt.wantRequests, reqs)
			}
			for i, r := range reqs {
				q, _ := url.ParseQuery(r.RawQuery)
				if !slices.Equal(q["type[]"], tt.types) {
					t.Errorf("request %d: type[] = %q, want %q", i, q["type[]"], tt.types)
				}
				cursor := q.Has("page[size]") && q.Has("page[after]") == (i > 0)
				offset := !q.Has("page[size]") && (i == 0) == !q.Has("page")
				if tt.style == "cursor" && !cursor || tt.style == "offset" && !offset {
					t.Errorf("request %d: query %q is not a %s page", i, r.RawQuery, tt.style)
				}
			}
		})
	}
}

// linkServer answers every list request with one page whose next link is
// next(base), where base is its own URL.
func linkServer(t *testing.T, next func(base string) string) *recordingServer {
	t.Helper()
	var srv *recordingServer
	srv = newRecordingServer(t, func(w http.ResponseWriter, r *http.Request) {
		page := map[string]any{
			"identities": []map[string]any{{"id": 2, "user_id": 1, "type": "email", "value": "a@example.org"}},
			"meta":       map[string]any{"has_more": true},
			"links":      map[string]any{"next": next(srv.URL)},
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(page)
	})
	return srv
}

func TestListIdentities_refusesTheSameNextLinkTwice(t *testing.T) {
	t.Parallel()
	srv := linkServer(t, func(base string) string { return base + "/api/v2/users/1/identities?page[size]=100&page[after]=abc" })
	c, _ := newTestClientAt(t, srv.URL)

	got, err := c.ListIdentities(context.Background(), 1)
	if err == nil || !strings.Contains(err.Error(), "twice") {
		t.Fatalf("ListIdentities = %v, %v; want an error about a repeated next-page link", got, err)
	}
	if n := len(srv.requests()); n != 2 {
		t.Errorf("server saw %d requests, want 2 (the first page and the repeated one)", n)
	}
}

func TestListIdentities_refusesANextLinkToAnotherHost(t *testing.T) {
	t.Parallel()
	var elsewhere atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		elsewhere.Add(1)
		w.WriteHeader(http.StatusTeapot)
	}))
	t.Cleanup(other.Close)
	otherURL, _ := url.Parse(other.URL)

	tests := []struct {
		name string
		next func(base string) string
	}{
		{"another host", func(string) string { return other.URL + "/api/v2/users/1/identities?page[after]=x" }},
		{"https on the same host", func(base string) string {
			return strings.Replace(base, "http://", "https://", 1) + "/api/v2/users/1/identities?page[after]=x"
		}},
		{"another port of localhost", func(string) string {
			return "http://localhost:" + otherURL.Port() + "/api/v2/users/1/identities?page[after]=x"
		}},
		{"userinfo pointing elsewhere", func(base string) string {
			return "http://" + strings.TrimPrefix(base, "http://") + "@" + otherURL.Host + "/api/v2/users/1/identities"
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := linkServer(t, tt.next)
			c, _ := newTestClientAt(t, srv.URL)

			got, err := c.ListIdentities(context.Background(), 1)
			if err == nil || !strings.Contains(err.Error(), "refusing to send credentials") {
				t.Fatalf("ListIdentities = %v, %v; want a refusal to follow the link", got, err)
			}
			if n := len(srv.requests()); n != 1 {
				t.Errorf("account saw %d requests, want 1", n)
			}
		})
	}
	if n := elsewhere.Load(); n != 0 {
		t.Errorf("the other host received %d requests, want none", n)
	}
}

func TestListIdentities_unknownUserIsNotFound(t *testing.T) {
	t.Parallel()
	fake := zendesktest.NewTest(t, zendesktest.Options{})
	c, _ := newTestClient(t, fake)
	_, err := c.ListIdentities(context.Background(), 999999)
	if !IsNotFound(err) {
		t.Fatalf("ListIdentities of an unknown user = %v, want a not-found error", err)
	}
	wantRequests(t, fake, zendesktest.RouteList)
}

func TestGetIdentity_decodesEveryField(t *testing.T) {
	t.Parallel()
	created := time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC)
	fake := zendesktest.NewTest(t, zendesktest.Options{Now: func() time.Time { return created }})
	user := fake.AddUser("Ada", "ada@example.com")
	primary := fake.Identities(user.ID)[0]
	c, _ := newTestClient(t, fake)

	got, err := c.GetIdentity(context.Background(), user.ID, primary.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := &Identity{
		ID:                 primary.ID,
		URL:                fmt.Sprintf("%s/api/v2/users/%d/identities/%d.json", fake.URL(), user.ID, primary.ID),
		UserID:             user.ID,
		Type:               TypeEmail,
		Value:              "ada@example.com",
		Primary:            true,
		Verified:           true,
		VerificationMethod: new("full"),
		VerifiedAt:         new("2024-03-01T10:00:00Z"),
		DeliverableState:   new("reserved_example"),
		UndeliverableCount: new(int64(0)),
		CreatedAt:          "2024-03-01T10:00:00Z",
		UpdatedAt:          "2024-03-01T10:00:00Z",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("GetIdentity =\n%s\nwant\n%s", describe(got), describe(want))
	}
	wantRequests(t, fake, zendesktest.RouteShow)
}

// describe prints an identity with its pointers followed.
func describe(i *Identity) string {
	b, _ := json.Marshal(i)
	return string(b)
}

func TestGetIdentity_missingIsNotFound(t *testing.T) {
	t.Parallel()
	fake := zendesktest.NewTest(t, zendesktest.Options{})
	ada := fake.AddUser("Ada", "ada@example.org")
	bob := fake.AddUser("Bob", "bob@example.org")
	bobsEmail := fake.Identities(bob.ID)[0]
	c, _ := newTestClient(t, fake)

	tests := []struct {
		name             string
		userID, identity int64
	}{
		{"unknown identity", ada.ID, 999999},
		{"unknown user", 999999, bobsEmail.ID},
		{"identity of another user", ada.ID, bobsEmail.ID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.GetIdentity(context.Background(), tt.userID, tt.identity)
			if !IsNotFound(err) || StatusCode(err) != http.StatusNotFound {
				t.Fatalf("GetIdentity = %v, want 404 not found", err)
			}
		})
	}
	if n := fake.Count(zendesktest.RouteShow); n != len(tests) {
		t.Errorf("%d show requests, want %d", n, len(tests))
	}
}

func TestIdentity_decodesNullsAbsentAndUnknownFields(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		body string
		want Identity
	}{
		{
			name: "every field",
			body: `{"id":7,"url":"https://acme.zendesk.com/api/v2/users/1/identities/7.json","user_id":1,"type":"email","value":"a@example.org",
				"primary":true,"verified":true,"verification_method":"sso","verified_at":"2024-01-02T03:04:05Z",
				"deliverable_state":"undeliverable","undeliverable_count":3,"created_at":"2024-01-01T00:00:00Z","updated_at":"2024-01-02T03:04:05Z"}`,
			want: Identity{
				ID: 7, URL: "https://acme.zendesk.com/api/v2/users/1/identities/7.json", UserID: 1, Type: "email", Value: "a@example.org",
				Primary: true, Verified: true, VerificationMethod: new("sso"), VerifiedAt: new("2024-01-02T03:04:05Z"),
				DeliverableState: new("undeliverable"), UndeliverableCount: new(int64(3)),
				CreatedAt: "2024-01-01T00:00:00Z", UpdatedAt: "2024-01-02T03:04:05Z",
			},
		},
		{
			name: "nulls",
			body: `{"id":7,"url":null,"user_id":1,"type":"phone_number","value":"+15550001111","primary":null,"verified":null,
				"verification_method":null,"verified_at":null,"deliverable_state":null,"undeliverable_count":null,"created_at":null,"updated_at":null}`,
			want: Identity{ID: 7, UserID: 1, Type: "phone_number", Value: "+15550001111"},
		},
		{
			name: "absent fields",
			body: `{"id":7,"user_id":1,"type":"twitter","value":"ada"}`,
			want: Identity{ID: 7, UserID: 1, Type: "twitter", Value: "ada"},
		},
		{
			name: "unknown fields",
			body: `{"id":7,"user_id":1,"type":"email","value":"a@example.org","verification_method":"none",
				"new_flag":true,"extra":{"nested":[1,2,{"x":null}]},"undeliverable_count":0}`,
			want: Identity{ID: 7, UserID: 1, Type: "email", Value: "a@example.org", VerificationMethod: new("none"), UndeliverableCount: new(int64(0))},
		},
		{
			name: "unknown type",
			body: `{"id":7,"user_id":1,"type":"carrier_pigeon","value":"coo","primary":true}`,
			want: Identity{ID: 7, UserID: 1, Type: "carrier_pigeon", Value: "coo", Primary: true},
		},
	}
	fake := zendesktest.NewTest(t, zendesktest.Options{})
	c, _ := newTestClient(t, fake)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake.AddFault(zendesktest.Fault{
				Kind: zendesktest.FaultStatus, Route: zendesktest.RouteShow, Times: 1,
				Status: http.StatusOK, Body: `{"identity":` + tt.body + `,"unknown_envelope_field":1}`,
			})
			got, err := c.GetIdentity(context.Background(), 1, 7)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(*got, tt.want) {
				t.Errorf("decoded\n%s\nwant\n%s", describe(got), describe(&tt.want))
			}
		})
	}
}

func TestCreateIdentity_sendsTheFlags(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		req      CreateIdentityRequest
		wantBody string
	}{
		{"plain", CreateIdentityRequest{Type: "email", Value: "a@example.org"},
			`{"identity":{"type":"email","value":"a@example.org"}}`},
		{"primary", CreateIdentityRequest{Type: "email", Value: "a@example.org", Primary: true},
			`{"identity":{"type":"email","value":"a@example.org","primary":true}}`},
		{"verified without email", CreateIdentityRequest{Type: "email", Value: "a@example.org", Verified: true, SkipVerifyEmail: true},
			`{"identity":{"type":"email","value":"a@example.org","verified":true,"skip_verify_email":true}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newRecordingServer(t, answerWith(http.StatusCreated, "application/json", oneIdentityJSON))
			c, _ := newTestClientAt(t, srv.URL)
			if _, err := c.CreateIdentity(context.Background(), 1, tt.req); err != nil {
				t.Fatal(err)
			}
			seen := srv.requests()
			if len(seen) != 1 || seen[0].Method != http.MethodPost || seen[0].Path != "/api/v2/users/1/identities" {
				t.Fatalf("server saw %+v, want one POST /api/v2/users/1/identities", seen)
			}
			if seen[0].Body != tt.wantBody {
				t.Errorf("body = %s, want %s", seen[0].Body, tt.wantBody)
			}
		})
	}
}

func TestCreateIdentity(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name              string
		opts              zendesktest.Options
		req               CreateIdentityRequest
		wantPrimary       bool
		wantVerified      bool
		wantMethod        string
		wantEmails        int
		wantFormerPrimary bool // the user's first email stays primary
	}{
		{"second email", zendesktest.Options{},
			CreateIdentityRequest{Type: "email", Value: "ada2@example.org"}, false, false, "none", 1, true},
		{"without the verification email", zendesktest.Options{},
			CreateIdentityRequest{Type: "email", Value: "ada2@example.org", SkipVerifyEmail: true}, false, false, "none", 0, true},
		{"verified", zendesktest.Options{},
			CreateIdentityRequest{Type: "email", Value: "ada2@example.org", Verified: true}, false, true, "low", 0, true},
		{"primary", zendesktest.Options{},
			CreateIdentityRequest{Type: "email", Value: "ada2@example.org", Primary: true, SkipVerifyEmail: true}, true, false, "none", 0, false},
		{"first phone number", zendesktest.Options{},
			CreateIdentityRequest{Type: "phone_number", Value: "+15550001111"}, true, false, "none", 0, true},
		{"flags ignored by the account", zendesktest.Options{IgnoreCreateFlags: true},
			CreateIdentityRequest{Type: "email", Value: "ada2@example.org", Primary: true, Verified: true}, false, false, "none", 1, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fake := zendesktest.NewTest(t, tt.opts)
			user := fake.AddUser("Ada", "ada@example.org")
			first := fake.Identities(user.ID)[0]
			c, _ := newTestClient(t, fake)

			got, err := c.CreateIdentity(context.Background(), user.ID, tt.req)
			if err != nil {
				t.Fatal(err)
			}
			stored, ok := fake.Identity(got.ID)
			if !ok || stored.UserID != user.ID || stored.Type != tt.req.Type || stored.Value != tt.req.Value {
				t.Fatalf("the fake holds %+v for the created identity %+v", stored, got)
			}
			if got.UserID != user.ID || got.Type != tt.req.Type || got.Value != tt.req.Value ||
				got.Primary != tt.wantPrimary || got.Verified != tt.wantVerified || deref(got.VerificationMethod) != tt.wantMethod {
				t.Errorf("created %s, want primary=%t verified=%t method=%s", describe(got), tt.wantPrimary, tt.wantVerified, tt.wantMethod)
			}
			if stored.Primary != got.Primary || stored.Verified != got.Verified || stored.VerificationMethod != deref(got.VerificationMethod) {
				t.Errorf("answer %s disagrees with the fake's %+v", describe(got), stored)
			}
			if n := fake.VerificationEmails(got.ID); n != tt.wantEmails {
				t.Errorf("verification emails = %d, want %d", n, tt.wantEmails)
			}
			if former, _ := fake.Identity(first.ID); former.Primary != tt.wantFormerPrimary {
				t.Errorf("the first email's primary = %t, want %t", former.Primary, tt.wantFormerPrimary)
			}
			if n := len(fake.Identities(user.ID)); n != 2 {
				t.Errorf("the user has %d identities, want 2", n)
			}
			wantRequests(t, fake, zendesktest.RouteCreate)
		})
	}
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

func TestCreateIdentity_duplicateIsReportedNotReconciled(t *testing.T) {
	t.Parallel()
	fake := zendesktest.NewTest(t, zendesktest.Options{})
	fake.AddUser("Bob", "taken@example.org")
	ada := fake.AddUser("Ada", "ada@example.org")
	c, _ := newTestClient(t, fake)

	got, err := c.CreateIdentity(context.Background(), ada.ID, CreateIdentityRequest{Type: "email", Value: "TAKEN@example.org"})
	if !IsDuplicateValue(err) || StatusCode(err) != http.StatusUnprocessableEntity {
		t.Fatalf("CreateIdentity = %v, %v; want a 422 DuplicateValue", got, err)
	}
	wantRequests(t, fake, zendesktest.RouteCreate)
}

func TestUpdateIdentity(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		verified     bool // the identity before the update
		req          UpdateIdentityRequest
		wantBody     string
		wantValue    string
		wantVerified bool
	}{
		{"value", true, UpdateIdentityRequest{Value: new("new@example.org")},
			`{"identity":{"value":"new@example.org"}}`, "new@example.org", false},
		{"verify", false, UpdateIdentityRequest{Verified: new(true)},
			`{"identity":{"verified":true}}`, "old@example.org", true},
		{"unverify", true, UpdateIdentityRequest{Verified: new(false)},
			`{"identity":{"verified":false}}`, "old@example.org", false},
		{"value and verified", false, UpdateIdentityRequest{Value: new("new@example.org"), Verified: new(true)},
			`{"identity":{"value":"new@example.org","verified":true}}`, "new@example.org", true},
		{"nothing", true, UpdateIdentityRequest{},
			`{"identity":{}}`, "old@example.org", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fake := zendesktest.NewTest(t, zendesktest.Options{})
			user := fake.AddUser("Ada", "ada@example.org")
			old, err := fake.AddIdentity(zendesktest.Identity{UserID: user.ID, Type: "email", Value: "old@example.org", Verified: tt.verified})
			if err != nil {
				t.Fatal(err)
			}
			// The body on the wire, through a proxy that records it.
			target, _ := url.Parse(fake.URL())
			var body atomic.Value
			proxy := httptest.NewServer(&httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) {
				b, _ := readAndRestore(r.Out)
				body.Store(b)
				r.SetURL(target)
			}})
			t.Cleanup(proxy.Close)
			c, _ := newTestClientAt(t, proxy.URL)

			got, err := c.UpdateIdentity(context.Background(), user.ID, old.ID, tt.req)
			if err != nil {
				t.Fatal(err)
			}
			if body.Load() != tt.wantBody {
				t.Errorf("body = %v, want %s", body.Load(), tt.wantBody)
			}
			stored, _ := fake.Identity(old.ID)
			if got.ID != old.ID || got.Value != tt.wantValue || got.Verified != tt.wantVerified ||
				stored.Value != tt.wantValue || stored.Verified != tt.wantVerified {
				t.Errorf("updated %s (fake: %+v), want value %s verified %t", describe(got), stored, tt.wantValue, tt.wantVerified)
			}
			wantRequests(t, fake, zendesktest.RouteUpdate)
		})
	}
}

// readAndRestore reads a request's body and puts it back for sending.
func readAndRestore(r *http.Request) (string, error) {
	if r.Body == nil {
		return "", nil
	}
	b, err := io.ReadAll(r.Body)
	r.Body.Close()
	r.Body = io.NopCloser(bytes.NewReader(b))
	r.ContentLength = int64(len(b))
	return string(b), err
}

func TestUpdateIdentity_refusedValueKeepsTheIdentity(t *testing.T) {
	t.Parallel()
	fake := zendesktest.NewTest(t, zendesktest.Options{})
	user := fake.AddUser("Ada", "ada@example.org")
	phone, _ := fake.AddIdentity(zendesktest.Identity{UserID: user.ID, Type: "phone_number", Value: "+15550001111"})
	c, _ := newTestClient(t, fake)

	_, err := c.UpdateIdentity(context.Background(), user.ID, phone.ID, UpdateIdentityRequest{Value: new("not a number")})
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusUnprocessableEntity || !apiErr.HasDetail("value", "InvalidValue") {
		t.Fatalf("UpdateIdentity = %v, want a 422 with an InvalidValue detail on value", err)
	}
	if stored, _ := fake.Identity(phone.ID); stored.Value != "+15550001111" {
		t.Errorf("the fake holds %q, want the old value", stored.Value)
	}
	wantRequests(t, fake, zendesktest.RouteUpdate)
}

func TestDeleteIdentity(t *testing.T) {
	t.Parallel()
	fake := zendesktest.NewTest(t, zendesktest.Options{})
	user := fake.AddUser("Ada", "ada@example.org")
	phone, _ := fake.AddIdentity(zendesktest.Identity{UserID: user.ID, Type: "phone_number", Value: "+15550001111"})
	c, _ := newTestClient(t, fake)

	if err := c.DeleteIdentity(context.Background(), user.ID, phone.ID); err != nil {
		t.Fatal(err)
	}
	if _, ok := fake.Identity(phone.ID); ok {
		t.Error("the identity is still in the fake")
	}
	if err := c.DeleteIdentity(context.Background(), user.ID, phone.ID); !IsNotFound(err) {
		t.Errorf("deleting it again = %v, want not found", err)
	}
	wantRequests(t, fake, zendesktest.RouteDelete, zendesktest.RouteDelete)
	if reqs := fake.Requests(); reqs[0].Status != http.StatusNoContent || reqs[0].IdentityID != phone.ID {
		t.Errorf("first delete = %+v, want 204 for identity %d", reqs[0], phone.ID)
	}
}

func TestMakePrimary_returnsTheWholeCollection(t *testing.T) {
	t.Parallel()
	fake := zendesktest.NewTest(t, zendesktest.Options{})
	user := fake.AddUser("Ada", "ada@example.org")
	second, _ := fake.AddIdentity(zendesktest.Identity{UserID: user.ID, Type: "email", Value: "ada2@example.org"})
	phone, _ := fake.AddIdentity(zendesktest.Identity{UserID: user.ID, Type: "phone_number", Value: "+15550001111"})
	c, _ := newTestClient(t, fake)

	got, err := c.MakePrimary(context.Background(), user.ID, second.ID)
	if err != nil {
		t.Fatal(err)
	}
	wantSameIdentities(t, got, fake.Identities(user.ID))
	primaries := map[int64]bool{}
	for _, i := range got {
		primaries[i.ID] = i.Primary
	}
	first := fake.Identities(user.ID)[0]
	if primaries[first.ID] || !primaries[second.ID] || !primaries[phone.ID] {
		t.Errorf("primary flags = %v, want only %d (email) and %d (phone)", primaries, second.ID, phone.ID)
	}
	wantRequests(t, fake, zendesktest.RouteMakePrimary)
}

func TestVerifyIdentity(t *testing.T) {
	t.Parallel()
	fake := zendesktest.NewTest(t, zendesktest.Options{})
	user := fake.AddUser("Ada", "ada@example.org")
	second, _ := fake.AddIdentity(zendesktest.Identity{UserID: user.ID, Type: "email", Value: "ada2@example.org"})
	c, _ := newTestClient(t, fake)

	got, err := c.VerifyIdentity(context.Background(), user.ID, second.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Verified || deref(got.VerificationMethod) != "full" || got.VerifiedAt == nil {
		t.Errorf("verified identity = %s, want verified by full with a verified_at", describe(got))
	}
	if stored, _ := fake.Identity(second.ID); !stored.Verified {
		t.Error("the fake's identity is not verified")
	}
	wantRequests(t, fake, zendesktest.RouteVerify)
}

func TestRequestVerification(t *testing.T) {
	t.Parallel()
	fake := zendesktest.NewTest(t, zendesktest.Options{})
	user := fake.AddUser("Ada", "ada@example.org")
	second, _ := fake.AddIdentity(zendesktest.Identity{UserID: user.ID, Type: "email", Value: "ada2@example.org"})
	c, _ := newTestClient(t, fake)

	if err := c.RequestVerification(context.Background(), user.ID, second.ID); err != nil {
		t.Fatal(err)
	}
	if n := fake.VerificationEmails(second.ID); n != 1 {
		t.Errorf("verification emails = %d, want 1", n)
	}
	if err := c.RequestVerification(context.Background(), user.ID, 999999); !IsNotFound(err) {
		t.Errorf("RequestVerification of an unknown identity = %v, want not found", err)
	}
	wantRequests(t, fake, zendesktest.RouteRequestVerification, zendesktest.RouteRequestVerification)
}

func TestEndpoints_pathsAndMethods(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		call       func(c *Client) error
		wantMethod string
		wantPath   string
	}{
		{"list", func(c *Client) error { _, err := c.ListIdentities(context.Background(), 1); return err },
			http.MethodGet, "/api/v2/users/1/identities"},
		{"show", func(c *Client) error { _, err := c.GetIdentity(context.Background(), 1, 2); return err },
			http.MethodGet, "/api/v2/users/1/identities/2"},
		{"create", func(c *Client) error {
			_, err := c.CreateIdentity(context.Background(), 1, CreateIdentityRequest{Type: "email", Value: "a@example.org"})
			return err
		}, http.MethodPost, "/api/v2/users/1/identities"},
		{"update", func(c *Client) error {
			_, err := c.UpdateIdentity(context.Background(), 1, 2, UpdateIdentityRequest{Verified: new(true)})
			return err
		}, http.MethodPut, "/api/v2/users/1/identities/2"},
		{"delete", func(c *Client) error { return c.DeleteIdentity(context.Background(), 1, 2) },
			http.MethodDelete, "/api/v2/users/1/identities/2"},
		{"make primary", func(c *Client) error { _, err := c.MakePrimary(context.Background(), 1, 2); return err },
			http.MethodPut, "/api/v2/users/1/identities/2/make_primary"},
		{"verify", func(c *Client) error { _, err := c.VerifyIdentity(context.Background(), 1, 2); return err },
			http.MethodPut, "/api/v2/users/1/identities/2/verify"},
		{"request verification", func(c *Client) error { return c.RequestVerification(context.Background(), 1, 2) },
			http.MethodPut, "/api/v2/users/1/identities/2/request_verification"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newRecordingServer(t, answerWith(http.StatusOK, "application/json",
				`{"identity":{"id":2,"user_id":1,"type":"email","value":"a@example.org"},`+
					`"identities":[{"id":2,"user_id":1,"type":"email","value":"a@example.org","primary":true}]}`))
			c, _ := newTestClientAt(t, srv.URL)
			if err := tt.call(c); err != nil {
				t.Fatal(err)
			}
			seen := srv.requests()
			if len(seen) != 1 || seen[0].Method != tt.wantMethod || seen[0].Path != tt.wantPath {
				t.Fatalf("server saw %+v, want one %s %s", seen, tt.wantMethod, tt.wantPath)
			}
		})
	}
}
