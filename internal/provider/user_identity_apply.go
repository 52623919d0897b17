package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tfzendesk/terraform-provider-zendesk/internal/zendesk"
)

// Create creates the identity, then applies what the create request could
// not: primary, verified and the verification email.
//
// Once Zendesk has created the identity, Create reports no error: Terraform
// taints a resource whose create ends in one, and replaces it at the next
// apply, which would delete the identity and create it again (with another
// id, and another verification email) because a flag failed to apply. A
// failed later step is a warning instead. The state records the identity,
// with the flags as planned, and the private state what is left; the next
// refresh shows Zendesk's flags, so the next plan updates the identity in
// place, sending only the missing steps.
func (r *userIdentityResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan, config userIdentityModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
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
		Primary:         config.Primary.ValueBool(),
		Verified:        config.Verified.ValueBool(),
		SkipVerifyEmail: config.SkipVerifyEmail.ValueBool(),
	}
	identity, err := r.data.client.CreateIdentity(ctx, userID, create)
	if err != nil {
		resp.Diagnostics.AddError("Error creating Zendesk user identity", r.createErrorDetail(ctx, userID, create, err))
		return
	}
	state := plan.withAPI(*identity)
	resp.Diagnostics.Append(setResourceIdentity(ctx, resp.Identity, state)...)
	// Zendesk emails a new, unverified address by itself unless asked not
	// to: that email is the one request_verification asks for.
	pending := pendingSteps{VerificationEmail: config.RequestVerification.ValueBool() && create.SkipVerifyEmail}
	state, pending, failed := r.applyFlags(ctx, config, state, pending)
	if failed != nil {
		detail := failed.detail + fmt.Sprintf("\n\nZendesk created identity %s, which is in the Terraform state: it will not be created again.",
			state.ID.ValueString())
		if !failed.final {
			detail += " Run terraform apply again to finish: the next plan updates the identity in place with what is missing."
		}
		resp.Diagnostics.AddWarning(failed.summary, detail)
	}
	// The state records the flags as planned: mark those Zendesk has not.
	pending.Primary = config.Primary.ValueBool() && !state.Primary.ValueBool()
	pending.Verified = !config.Verified.IsNull() && config.Verified.ValueBool() != state.Verified.ValueBool()
	resp.Diagnostics.Append(resp.State.Set(ctx, state.keepingPlanned(plan))...)
	resp.Diagnostics.Append(savePending(ctx, resp.Private, pending)...)
}

// Update changes the value, then applies primary, verified and the
// verification email. A failed step is an error, and the state records the
// identity as Zendesk last described it.
func (r *userIdentityResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, config, prior userIdentityModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &prior)...)
	pending, diags := loadPending(ctx, req.Private)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	userID, identityID, err := prior.ids()
	if err != nil {
		resp.Diagnostics.AddError("Invalid identity id in state", err.Error())
		return
	}
	defer r.data.locks.lock(userID)()
	resp.Diagnostics.Append(setResourceIdentity(ctx, resp.Identity, prior)...)

	// The behaviour flags and the spelling of the value are Terraform's
	// own: they change without a request.
	state := prior
	state.Value = plan.Value
	state.SkipVerifyEmail = plan.SkipVerifyEmail
	state.RequestVerification = plan.RequestVerification

	if !zendesk.SameValue(prior.Type.ValueString(), prior.Value.ValueString(), plan.Value.ValueString()) {
		update := zendesk.UpdateIdentityRequest{
			Value: plan.Value.ValueStringPointer(),
			// Should Zendesk email a changed address by itself, as it does
			// a new one: not when the configuration asks for no email, nor
			// when the provider asks for the one email below.
			SkipVerifyEmail: config.SkipVerifyEmail.ValueBool() || config.RequestVerification.ValueBool(),
		}
		if !config.Verified.IsNull() {
			// Set in the configuration: keep it through the change of
			// value, which could unverify the identity.
			update.Verified = config.Verified.ValueBoolPointer()
		}
		identity, err := r.data.client.UpdateIdentity(ctx, userID, identityID, update)
		if err != nil {
			if zendesk.OutcomeUnknown(err) && config.RequestVerification.ValueBool() {
				// Zendesk may hold the new address, which then needs its
				// email even if the next plan shows no change of value.
				pending.VerificationEmail = true
			}
			resp.Diagnostics.AddError("Error updating Zendesk user identity", errorDetail(err))
			resp.Diagnostics.Append(resp.State.Set(ctx, prior)...)
			resp.Diagnostics.Append(savePending(ctx, resp.Private, pending)...)
			return
		}
		state = state.withAPI(*identity)
		// A new address gets one email when asked for; one owed to the
		// address before it is moot.
		pending.VerificationEmail = config.RequestVerification.ValueBool()
	}

	state, pending, failed := r.applyFlags(ctx, config, state, pending)
	// The state is Zendesk's answer from here on, whatever failed.
	pending.Primary, pending.Verified = false, false
	if failed != nil {
		resp.Diagnostics.AddError(failed.summary, failed.detail)
		resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
	} else {
		resp.Diagnostics.Append(resp.State.Set(ctx, state.keepingPlanned(plan))...)
	}
	resp.Diagnostics.Append(savePending(ctx, resp.Private, pending)...)
}

