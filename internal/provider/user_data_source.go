package provider

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tfzendesk/terraform-provider-zendesk/internal/zendesk"
)

var (
	_ datasource.DataSourceWithConfigure        = (*userDataSource)(nil)
	_ datasource.DataSourceWithConfigValidators = (*userDataSource)(nil)
)

// trimmedPattern matches a value that neither starts nor ends with white
// space.
var trimmedPattern = regexp.MustCompile(`^\S(.*\S)?$`)

// userDataSource is zendesk_user: one user, found by id, external id or
// email address, so that configurations need no numeric ids.
type userDataSource struct {
	data *providerData
}

func newUserDataSource() datasource.DataSource {
	return &userDataSource{}
}

// userModel is the zendesk_user data source. ID, ExternalID and Email are
// the lookup keys, exactly one of them configured and kept as configured.
type userModel struct {
	ID           types.Int64  `tfsdk:"id"`
	ExternalID   types.String `tfsdk:"external_id"`
	Email        types.String `tfsdk:"email"`
	Name         types.String `tfsdk:"name"`
	PrimaryEmail types.String `tfsdk:"primary_email"`
	Role         types.String `tfsdk:"role"`
	Active       types.Bool   `tfsdk:"active"`
	Suspended    types.Bool   `tfsdk:"suspended"`
	URL          types.String `tfsdk:"url"`
	CreatedAt    types.String `tfsdk:"created_at"`
	UpdatedAt    types.String `tfsdk:"updated_at"`
}

func (d *userDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_user"
}

func (d *userDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "One Zendesk user, found by `id`, `external_id` or `email`, so that a configuration can name " +
			"people by what a team knows them by instead of Zendesk's numeric ids. Deleted and suspended users are " +
			"found too, and reported by `active` and `suspended`.",
		Attributes: map[string]schema.Attribute{
			"id": schema.Int64Attribute{
				MarkdownDescription: "The user's id. Set it to look the user up by id; otherwise it is the id of the user " +
					"found, for `user_id` of `zendesk_user_identity`.",
				Optional:   true,
				Computed:   true,
				Validators: []validator.Int64{int64validator.AtLeast(1)},
			},
			"external_id": schema.StringAttribute{
				MarkdownDescription: "The id another system (an HR or identity system) gave the user. Set it to look the user " +
					"up by it, compared without regard to case as Zendesk does; it then stays as configured. Otherwise it is " +
					"the user's external id, or null when the user has none.",
				Optional: true,
				Computed: true,
				Validators: []validator.String{
					stringvalidator.RegexMatches(trimmedPattern, "must not be blank, and must not start or end with spaces"),
				},
			},
			"email": schema.StringAttribute{
				MarkdownDescription: "An email address of the user, to look the user up by: the primary address or any other " +
					"email identity of the user, compared without regard to case. Only an exact match counts. Stays as " +
					"configured; the user's primary address is `primary_email`. Null when the lookup is by `id` or " +
					"`external_id`.",
				Optional: true,
				Validators: []validator.String{
					stringvalidator.RegexMatches(emailPattern, "must be an email address such as ana@example.com, without spaces"),
				},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "The user's name.",
				Computed:            true,
			},
			"primary_email": schema.StringAttribute{
				MarkdownDescription: "The user's primary email address, or null when the user has none (a deleted user has none).",
				Computed:            true,
			},
			"role": schema.StringAttribute{
				MarkdownDescription: "The user's role: `end-user`, `agent` or `admin`.",
				Computed:            true,
			},
			"active": schema.BoolAttribute{
				MarkdownDescription: "`false` when the user is deleted. A deleted user has no identities, and none can be " +
					"added to it.",
				Computed: true,
			},
			"suspended": schema.BoolAttribute{
				MarkdownDescription: "Whether the user is suspended: a suspended user cannot sign in, and tickets from it " +
					"are suspended too.",
				Computed: true,
			},
			"url": schema.StringAttribute{
				MarkdownDescription: "The user's API URL.",
				Computed:            true,
			},
			"created_at": schema.StringAttribute{
				MarkdownDescription: "When the user was created (RFC 3339).",
				Computed:            true,
			},
			"updated_at": schema.StringAttribute{
				MarkdownDescription: "When the user was last updated (RFC 3339).",
				Computed:            true,
			},
		},
	}
}

