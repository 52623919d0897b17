package provider

import (
	"fmt"
	"reflect"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/tfzendesk/terraform-provider-zendesk/internal/zendesktest"
)

// listed is one result of a ListResource stream, decoded.
type listed struct {
	displayName string
	identity    map[string]any
	resource    map[string]any // nil unless the query asked for it
}

// listConfigType is the object type of a list block's config.
func (e *protocolEnv) listConfigType() tftypes.Type {
	return e.schema.ListResourceSchemas["zendesk_user_identity"].ValueType()
}

// list runs a query and returns its results, or the error diagnostics of
// the stream.
func (e *protocolEnv) list(config map[string]any, includeResource bool, limit int64) ([]listed, []*tfprotov6.Diagnostic) {
	e.t.Helper()
	stream, err := e.server.ListResource(e.ctx, &tfprotov6.ListResourceRequest{
		TypeName:        "zendesk_user_identity",
		Config:          e.dynamic(e.listConfigType(), config),
		IncludeResource: includeResource,
		Limit:           limit,
	})
	if err != nil {
		e.t.Fatal(err)
	}
	var results []listed
	var diags []*tfprotov6.Diagnostic
	for r := range stream.Results {
		diags = append(diags, r.Diagnostics...)
		if errorsOf(r.Diagnostics) != "" {
			continue
		}
		if len(r.Diagnostics) > 0 {
			e.t.Errorf("result %q has diagnostics: %v", r.DisplayName, r.Diagnostics)
		}
		l := listed{displayName: r.DisplayName}
		if r.Identity == nil {
			e.t.Fatalf("result %q has no identity", r.DisplayName)
		}
		l.identity = e.decode(e.identityType(), r.Identity.IdentityData)
		if r.Resource != nil {
			l.resource = e.decode(e.resourceType(), r.Resource)
		}
		results = append(results, l)
	}
	return results, diags
}

// seedAccount gives the fake three users with identities of every kind.
func seedAccount(t *testing.T, fake *zendesktest.Server) (ana, ben, chloe zendesktest.User) {
	t.Helper()
	ana = fake.AddUser("Ana Lima", "ana@example.com")
	ben = fake.AddUser("Ben Okafor", "ben@example.com")
	chloe = fake.AddUser("Chloe Martin", "")
	for _, id := range []zendesktest.Identity{
		{UserID: ana.ID, Type: "phone_number", Value: "+15550100200", Primary: true},
		{UserID: ana.ID, Type: "email", Value: "ana.work@example.org"},
		{UserID: ana.ID, Type: "messaging", Value: "msg-ana"},
		{UserID: ben.ID, Type: "twitter", Value: "benokafor"},
		{UserID: chloe.ID, Type: "google", Value: "chloe@gmail.example", Verified: true},
	} {
		if _, err := fake.AddIdentity(id); err != nil {
			t.Fatal(err)
		}
	}
	return ana, ben, chloe
}

// manageable is what the list must yield for users: their identities of
// the types, by user then id, channel types left out.
func manageable(fake *zendesktest.Server, users []int64, identityTypes ...string) []zendesktest.Identity {
	if identityTypes == nil {
		identityTypes = []string{"email", "twitter", "facebook", "google", "phone_number", "agent_forwarding"}
	}
	var out []zendesktest.Identity
	for _, u := range users {
		for _, id := range fake.Identities(u) {
			if slices.Contains(identityTypes, id.Type) {
				out = append(out, id)
			}
		}
	}
	return out
}

func TestProtocol_listResourceSchema(t *testing.T) {
	t.Parallel()
	e := newProtocolEnv(t, zendesktest.Options{})
	s := e.schema.ListResourceSchemas["zendesk_user_identity"]
	if s == nil {
		t.Fatalf("no list resource schema: %v", e.schema.ListResourceSchemas)
	}
	got := map[string]string{}
	for _, a := range s.Block.Attributes {
		got[a.Name] = fmt.Sprintf("%s required=%t", a.Type, a.Required)
	}
	want := map[string]string{
		"user_ids": "tftypes.List[tftypes.Number] required=true",
		"types":    "tftypes.List[tftypes.String] required=false",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("list config attributes %v, want %v", got, want)
	}
}

