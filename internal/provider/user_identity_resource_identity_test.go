package provider

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/tfzendesk/terraform-provider-zendesk/internal/zendesktest"
)

func TestProtocol_identitySchema(t *testing.T) {
	t.Parallel()
	e := newProtocolEnv(t, zendesktest.Options{})
	resp, err := e.server.GetResourceIdentitySchemas(e.ctx, &tfprotov6.GetResourceIdentitySchemasRequest{})
	if err != nil {
		t.Fatal(err)
	}
	requireNoErrors(t, "GetResourceIdentitySchemas", resp.Diagnostics)
	schema := resp.IdentitySchemas["zendesk_user_identity"]
	if schema == nil {
		t.Fatalf("no identity schema for zendesk_user_identity: %v", resp.IdentitySchemas)
	}
	got := map[string]string{}
	for _, a := range schema.IdentityAttributes {
		if !a.RequiredForImport {
			t.Errorf("identity attribute %s is not required for import", a.Name)
		}
		got[a.Name] = a.Type.String()
	}
	if want := map[string]string{"user_id": "tftypes.Number", "id": "tftypes.Number"}; !reflect.DeepEqual(got, want) {
		t.Errorf("identity attributes %v, want %v", got, want)
	}
	e.requests(nil)
}

// Read sets the identity from the state's ids, also for a resource that
// has none yet: one written by Terraform before 1.12 or an older provider.
func TestProtocol_readSetsTheIdentity(t *testing.T) {
	t.Parallel()
	e := newProtocolEnv(t, zendesktest.Options{})
	ana := e.fake.AddUser("Ana Lima", "ana@example.com")
	email := e.fake.Identities(ana.ID)[0]
	for _, tc := range []struct {
		name    string
		current *tfprotov6.ResourceIdentityData
	}{
		{"without a prior identity", nil},
		{"with the prior identity", e.identityData(ana.ID, email.ID)},
	} {
		resp, err := e.server.ReadResource(e.ctx, &tfprotov6.ReadResourceRequest{
			TypeName:        "zendesk_user_identity",
			CurrentState:    e.dynamic(e.resourceType(), stateOf(email)),
			CurrentIdentity: tc.current,
		})
		if err != nil {
			t.Fatal(err)
		}
		requireNoErrors(t, "ReadResource "+tc.name, resp.Diagnostics)
		if resp.NewIdentity == nil {
			t.Fatalf("%s: ReadResource returned no identity", tc.name)
		}
		want := map[string]any{"user_id": ana.ID, "id": email.ID}
		if got := e.decode(e.identityType(), resp.NewIdentity.IdentityData); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: identity %v, want %v", tc.name, got, want)
		}
	}
	// The first read loaded the user; the second was answered from it.
	e.requests(map[zendesktest.Route]int{zendesktest.RouteShowMany: 1})
}

// An identity removed outside Terraform leaves the state, with no error:
// also from a state that holds no identity yet.
func TestProtocol_readOfAGoneIdentity(t *testing.T) {
	t.Parallel()
	e := newProtocolEnv(t, zendesktest.Options{})
	ana := e.fake.AddUser("Ana Lima", "ana@example.com")
	gone, err := e.fake.AddIdentity(zendesktest.Identity{UserID: ana.ID, Type: "twitter", Value: "analima"})
	if err != nil {
		t.Fatal(err)
	}
	e.fake.RemoveIdentity(gone.ID)
	for _, current := range []*tfprotov6.ResourceIdentityData{nil, e.identityData(ana.ID, gone.ID)} {
		resp, err := e.server.ReadResource(e.ctx, &tfprotov6.ReadResourceRequest{
			TypeName:        "zendesk_user_identity",
			CurrentState:    e.dynamic(e.resourceType(), stateOf(gone)),
			CurrentIdentity: current,
		})
		if err != nil {
			t.Fatal(err)
		}
		requireNoErrors(t, "ReadResource", resp.Diagnostics)
		if state := e.decode(e.resourceType(), resp.NewState); state != nil {
			t.Errorf("the state still holds the identity: %v", state)
		}
	}
}

