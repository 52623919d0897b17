package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tfzendesk/terraform-provider-zendesk/internal/zendesk"
)

var _ action.ActionWithConfigure = (*requestVerificationAction)(nil)

// requestVerificationAction is zendesk_user_identity_request_verification
// (Terraform 1.14 and later): it asks Zendesk to email the owner of an
// unverified email identity a verification link, once per invocation.
type requestVerificationAction struct {
	data *providerData
}

func newRequestVerificationAction() action.Action {
	return &requestVerificationAction{}
}

// requestVerificationModel is the action's config block.
type requestVerificationModel struct {
	UserID     types.Int64 `tfsdk:"user_id"`
	IdentityID types.Int64 `tfsdk:"identity_id"`
}

func (a *requestVerificationAction) Metadata(_ context.Context, req action.MetadataRequest, resp *action.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_user_identity_request_verification"
}

func (a *requestVerificationAction) Schema(_ context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Asks Zendesk to email the owner of an unverified email identity a link that verifies it. " +
			"Each invocation sends one email: from a resource's `action_trigger`, or with `terraform apply -invoke`.",
		Attributes: map[string]schema.Attribute{
			"user_id": schema.Int64Attribute{
				MarkdownDescription: "The id of the user the identity belongs to, such as `zendesk_user_identity.NAME.user_id`.",
				Required:            true,
				Validators:          []validator.Int64{int64validator.AtLeast(1)},
			},
			"identity_id": schema.Int64Attribute{
				MarkdownDescription: "The identity's id in Zendesk, such as `zendesk_user_identity.NAME.id`. The identity must be an " +
					"`email` identity that is not verified.",
				Required:   true,
				Validators: []validator.Int64{int64validator.AtLeast(1)},
			},
		},
	}
}

func (a *requestVerificationAction) Configure(_ context.Context, req action.ConfigureRequest, resp *action.ConfigureResponse) {
	a.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

// Invoke reads the identity first, to refuse one that gets no email: the
// read goes through the client's cache and batches, so it costs one
// request at most. Then it asks Zendesk once.
func (a *requestVerificationAction) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	var config requestVerificationModel
	if resp.Diagnostics.Append(req.Config.Get(ctx, &config)...); resp.Diagnostics.HasError() {
		return
	}
	if a.data == nil {
		resp.Diagnostics.AddError("Zendesk provider not configured", "The action was invoked before the provider was configured.")
		return
	}
	userID, identityID := config.UserID.ValueInt64(), config.IdentityID.ValueInt64()
	client := a.data.client

	identity, err := client.LookupIdentity(ctx, userID, identityID)
	switch {
	case zendesk.IsNotFound(err):
		resp.Diagnostics.AddError("Cannot request verification of a Zendesk user identity",
			fmt.Sprintf("User %d has no identity %d: the ids may be wrong, the user may not exist, or the identity may belong to "+
				"another user.\n\n%s", userID, identityID, errorDetail(err)))
		return
	case err != nil:
		resp.Diagnostics.AddError("Error reading Zendesk user identity", errorDetail(err))
		return
	}
	what := fmt.Sprintf("identity %d (%s %q) of user %d", identityID, identity.Type, identity.Value, userID)
	switch {
	case identity.Type != zendesk.TypeEmail:
		resp.Diagnostics.AddError("Cannot request verification of a Zendesk user identity",
			fmt.Sprintf("Zendesk sends verification emails to email identities only, and %s is a %s identity. "+
				"To verify it, set verified = true on its zendesk_user_identity.", what, identity.Type))
		return
	case identity.Verified:
		resp.Diagnostics.AddError("Cannot request verification of a Zendesk user identity",
			fmt.Sprintf("Nothing was sent: %s is verified already, and Zendesk sends verification emails for unverified "+
				"identities only.", what))
		return
	}

	resp.SendProgress(action.InvokeProgressEvent{Message: fmt.Sprintf("Asking Zendesk to send a verification email to %s (%s)", identity.Value, what)})
	if err := client.RequestVerification(ctx, userID, identityID); err != nil {
		// The client sends it again only when Zendesk certainly did not
		// process it; what is left may or may not have sent the email.
		outcome := "Zendesk did not send it: invoke the action again to ask for it."
		if zendesk.OutcomeUnknown(err) {
			outcome = "Zendesk may have sent it anyway: the request may have got through before the answer was lost. Check with " +
				"the user before invoking the action again, so that they do not get the email twice."
		}
		resp.Diagnostics.AddError("Error requesting verification of a Zendesk user identity",
			fmt.Sprintf("Asking Zendesk to send a verification email for %s failed. %s\n\n%s", what, outcome, errorDetail(err)))
		return
	}
	resp.SendProgress(action.InvokeProgressEvent{Message: fmt.Sprintf("Zendesk accepted: a verification email is on its way to %s", identity.Value)})
}
