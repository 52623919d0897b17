package zendesktest

import (
	"fmt"
	"net/http"
	"strings"
	"time"
)

// The JSON the fake sends. Every attribute Zendesk documents is present, with
// null where Zendesk sends null, so a client that mishandles nulls fails here
// rather than in production.

type identityJSON struct {
	ID                 int64   `json:"id"`
	URL                string  `json:"url"`
	UserID             int64   `json:"user_id"`
	Type               string  `json:"type"`
	Value              string  `json:"value"`
	Primary            bool    `json:"primary"`
	Verified           bool    `json:"verified"`
	VerificationMethod string  `json:"verification_method"`
	VerifiedAt         *string `json:"verified_at"`
	DeliverableState   *string `json:"deliverable_state"`
	UndeliverableCount int     `json:"undeliverable_count"`
	CreatedAt          string  `json:"created_at"`
	UpdatedAt          string  `json:"updated_at"`
}

type identityEnvelope struct {
	Identity identityJSON `json:"identity"`
}

type identitiesEnvelope struct {
	Identities []identityJSON `json:"identities"`
}

// userJSON is a user with the attributes every role's user object carries;
// the ones the fake does not model have Zendesk's values for a new user.
type userJSON struct {
	ID             int64    `json:"id"`
	URL            string   `json:"url"`
	Name           string   `json:"name"`
	Email          *string  `json:"email"`
	ExternalID     *string  `json:"external_id"`
	Role           string   `json:"role"`
	Active         bool     `json:"active"`
	Suspended      bool     `json:"suspended"`
	Verified       bool     `json:"verified"`
	Alias          *string  `json:"alias"`
	Phone          *string  `json:"phone"`
	OrganizationID *int64   `json:"organization_id"`
	Locale         string   `json:"locale"`
	TimeZone       string   `json:"time_zone"`
	Tags           []string `json:"tags"`
	LastLoginAt    *string  `json:"last_login_at"`
	CreatedAt      string   `json:"created_at"`
	UpdatedAt      string   `json:"updated_at"`
}

// timestamp is Zendesk's time format: RFC 3339, UTC, whole seconds.
func timestamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// baseURL is where the client reached the fake, so URLs in answers point
// back to the same host and port. The host is written in lower case, as a
// server names itself whatever case the client typed its name in.
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + strings.ToLower(r.Host)
}

func identityURL(base string, userID, identityID int64) string {
	return fmt.Sprintf("%s/api/v2/users/%d/identities/%d.json", base, userID, identityID)
}

func encodeIdentity(base string, i Identity) identityJSON {
	out := identityJSON{
		ID:                 i.ID,
		URL:                identityURL(base, i.UserID, i.ID),
		UserID:             i.UserID,
		Type:               i.Type,
		Value:              i.Value,
		Primary:            i.Primary,
		Verified:           i.Verified,
		VerificationMethod: i.VerificationMethod,
		DeliverableState:   optional(i.DeliverableState),
		UndeliverableCount: i.UndeliverableCount,
		CreatedAt:          timestamp(i.CreatedAt),
		UpdatedAt:          timestamp(i.UpdatedAt),
	}
	if i.VerifiedAt != nil {
		out.VerifiedAt = optional(timestamp(*i.VerifiedAt))
	}
	return out
}

func encodeIdentities(base string, list []Identity) []identityJSON {
	out := make([]identityJSON, 0, len(list))
	for _, i := range list {
		out = append(out, encodeIdentity(base, i))
	}
	return out
}

func encodeUser(base string, u *userRecord, email string) userJSON {
	return userJSON{
		ID:         u.id,
		URL:        fmt.Sprintf("%s/api/v2/users/%d.json", base, u.id),
		Name:       u.name,
		Email:      optional(email),
		ExternalID: optional(u.externalID),
		Role:       u.role,
		Active:     !u.deleted,
		Suspended:  u.suspended,
		Verified:   email != "",
		Locale:     "en-US",
		TimeZone:   "UTC",
		Tags:       []string{},
		CreatedAt:  timestamp(u.createdAt),
		UpdatedAt:  timestamp(u.updatedAt),
	}
}