func TestProtocol_importByIdentity(t *testing.T) {
	t.Parallel()
	e := newProtocolEnv(t, zendesktest.Options{})
	ana := e.fake.AddUser("Ana Lima", "ana@example.com")
	phone, err := e.fake.AddIdentity(zendesktest.Identity{UserID: ana.ID, Type: "phone_number", Value: "+15550100200"})
	if err != nil {
		t.Fatal(err)
	}

	resp, err := e.server.ImportResourceState(e.ctx, &tfprotov6.ImportResourceStateRequest{
		TypeName: "zendesk_user_identity",
		Identity: e.identityData(ana.ID, phone.ID),
	})
	if err != nil {
		t.Fatal(err)
	}
	requireNoErrors(t, "ImportResourceState", resp.Diagnostics)
	if len(resp.ImportedResources) != 1 {
		t.Fatalf("%d imported resources, want 1", len(resp.ImportedResources))
	}
	imported := resp.ImportedResources[0]
	state := e.decode(e.resourceType(), imported.State)
	for k, want := range stateOf(phone) {
		if state[k] != want {
			t.Errorf("imported %s = %v, want %v", k, state[k], want)
		}
	}
	wantIdentity := map[string]any{"user_id": ana.ID, "id": phone.ID}
	if imported.Identity == nil {
		t.Fatal("ImportResourceState returned no identity")
	}
	if got := e.decode(e.identityType(), imported.Identity.IdentityData); !reflect.DeepEqual(got, wantIdentity) {
		t.Errorf("imported identity %v, want %v", got, wantIdentity)
	}
	e.requests(map[zendesktest.Route]int{zendesktest.RouteShowMany: 1})

	// The read Terraform makes after the import costs nothing.
	read, err := e.server.ReadResource(e.ctx, &tfprotov6.ReadResourceRequest{
		TypeName: "zendesk_user_identity", CurrentState: imported.State, CurrentIdentity: imported.Identity,
	})
	if err != nil {
		t.Fatal(err)
	}
	requireNoErrors(t, "ReadResource", read.Diagnostics)
	e.requests(nil)

	// Both import ID forms return the identity as well.
	for _, id := range []string{fmt.Sprintf("%d:%d", ana.ID, phone.ID), fmt.Sprintf("%d:phone_number:+15550100200", ana.ID)} {
		resp, err := e.server.ImportResourceState(e.ctx, &tfprotov6.ImportResourceStateRequest{TypeName: "zendesk_user_identity", ID: id})
		if err != nil {
			t.Fatal(err)
		}
		requireNoErrors(t, "ImportResourceState "+id, resp.Diagnostics)
		if got := e.decode(e.identityType(), resp.ImportedResources[0].Identity.IdentityData); !reflect.DeepEqual(got, wantIdentity) {
			t.Errorf("import %s: identity %v, want %v", id, got, wantIdentity)
		}
	}
}

func TestProtocol_importByIdentityErrors(t *testing.T) {
	t.Parallel()
	e := newProtocolEnv(t, zendesktest.Options{})
	ana := e.fake.AddUser("Ana Lima", "ana@example.com")
	messaging, err := e.fake.AddIdentity(zendesktest.Identity{UserID: ana.ID, Type: "messaging", Value: "msg-1"})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name      string
		userID    int64
		id        int64
		want      []string
		wantCalls map[zendesktest.Route]int
	}{
		{"an id that is not positive", ana.ID, 0, []string{"identity.id is 0", "user_id = 1001, id = 50001"}, nil},
		// The unknown user's list answers RecordNotFound: its identities
		// are gone with it, without a read of each.
		{"an identity of another user", ana.ID + 1000, messaging.ID, []string{fmt.Sprintf("User %d has no identity %d", ana.ID+1000, messaging.ID)},
			map[zendesktest.Route]int{zendesktest.RouteShowMany: 1, zendesktest.RouteList: 1}},
		{"a channel identity", ana.ID, messaging.ID, []string{"messaging identity", "cannot manage"},
			map[zendesktest.Route]int{zendesktest.RouteShowMany: 1}},
	} {
		resp, err := e.server.ImportResourceState(e.ctx, &tfprotov6.ImportResourceStateRequest{
			TypeName: "zendesk_user_identity",
			Identity: e.identityData(tc.userID, tc.id),
		})
		if err != nil {
			t.Fatal(err)
		}
		requireError(t, tc.name, resp.Diagnostics, tc.want...)
		e.requests(tc.wantCalls)
	}
}

