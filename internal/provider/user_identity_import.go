package provider

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tfzendesk/terraform-provider-zendesk/internal/zendesk"
)

var importFormats = "The import ID takes one of two forms:\n\n" +
	"  <user_id>:<identity_id>   e.g. 1001:50001\n" +
	"  <user_id>:<type>:<value>  e.g. 1001:email:ana@example.com\n\n" +
	"where user_id is the id of the user that owns the identity and type is one of " +
	joinOr(zendesk.CreatableTypes) + "."

// importID is a parsed import ID: either identityID, or type and value.
type importID struct {
	userID       int64
	identityID   int64
	identityType string
	value        string
}

func parseImportID(raw string) (importID, error) {
	parts := strings.SplitN(raw, ":", 3)
	if len(parts) < 2 {
		return importID{}, fmt.Errorf("%q has no colon", raw)
	}
	userID, err := strconv.ParseInt(parts[0], 10, 64)
	if err != nil || userID < 1 {
		return importID{}, fmt.Errorf("%q does not start with a user id (a positive number)", raw)
	}
	if len(parts) == 2 {
		identityID, err := strconv.ParseInt(parts[1], 10, 64)
		if err != nil || identityID < 1 {
			return importID{}, fmt.Errorf("%q: %q is not an identity id (a positive number); to import by value, put the type before it", raw, parts[1])
		}
		return importID{userID: userID, identityID: identityID}, nil
	}
	if !slices.Contains(zendesk.CreatableTypes, parts[1]) {
		return importID{}, fmt.Errorf("%q: %q is not an identity type this resource manages", raw, parts[1])
	}
	if parts[2] == "" {
		return importID{}, fmt.Errorf("%q has no value after the type", raw)
	}
	return importID{userID: userID, identityType: parts[1], value: parts[2]}, nil
}

// ImportState finds the identity, by id (from the import ID or the resource
// identity) or by type and value, and records it. The read that Terraform
// does next is answered from what this found, at no request.
func (r *userIdentityResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id, diags := importTarget(ctx, req)
	if resp.Diagnostics.Append(diags...); diags.HasError() {
		return
	}
	client := r.data.client
	var identity *zendesk.Identity
	var err error
	if id.identityID != 0 {
		identity, err = client.LookupIdentity(ctx, id.userID, id.identityID)
		if zendesk.IsNotFound(err) {
			resp.Diagnostics.AddError("Cannot import Zendesk user identity",
				fmt.Sprintf("User %d has no identity %d: the id may be wrong, the user may not exist, or the identity may belong to "+
					"another user (the import ID starts with the id of the user that owns the identity).\n\n%s", id.userID, id.identityID, errorDetail(err)))
			return
		}
	} else {
		identity, err = client.FindIdentity(ctx, id.userID, id.identityType, id.value)
		if err == nil && identity == nil {
			resp.Diagnostics.AddError("Cannot import Zendesk user identity",
				fmt.Sprintf("User %d has no %s identity %q.", id.userID, id.identityType, id.value))
			return
		}
	}
	if err != nil {
		resp.Diagnostics.AddError("Cannot import Zendesk user identity", errorDetail(err))
		return
	}
	if !slices.Contains(zendesk.CreatableTypes, identity.Type) {
		resp.Diagnostics.AddError("Cannot import Zendesk user identity",
			fmt.Sprintf("Identity %d is a %s identity, which Zendesk channels make and this resource cannot manage. "+
				"Read it with the zendesk_user_identities data source instead.", identity.ID, identity.Type))
		return
	}
	// Importing by value keeps the spelling of the import ID, so a
	// configuration that spells the address that way shows no change.
	seed := userIdentityModel{SkipVerifyEmail: types.BoolNull(), RequestVerification: types.BoolNull()}
	seed.Value = types.StringNull()
	if id.value != "" {
		seed.Value = types.StringValue(id.value)
	}
	imported := seed.withAPI(*identity)
	resp.Diagnostics.Append(resp.State.Set(ctx, imported)...)
	resp.Diagnostics.Append(setResourceIdentity(ctx, resp.Identity, imported)...)
}
