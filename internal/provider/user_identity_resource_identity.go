package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var _ resource.ResourceWithIdentity = (*userIdentityResource)(nil)

// resourceIdentityModel is the resource identity of a zendesk_user_identity
// (Terraform 1.12 and later): the ids that name it in Zendesk, which import
// blocks and terraform query use.
type resourceIdentityModel struct {
	UserID types.Int64 `tfsdk:"user_id"`
	ID     types.Int64 `tfsdk:"id"`
}

func (r *userIdentityResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"user_id": identityschema.Int64Attribute{
				Description:       "The id of the user the identity belongs to.",
				RequiredForImport: true,
			},
			"id": identityschema.Int64Attribute{
				Description:       "The identity's id in Zendesk.",
				RequiredForImport: true,
			},
		},
	}
}

// setResourceIdentity records the resource identity of m, from m's own ids.
// It is never copied from the request: Terraform and OpenTofu before 1.12
// send none, and a resource in state from an older provider has none.
func setResourceIdentity(ctx context.Context, to *tfsdk.ResourceIdentity, m userIdentityModel) diag.Diagnostics {
	var diags diag.Diagnostics
	if to == nil {
		return diags
	}
	userID, identityID, err := m.ids()
	if err != nil {
		diags.AddError("Invalid identity id in state", fmt.Sprintf("id %q is not a Zendesk identity id: %s", m.ID.ValueString(), err))
		return diags
	}
	return to.Set(ctx, resourceIdentityModel{UserID: types.Int64Value(userID), ID: types.Int64Value(identityID)})
}

// importTarget is what an import names: the import ID, or the resource
// identity of an import block with identity = { user_id, id }.
func importTarget(ctx context.Context, req resource.ImportStateRequest) (importID, diag.Diagnostics) {
	var diags diag.Diagnostics
	if req.ID != "" || req.Identity == nil || req.Identity.Raw.IsNull() {
		id, err := parseImportID(req.ID)
		if err != nil {
			diags.AddError("Invalid import ID", err.Error()+".\n\n"+importFormats)
		}
		return id, diags
	}
	var identity resourceIdentityModel
	if diags.Append(req.Identity.Get(ctx, &identity)...); diags.HasError() {
		return importID{}, diags
	}
	for _, attr := range []struct {
		name  string
		value types.Int64
	}{{"user_id", identity.UserID}, {"id", identity.ID}} {
		if attr.value.IsNull() || attr.value.IsUnknown() || attr.value.ValueInt64() < 1 {
			diags.AddError("Invalid import identity",
				fmt.Sprintf("identity.%s is %s: the import identity needs the user's id and the identity's id, both positive numbers, "+
					"such as identity = { user_id = 1001, id = 50001 }.", attr.name, attr.value))
		}
	}
	return importID{userID: identity.UserID.ValueInt64(), identityID: identity.ID.ValueInt64()}, diags
}
