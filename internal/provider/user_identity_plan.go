package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tfzendesk/terraform-provider-zendesk/internal/zendesk"
)

var (
	pathPrimary             = path.Root("primary")
	pathRequestVerification = path.Root("request_verification")
)

// ValidateConfig checks the value against the type, and that a
// verification email can be sent to the type, at plan time.
func (r *userIdentityResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var config userIdentityModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() || config.Type.IsUnknown() || config.Type.IsNull() {
		return
	}
	identityType := config.Type.ValueString()
	if config.RequestVerification.ValueBool() && !slices.Contains(zendesk.VerificationEmailTypes, identityType) {
		resp.Diagnostics.AddAttributeError(pathRequestVerification, "Zendesk sends no verification email to this type",
			fmt.Sprintf("request_verification = true asks Zendesk to email a verification link, which it sends to %s identities only: "+
				"the link proves that the user owns an email address, and a %s identity has none. "+
				"Remove request_verification, or set it to false.", strings.Join(zendesk.VerificationEmailTypes, " and "), identityType))
	}
	if config.Value.IsUnknown() || config.Value.IsNull() {
		return
	}
	if err := checkValue(identityType, config.Value.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("value"), "Invalid identity value", err.Error())
	} else if warning := phoneNumberWarning(config.Type.ValueString(), config.Value.ValueString()); warning != "" {
		resp.Diagnostics.AddAttributeWarning(path.Root("value"), "Phone number not in E.164 format", warning)
	}
}

// ModifyPlan predicts what Zendesk will do, so the plan shows what apply
// will change and apply never contradicts the plan:
//
//   - primary and verified left unset follow Zendesk: no diff;
//   - primary = false cannot demote a primary identity, nor stop Zendesk
//     from making a user's first identity of a type primary: that fails
//     the plan with the way out;
//   - every value Zendesk owns that a request of this apply may change is
//     unknown, the primary flag of an identity that leaves it unset
//     included (another identity made primary in the same apply shows in
//     the answer); every other value keeps its state;
//   - a change that needs no request (the behaviour flags, an address in
//     another case) keeps every computed value.
func (r *userIdentityResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return // destroy
	}
	var plan, config userIdentityModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if req.State.Raw.IsNull() {
		r.checkFirstOfType(ctx, plan, resp)
		return
	}
	var state userIdentityModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	pending, diags := loadPending(ctx, req.Private)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() || !plan.UserID.Equal(state.UserID) || !plan.Type.Equal(state.Type) {
		return // replaced: planned as a create
	}
	if config.Primary.Equal(types.BoolValue(false)) && state.Primary.ValueBool() {
		resp.Diagnostics.AddAttributeError(pathPrimary, "Cannot demote a primary identity", primaryFalseDetail(state))
		return
	}

	sends := plannedRequests(config, state, pending)
	if sends.verificationEmail && !sends.value {
		// The only sign of it in the plan is updated_at: say why.
		resp.Diagnostics.AddAttributeWarning(pathRequestVerification, "Verification email still to be sent",
			fmt.Sprintf("An earlier apply could not ask Zendesk to send the verification email for identity %s (%s %q); this apply asks for it.",
				state.ID.ValueString(), state.Type.ValueString(), state.Value.ValueString()))
	}
	// The answers to a write, a make_primary or a verify describe the
	// identity anew; request_verification answers nothing.
	answered := sends.value || sends.makePrimary || sends.verify
	if config.Primary.IsNull() {
		plan.Primary = unknownIf(answered, state.Primary, types.BoolUnknown())
	}
	if config.Verified.IsNull() {
		// A new address may be unverified.
		plan.Verified = unknownIf(sends.value, state.Verified, types.BoolUnknown())
	}
	plan.VerificationMethod = unknownIf(sends.value || sends.verify, state.VerificationMethod, types.StringUnknown())
	plan.VerifiedAt = unknownIf(sends.value || sends.verify, state.VerifiedAt, types.StringUnknown())
	plan.DeliverableState = unknownIf(sends.value, state.DeliverableState, types.StringUnknown())
	plan.UndeliverableCount = unknownIf(sends.value, state.UndeliverableCount, types.Int64Unknown())
	plan.UpdatedAt = unknownIf(sends.any(), state.UpdatedAt, types.StringUnknown())
	resp.Diagnostics.Append(resp.Plan.Set(ctx, plan)...)
}

