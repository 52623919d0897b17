package provider

import (
	"fmt"
	"net/http"
	"reflect"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/tfzendesk/terraform-provider-zendesk/internal/zendesktest"
)

const actionRequestVerification = "zendesk_user_identity_request_verification"

func (e *protocolEnv) actionConfigType() tftypes.Type {
	return e.schema.ActionSchemas[actionRequestVerification].Schema.ValueType()
}

// invoke runs the action and returns its progress messages and the
// diagnostics it completed with.
func (e *protocolEnv) invoke(userID, identityID int64) (progress []string, diags []*tfprotov6.Diagnostic) {
	e.t.Helper()
	stream, err := e.server.InvokeAction(e.ctx, &tfprotov6.InvokeActionRequest{
		ActionType: actionRequestVerification,
		Config:     e.dynamic(e.actionConfigType(), map[string]any{"user_id": userID, "identity_id": identityID}),
	})
	if err != nil {
		e.t.Fatal(err)
	}
	completed := 0
	for event := range stream.Events {
		switch ev := event.Type.(type) {
		case tfprotov6.ProgressInvokeActionEventType:
			progress = append(progress, ev.Message)
		case tfprotov6.CompletedInvokeActionEventType:
			completed++
			diags = ev.Diagnostics
		}
	}
	if completed != 1 {
		e.t.Errorf("%d completed events, want 1", completed)
	}
	return progress, diags
}

func TestProtocol_actionSchema(t *testing.T) {
	t.Parallel()
	e := newProtocolEnv(t, zendesktest.Options{})
	s := e.schema.ActionSchemas[actionRequestVerification]
	if s == nil {
		t.Fatalf("no action schema for %s: %v", actionRequestVerification, e.schema.ActionSchemas)
	}
	got := map[string]bool{}
	for _, a := range s.Schema.Block.Attributes {
		got[a.Name] = a.Required && a.Type.Is(tftypes.Number)
	}
	if want := map[string]bool{"user_id": true, "identity_id": true}; !reflect.DeepEqual(got, want) {
		t.Errorf("action attributes (required numbers): %v, want %v", got, want)
	}
	resp, err := e.server.ValidateActionConfig(e.ctx, &tfprotov6.ValidateActionConfigRequest{
		ActionType: actionRequestVerification,
		Config:     e.dynamic(e.actionConfigType(), map[string]any{"user_id": 1001, "identity_id": 0}),
	})
	if err != nil {
		t.Fatal(err)
	}
	requireError(t, "ValidateActionConfig", resp.Diagnostics, "identity_id", "at least 1, got: 0")
	e.requests(nil)
}

func TestProtocol_actionSendsOneVerificationEmail(t *testing.T) {
	t.Parallel()
	e := newProtocolEnv(t, zendesktest.Options{})
	ana := e.fake.AddUser("Ana Lima", "ana@example.com")
	work, err := e.fake.AddIdentity(zendesktest.Identity{UserID: ana.ID, Type: "email", Value: "ana.work@example.org"})
	if err != nil {
		t.Fatal(err)
	}
	plan, err := e.server.PlanAction(e.ctx, &tfprotov6.PlanActionRequest{
		ActionType: actionRequestVerification,
		Config:     e.dynamic(e.actionConfigType(), map[string]any{"user_id": ana.ID, "identity_id": work.ID}),
	})
	if err != nil {
		t.Fatal(err)
	}
	requireNoErrors(t, "PlanAction", plan.Diagnostics)
	e.requests(nil)

	progress, diags := e.invoke(ana.ID, work.ID)
	requireNoErrors(t, "InvokeAction", diags)
	what := fmt.Sprintf(`identity %d (email "ana.work@example.org") of user %d`, work.ID, ana.ID)
	want := []string{
		"Asking Zendesk to send a verification email to ana.work@example.org (" + what + ")",
		"Zendesk accepted: a verification email is on its way to ana.work@example.org",
	}
	if !reflect.DeepEqual(progress, want) {
		t.Errorf("progress:\n%q\nwant\n%q", progress, want)
	}
	if n := e.fake.VerificationEmails(work.ID); n != 1 {
		t.Errorf("%d verification emails sent, want 1", n)
	}
	// One read to know the identity, one request to send the email.
	e.requests(map[zendesktest.Route]int{zendesktest.RouteShowMany: 1, zendesktest.RouteRequestVerification: 1})
}

