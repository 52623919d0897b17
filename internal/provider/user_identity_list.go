package provider

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tfzendesk/terraform-provider-zendesk/internal/zendesk"
)

var (
	_ list.ListResourceWithConfigure      = (*userIdentityListResource)(nil)
	_ list.ListResourceWithValidateConfig = (*userIdentityListResource)(nil)
)

// userIdentityListResource lists the zendesk_user_identity instances that
// exist in Zendesk, for terraform query (Terraform 1.14 and later): every
// identity of the listed users that the resource can manage.
type userIdentityListResource struct {
	data *providerData
}

func newUserIdentityListResource() list.ListResource {
	return &userIdentityListResource{}
}

// userIdentityListModel is the config block of a list "zendesk_user_identity".
type userIdentityListModel struct {
	UserIDs types.List `tfsdk:"user_ids"`
	Types   types.List `tfsdk:"types"`
}

func (l *userIdentityListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_user_identity"
}

func (l *userIdentityListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = listschema.Schema{
		MarkdownDescription: "Lists the identities of Zendesk users that `zendesk_user_identity` can manage, for `terraform query` " +
			"(Terraform 1.14 and later). Each result is named by its resource identity (`user_id` and `id`).",
		Attributes: map[string]listschema.Attribute{
			"user_ids": listschema.ListAttribute{
				MarkdownDescription: "The ids of the users whose identities to list, at least one. The users' identities are read " +
					"100 users to a request.",
				ElementType: types.Int64Type,
				Required:    true,
			},
			"types": listschema.ListAttribute{
				MarkdownDescription: "Only identities of these types, among " + markdownList(zendesk.CreatableTypes) +
					". Unset, every type the resource manages; identities that Zendesk channels make are never listed.",
				ElementType: types.StringType,
				Optional:    true,
			},
		},
	}
}

