package zendesk

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/tfzendesk/terraform-provider-zendesk/internal/zendesktest"
)

// typeFilters returns the type[] values of each list request the fake saw.
func typeFilters(fake *zendesktest.Server) [][]string {
	var out [][]string
	for _, r := range fake.Requests() {
		if r.Route == zendesktest.RouteList {
			q, _ := url.ParseQuery(r.RawQuery)
			out = append(out, q["type[]"])
		}
	}
	return out
}

// Zendesk documents the type[] filter for every type but google: a list of
// google identities is read unfiltered and filtered by the client, so an
// account that refuses the undocumented value still answers.
func TestListIdentities_filtersOnlyWithDocumentedTypes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		types      []string
		sent       []string
		wantTypes  []string
		wantLength int
	}{
		{[]string{"google"}, nil, []string{"google"}, 2},
		{[]string{"email", "google"}, nil, []string{"email", "google"}, 3},
		{[]string{"email", "twitter"}, []string{"email", "twitter"}, []string{"email", "twitter"}, 2},
		{nil, nil, []string{"email", "google", "twitter"}, 4},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.types), func(t *testing.T) {
			t.Parallel()
			fake := zendesktest.NewTest(t, zendesktest.Options{StrictTypeFilter: true})
			user := fake.AddUser("Ada", "ada@example.org")
			for _, id := range []zendesktest.Identity{
				{Type: "google", Value: "ada@gmail.com"}, {Type: "twitter", Value: "ada"}, {Type: "google", Value: "ada2@gmail.com"},
			} {
				id.UserID = user.ID
				if _, err := fake.AddIdentity(id); err != nil {
					t.Fatal(err)
				}
			}
			c, _ := newTestClient(t, fake)

			got, err := c.ListIdentities(context.Background(), user.ID, tt.types...)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != tt.wantLength {
				t.Errorf("%d identities, want %d: %v", len(got), tt.wantLength, got)
			}
			for _, i := range got {
				if !slices.Contains(tt.wantTypes, i.Type) {
					t.Errorf("listed a %s identity", i.Type)
				}
			}
			if sent := typeFilters(fake); len(sent) != 1 || !slices.Equal(sent[0], tt.sent) {
				t.Errorf("type[] sent: %q, want one list with %q", sent, tt.sent)
			}
		})
	}
}

func TestFindIdentity_aGoogleIdentityUnderAStrictTypeFilter(t *testing.T) {
	t.Parallel()
	fake := zendesktest.NewTest(t, zendesktest.Options{StrictTypeFilter: true})
	user := fake.AddUser("Ada", "ada@example.org")
	want, err := fake.AddIdentity(zendesktest.Identity{UserID: user.ID, Type: "google", Value: "ada@gmail.com"})
	if err != nil {
		t.Fatal(err)
	}
	c, _ := newTestClient(t, fake)
	got, err := c.FindIdentity(context.Background(), user.ID, "google", "Ada@Gmail.com")
	if err != nil || got == nil || got.ID != want.ID {
		t.Fatalf("FindIdentity = %s, %v; want identity %d", describe(got), err, want.ID)
	}

	// A create whose answer is lost is found the same way.
	fake.AddFault(zendesktest.Fault{Kind: zendesktest.FaultDropAfterCommit, Route: zendesktest.RouteCreate, Times: 1})
	created, err := c.CreateIdentity(context.Background(), user.ID, CreateIdentityRequest{Type: "google", Value: "ada.b@gmail.com"})
	if err != nil {
		t.Fatal(err)
	}
	if stored, ok := fake.Identity(created.ID); !ok || stored.Value != "ada.b@gmail.com" || len(fake.Identities(user.ID)) != 3 {
		t.Errorf("CreateIdentity = %s; the fake holds %+v", describe(created), fake.Identities(user.ID))
	}
	if n := fake.CountStatus(http.StatusBadRequest); n != 0 {
		t.Errorf("%d requests were refused 400", n)
	}
}

