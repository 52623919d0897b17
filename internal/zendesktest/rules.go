package zendesktest

import (
	"fmt"
	"strings"
	"unicode"
)

// Identity types Zendesk knows. Only the creatable ones may be POSTed; the
// channel types are made by Zendesk's channels, so only the store (AddIdentity)
// may create them here.
var (
	creatableTypes = map[string]bool{
		"email": true, "twitter": true, "facebook": true, "google": true,
		"phone_number": true, "agent_forwarding": true,
	}
	channelTypes = map[string]bool{
		"any_channel": true, "foreign": true, "sdk": true, "messaging": true, "microsoft": true,
	}
	// listFilterTypes are the values Zendesk documents for the list's
	// type[] filter: not google.
	listFilterTypes = map[string]bool{
		"agent_forwarding": true, "any_channel": true, "email": true, "facebook": true, "foreign": true,
		"messaging": true, "microsoft": true, "phone_number": true, "sdk": true, "twitter": true,
	}
	verificationMethods = map[string]bool{
		"none": true, "low": true, "sso": true, "embed": true, "full": true,
	}
	// reservedExampleDomains are the RFC 2606 domains Zendesk marks
	// "reserved_example" and never mails.
	reservedExampleDomains = map[string]bool{
		"example.com": true, "example.net": true, "example.org": true, "example.edu": true,
	}
)

// isEmailType reports whether values of type t are email addresses (and so
// compared case-insensitively and unverified when changed).
func isEmailType(t string) bool { return t == "email" || t == "google" }

// getsVerificationEmail reports whether Zendesk emails identities of type t
// a verification link: only email addresses, whose ownership the link
// proves. A google identity is proven by signing in with Google.
func getsVerificationEmail(t string) bool { return t == "email" }

// isPhoneType reports whether values of type t are phone numbers.
func isPhoneType(t string) bool { return t == "phone_number" || t == "agent_forwarding" }

// validateType checks that identities of type t may be created; channel
// types only when allowChannel (store seeding).
func validateType(t string, allowChannel bool) *ValidationError {
	switch {
	case t == "":
		return &ValidationError{Field: "type", Code: "Blank", Description: "Type: cannot be blank"}
	case creatableTypes[t]:
		return nil
	case channelTypes[t] && allowChannel:
		return nil
	case channelTypes[t]:
		return &ValidationError{Field: "type", Code: "InvalidValue",
			Description: fmt.Sprintf("Type: %s identities cannot be created through the API", t)}
	default:
		return &ValidationError{Field: "type", Code: "InvalidValue",
			Description: fmt.Sprintf("Type: %s is not a valid identity type", t)}
	}
}

// validateValue checks a value's shape for its type. Values are stored as
// sent, so surrounding whitespace is an error rather than something to trim.
func validateValue(t, v string) *ValidationError {
	if strings.TrimSpace(v) == "" {
		return &ValidationError{Field: "value", Code: "Blank", Description: "Value: cannot be blank"}
	}
	switch {
	case isEmailType(t) && !validEmail(v):
		return invalidValue(v, "is not a valid email address")
	case isPhoneType(t) && !validPhone(v):
		return invalidValue(v, "is not a valid phone number")
	case strings.TrimSpace(v) != v:
		return invalidValue(v, "is invalid")
	}
	return nil
}

func invalidValue(v, why string) *ValidationError {
	return &ValidationError{Field: "value", Code: "InvalidValue", Description: fmt.Sprintf("Value: %s %s", v, why)}
}

// validEmail accepts local@domain.tld with no whitespace and a single @.
func validEmail(v string) bool {
	if strings.ContainsFunc(v, unicode.IsSpace) || strings.Count(v, "@") != 1 {
		return false
	}
	local, domain, _ := strings.Cut(v, "@")
	if local == "" || !strings.Contains(domain, ".") {
		return false
	}
	for label := range strings.SplitSeq(domain, ".") {
		if label == "" {
			return false
		}
	}
	return true
}

// validPhone accepts E.164-like numbers: an optional leading +, 7 to 15
// digits, and spaces, dashes and parentheses between them.
func validPhone(v string) bool {
	if strings.TrimSpace(v) != v {
		return false
	}
	digits := 0
	for i, r := range v {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '+' && i == 0:
		case r == ' ' || r == '-' || r == '(' || r == ')':
		default:
			return false
		}
	}
	return digits >= 7 && digits <= 15
}

// phonePolicy is what the account does with the phone numbers it is sent
// (Options.ValidatePhoneNumbers and Options.FormatPhoneNumbers).
type phonePolicy struct {
	validate bool
	format   bool
}

// apply returns the number as the account stores it, or why it refuses it.
// v has passed validateValue.
func (p phonePolicy) apply(t, v string) (string, *ValidationError) {
	if !isPhoneType(t) {
		return v, nil
	}
	if p.validate && !isE164(v) {
		return "", invalidValue(v, "is not a valid phone number: use the E.164 format, such as +15550100200")
	}
	if p.format {
		return formatDirectLine(v), nil
	}
	return v, nil
}

// isE164 accepts "+", a first digit other than 0, and at most 15 digits in
// all, with nothing between them.
func isE164(v string) bool {
	digits, ok := strings.CutPrefix(v, "+")
	if !ok || len(digits) < 2 || len(digits) > 15 || digits[0] == '0' {
		return false
	}
	return strings.Trim(digits, "0123456789") == ""
}

// formatDirectLine strips what separates the digits and, from a 10-digit
// number without a country code, makes a North American one: "(555)
// 010-0200" becomes "+15550100200".
func formatDirectLine(v string) string {
	digits := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, v)
	switch {
	case strings.HasPrefix(v, "+"):
		return "+" + digits
	case len(digits) == 10:
		return "+1" + digits
	}
	return digits
}

// valueKey identifies a value account-wide: Zendesk refuses a second identity
// with the same type and value, on any user.
type valueKey struct{ typ, value string }

func keyOf(t, v string) valueKey {
	if isEmailType(t) {
		v = strings.ToLower(v)
	}
	return valueKey{typ: t, value: v}
}

func duplicateValue(v string) *ValidationError {
	// Zendesk says "another user" even when the same user holds the value.
	return &ValidationError{Field: "value", Code: "DuplicateValue",
		Description: fmt.Sprintf("Value: %s is already being used by another user", v)}
}

// deliverableState is what Zendesk reports for a new email address: the
// reserved example domains are never mailed.
func deliverableState(t, v string) string {
	if t != "email" {
		return ""
	}
	_, domain, _ := strings.Cut(v, "@")
	if reservedExampleDomains[strings.ToLower(domain)] {
		return "reserved_example"
	}
	return "deliverable"
}