// stepFailure is a step of applyFlags that failed, explained.
type stepFailure struct {
	summary, detail string
	// final: another apply does not complete the step by itself.
	final bool
}

// applyFlags brings primary and verified to what the configuration asks,
// once the identity exists with its value, and sends the verification email
// still owed. Only the configuration asks: a flag left unset is never acted
// on. It stops at the first step that fails, and returns the identity as
// Zendesk last described it and what is still owed.
func (r *userIdentityResource) applyFlags(ctx context.Context, config, state userIdentityModel, pending pendingSteps) (userIdentityModel, pendingSteps, *stepFailure) {
	client := r.data.client
	userID, identityID, _ := state.ids()
	what := fmt.Sprintf("identity %d (%s %q) of user %d", identityID, state.Type.ValueString(), state.Value.ValueString(), userID)

	if config.Primary.ValueBool() && (!state.Primary.ValueBool() || pending.Primary) {
		collection, err := client.MakePrimary(ctx, userID, identityID)
		if err != nil {
			return state, pending, &stepFailure{summary: "Error making Zendesk user identity primary",
				detail: fmt.Sprintf("Making %s primary failed.\n\n%s", what, errorDetail(err))}
		}
		for _, identity := range collection {
			if identity.ID == identityID {
				state = state.withAPI(identity)
			}
		}
	}

	if wanted := config.Verified; !wanted.IsNull() && (wanted.ValueBool() != state.Verified.ValueBool() || pending.Verified) {
		var identity *zendesk.Identity
		var err error
		if wanted.ValueBool() {
			identity, err = client.VerifyIdentity(ctx, userID, identityID)
		} else {
			identity, err = client.UpdateIdentity(ctx, userID, identityID, zendesk.UpdateIdentityRequest{Verified: wanted.ValueBoolPointer()})
		}
		if err != nil {
			return state, pending, &stepFailure{summary: "Error changing whether a Zendesk user identity is verified",
				detail: fmt.Sprintf("Setting verified = %t on %s failed; Zendesk's answer:\n\n%s", wanted.ValueBool(), what, errorDetail(err))}
		}
		state = state.withAPI(*identity)
		if state.Verified.ValueBool() != wanted.ValueBool() {
			return state, pending, &stepFailure{summary: "Zendesk did not change whether the identity is verified",
				detail: fmt.Sprintf("Zendesk accepted verified = %t for %s but still reports verified = %t.", wanted.ValueBool(), what, state.Verified.ValueBool())}
		}
	}

	if pending.VerificationEmail && config.RequestVerification.ValueBool() && !state.Verified.ValueBool() {
		err := client.RequestVerification(ctx, userID, identityID)
		switch {
		case err != nil && zendesk.OutcomeUnknown(err):
			// It may have gone: asking again could email the user twice.
			pending.VerificationEmail = false
			return state, pending, &stepFailure{summary: "Error requesting verification of a Zendesk user identity",
				detail: fmt.Sprintf("Asking Zendesk to send a verification email for %s failed, and Zendesk may have sent it anyway. "+
					"It is not asked for again, so that the user never gets it twice; if it did not arrive, send one from Zendesk.\n\n%s",
					what, errorDetail(err)),
				final: true}
		case err != nil:
			return state, pending, &stepFailure{summary: "Error requesting verification of a Zendesk user identity",
				detail: fmt.Sprintf("Asking Zendesk to send a verification email for %s failed; Zendesk did not send it. "+
					"The next apply asks for it again.\n\n%s", what, errorDetail(err))}
		}
	}
	// Sent, or no longer wanted: the configuration dropped
	// request_verification, or the identity is verified.
	pending.VerificationEmail = false

	if config.Primary.Equal(types.BoolValue(false)) && state.Primary.ValueBool() {
		// Zendesk made the identity primary on its own, as it does with the
		// first identity of a type. The plan checks for this; this catches
		// another identity of the type going away in between.
		return state, pending, &stepFailure{summary: "Zendesk made the identity primary", detail: primaryFalseDetail(state), final: true}
	}
	return state, pending, nil
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
