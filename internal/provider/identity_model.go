package provider

import (
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tfzendesk/terraform-provider-zendesk/internal/zendesk"
)

// identityModel is an identity as Zendesk describes it: every attribute of
// the data source's entries, and the resource's attributes but for the two
// behaviour flags.
type identityModel struct {
	ID                 types.String `tfsdk:"id"`
	UserID             types.Int64  `tfsdk:"user_id"`
	Type               types.String `tfsdk:"type"`
	Value              types.String `tfsdk:"value"`
	Primary            types.Bool   `tfsdk:"primary"`
	Verified           types.Bool   `tfsdk:"verified"`
	VerificationMethod types.String `tfsdk:"verification_method"`
	VerifiedAt         types.String `tfsdk:"verified_at"`
	DeliverableState   types.String `tfsdk:"deliverable_state"`
	UndeliverableCount types.Int64  `tfsdk:"undeliverable_count"`
	URL                types.String `tfsdk:"url"`
	CreatedAt          types.String `tfsdk:"created_at"`
	UpdatedAt          types.String `tfsdk:"updated_at"`
}

// identityFromAPI maps Zendesk's identity onto the model. Fields Zendesk
// leaves null or out are null.
func identityFromAPI(id zendesk.Identity) identityModel {
	return identityModel{
		ID:                 types.StringValue(strconv.FormatInt(id.ID, 10)),
		UserID:             types.Int64Value(id.UserID),
		Type:               types.StringValue(id.Type),
		Value:              types.StringValue(id.Value),
		Primary:            types.BoolValue(id.Primary),
		Verified:           types.BoolValue(id.Verified),
		VerificationMethod: types.StringPointerValue(id.VerificationMethod),
		VerifiedAt:         types.StringPointerValue(id.VerifiedAt),
		DeliverableState:   types.StringPointerValue(id.DeliverableState),
		UndeliverableCount: types.Int64PointerValue(id.UndeliverableCount),
		URL:                stringOrNull(id.URL),
		CreatedAt:          stringOrNull(id.CreatedAt),
		UpdatedAt:          stringOrNull(id.UpdatedAt),
	}
}

func stringOrNull(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}

// userIdentityModel is the zendesk_user_identity resource.
type userIdentityModel struct {
	identityModel
	SkipVerifyEmail     types.Bool `tfsdk:"skip_verify_email"`
	RequestVerification types.Bool `tfsdk:"request_verification"`
}

// withAPI returns the resource after Zendesk answered with id. The behaviour
// flags stay as they were, and so does the value when Zendesk spells the
// same address another way (emails differ only in case): the configuration's
// spelling is kept, so it never shows as a change.
func (m userIdentityModel) withAPI(id zendesk.Identity) userIdentityModel {
	next := userIdentityModel{
		identityModel:       identityFromAPI(id),
		SkipVerifyEmail:     m.SkipVerifyEmail,
		RequestVerification: m.RequestVerification,
	}
	if v := m.Value.ValueString(); !m.Value.IsNull() && !m.Value.IsUnknown() && zendesk.SameValue(id.Type, v, id.Value) {
		next.Value = m.Value
	}
	return next
}

// keepingPlanned returns what to record after an apply that succeeded: m,
// Zendesk's last answer, where the plan left a value unknown, and the
// plan's own value where it promised one. A promised value is one no
// request of the apply was to change, or one the configuration sets and the
// apply brought about; Zendesk's answer can differ from it only through a
// change made elsewhere since the refresh, which the next refresh shows.
// The value keeps withAPI's rule.
func (m userIdentityModel) keepingPlanned(plan userIdentityModel) userIdentityModel {
	m.ID = planned(plan.ID, m.ID)
	m.UserID = planned(plan.UserID, m.UserID)
	m.Type = planned(plan.Type, m.Type)
	m.Primary = planned(plan.Primary, m.Primary)
	m.Verified = planned(plan.Verified, m.Verified)
	m.VerificationMethod = planned(plan.VerificationMethod, m.VerificationMethod)
	m.VerifiedAt = planned(plan.VerifiedAt, m.VerifiedAt)
	m.DeliverableState = planned(plan.DeliverableState, m.DeliverableState)
	m.UndeliverableCount = planned(plan.UndeliverableCount, m.UndeliverableCount)
	m.URL = planned(plan.URL, m.URL)
	m.CreatedAt = planned(plan.CreatedAt, m.CreatedAt)
	m.UpdatedAt = planned(plan.UpdatedAt, m.UpdatedAt)
	return m
}

// planned is the plan's value when it is known, else the answer.
func planned[T interface{ IsUnknown() bool }](plan, answer T) T {
	if plan.IsUnknown() {
		return answer
	}
	return plan
}

// ids returns the user and identity ids of a resource in state.
func (m userIdentityModel) ids() (userID, identityID int64, err error) {
	identityID, err = strconv.ParseInt(m.ID.ValueString(), 10, 64)
	return m.UserID.ValueInt64(), identityID, err
}