// Create and Update record the identity from what Zendesk answered, not
// from the plan.
func TestProtocol_createAndUpdateSetTheIdentity(t *testing.T) {
	t.Parallel()
	e := newProtocolEnv(t, zendesktest.Options{})
	ana := e.fake.AddUser("Ana Lima", "ana@example.com")
	typ := e.resourceType()
	config := func(value string) map[string]any {
		return map[string]any{"user_id": ana.ID, "type": "email", "value": value}
	}
	// Terraform proposes the configuration on create (computed values
	// null), and the prior state with the configuration's changes on update.
	apply := func(prior *tfprotov6.DynamicValue, priorIdentity *tfprotov6.ResourceIdentityData, cfg, proposedNew map[string]any) *tfprotov6.ApplyResourceChangeResponse {
		t.Helper()
		plan, err := e.server.PlanResourceChange(e.ctx, &tfprotov6.PlanResourceChangeRequest{
			TypeName:         "zendesk_user_identity",
			PriorState:       prior,
			PriorIdentity:    priorIdentity,
			ProposedNewState: e.dynamic(typ, proposedNew),
			Config:           e.dynamic(typ, cfg),
		})
		if err != nil {
			t.Fatal(err)
		}
		requireNoErrors(t, "PlanResourceChange", plan.Diagnostics)
		applied, err := e.server.ApplyResourceChange(e.ctx, &tfprotov6.ApplyResourceChangeRequest{
			TypeName:        "zendesk_user_identity",
			PriorState:      prior,
			PlannedState:    plan.PlannedState,
			PlannedIdentity: plan.PlannedIdentity,
			Config:          e.dynamic(typ, cfg),
		})
		if err != nil {
			t.Fatal(err)
		}
		requireNoErrors(t, "ApplyResourceChange", applied.Diagnostics)
		return applied
	}
	identityOf := func(resp *tfprotov6.ApplyResourceChangeResponse) map[string]any {
		t.Helper()
		if resp.NewIdentity == nil {
			t.Fatal("ApplyResourceChange returned no identity")
		}
		return e.decode(e.identityType(), resp.NewIdentity.IdentityData)
	}

	created := apply(e.dynamic(typ, nil), nil, config("ana.work@example.org"), config("ana.work@example.org"))
	work, ok := e.identityByValue(ana.ID, "ana.work@example.org")
	if !ok {
		t.Fatal("the create made no identity")
	}
	want := map[string]any{"user_id": ana.ID, "id": work.ID}
	if got := identityOf(created); !reflect.DeepEqual(got, want) {
		t.Errorf("identity after create %v, want %v", got, want)
	}

	// An update of the value, from a state with no identity (as Terraform
	// before 1.12 keeps it).
	state := e.decode(typ, created.NewState)
	state["value"] = "ana.lima@example.org"
	updated := apply(created.NewState, nil, config("ana.lima@example.org"), state)
	if got := identityOf(updated); !reflect.DeepEqual(got, want) {
		t.Errorf("identity after update %v, want %v", got, want)
	}
	if got, _ := e.fake.Identity(work.ID); got.Value != "ana.lima@example.org" {
		t.Errorf("Zendesk holds %q after the update", got.Value)
	}
}

// identityByValue returns the fake's identity of the user with that value.
func (e *protocolEnv) identityByValue(userID int64, value string) (zendesktest.Identity, bool) {
	for _, id := range e.fake.Identities(userID) {
		if id.Value == value {
			return id, true
		}
	}
	return zendesktest.Identity{}, false
}
