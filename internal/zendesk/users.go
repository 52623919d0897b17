package zendesk

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// User is a Zendesk user, with the attributes the provider reports. Fields
// Zendesk may send as null or leave out are pointers; unknown fields are
// ignored.
type User struct {
	ID   int64
	URL  string
	Name string
	// Email is the user's primary email address, or nil.
	Email *string
	// ExternalID is the id another system knows the user by, or nil.
	ExternalID *string
	// Role is end-user, agent or admin.
	Role string
	// Active is false once the user is deleted.
	Active bool
	// Suspended users cannot sign in.
	Suspended bool
	CreatedAt string
	UpdatedAt string
}

// UnmarshalJSON reads a user object. A user object without "active" is
// taken as active: Zendesk marks deleted users with active false.
func (u *User) UnmarshalJSON(data []byte) error {
	var wire struct {
		ID         int64   `json:"id"`
		URL        string  `json:"url"`
		Name       string  `json:"name"`
		Email      *string `json:"email"`
		ExternalID *string `json:"external_id"`
		Role       string  `json:"role"`
		Active     *bool   `json:"active"`
		Suspended  *bool   `json:"suspended"`
		CreatedAt  string  `json:"created_at"`
		UpdatedAt  string  `json:"updated_at"`
	}
	if err := json.Unmarshal(data, &wire); err != nil {
		return err
	}
	*u = User{
		ID: wire.ID, URL: wire.URL, Name: wire.Name, Email: wire.Email, ExternalID: wire.ExternalID, Role: wire.Role,
		Active:    wire.Active == nil || *wire.Active,
		Suspended: wire.Suspended != nil && *wire.Suspended,
		CreatedAt: wire.CreatedAt, UpdatedAt: wire.UpdatedAt,
	}
	return nil
}

// String names the user in messages: id, name, primary email, external id
// and state, such as `user 1001 (Ana Lima, ana@example.com, suspended)`.
func (u User) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "user %d (%s", u.ID, u.Name)
	if u.Email != nil {
		fmt.Fprintf(&b, ", %s", *u.Email)
	}
	if u.ExternalID != nil {
		fmt.Fprintf(&b, ", external_id %q", *u.ExternalID)
	}
	switch {
	case !u.Active:
		b.WriteString(", deleted")
	case u.Suspended:
		b.WriteString(", suspended")
	}
	b.WriteString(")")
	return b.String()
}

// Lookup keys: the attribute a user lookup goes by.
const (
	ByID         = "id"
	ByExternalID = "external_id"
	ByEmail      = "email"
)

// UserNotFoundError is a user lookup that found no user.
type UserNotFoundError struct {
	// By is the attribute looked up (ByID, ByExternalID or ByEmail), Value
	// the value looked for.
	By, Value string
	// Searched is set when the lookup went through Zendesk's search index,
	// which takes a while to include a new user or address.
	Searched bool
	// NearMatches are the users the search returned that hold no email
	// equal to Value.
	NearMatches []User
}

// NearMatchesShown bounds how many near matches an error names.
const NearMatchesShown = 5

func (e *UserNotFoundError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "no Zendesk user has %s %q", e.By, e.Value)
	if len(e.NearMatches) > 0 {
		fmt.Fprintf(&b, "; the search returned %d user(s) without that exact address: ", len(e.NearMatches))
		for i, u := range e.NearMatches[:min(len(e.NearMatches), NearMatchesShown)] {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(u.String())
		}
		if len(e.NearMatches) > NearMatchesShown {
			fmt.Fprintf(&b, " and %d more", len(e.NearMatches)-NearMatchesShown)
		}
	}
	if e.Searched {
		b.WriteString("; Zendesk's search index can take a few minutes to include a user or address added recently")
	}
	return b.String()
}

// AmbiguousUserError is a user lookup that found more than one user.
type AmbiguousUserError struct {
	By, Value string
	Users     []User
}

func (e *AmbiguousUserError) Error() string {
	names := make([]string, len(e.Users))
	for i, u := range e.Users {
		names[i] = u.String()
	}
	return fmt.Sprintf("%d Zendesk users have %s %q: %s", len(e.Users), e.By, e.Value, strings.Join(names, ", "))
}

// oneUser is the answer of a lookup that found users: exactly one, or the
// only active one when the others are deleted users that once held the
// value (Zendesk lets a deleted user's external id be given again).
func oneUser(by, value string, users []User) (*User, error) {
	switch len(users) {
	case 0:
		return nil, &UserNotFoundError{By: by, Value: value}
	case 1:
		return &users[0], nil
	}
	var active []User
	for _, u := range users {
		if u.Active {
			active = append(active, u)
		}
	}
	if len(active) == 1 {
		return &active[0], nil
	}
	return nil, &AmbiguousUserError{By: by, Value: value, Users: users}
}

func userPath(id int64) string {
	return "/api/v2/users/" + strconv.FormatInt(id, 10)
}

// GetUser reads one user with its own request. Zendesk shows a deleted user
// (active false) until it is deleted permanently; a user it does not know
// is a *UserNotFoundError.
func (c *Client) GetUser(ctx context.Context, id int64) (*User, error) {
	var out struct {
		User User `json:"user"`
	}
	err := c.do(ctx, call{method: http.MethodGet, path: userPath(id)}, &out)
	if IsNotFound(err) {
		return nil, &UserNotFoundError{By: ByID, Value: strconv.FormatInt(id, 10)}
	}
	if err != nil {
		return nil, err
	}
	return &out.User, nil
}
