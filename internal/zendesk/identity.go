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
// identity as Zendesk sees it: addresses compare without regard to case,
// and phone numbers as numbers, whatever separates their digits, since
// Zendesk may store "+1 555-010-0200" as "+15550100200".
func SameValue(identityType, a, b string) bool {
	switch {
	case IsEmailType(identityType):
		return strings.EqualFold(strings.TrimSpace(a), strings.TrimSpace(b))
	case IsPhoneType(identityType):
		return phoneNumber(a) == phoneNumber(b)
	}
	return a == b
}

// IsEmailType reports whether values of the type are email addresses.
func IsEmailType(identityType string) bool {
	return identityType == TypeEmail || identityType == TypeGoogle
}

// IsPhoneType reports whether values of the type are phone numbers.
func IsPhoneType(identityType string) bool {
	return identityType == TypePhoneNumber || identityType == TypeAgentForwarding
}

// IsE164 reports whether a phone number is written in E.164, the one form
// every Zendesk account accepts: "+", the country code and the number, 15
// digits at most, nothing between them (+15550100200). An account that
// validates phone numbers refuses any other spelling.
func IsE164(number string) bool {
	digits, ok := strings.CutPrefix(number, "+")
	return ok && len(digits) >= 2 && len(digits) <= 15 && digits[0] != '0' && strings.Trim(digits, "0123456789") == ""
}

// E164 returns the E.164 spelling of a phone number written another way,
// such as +15550100200 for "+1 555-010-0200" or "(555) 010-0200", when
// the value says its country code (or is a ten-digit North American
// number); ok is false when it does not.
func E164(number string) (e164 string, ok bool) {
	n := phoneNumber(number)
	return n, IsE164(n)
}

// phoneSeparators are what may stand between the digits of a number.
const phoneSeparators = " -.()"

// phoneDigits splits a phone value into its digits and whether a "+" leads
// them; ok is false when it holds anything but digits, separators and that
// leading "+".
func phoneDigits(value string) (digits string, international, ok bool) {
	v := strings.TrimSpace(value)
	international = strings.HasPrefix(v, "+")
	var b strings.Builder
	for _, r := range strings.TrimPrefix(v, "+") {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case !strings.ContainsRune(phoneSeparators, r):
			return "", false, false
		}
	}
	return b.String(), international, true
}

// IsPhoneNumber reports whether a value can be a phone number: 7 to 15
// digits, optionally led by "+" and grouped with spaces, dashes, dots or
// parentheses. Zendesk has the last word on anything subtler.
func IsPhoneNumber(value string) bool {
	digits, _, ok := phoneDigits(value)
	return ok && len(digits) >= 7 && len(digits) <= 15
}

// phoneNumber is the number a phone value names: its digits, after the
// "+" of an international number. Ten digits without a country code are
// a North American number (+1), as Zendesk formats a direct line. A value
// that holds anything but digits, separators and a leading "+" is kept as
// it is, so it only ever equals itself.
func phoneNumber(value string) string {
	digits, international, ok := phoneDigits(value)
	switch {
	case !ok:
		return value
	case international:
		return "+" + digits
	case len(digits) == 10:
		return "+1" + digits
	}
	return digits
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