// requests are the calls an update of the identity may send.
type requests struct {
	value, makePrimary, verify, verificationEmail bool
}

func (s requests) any() bool { return s.value || s.makePrimary || s.verify || s.verificationEmail }

// plannedRequests tells, at plan time, which calls the update will send:
// the same rules as the apply, with a value still unknown counted as a
// call. Only the configuration asks for a flag; state holds no wishes.
func plannedRequests(config, state userIdentityModel, pending pendingSteps) requests {
	value := config.Value.IsUnknown() ||
		!zendesk.SameValue(state.Type.ValueString(), state.Value.ValueString(), config.Value.ValueString())
	return requests{
		value:       value,
		makePrimary: config.Primary.IsUnknown() || config.Primary.ValueBool() && (!state.Primary.ValueBool() || pending.Primary),
		verify: config.Verified.IsUnknown() ||
			!config.Verified.IsNull() && (config.Verified.ValueBool() != state.Verified.ValueBool() || pending.Verified),
		verificationEmail: !config.RequestVerification.IsNull() && (config.RequestVerification.IsUnknown() || config.RequestVerification.ValueBool()) &&
			(value || pending.VerificationEmail && !state.Verified.ValueBool()),
	}
}

// unknownIf is unknown when a request may change the value, else the
// value in state.
func unknownIf[T any](changes bool, inState, unknown T) T {
	if changes {
		return unknown
	}
	return inState
}

// checkFirstOfType fails the plan of a new identity with primary = false
// when the user has no identity of its type yet: Zendesk makes the first
// one primary whatever the request says. It costs one list request, made
// only for such a plan.
func (r *userIdentityResource) checkFirstOfType(ctx context.Context, plan userIdentityModel, resp *resource.ModifyPlanResponse) {
	if r.data == nil || plan.Primary.IsUnknown() || plan.Primary.IsNull() || plan.Primary.ValueBool() ||
		plan.UserID.IsUnknown() || plan.Type.IsUnknown() {
		return
	}
	userID, identityType := plan.UserID.ValueInt64(), plan.Type.ValueString()
	siblings, err := r.data.client.ListIdentities(ctx, userID, identityType)
	if err != nil {
		if zendesk.IsNotFound(err) {
			resp.Diagnostics.AddAttributeError(path.Root("user_id"), "Zendesk user not found",
				fmt.Sprintf("User %d does not exist in this Zendesk account.\n\n%s", userID, errorDetail(err)))
			return
		}
		resp.Diagnostics.AddError("Error listing Zendesk user identities", errorDetail(err))
		return
	}
	for _, s := range siblings {
		if s.Type == identityType {
			return
		}
	}
	resp.Diagnostics.AddAttributeError(pathPrimary, "Cannot create a first identity that is not primary",
		fmt.Sprintf("User %d has no %s identity yet, and Zendesk makes a user's first identity of a type its primary one, "+
			"so primary = false cannot be applied. Leave primary unset (Zendesk decides), or set it to true.", userID, identityType))
}

// primaryFalseDetail explains why a primary identity cannot be demoted.
func primaryFalseDetail(state userIdentityModel) string {
	t := state.Type.ValueString()
	return fmt.Sprintf("Identity %s (%s %q) is user %d's primary %s identity, and primary = false asks to demote it. "+
		"Zendesk has no call that demotes a primary identity: a user keeps a primary identity of each type until another one "+
		"of that type is made primary.\n\nTo move the flag, set primary = true on the %s identity that should become primary, "+
		"and remove primary from this one (unset, it follows Zendesk).",
		state.ID.ValueString(), t, state.Value.ValueString(), state.UserID.ValueInt64(), t, t)
}
