package provider

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/tfzendesk/terraform-provider-zendesk/internal/zendesk"
)

// duplicateDetail says who holds the value Zendesk refused as a duplicate.
// Zendesk's own message says "another user" whoever holds it; the user's
// identities tell: when it is this user, the way out is to import it.
func (r *userIdentityResource) duplicateDetail(ctx context.Context, userID int64, create zendesk.CreateIdentityRequest) string {
	existing, err := r.data.client.FindIdentity(ctx, userID, create.Type, create.Value)
	switch {
	case err != nil:
		return "\n\nZendesk keeps each value unique across the account. Whether user " + strconv.FormatInt(userID, 10) +
			" holds this value already could not be checked:\n\n" + errorDetail(err)
	case existing == nil:
		return "\n\nAnother user of the account has this value: Zendesk keeps each value unique across the account."
	}
	spelling := ""
	if existing.Value != create.Value {
		spelling = fmt.Sprintf(", spelt %q in Zendesk", existing.Value)
	}
	return fmt.Sprintf("\n\nUser %d already has this %s identity (id %d)%s: Zendesk's message says \"another user\" whoever holds "+
		"the value, and Zendesk creates a user's first email with the user, for instance. Import it instead of creating it "+
		"(NAME is this resource's name in the configuration):\n\n%s",
		userID, create.Type, existing.ID, spelling, importInstructions(fmt.Sprintf("%d:%d", userID, existing.ID)))
}

// unconfirmedCreateDetail explains a create whose outcome is unknown: its
// answer was lost, and so was the lookup that would have told.
func unconfirmedCreateDetail(e *zendesk.UnconfirmedCreateError) string {
	return fmt.Sprintf("Zendesk gave no usable answer to the create, so it may have created the identity:\n\n%s\n\n"+
		"Looking for the identity afterwards failed too:\n\n%s\n\n"+
		"The %s identity %q of user %d may therefore exist in Zendesk without Terraform knowing of it. Check the user's identities "+
		"(the zendesk_user_identities data source lists them). If it is there, import it rather than apply again, which Zendesk "+
		"would refuse as a duplicate (NAME is this resource's name in the configuration):\n\n%s",
		errorDetail(e.Err), errorDetail(e.LookupErr), e.Type, e.Value, e.UserID,
		importInstructions(fmt.Sprintf("%d:%s:%s", e.UserID, e.Type, e.Value)))
}

// importInstructions shows how to import the identity with the import ID,
// with the command and with an import block.
func importInstructions(id string) string {
	return fmt.Sprintf("  terraform import zendesk_user_identity.NAME %s\n\nor with an import block:\n\n"+
		"  import {\n    to = zendesk_user_identity.NAME\n    id = %q\n  }", shellQuote(id), id)
}

// shellQuote quotes s for a POSIX shell when it holds anything but
// characters no shell treats specially.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789@%+=:,./_-") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
