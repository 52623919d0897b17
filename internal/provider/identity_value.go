package provider

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/tfzendesk/terraform-provider-zendesk/internal/zendesk"
)

// emailPattern is deliberately loose: one @, no spaces, a dot in the
// domain. Zendesk has the last word on anything subtler.
var emailPattern = regexp.MustCompile(`^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$`)

// checkValue returns why value cannot be an identity of identityType, or
// nil. The messages name the value and what is allowed.
func checkValue(identityType, value string) error {
	if strings.TrimSpace(value) == "" {
		return fmt.Errorf("value must not be blank: set the %s address, number or handle", identityType)
	}
	if strings.TrimSpace(value) != value {
		return fmt.Errorf("value %q has leading or trailing spaces; remove them", value)
	}
	switch identityType {
	case zendesk.TypeEmail, zendesk.TypeGoogle:
		if !emailPattern.MatchString(value) {
			return fmt.Errorf("value %q is not a valid email address: a %s identity needs an address such as ana@example.com", value, identityType)
		}
	case zendesk.TypePhoneNumber, zendesk.TypeAgentForwarding:
		if !zendesk.IsPhoneNumber(value) {
			return fmt.Errorf("value %q is not a plausible phone number: a %s identity needs 7 to 15 digits, optionally "+
				"led by + and grouped with spaces, dashes, dots or parentheses; write it in E.164, such as +15550100200", value, identityType)
		}
	}
	return nil
}

// phoneNumberWarning returns why Zendesk may refuse or rewrite a phone
// number, or "" when it is in E.164, the one form every account accepts.
func phoneNumberWarning(identityType, value string) string {
	if !zendesk.IsPhoneType(identityType) || zendesk.IsE164(value) {
		return ""
	}
	instead := "such as +15550100200"
	if e164, ok := zendesk.E164(value); ok {
		instead = fmt.Sprintf("here %q", e164)
	}
	return fmt.Sprintf("value %q is not in E.164 format: a plus sign, the country code and the number, digits only (%s). "+
		"Accounts that validate phone numbers (Zendesk's \"Validate user phone numbers\" setting) refuse any other spelling; "+
		"others store it as sent or formatted their own way. The provider compares numbers by their digits, so a number "+
		"Zendesk formats shows no change, but only E.164 is accepted everywhere.", value, instead)
}
