package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/tfzendesk/terraform-provider-zendesk/internal/zendesk"
)

var (
	_ resource.ResourceWithConfigure      = (*userIdentityResource)(nil)
	_ resource.ResourceWithImportState    = (*userIdentityResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*userIdentityResource)(nil)
	_ resource.ResourceWithValidateConfig = (*userIdentityResource)(nil)
)

// userIdentityResource is zendesk_user_identity: one identity of a user.
type userIdentityResource struct {
	data *providerData
}

func newUserIdentityResource() resource.Resource {
	return &userIdentityResource{}
}

func (r *userIdentityResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_user_identity"
}

func (r *userIdentityResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "One identity of a Zendesk user: an email address, phone number or social handle.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The identity's id in Zendesk.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"user_id": schema.Int64Attribute{
				MarkdownDescription: "The id of the user the identity belongs to. Changing it replaces the identity.",
				Required:            true,
				Validators:          []validator.Int64{int64validator.AtLeast(1)},
				PlanModifiers:       []planmodifier.Int64{int64planmodifier.RequiresReplace()},
			},
			"type": schema.StringAttribute{
				MarkdownDescription: "The kind of identity, one of " + markdownList(zendesk.CreatableTypes) +
					" (the types Zendesk can create; channels make the others). Changing it replaces the identity.",
				Required:      true,
				Validators:    []validator.String{stringvalidator.OneOf(zendesk.CreatableTypes...)},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"value": schema.StringAttribute{
				MarkdownDescription: "The address, number or handle: a valid email address for `email` and `google`, a phone number " +
					"for `phone_number` and `agent_forwarding`, best written in E.164 (`+15550100200`): accounts that validate phone " +
					"numbers refuse any other spelling, and the plan warns about one. Changed in place. Email addresses that differ " +
					"only in case, and phone numbers with the same digits (`+1 555-010-0200` and `+15550100200`), are the same value: " +
					"such a change is applied without a request to Zendesk, and when Zendesk stores the number in another spelling, " +
					"the state keeps the configuration's.",
				Required: true,
			},
			"primary": schema.BoolAttribute{
				MarkdownDescription: "Whether this is the user's primary identity of its type. `true` makes it primary and demotes the " +
					"one that was: it is the only value the provider acts on. `false` cannot be applied to a primary identity: Zendesk has " +
					"no call that demotes one; make another identity of the type primary instead. Unset, the provider never changes it: " +
					"Zendesk decides (a user's first identity of a type becomes primary; making another one primary demotes this one) and " +
					"the state shows what Zendesk reports.",
				Optional: true,
				Computed: true,
			},
			"verified": schema.BoolAttribute{
				MarkdownDescription: "Whether the identity is verified. `true` verifies it, `false` unverifies it. Unset, Zendesk decides; " +
					"changing an email's value may unverify it.",
				Optional: true,
				Computed: true,
			},
			"skip_verify_email": schema.BoolAttribute{
				MarkdownDescription: "When `true`, Zendesk sends no verification email for the new identity; without it, Zendesk emails " +
					"a new, unverified `email` address a verification link by itself. Sent with the create and with each change of `value` " +
					"(in case Zendesk emails a changed address too), and kept in state as configured: changing it later makes no request.",
				Optional: true,
			},
			"request_verification": schema.BoolAttribute{
				MarkdownDescription: "When `true`, the user gets exactly one verification email for each new address while it is not " +
					"verified: after the identity is created and after each change of `value` (never on a re-apply without such a change). " +
					"A create without `skip_verify_email = true` already makes Zendesk send it, so the provider asks for none; when asking " +
					"fails, the next apply asks again, unless Zendesk may have sent it. For `email` identities only: Zendesk sends no " +
					"verification email to the other types, and the plan fails. With Terraform 1.14 or later, the " +
					"`zendesk_user_identity_request_verification` action sends one on demand.",
				Optional: true,
			},
			"verification_method": schema.StringAttribute{
				MarkdownDescription: "How the identity was verified: `none`, `low`, `sso`, `embed` or `full`.",
				Computed:            true,
			},
			"verified_at": schema.StringAttribute{
				MarkdownDescription: "When the identity was verified (RFC 3339), or null.",
				Computed:            true,
			},
			"deliverable_state": schema.StringAttribute{
				MarkdownDescription: "Emails only: whether Zendesk delivers notifications to the address (`deliverable`, " +
					"`undeliverable`, `reserved_example`, ...).",
				Computed: true,
			},
			"undeliverable_count": schema.Int64Attribute{
				MarkdownDescription: "How many soft bounces Zendesk received for the address.",
				Computed:            true,
			},
			"url": schema.StringAttribute{
				MarkdownDescription: "The identity's API URL.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"created_at": schema.StringAttribute{
				MarkdownDescription: "When the identity was created (RFC 3339).",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"updated_at": schema.StringAttribute{
				MarkdownDescription: "When the identity was last updated (RFC 3339).",
				Computed:            true,
			},
		},
	}
}

func (r *userIdentityResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

func (r *userIdentityResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state userIdentityModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	userID, identityID, err := state.ids()
	if err != nil {
		resp.Diagnostics.AddError("Invalid identity id in state", fmt.Sprintf("id %q is not a Zendesk identity id: %s", state.ID.ValueString(), err))
		return
	}
	// Also when the identity turns out to be gone: the framework wants one
	// even then, and Terraform before 1.12 sends none to keep.
	resp.Diagnostics.Append(setResourceIdentity(ctx, resp.Identity, state)...)
	identity, err := r.data.client.LookupIdentity(ctx, userID, identityID)
	if zendesk.IsNotFound(err) {
		// Zendesk says it is gone, or its user is: plan to create it again.
		// Any other 404 (a web page, /oauth/tokens) is an error below, and
		// the state keeps the identity.
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Error reading Zendesk user identity", errorDetail(err))
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, state.withAPI(*identity))...)
	// The state now holds Zendesk's flags: none is recorded as planned only.
	pending, diags := loadPending(ctx, req.Private)
	resp.Diagnostics.Append(diags...)
	if pending.Primary || pending.Verified {
		pending.Primary, pending.Verified = false, false
		resp.Diagnostics.Append(savePending(ctx, resp.Private, pending)...)
	}
}

func (r *userIdentityResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state userIdentityModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	userID, identityID, err := state.ids()
	if err != nil {
		resp.Diagnostics.AddError("Invalid identity id in state", err.Error())
		return
	}
	defer r.data.locks.lock(userID)()
	err = r.data.client.DeleteIdentity(ctx, userID, identityID)
	if err == nil || zendesk.IsNotFound(err) {
		return // deleted, or Zendesk says it was gone already
	}
	detail := errorDetail(err)
	if state.Primary.ValueBool() && zendesk.StatusCode(err) >= 400 && zendesk.StatusCode(err) < 500 {
		detail += fmt.Sprintf("\n\nIdentity %d is user %d's primary %s identity. Make another %s identity of the user primary first "+
			"(primary = true on it), then delete this one.", identityID, userID, state.Type.ValueString(), state.Type.ValueString())
	}
	resp.Diagnostics.AddError("Error deleting Zendesk user identity", detail)
}

// markdownList renders values as `a`, `b` or `c`.
func markdownList(values []string) string {
	quoted := make([]string, len(values))
	for i, v := range values {
		quoted[i] = "`" + v + "`"
	}
	return joinOr(quoted)
}

// joinOr renders items as a, b or c.
func joinOr(items []string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " or " + items[len(items)-1]
}
