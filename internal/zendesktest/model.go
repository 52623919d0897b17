package zendesktest

import (
	"errors"
	"fmt"
	"time"
)

// User is a Zendesk user as the fake stores it.
type User struct {
	ID   int64
	Name string
	// Email is the value of the user's primary email identity ("" when it
	// has none).
	Email string
	// ExternalID is the id another system knows the user by ("" when none).
	ExternalID string
	// Role is end-user, agent or admin.
	Role string
	// Active is false once the user is deleted (see SoftDeleteUser).
	Active bool
	// Suspended users cannot sign in; Zendesk still shows them.
	Suspended bool

	CreatedAt time.Time
	UpdatedAt time.Time
}

// Roles a user may have.
var userRoles = map[string]bool{"end-user": true, "agent": true, "admin": true}

// UserOption sets an attribute of a user that AddUser creates.
type UserOption func(*User)

// WithExternalID gives the user the id another system knows it by.
func WithExternalID(id string) UserOption { return func(u *User) { u.ExternalID = id } }

// WithRole makes the user an end-user (the default), agent or admin.
func WithRole(role string) UserOption { return func(u *User) { u.Role = role } }

// WithSuspended suspends the user.
func WithSuspended() UserOption { return func(u *User) { u.Suspended = true } }

// Identity is a user identity as the fake stores it. Its JSON form is built
// by the fake itself (see identityJSON), never by the client under test.
type Identity struct {
	ID     int64
	UserID int64
	Type   string
	Value  string

	Primary  bool
	Verified bool
	// VerificationMethod is one of none, low, sso, embed, full.
	VerificationMethod string
	// VerifiedAt is when a full verification last completed, or nil.
	VerifiedAt *time.Time
	// DeliverableState is set for email identities only ("" otherwise).
	DeliverableState   string
	UndeliverableCount int

	CreatedAt time.Time
	UpdatedAt time.Time
}

// clone returns a copy that shares no memory with i, so callers outside the
// lock can never alias the store.
func (i *Identity) clone() Identity {
	c := *i
	if i.VerifiedAt != nil {
		at := *i.VerifiedAt
		c.VerifiedAt = &at
	}
	return c
}

// VerificationEmail is a verification email the fake sent.
type VerificationEmail struct {
	IdentityID int64
	UserID     int64
	// Address is where it went: the identity's value when it was sent.
	Address string
	Trigger EmailTrigger
}

// EmailTrigger is what made the fake send a verification email.
type EmailTrigger string

const (
	// EmailOnCreate: an unverified email identity was created through the
	// API without skip_verify_email.
	EmailOnCreate EmailTrigger = "create"
	// EmailOnRequest: request_verification on an unverified email identity.
	EmailOnRequest EmailTrigger = "request_verification"
	// EmailOnValueChange: an update gave an email identity a new,
	// unverified address (Options.VerificationEmailOnValueChange only).
	EmailOnValueChange EmailTrigger = "value_change"
)

// ErrNotFound is returned by store methods when a user or identity does not
// exist (over HTTP: 404 RecordNotFound).
var ErrNotFound = errors.New("zendesktest: record not found")

// ValidationError is a rule the store refused a change for; over HTTP it is a
// 422 RecordInvalid whose details hold one entry under Field.
type ValidationError struct {
	// Field is the attribute at fault: "value", "type",
	// "verification_method" or "base".
	Field string
	// Code is Zendesk's error code: Blank, InvalidValue, DuplicateValue,
	// PrimaryIdentity.
	Code string
	// Description is the human-readable message Zendesk sends.
	Description string
}

// Error describes the refusal with its field and code.
func (e *ValidationError) Error() string {
	return fmt.Sprintf("zendesktest: %s: %s (%s)", e.Field, e.Description, e.Code)
}