// A page that says there is more without a link to it is an error, not
// the end of the list.
func TestListIdentities_hasMoreWithoutANextLinkIsAnError(t *testing.T) {
	t.Parallel()
	fake := zendesktest.NewTest(t, zendesktest.Options{})
	user := fake.AddUser("Ada", "ada@example.org")
	identity := fake.Identities(user.ID)[0]
	fake.AddFault(zendesktest.Fault{Kind: zendesktest.FaultStatus, Route: zendesktest.RouteList, Status: http.StatusOK,
		ContentType: "application/json",
		Body: fmt.Sprintf(`{"identities":[{"id":%d,"user_id":%d,"type":"email","value":"ada@example.org"}],`+
			`"meta":{"has_more":true,"after_cursor":"xyz","before_cursor":"abc"},"links":{"next":null,"prev":null}}`, identity.ID, user.ID)})
	c, _ := newTestClient(t, fake)

	got, err := c.ListIdentities(context.Background(), user.ID)
	if err == nil || !strings.Contains(err.Error(), "has_more") {
		t.Fatalf("ListIdentities = %v, %v; want an error about has_more without a next link", got, err)
	}
	// Nothing was cached as the whole collection: a lookup of a missing
	// identity still asks Zendesk.
	fake.ClearFaults()
	fake.ResetRequests()
	if _, err := c.LookupIdentity(context.Background(), user.ID, identity.ID); err != nil {
		t.Fatal(err)
	}
	if n := fake.TotalRequests(); n == 0 {
		t.Error("the cut-short list was cached")
	}
}

// The account's host is compared without regard to case and with its
// default port when Zendesk's next-page links are followed.
func TestListIdentities_followsLinksToTheAccountHoweverItsURLIsSpelt(t *testing.T) {
	t.Parallel()
	fake := zendesktest.NewTest(t, zendesktest.Options{})
	user := fake.AddUser("Ada", "ada@example.org")
	addIdentities(t, fake, user.ID, "twitter", 150)
	// The fake names itself in lower case, as Zendesk does.
	mixedCase := strings.Replace(fake.URL(), "127.0.0.1", "LocalHost", 1)
	c, _ := newTestClientAt(t, mixedCase)

	got, err := c.ListIdentities(context.Background(), user.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 151 || fake.Count(zendesktest.RouteList) != 2 {
		t.Errorf("%d identities in %d pages, want 151 in 2", len(got), fake.Count(zendesktest.RouteList))
	}
}

func TestSameOrigin(t *testing.T) {
	t.Parallel()
	tests := []struct {
		a, b string
		same bool
	}{
		{"https://acme.zendesk.com/api/v2/x", "https://acme.zendesk.com", true},
		{"https://acme.zendesk.com/x", "https://Acme.Zendesk.com", true},
		{"https://acme.zendesk.com:443/x", "https://acme.zendesk.com", true},
		{"https://acme.zendesk.com/x", "https://acme.zendesk.com:443", true},
		{"http://localhost:80/x", "http://LOCALHOST", true},
		{"HTTPS://acme.zendesk.com/x", "https://acme.zendesk.com", true},
		{"https://acme.zendesk.com:8443/x", "https://acme.zendesk.com", false},
		{"http://acme.zendesk.com/x", "https://acme.zendesk.com", false},
		{"https://acme.zendesk.com.evil.example/x", "https://acme.zendesk.com", false},
		{"https://other.zendesk.com/x", "https://acme.zendesk.com", false},
		{"https://user@acme.zendesk.com/x", "https://acme.zendesk.com", false},
	}
	for _, tt := range tests {
		a, _ := url.Parse(tt.a)
		b, _ := url.Parse(tt.b)
		if got := sameOrigin(a, b); got != tt.same {
			t.Errorf("sameOrigin(%s, %s) = %t, want %t", tt.a, tt.b, got, tt.same)
		}
	}
}