func (l *userIdentityListResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	l.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

func (l *userIdentityListResource) ValidateListResourceConfig(ctx context.Context, req list.ValidateConfigRequest, resp *list.ValidateConfigResponse) {
	var config userIdentityListModel
	if resp.Diagnostics.Append(req.Config.Get(ctx, &config)...); resp.Diagnostics.HasError() {
		return
	}
	_, _, diags := config.query(ctx)
	resp.Diagnostics.Append(diags...)
}

// query returns the users and types the config asks for; unknown values
// give no error, and no users.
func (m userIdentityListModel) query(ctx context.Context) (userIDs []int64, identityTypes []string, diags diag.Diagnostics) {
	if m.UserIDs.IsUnknown() || m.Types.IsUnknown() {
		return nil, nil, diags
	}
	var users []types.Int64
	diags.Append(m.UserIDs.ElementsAs(ctx, &users, false)...)
	if len(users) == 0 && !diags.HasError() {
		diags.AddAttributeError(path.Root("user_ids"), "No Zendesk users to list",
			"user_ids is empty: name the users whose identities to list, such as user_ids = [1001, 1002].")
	}
	for i, u := range users {
		switch {
		case u.IsUnknown():
			return nil, nil, diags
		case u.IsNull() || u.ValueInt64() < 1:
			diags.AddAttributeError(path.Root("user_ids").AtListIndex(i), "Invalid Zendesk user id",
				fmt.Sprintf("user_ids[%d] is %s: a user id is a positive number, such as 1001.", i, u))
		default:
			userIDs = append(userIDs, u.ValueInt64())
		}
	}

	var wanted []types.String
	diags.Append(m.Types.ElementsAs(ctx, &wanted, false)...)
	for i, t := range wanted {
		switch {
		case t.IsUnknown():
			return nil, nil, diags
		case t.IsNull() || !slices.Contains(zendesk.CreatableTypes, t.ValueString()):
			diags.AddAttributeError(path.Root("types").AtListIndex(i), "Invalid identity type", unmanagedTypeDetail(i, t))
		default:
			identityTypes = append(identityTypes, t.ValueString())
		}
	}
	if m.Types.IsNull() {
		identityTypes = zendesk.CreatableTypes
	}
	return userIDs, identityTypes, diags
}

// unmanagedTypeDetail explains why types[i] cannot be listed.
func unmanagedTypeDetail(i int, t types.String) string {
	allowed := "The types zendesk_user_identity manages are " + strings.Join(zendesk.CreatableTypes, ", ") + "."
	if slices.Contains(zendesk.ListFilterTypes, t.ValueString()) {
		return fmt.Sprintf("types[%d] is %s, a type that Zendesk channels make: zendesk_user_identity cannot manage it, so it is never "+
			"listed; read such identities with the zendesk_user_identities data source. %s", i, t, allowed)
	}
	return fmt.Sprintf("types[%d] is %s, which is not an identity type. %s", i, t, allowed)
}

// List streams the manageable identities of the users, the users in the
// order of user_ids and each user's identities by id, up to the query's
// limit. Users are read in batches as results are needed: a query whose
// limit the first users fill reads no further.
func (l *userIdentityListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var config userIdentityListModel
	diags := req.Config.Get(ctx, &config)
	userIDs, identityTypes, queryDiags := config.query(ctx)
	if l.data == nil {
		diags.AddError("Zendesk provider not configured", "The list resource was called before the provider was configured.")
	}
	if diags.Append(queryDiags...); diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	stream.Results = func(push func(list.ListResult) bool) {
		found, unknown, err := l.read(ctx, userIDs, identityTypes, req.Limit)
		if err != nil {
			var diags diag.Diagnostics
			diags.AddError("Error listing Zendesk user identities", errorDetail(err))
			push(list.ListResult{Diagnostics: diags})
			return
		}
		if len(unknown) > 0 {
			var diags diag.Diagnostics
			diags.AddAttributeError(path.Root("user_ids"), "Zendesk users not found",
				fmt.Sprintf("No active user of this Zendesk account has the id %s (Zendesk does not know it, or the user is deleted): "+
					"remove it from user_ids, or check that the provider points at the right account.", joinIDs(unknown)))
			push(list.ListResult{Diagnostics: diags})
			return
		}
		for _, identity := range found {
			if !push(listResult(ctx, req, identity)) {
				return
			}
		}
	}
}

// read returns the users' identities of the types, up to limit (0: all),
// and the users Zendesk does not know. Reading stops once limit identities
// are found, unless an unknown user has turned up: the rest of the users
// are read then, to name every unknown one at once.
func (l *userIdentityListResource) read(ctx context.Context, userIDs []int64, identityTypes []string, limit int64) (found []zendesk.Identity, unknown []int64, err error) {
	for user, err := range l.data.client.UsersIdentities(ctx, userIDs) {
		if zendesk.IsNotFound(err) {
			unknown = append(unknown, user.UserID)
			continue
		}
		if err != nil {
			return nil, nil, err
		}
		mine := slices.DeleteFunc(slices.Clone(user.Identities), func(identity zendesk.Identity) bool {
			return !slices.Contains(identityTypes, identity.Type)
		})
		slices.SortFunc(mine, func(a, b zendesk.Identity) int { return cmp.Compare(a.ID, b.ID) })
		found = append(found, mine...)
		if limit > 0 && int64(len(found)) >= limit && len(unknown) == 0 {
			return found[:limit], nil, nil
		}
	}
	return found, unknown, nil
}

// listResult is one identity as terraform query shows it: its resource
// identity, a display name, and, when the query asks for it, the resource
// as an import of it would record it.
func listResult(ctx context.Context, req list.ListRequest, identity zendesk.Identity) list.ListResult {
	result := req.NewListResult(ctx)
	result.DisplayName = displayName(identity)
	result.Diagnostics.Append(result.Identity.Set(ctx, resourceIdentityModel{
		UserID: types.Int64Value(identity.UserID),
		ID:     types.Int64Value(identity.ID),
	})...)
	if req.IncludeResource {
		imported := userIdentityModel{
			identityModel:       identityFromAPI(identity),
			SkipVerifyEmail:     types.BoolNull(),
			RequestVerification: types.BoolNull(),
		}
		result.Diagnostics.Append(result.Resource.Set(ctx, imported)...)
	}
	return result
}

// displayName is what a person scans in terraform query's output, such as
// "user 1001: email ana@example.com (primary, verified)".
func displayName(identity zendesk.Identity) string {
	flags := []string{"unverified"}
	if identity.Verified {
		flags[0] = "verified"
	}
	if identity.Primary {
		flags = append([]string{"primary"}, flags...)
	}
	return fmt.Sprintf("user %d: %s %s (%s)", identity.UserID, identity.Type, identity.Value, strings.Join(flags, ", "))
}

// joinIDs renders ids as 1, 2 or 3.
func joinIDs(ids []int64) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = fmt.Sprint(id)
	}
	return joinOr(s)
}