func TestProtocol_listStreamsEveryManageableIdentity(t *testing.T) {
	t.Parallel()
	e := newProtocolEnv(t, zendesktest.Options{})
	ana, ben, chloe := seedAccount(t, e.fake)
	users := []int64{ana.ID, ben.ID, chloe.ID}
	want := manageable(e.fake, users)

	results, diags := e.list(map[string]any{"user_ids": users}, false, 100)
	requireNoErrors(t, "ListResource", diags)
	if len(results) != len(want) {
		t.Fatalf("%d results, want %d: %v", len(results), len(want), results)
	}
	for i, r := range results {
		id := want[i]
		if wantIdentity := (map[string]any{"user_id": id.UserID, "id": id.ID}); !reflect.DeepEqual(r.identity, wantIdentity) {
			t.Errorf("result %d: identity %v, want %v", i, r.identity, wantIdentity)
		}
		if r.resource != nil {
			t.Errorf("result %d carries the resource, which the query did not ask for", i)
		}
	}
	names := []string{}
	for _, r := range results {
		names = append(names, r.displayName)
	}
	wantNames := []string{
		fmt.Sprintf("user %d: email ana@example.com (primary, verified)", ana.ID),
		fmt.Sprintf("user %d: phone_number +15550100200 (primary, unverified)", ana.ID),
		fmt.Sprintf("user %d: email ana.work@example.org (unverified)", ana.ID),
		fmt.Sprintf("user %d: email ben@example.com (primary, verified)", ben.ID),
		fmt.Sprintf("user %d: twitter benokafor (primary, unverified)", ben.ID),
		fmt.Sprintf("user %d: google chloe@gmail.example (primary, verified)", chloe.ID),
	}
	if !slices.Equal(names, wantNames) {
		t.Errorf("display names:\n%q\nwant\n%q", names, wantNames)
	}
	// Three users, one show_many: no sideload holds as many identities as
	// the smallest cap on it the client allows for (5), so each holds all.
	e.requests(map[zendesktest.Route]int{zendesktest.RouteShowMany: 1})
}

func TestProtocol_listIncludesTheResourceAsAnImportRecordsIt(t *testing.T) {
	t.Parallel()
	e := newProtocolEnv(t, zendesktest.Options{})
	ana, _, _ := seedAccount(t, e.fake)
	results, diags := e.list(map[string]any{"user_ids": []int64{ana.ID}}, true, 100)
	requireNoErrors(t, "ListResource", diags)
	want := manageable(e.fake, []int64{ana.ID})
	if len(results) != len(want) {
		t.Fatalf("%d results, want %d", len(results), len(want))
	}

	for i, r := range results {
		if r.resource == nil {
			t.Fatalf("result %d has no resource", i)
		}
		// The same object an import by id records.
		imported, err := e.server.ImportResourceState(e.ctx, &tfprotov6.ImportResourceStateRequest{
			TypeName: "zendesk_user_identity", ID: fmt.Sprintf("%d:%d", want[i].UserID, want[i].ID),
		})
		if err != nil {
			t.Fatal(err)
		}
		requireNoErrors(t, "ImportResourceState", imported.Diagnostics)
		if state := e.decode(e.resourceType(), imported.ImportedResources[0].State); !reflect.DeepEqual(r.resource, state) {
			t.Errorf("result %d: resource\n%v\nwant what an import records\n%v", i, r.resource, state)
		}
		if r.resource["skip_verify_email"] != nil || r.resource["request_verification"] != nil {
			t.Errorf("result %d: the behaviour flags are set: %v", i, r.resource)
		}
	}
	// The imports were answered from what the query read: Ana, alone in
	// her show_many, was listed too.
	e.requests(map[zendesktest.Route]int{zendesktest.RouteShowMany: 1})
}

func TestProtocol_listNarrowsByType(t *testing.T) {
	t.Parallel()
	e := newProtocolEnv(t, zendesktest.Options{})
	ana, ben, chloe := seedAccount(t, e.fake)
	users := []int64{ana.ID, ben.ID, chloe.ID}
	results, diags := e.list(map[string]any{"user_ids": users, "types": []string{"phone_number", "google"}}, false, 100)
	requireNoErrors(t, "ListResource", diags)
	var got []any
	for _, r := range results {
		got = append(got, r.identity["id"])
	}
	var want []any
	for _, id := range manageable(e.fake, users, "phone_number", "google") {
		want = append(want, id.ID)
	}
	if len(want) != 2 || !reflect.DeepEqual(got, want) {
		t.Errorf("identities %v, want %v", got, want)
	}
}

