package provider

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tfzendesk/terraform-provider-zendesk/internal/zendesk"
)

var _ datasource.DataSourceWithConfigure = (*userIdentitiesDataSource)(nil)

// userIdentitiesDataSource is zendesk_user_identities: every identity of a
// user, managed by Terraform or not.
type userIdentitiesDataSource struct {
	data *providerData
}

func newUserIdentitiesDataSource() datasource.DataSource {
	return &userIdentitiesDataSource{}
}

// userIdentitiesModel is the zendesk_user_identities data source.
type userIdentitiesModel struct {
	UserID       types.Int64     `tfsdk:"user_id"`
	Types        types.Set       `tfsdk:"types"`
	Primary      types.Bool      `tfsdk:"primary"`
	Verified     types.Bool      `tfsdk:"verified"`
	Identities   []identityModel `tfsdk:"identities"`
	PrimaryEmail types.String    `tfsdk:"primary_email"`
}

func (d *userIdentitiesDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_user_identities"
}

func (d *userIdentitiesDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Every identity of a Zendesk user, including those Terraform does not manage: the email the user " +
			"was created with, and identities that channels made (`messaging`, `any_channel`, `sdk`, ...). Use it for " +
			"outputs, lookups, and the ids of `import` blocks.",
		Attributes: map[string]schema.Attribute{
			"user_id": schema.Int64Attribute{
				MarkdownDescription: "The id of the user whose identities are read. A user that does not exist is an error, " +
					"not an empty list.",
				Required:   true,
				Validators: []validator.Int64{int64validator.AtLeast(1)},
			},
			"types": schema.SetAttribute{
				MarkdownDescription: "List only identities of these types. Sent to Zendesk as `type[]` filters of the list " +
					"request, so the values are the ones that filter accepts: " + markdownList(zendesk.ListFilterTypes) +
					". Omit it to list every type, including types the filter cannot select (such as `google`).",
				ElementType: types.StringType,
				Optional:    true,
				Validators: []validator.Set{
					setvalidator.SizeAtLeast(1),
					setvalidator.NoNullValues(),
					setvalidator.ValueStringsAre(stringvalidator.OneOf(zendesk.ListFilterTypes...)),
				},
			},
			"primary": schema.BoolAttribute{
				MarkdownDescription: "When set, list only identities whose `primary` flag has this value: `true` keeps the " +
					"primary identity of each type, `false` the others. Applied by the provider after the identities are read.",
				Optional: true,
			},
			"verified": schema.BoolAttribute{
				MarkdownDescription: "When set, list only identities whose `verified` flag has this value. Applied by the " +
					"provider after the identities are read.",
				Optional: true,
			},
			"identities": schema.ListNestedAttribute{
				MarkdownDescription: "The identities that pass the filters, ordered by `id` (oldest first). Never null: " +
					"an empty list when none does.",
				Computed:     true,
				NestedObject: schema.NestedAttributeObject{Attributes: identityAttributes()},
			},
			"primary_email": schema.StringAttribute{
				MarkdownDescription: "The address of the user's primary `email` identity, or null when the user has none. " +
					"It is taken from what Zendesk returned, before `primary` and `verified` narrow the list, so those two " +
					"filters do not change it; with `types` set, it is null unless `types` includes `email`.",
				Computed: true,
			},
		},
	}
}

// identityAttributes describes one entry of identities: the fields of
// identityModel, as Zendesk returns them.
func identityAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"id": schema.StringAttribute{
			MarkdownDescription: "The identity's id in Zendesk.",
			Computed:            true,
		},
		"user_id": schema.Int64Attribute{
			MarkdownDescription: "The id of the user the identity belongs to.",
			Computed:            true,
		},
		"type": schema.StringAttribute{
			MarkdownDescription: "The kind of identity, such as `email`, `phone_number`, `twitter` or `messaging`: any type " +
				"Zendesk returns, including those only channels create.",
			Computed: true,
		},
		"value": schema.StringAttribute{
			MarkdownDescription: "The address, number, handle or channel-specific id.",
			Computed:            true,
		},
		"primary": schema.BoolAttribute{
			MarkdownDescription: "Whether this is the user's primary identity of its type.",
			Computed:            true,
		},
		"verified": schema.BoolAttribute{
			MarkdownDescription: "Whether the identity is verified.",
			Computed:            true,
		},
		"verification_method": schema.StringAttribute{
			MarkdownDescription: "How the identity was verified: `none`, `low`, `sso`, `embed` or `full`; null when Zendesk " +
				"does not say.",
			Computed: true,
		},
		"verified_at": schema.StringAttribute{
			MarkdownDescription: "When the identity was verified (RFC 3339), or null.",
			Computed:            true,
		},
		"deliverable_state": schema.StringAttribute{
			MarkdownDescription: "Emails only: whether Zendesk delivers notifications to the address (`deliverable`, " +
				"`undeliverable`, `reserved_example`, ...); null for other types.",
			Computed: true,
		},
		"undeliverable_count": schema.Int64Attribute{
			MarkdownDescription: "How many soft bounces Zendesk received for the address; null when Zendesk does not say.",
			Computed:            true,
		},
		"url": schema.StringAttribute{
			MarkdownDescription: "The identity's API URL.",
			Computed:            true,
		},
		"created_at": schema.StringAttribute{
			MarkdownDescription: "When the identity was created (RFC 3339).",
			Computed:            true,
		},
		"updated_at": schema.StringAttribute{
			MarkdownDescription: "When the identity was last updated (RFC 3339).",
			Computed:            true,
		},
	}
}

func (d *userIdentitiesDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

// Read lists the user's identities. It takes no per-user lock: it changes
// nothing, and a read that overlaps a change sees Zendesk before or after it.
func (d *userIdentitiesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var config userIdentitiesModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var filter []string
	if !config.Types.IsNull() {
		resp.Diagnostics.Append(config.Types.ElementsAs(ctx, &filter, false)...)
		if resp.Diagnostics.HasError() {
			return
		}
		slices.Sort(filter)
	}
	userID := config.UserID.ValueInt64()
	fetched, err := d.data.client.ListIdentities(ctx, userID, filter...)
	if zendesk.IsNotFound(err) {
		resp.Diagnostics.AddAttributeError(path.Root("user_id"), "Error reading Zendesk user identities",
			fmt.Sprintf("User %d does not exist in this Zendesk account. Check user_id.\n\n%s", userID, errorDetail(err)))
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Error reading Zendesk user identities", errorDetail(err))
		return
	}

	slices.SortFunc(fetched, func(a, b zendesk.Identity) int { return cmp.Compare(a.ID, b.ID) })
	state := config
	state.PrimaryEmail = types.StringNull()
	// Never nil: a nil slice would be stored as a null list.
	state.Identities = make([]identityModel, 0, len(fetched))
	for _, identity := range fetched {
		if identity.Type == zendesk.TypeEmail && identity.Primary {
			state.PrimaryEmail = types.StringValue(identity.Value)
		}
		if passes(config.Primary, identity.Primary) && passes(config.Verified, identity.Verified) {
			state.Identities = append(state.Identities, identityFromAPI(identity))
		}
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// passes reports whether an identity's flag satisfies an optional filter;
// an unset filter lets every identity through.
func passes(filter types.Bool, flag bool) bool {
	return filter.IsNull() || filter.ValueBool() == flag
}
