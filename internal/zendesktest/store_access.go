package zendesktest

import (
	"fmt"
	"slices"
	"sort"
)

// The methods in this file reach the store directly, for test setup, drift
// and CheckDestroy. They bypass HTTP, authentication, faults, the rate limit
// and the request log, but apply the same rules as the API.

// AddUser creates a user, an end-user unless an option says otherwise. A
// non-empty email also creates the user's primary, verified email identity,
// as Zendesk does when a user is created with an email. It panics if that
// email is invalid or already taken, or an option is refused (an unknown
// role, an external id another active user holds while
// Options.AllowDuplicateExternalIDs is off), since that is a mistake in the
// test's own setup.
func (s *Server) AddUser(name, email string, opts ...UserOption) User {
	spec := User{Name: name}
	for _, opt := range opts {
		opt(&spec)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	u, err := s.store.addUser(spec, s.opts.AllowDuplicateExternalIDs)
	if err != nil {
		panic(fmt.Sprintf("zendesktest: AddUser(%q, %q): %v", name, email, err))
	}
	if email != "" {
		now := s.store.clock()
		_, err := s.store.createIdentity(Identity{
			UserID: u.id, Type: "email", Value: email,
			Primary: true, Verified: true, VerificationMethod: "full", VerifiedAt: &now,
		}, createOptions{})
		if err != nil {
			s.store.deleteUser(u.id)
			panic(fmt.Sprintf("zendesktest: AddUser(%q, %q): %v", name, email, err))
		}
	}
	return s.store.userOf(u)
}

// DeleteUser removes a user and its identities for good, as Zendesk's
// permanent deletion does: afterwards every path under the user answers 404
// and show_many never returns it. Unknown IDs are ignored.
func (s *Server) DeleteUser(userID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.store.deleteUser(userID)
}

// SoftDeleteUser deletes a user as Zendesk's Delete User does: the user
// stays, with Active false, its name, its external id (unless
// Options.DeletionClearsExternalID) and no identities (their values become
// free). show_many returns it only with
// include_deleted=true, GET /users/{id} shows it, search does not find it,
// and the paths of its identities answer 404. Unknown IDs are ignored.
func (s *Server) SoftDeleteUser(userID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.store.softDeleteUser(userID, s.opts.DeletionClearsExternalID)
}

// User returns a user as it is now (its Email follows its primary email
// identity), deleted or not.
func (s *Server) User(userID int64) (User, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.store.users[userID]
	if !ok {
		return User{}, false
	}
	return s.store.userOf(u), true
}

// Users returns every user, deleted ones included, ordered by ID.
func (s *Server) Users() []User {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]User, 0, len(s.store.users))
	for _, u := range s.store.users {
		out = append(out, s.store.userOf(u))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// AddIdentity creates an identity with the same rules as POST (validation,
// uniqueness, primary per type) but may also create channel types such as
// messaging, any_channel or sdk. It fills ID and, when zero, the timestamps.
// VerificationMethod, when set, decides Verified; otherwise Verified true
// means "low". The error is ErrNotFound or a *ValidationError.
func (s *Server) AddIdentity(id Identity) (Identity, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.store.createIdentity(id, createOptions{allowChannelTypes: true})
}

// Identity returns one identity by ID.
func (s *Server) Identity(id int64) (Identity, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ident, ok := s.store.identities[id]
	if !ok {
		return Identity{}, false
	}
	return ident.clone(), true
}

// Identities returns a user's identities ordered by ID (nil for an unknown
// user).
func (s *Server) Identities(userID int64) []Identity {
	s.mu.Lock()
	defer s.mu.Unlock()
	out, _ := s.store.identitiesOf(userID)
	return out
}

// AllIdentities returns every identity of the account, ordered by ID.
func (s *Server) AllIdentities() []Identity {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Identity, 0, len(s.store.identities))
	for _, ident := range s.store.identities {
		out = append(out, ident.clone())
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// SetIdentityValue changes an identity's value as if someone edited it
// outside Terraform, with the rules of an update: the value is validated and
// must be unique, and an email address that changes becomes unverified.
func (s *Server) SetIdentityValue(id int64, value string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	ident, ok := s.store.identities[id]
	if !ok {
		return ErrNotFound
	}
	_, err := s.store.updateIdentity(ident.UserID, id, identityPatch{Value: &value})
	return err
}

// RemoveIdentity deletes an identity as if someone did so outside Terraform.
// A primary identity is replaced by the oldest remaining one of its type.
// Unknown IDs are ignored.
func (s *Server) RemoveIdentity(id int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ident, ok := s.store.identities[id]; ok {
		_ = s.store.deleteIdentity(ident.UserID, id, false)
	}
}

// SetPrimary makes an identity the primary one of its type, as make_primary
// does.
func (s *Server) SetPrimary(id int64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	ident, ok := s.store.identities[id]
	if !ok {
		return ErrNotFound
	}
	_, err := s.store.makePrimary(ident.UserID, id)
	return err
}

// SetVerified verifies (with method "full") or unverifies an identity, as if
// its owner completed, or an agent revoked, verification outside Terraform.
func (s *Server) SetVerified(id int64, verified bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	ident, ok := s.store.identities[id]
	if !ok {
		return ErrNotFound
	}
	if verified {
		_, err := s.store.verifyIdentity(ident.UserID, id)
		return err
	}
	_, err := s.store.updateIdentity(ident.UserID, id, identityPatch{Verified: new(false)})
	return err
}

// VerificationEmails is how many verification emails the identity was sent:
// by request_verification while unverified, or on creation of an unverified
// email identity without skip_verify_email. Only email identities get them.
// ResetRequests does not clear it.
func (s *Server) VerificationEmails(identityID int64) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, e := range s.store.verificationEmails {
		if e.IdentityID == identityID {
			n++
		}
	}
	return n
}

// SentVerificationEmails returns every verification email the fake sent,
// oldest first, with the address each went to. ResetRequests does not clear
// it.
func (s *Server) SentVerificationEmails() []VerificationEmail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.store.verificationEmails)
}