// The limit stops the reading: 250 users, and a limit that the first batch
// of 100 fills, cost one show_many. The first user has five identities,
// as many as the smallest cap on the sideload the client allows for, the
// others one: its sideload is the one that a cap could have cut, and its
// list the one list of each query.
func TestProtocol_listHonoursTheLimit(t *testing.T) {
	t.Parallel()
	e := newProtocolEnv(t, zendesktest.Options{})
	var users []int64
	for i := range 250 {
		users = append(users, e.fake.AddUser(fmt.Sprintf("User %d", i), fmt.Sprintf("user%d@example.com", i)).ID)
	}
	for i := range 4 {
		if _, err := e.fake.AddIdentity(zendesktest.Identity{UserID: users[0], Type: "twitter", Value: fmt.Sprintf("user0_%d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		limit     int64
		results   int
		showMany  int
		firstUser int64
	}{
		{limit: 1, results: 1, showMany: 1},
		{limit: 100, results: 100, showMany: 1},
		{limit: 105, results: 105, showMany: 2},
		{limit: 1000, results: 254, showMany: 3},
	} {
		results, diags := e.list(map[string]any{"user_ids": users}, false, tc.limit)
		requireNoErrors(t, "ListResource", diags)
		if len(results) != tc.results {
			t.Errorf("limit %d: %d results, want %d", tc.limit, len(results), tc.results)
		}
		if len(results) > 0 && results[0].identity["user_id"] != users[0] {
			t.Errorf("limit %d: the first result is of user %v, want %d", tc.limit, results[0].identity["user_id"], users[0])
		}
		e.requests(map[zendesktest.Route]int{zendesktest.RouteShowMany: tc.showMany, zendesktest.RouteList: 1})
	}
}

// Without the sideload, users are listed one by one, as a refresh does.
func TestProtocol_listWithoutSideload(t *testing.T) {
	t.Parallel()
	e := newProtocolEnv(t, zendesktest.Options{OmitIdentitySideload: true})
	ana, ben, chloe := seedAccount(t, e.fake)
	users := []int64{ana.ID, ben.ID, chloe.ID}
	results, diags := e.list(map[string]any{"user_ids": users}, false, 100)
	requireNoErrors(t, "ListResource", diags)
	if want := manageable(e.fake, users); len(results) != len(want) {
		t.Errorf("%d results, want %d", len(results), len(want))
	}
	e.requests(map[zendesktest.Route]int{zendesktest.RouteShowMany: 1, zendesktest.RouteList: 3})
}

func TestProtocol_listUnknownAndDeletedUsers(t *testing.T) {
	t.Parallel()
	e := newProtocolEnv(t, zendesktest.Options{})
	ana, ben, _ := seedAccount(t, e.fake)
	e.fake.SoftDeleteUser(ben.ID)
	results, diags := e.list(map[string]any{"user_ids": []int64{ana.ID, 9998, ben.ID}}, false, 100)
	if len(results) != 0 {
		t.Errorf("%d results besides the error", len(results))
	}
	requireError(t, "ListResource", diags, "Zendesk users not found", fmt.Sprintf("has the id 9998 or %d", ben.ID),
		"or the user is deleted", "remove it from user_ids")
	// Neither had identities in the sideload; each list answered 404. Ana's
	// sideload, with fewer identities than any cap allowed for, held all.
	e.requests(map[zendesktest.Route]int{zendesktest.RouteShowMany: 1, zendesktest.RouteList: 2})
}

func TestProtocol_listValidatesItsConfig(t *testing.T) {
	t.Parallel()
	e := newProtocolEnv(t, zendesktest.Options{})
	for _, tc := range []struct {
		name   string
		config map[string]any
		want   []string // nil: valid
	}{
		{"valid", map[string]any{"user_ids": []int64{1001}, "types": []string{"email"}}, nil},
		{"unknown users", map[string]any{"user_ids": unknown}, nil},
		{"no users", map[string]any{"user_ids": []int64{}}, []string{`AttributeName("user_ids")`, "user_ids is empty", "user_ids = [1001, 1002]"}},
		{"a user id that is not positive", map[string]any{"user_ids": []int64{1001, 0}},
			[]string{`AttributeName("user_ids").ElementKeyInt(1)`, "user_ids[1] is 0", "positive number"}},
		{"a channel type", map[string]any{"user_ids": []int64{1001}, "types": []string{"email", "messaging"}},
			[]string{`ElementKeyInt(1)`, `types[1] is "messaging"`, "channels make", "zendesk_user_identities data source", "email, twitter"}},
		{"a misspelt type", map[string]any{"user_ids": []int64{1001}, "types": []string{"emial"}},
			[]string{`types[0] is "emial", which is not an identity type`, "email, twitter, facebook, google, phone_number, agent_forwarding"}},
	} {
		resp, err := e.server.ValidateListResourceConfig(e.ctx, &tfprotov6.ValidateListResourceConfigRequest{
			TypeName: "zendesk_user_identity",
			Config:   e.dynamic(e.listConfigType(), tc.config),
		})
		if err != nil {
			t.Fatal(err)
		}
		if tc.want == nil {
			requireNoErrors(t, tc.name, resp.Diagnostics)
		} else {
			requireError(t, tc.name, resp.Diagnostics, tc.want...)
		}
		// ListResource refuses the same configuration before any request.
		if tc.want != nil {
			_, diags := e.list(tc.config, false, 100)
			requireError(t, tc.name+" (ListResource)", diags, tc.want[len(tc.want)-1])
		}
	}
	e.requests(nil)
}
