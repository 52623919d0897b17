package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tfzendesk/terraform-provider-zendesk/internal/zendesk"
)

var pathPrimary = path.Root("primary")

// ValidateConfig checks the value against the type at plan time.
func (r *userIdentityResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var config userIdentityModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() || config.Value.IsUnknown() || config.Value.IsNull() || config.Type.IsUnknown() {
		return
	}
	if err := checkValue(config.Type.ValueString(), config.Value.ValueString()); err != nil {
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
//   - a new value may unverify the identity: verified is unknown then,
//     unless configured;
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
	if resp.Diagnostics.HasError() || !plan.UserID.Equal(state.UserID) || !plan.Type.Equal(state.Type) {
		return // replaced: planned as a create
	}

	valueChanged := plan.Value.IsUnknown() ||
		!zendesk.SameValue(state.Type.ValueString(), state.Value.ValueString(), plan.Value.ValueString())

	switch {
	case config.Primary.IsNull():
		plan.Primary = state.Primary
	case !config.Primary.IsUnknown() && !config.Primary.ValueBool() && state.Primary.ValueBool():
		resp.Diagnostics.AddAttributeError(pathPrimary, "Cannot demote a primary identity", primaryFalseDetail(state))
		return
	}
	verifiedChanges := !config.Verified.IsNull() && !config.Verified.Equal(state.Verified)
	switch {
	case config.Verified.IsNull() && valueChanged:
		plan.Verified = types.BoolUnknown()
	case config.Verified.IsNull():
		plan.Verified = state.Verified
	}
	primaryChanges := !plan.Primary.Equal(state.Primary)

	// What Zendesk owns changes only with a request.
	keep := func(v *types.String, from types.String, changes bool) {
		if changes {
			*v = types.StringUnknown()
		} else {
			*v = from
		}
	}
	anyRequest := valueChanged || verifiedChanges || primaryChanges
	keep(&plan.UpdatedAt, state.UpdatedAt, anyRequest)
	keep(&plan.VerificationMethod, state.VerificationMethod, valueChanged || verifiedChanges)
	keep(&plan.VerifiedAt, state.VerifiedAt, valueChanged || verifiedChanges)
	keep(&plan.DeliverableState, state.DeliverableState, valueChanged)
	if valueChanged {
		plan.UndeliverableCount = types.Int64Unknown()
	} else {
		plan.UndeliverableCount = state.UndeliverableCount
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, plan)...)
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