func TestProtocol_actionRefusals(t *testing.T) {
	t.Parallel()
	e := newProtocolEnv(t, zendesktest.Options{})
	ana := e.fake.AddUser("Ana Lima", "ana@example.com")
	verified := e.fake.Identities(ana.ID)[0]
	phone, err := e.fake.AddIdentity(zendesktest.Identity{UserID: ana.ID, Type: "phone_number", Value: "+15550100200"})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name       string
		userID, id int64
		want       []string
		requests   map[zendesktest.Route]int
	}{
		{"a verified email", ana.ID, verified.ID, []string{"Nothing was sent", "is verified already"},
			map[zendesktest.Route]int{zendesktest.RouteShowMany: 1}},
		{"a phone number", ana.ID, phone.ID, []string{"email identities only", "phone_number identity", "verified = true"}, nil},
		// The unknown user's list answers RecordNotFound for the identity.
		{"an unknown user", ana.ID + 1, phone.ID, []string{fmt.Sprintf("User %d has no identity %d", ana.ID+1, phone.ID), "404"},
			map[zendesktest.Route]int{zendesktest.RouteShowMany: 1, zendesktest.RouteList: 1}},
	} {
		progress, diags := e.invoke(tc.userID, tc.id)
		requireError(t, tc.name, diags, tc.want...)
		if len(progress) > 0 {
			t.Errorf("%s: progress %q before a refusal", tc.name, progress)
		}
		// The phone number was read along with the verified email.
		e.requests(tc.requests)
	}
	if e.fake.VerificationEmails(verified.ID)+e.fake.VerificationEmails(phone.ID) != 0 {
		t.Error("a refused invocation sent a verification email")
	}
}

// A failed request says whether the email may have gone: after an answer
// that leaves it open (a 503 without Retry-After may come from a proxy
// after Zendesk took the request), the user may have it already; after one
// that says Zendesk did not process the request, they do not.
func TestProtocol_actionFailureSaysWhetherTheEmailMayHaveGone(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name       string
		fault      zendesktest.Fault
		want       []string
		wantEmails int
	}{
		{"503 without Retry-After after Zendesk took it",
			zendesktest.Fault{Kind: zendesktest.FaultAfterCommit, Status: http.StatusServiceUnavailable},
			[]string{"Zendesk may have sent it anyway", "Check with the user before invoking the action again", "HTTP 503"}, 1},
		{"503 without Retry-After before Zendesk took it",
			zendesktest.Fault{Kind: zendesktest.FaultStatus, Status: http.StatusServiceUnavailable},
			[]string{"Zendesk may have sent it anyway", "HTTP 503"}, 0},
		{"503 with a Retry-After longer than the provider waits",
			zendesktest.Fault{Kind: zendesktest.FaultStatus, Status: http.StatusServiceUnavailable, RetryAfter: 3600},
			[]string{"Zendesk did not send it: invoke the action again", "HTTP 503", "Zendesk asked to wait 1h0m0s"}, 0},
		{"403",
			zendesktest.Fault{Kind: zendesktest.FaultStatus, Status: http.StatusForbidden},
			[]string{"Zendesk did not send it: invoke the action again", "HTTP 403"}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newProtocolEnv(t, zendesktest.Options{})
			ana := e.fake.AddUser("Ana Lima", "ana@example.com")
			work, err := e.fake.AddIdentity(zendesktest.Identity{UserID: ana.ID, Type: "email", Value: "ana.work@example.org"})
			if err != nil {
				t.Fatal(err)
			}
			tc.fault.Route = zendesktest.RouteRequestVerification
			e.fake.AddFault(tc.fault)

			_, diags := e.invoke(ana.ID, work.ID)
			requireError(t, "InvokeAction", diags, append([]string{"Error requesting verification of a Zendesk user identity"}, tc.want...)...)
			if n := e.fake.VerificationEmails(work.ID); n != tc.wantEmails {
				t.Errorf("%d verification emails sent, want %d", n, tc.wantEmails)
			}
			// Never sent again: each request that gets through is an email.
			e.requests(map[zendesktest.Route]int{zendesktest.RouteShowMany: 1, zendesktest.RouteRequestVerification: 1})
		})
	}
}
