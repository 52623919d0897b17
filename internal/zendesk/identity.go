package zendesk

import "strings"

// Identity is a Zendesk user identity: an email address, phone number or
// social handle attached to a user. Fields Zendesk may send as null or leave
// out are pointers; unknown fields are ignored.
type Identity struct {
	ID                 int64   `json:"id"`
	URL                string  `json:"url"`
	UserID             int64   `json:"user_id"`
	Type               string  `json:"type"`
	Value              string  `json:"value"`
	Primary            bool    `json:"primary"`
	Verified           bool    `json:"verified"`
	VerificationMethod *string `json:"verification_method"`
	VerifiedAt         *string `json:"verified_at"`
	DeliverableState   *string `json:"deliverable_state"`
	UndeliverableCount *int64  `json:"undeliverable_count"`
	CreatedAt          string  `json:"created_at"`
	UpdatedAt          string  `json:"updated_at"`
}

// Identity types.
const (
	TypeEmail           = "email"
	TypeTwitter         = "twitter"
	TypeFacebook        = "facebook"
	TypeGoogle          = "google"
	TypePhoneNumber     = "phone_number"
	TypeAgentForwarding = "agent_forwarding"
	TypeAnyChannel      = "any_channel"
	TypeForeign         = "foreign"
	TypeSDK             = "sdk"
	TypeMessaging       = "messaging"
	TypeMicrosoft       = "microsoft"
)

// CreatableTypes are the identity types the API can create; channels make
// the others.
var CreatableTypes = []string{TypeEmail, TypeTwitter, TypeFacebook, TypeGoogle, TypePhoneNumber, TypeAgentForwarding}

// VerificationEmailTypes are the identity types Zendesk sends verification
// emails to: the link proves ownership of an email address, which the other
// types do not have (a google identity is proven by signing in with Google).
var VerificationEmailTypes = []string{TypeEmail}

// ListFilterTypes are the values the list endpoint accepts in type[].
var ListFilterTypes = []string{
	TypeAgentForwarding, TypeAnyChannel, TypeEmail, TypeFacebook, TypeForeign,
	TypeMessaging, TypeMicrosoft, TypePhoneNumber, TypeSDK, TypeTwitter,
}

// SameValue reports whether two values of an identity type name the same
// identity as Zendesk sees it: addresses compare without regard to case.
func SameValue(identityType, a, b string) bool {
	if IsEmailType(identityType) {
		return strings.EqualFold(strings.TrimSpace(a), strings.TrimSpace(b))
	}
	return a == b
}

// IsEmailType reports whether values of the type are email addresses.
func IsEmailType(identityType string) bool {
	return identityType == TypeEmail || identityType == TypeGoogle
}

// CreateIdentityRequest is the body of a create call. Primary and Verified
// ask Zendesk to set the flags in the same request; SkipVerifyEmail stops
// the verification email that a new, unverified email identity triggers.
type CreateIdentityRequest struct {
	Type            string `json:"type"`
	Value           string `json:"value"`
	Primary         bool   `json:"primary,omitempty"`
	Verified        bool   `json:"verified,omitempty"`
	SkipVerifyEmail bool   `json:"skip_verify_email,omitempty"`
}

// UpdateIdentityRequest is the body of an update call; nil fields are left
// as they are. SkipVerifyEmail asks Zendesk not to email a changed address
// a verification link: its identity docs name it for creates only, but its
// users API emails a changed address unless told so, and Zendesk ignores
// attributes it does not take.
type UpdateIdentityRequest struct {
	Value           *string `json:"value,omitempty"`
	Verified        *bool   `json:"verified,omitempty"`
	SkipVerifyEmail bool    `json:"skip_verify_email,omitempty"`
}
