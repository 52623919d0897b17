package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/tfzendesk/terraform-provider-zendesk/internal/zendesk"
)

func (r *userIdentityResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan userIdentityModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	userID := plan.UserID.ValueInt64()
	defer r.data.locks.lock(userID)()

	// Primary and verified go in the create itself: one request when
	// Zendesk honours them.
	create := zendesk.CreateIdentityRequest{
		Type:            plan.Type.ValueString(),
		Value:           plan.Value.ValueString(),
		Primary:         plan.Primary.ValueBool(),
		Verified:        plan.Verified.ValueBool(),
		SkipVerifyEmail: plan.SkipVerifyEmail.ValueBool(),
	}
	identity, err := r.data.client.CreateIdentity(ctx, userID, create)
	if err != nil {
		resp.Diagnostics.AddError("Error creating Zendesk user identity", r.createErrorDetail(ctx, userID, create, err))
		return
	}
	// Record the identity before anything else can fail, so that it is
	// never left in Zendesk without Terraform knowing of it.
	state := plan.withAPI(*identity)
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)

	state, diags := r.applyFlags(ctx, plan, state, true)
	resp.Diagnostics.Append(diags...)
	if !diags.HasError() && !plan.Primary.IsUnknown() && !plan.Primary.ValueBool() && state.Primary.ValueBool() {
		// Zendesk made the identity primary on its own, as it does with the
		// first identity of a type. The plan checks for this; this catches
		// another identity of the type going away in between.
		resp.Diagnostics.AddAttributeError(pathPrimary, "Zendesk made the new identity primary", primaryFalseDetail(state))
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

func (r *userIdentityResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, prior userIdentityModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &prior)...)
	if resp.Diagnostics.HasError() {
		return
	}
	userID, identityID, err := prior.ids()
	if err != nil {
		resp.Diagnostics.AddError("Invalid identity id in state", err.Error())
		return
	}
	defer r.data.locks.lock(userID)()

	// The behaviour flags and the spelling of the value are Terraform's
	// own: they change without a request.
	state := prior
	state.Value = plan.Value
	state.SkipVerifyEmail = plan.SkipVerifyEmail
	state.RequestVerification = plan.RequestVerification

	valueChanged := !zendesk.SameValue(prior.Type.ValueString(), prior.Value.ValueString(), plan.Value.ValueString())
	if valueChanged {
		update := zendesk.UpdateIdentityRequest{Value: plan.Value.ValueStringPointer()}
		if !plan.Verified.IsUnknown() {
			// Set in the configuration: keep it through the change of
			// value, which could unverify the identity.
			update.Verified = plan.Verified.ValueBoolPointer()
		}
		identity, err := r.data.client.UpdateIdentity(ctx, userID, identityID, update)
		if err != nil {
			resp.Diagnostics.AddError("Error updating Zendesk user identity", errorDetail(err))
			resp.Diagnostics.Append(resp.State.Set(ctx, prior)...)
			return
		}
		state = state.withAPI(*identity)
	}

	state, diags := r.applyFlags(ctx, plan, state, valueChanged)
	resp.Diagnostics.Append(diags...)
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

// applyFlags brings primary and verified to what the plan asks, once the
// identity exists with its value, and sends the verification email that
// request_verification asks for after a new value. It returns the identity
// as Zendesk last described it, also when a step fails.
func (r *userIdentityResource) applyFlags(ctx context.Context, plan, state userIdentityModel, valueWritten bool) (userIdentityModel, diag.Diagnostics) {
	var diags diag.Diagnostics
	client := r.data.client
	userID, identityID, _ := state.ids()
	what := fmt.Sprintf("identity %d (%s %q) of user %d", identityID, state.Type.ValueString(), state.Value.ValueString(), userID)

	if plan.Primary.ValueBool() && !state.Primary.ValueBool() {
		collection, err := client.MakePrimary(ctx, userID, identityID)
		if err != nil {
			diags.AddError("Error making Zendesk user identity primary", fmt.Sprintf("Making %s primary failed.\n\n%s", what, errorDetail(err)))
			return state, diags
		}
		for _, identity := range collection {
			if identity.ID == identityID {
				state = state.withAPI(identity)
			}
		}
	}

	if !plan.Verified.IsUnknown() && plan.Verified.ValueBool() != state.Verified.ValueBool() {
		var identity *zendesk.Identity
		var err error
		if plan.Verified.ValueBool() {
			identity, err = client.VerifyIdentity(ctx, userID, identityID)
		} else {
			identity, err = client.UpdateIdentity(ctx, userID, identityID, zendesk.UpdateIdentityRequest{Verified: plan.Verified.ValueBoolPointer()})
		}
		if err != nil {
			diags.AddError("Error changing whether a Zendesk user identity is verified",
				fmt.Sprintf("Setting verified = %t on %s failed; Zendesk's answer:\n\n%s", plan.Verified.ValueBool(), what, errorDetail(err)))
			return state, diags
		}
		state = state.withAPI(*identity)
		if state.Verified.ValueBool() != plan.Verified.ValueBool() {
			diags.AddError("Zendesk did not change whether the identity is verified",
				fmt.Sprintf("Zendesk accepted verified = %t for %s but still reports verified = %t.", plan.Verified.ValueBool(), what, state.Verified.ValueBool()))
			return state, diags
		}
	}

	if valueWritten && plan.RequestVerification.ValueBool() && !state.Verified.ValueBool() {
		if err := client.RequestVerification(ctx, userID, identityID); err != nil {
			diags.AddError("Error requesting verification of a Zendesk user identity",
				fmt.Sprintf("Asking Zendesk to send a verification email for %s failed.\n\n%s", what, errorDetail(err)))
		}
	}
	return state, diags
}

// createErrorDetail explains a failed create. When the value is taken
// because the user already has this identity, it says how to import it.
func (r *userIdentityResource) createErrorDetail(ctx context.Context, userID int64, create zendesk.CreateIdentityRequest, err error) string {
	var unconfirmed *zendesk.UnconfirmedCreateError
	if errors.As(err, &unconfirmed) {
		return unconfirmedCreateDetail(unconfirmed)
	}
	detail := errorDetail(err)
	switch {
	case zendesk.IsNotFound(err):
		return detail + fmt.Sprintf("\n\nUser %d does not exist in this Zendesk account.", userID)
	case !zendesk.IsDuplicateValue(err):
		return detail
	}
	return detail + r.duplicateDetail(ctx, userID, create)
}