func (d *userDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{
		datasourcevalidator.ExactlyOneOf(path.MatchRoot("id"), path.MatchRoot("external_id"), path.MatchRoot("email")),
	}
}

func (d *userDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

// Read finds the user by the key that is configured. Lookups by id and by
// external id that Terraform runs together share one request per kind.
func (d *userDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var config userModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var user *zendesk.User
	var err error
	var key path.Path
	switch {
	case !config.ID.IsNull():
		key = path.Root("id")
		user, err = d.data.client.LookupUser(ctx, config.ID.ValueInt64())
	case !config.ExternalID.IsNull():
		key = path.Root("external_id")
		user, err = d.data.client.LookupUserByExternalID(ctx, config.ExternalID.ValueString())
	default:
		key = path.Root("email")
		user, err = d.data.client.FindUserByEmail(ctx, config.Email.ValueString())
	}
	if err != nil {
		addLookupError(&resp.Diagnostics, key, err)
		return
	}
	state := userFromAPI(*user)
	state.Email = config.Email
	if !config.ExternalID.IsNull() {
		state.ExternalID = config.ExternalID
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// userFromAPI maps Zendesk's user onto the model, lookup keys aside.
func userFromAPI(u zendesk.User) userModel {
	return userModel{
		ID:           types.Int64Value(u.ID),
		ExternalID:   types.StringPointerValue(u.ExternalID),
		Email:        types.StringNull(),
		Name:         types.StringValue(u.Name),
		PrimaryEmail: types.StringPointerValue(u.Email),
		Role:         types.StringValue(u.Role),
		Active:       types.BoolValue(u.Active),
		Suspended:    types.BoolValue(u.Suspended),
		URL:          types.StringValue(u.URL),
		CreatedAt:    types.StringValue(u.CreatedAt),
		UpdatedAt:    types.StringValue(u.UpdatedAt),
	}
}

// addLookupError explains a failed lookup on the attribute it went by: no
// user, several, or Zendesk's answer.
func addLookupError(diags *diag.Diagnostics, key path.Path, err error) {
	const summary = "Error reading Zendesk user"
	var notFound *zendesk.UserNotFoundError
	var ambiguous *zendesk.AmbiguousUserError
	switch {
	case errors.As(err, &notFound):
		diags.AddAttributeError(key, summary, notFoundDetail(notFound))
	case errors.As(err, &ambiguous):
		var b strings.Builder
		fmt.Fprintf(&b, "%d Zendesk users have %s %q:", len(ambiguous.Users), ambiguous.By, ambiguous.Value)
		for _, u := range ambiguous.Users {
			fmt.Fprintf(&b, "\n  - %s", u.String())
		}
		b.WriteString("\n\nThe data source needs exactly one. Look the user up by id instead, or give each user an external id of its own.")
		diags.AddAttributeError(key, summary, b.String())
	default:
		diags.AddAttributeError(key, summary, errorDetail(err))
	}
}

func notFoundDetail(e *zendesk.UserNotFoundError) string {
	var b strings.Builder
	switch e.By {
	case zendesk.ByID:
		fmt.Fprintf(&b, "No user has id %s in this Zendesk account (deleted users are found too, until they are deleted permanently).", e.Value)
	case zendesk.ByExternalID:
		fmt.Fprintf(&b, "No user has external_id %q in this Zendesk account (external ids are compared without regard to case).", e.Value)
	default:
		fmt.Fprintf(&b, "No user has an email identity %q in this Zendesk account (the primary address or any other, compared "+
			"without regard to case; deleted users have none).", e.Value)
	}
	if len(e.NearMatches) > 0 {
		fmt.Fprintf(&b, "\n\nZendesk's search returned %d user(s) with similar addresses, none of which holds this one exactly:", len(e.NearMatches))
		for i, u := range e.NearMatches {
			if i == zendesk.NearMatchesShown {
				fmt.Fprintf(&b, "\n  - and %d more", len(e.NearMatches)-i)
				break
			}
			fmt.Fprintf(&b, "\n  - %s", u.String())
		}
	}
	if e.Searched {
		b.WriteString("\n\nThe lookup by email goes through Zendesk's search index, which can take a few minutes to include a user " +
			"or address added recently. If the user was just created, run again later, or look the user up by id or external_id.")
	}
	return b.String()
}
