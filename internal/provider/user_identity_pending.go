package provider

import (
	"context"
	"encoding/json"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// pendingKey is the private state key of the work an apply left undone.
const pendingKey = "pending"

// privateState is the part of resource private state the provider reads and
// writes; the framework's request and response types hold it.
type privateState interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

// pendingSteps is what an apply left undone, kept in the identity's private
// state so that the next apply completes it, and only it.
type pendingSteps struct {
	// Primary and Verified mark a flag that the state records as the
	// configuration set it although Zendesk has not applied it: a create
	// that cannot fail once the identity exists (it would taint it) records
	// the planned value. The next refresh shows Zendesk's, which clears
	// them; without a refresh, they make the next apply send the step.
	Primary  bool `json:"primary,omitempty"`
	Verified bool `json:"verified,omitempty"`
	// VerificationEmail: request_verification asked for an email after a
	// create or a change of value, and it has not been sent yet.
	VerificationEmail bool `json:"verification_email,omitempty"`
}

// loadPending reads the steps left undone; none when there is no record.
func loadPending(ctx context.Context, private privateState) (pendingSteps, diag.Diagnostics) {
	var p pendingSteps
	raw, diags := private.GetKey(ctx, pendingKey)
	if diags.HasError() || len(raw) == 0 {
		return p, diags
	}
	if err := json.Unmarshal(raw, &p); err != nil {
		diags.AddError("Invalid private state", "The provider's record of unfinished steps could not be read: "+err.Error())
	}
	return p, diags
}

// savePending records the steps left undone, or removes the record when
// there are none.
func savePending(ctx context.Context, private privateState, p pendingSteps) diag.Diagnostics {
	if p == (pendingSteps{}) {
		return private.SetKey(ctx, pendingKey, nil)
	}
	raw, err := json.Marshal(p)
	if err != nil {
		var diags diag.Diagnostics
		diags.AddError("Cannot record unfinished steps", err.Error())
		return diags
	}
	return private.SetKey(ctx, pendingKey, raw)
}
