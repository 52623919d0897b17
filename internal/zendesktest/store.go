package zendesktest

import (
	"cmp"
	"slices"
	"strings"
	"time"
)

// First IDs handed out. The ranges are far apart so a test can never mistake
// a user ID for an identity ID.
const (
	firstUserID     = 1001
	firstIdentityID = 50001
)

// store holds the account's users and identities and applies Zendesk's rules
// to every change. It is not safe for concurrent use: the Server calls it with
// its lock held.
type store struct {
	now func() time.Time
	// phones is what the account does with the phone numbers it is sent.
	phones phonePolicy

	users      map[int64]*userRecord
	identities map[int64]*Identity
	// holders maps each type+value to the identity holding it, so uniqueness
	// checks stay O(1) in large (benchmark) accounts.
	holders map[valueKey]int64

	nextUserID     int64
	nextIdentityID int64

	// verificationEmails is every verification email sent, oldest first.
	verificationEmails []VerificationEmail
}

type userRecord struct {
	id         int64
	name       string
	externalID string
	role       string
	suspended  bool
	// deleted users stay, inactive and without identities (see softDeleteUser).
	deleted   bool
	createdAt time.Time
	updatedAt time.Time
	// identityIDs is kept ascending: IDs only grow and removal preserves order.
	identityIDs []int64
}

// createOptions are what distinguishes the API's create from store seeding.
type createOptions struct {
	// allowChannelTypes lets the store seed messaging, sdk, ... identities.
	allowChannelTypes bool
	// sendsVerification sends a verification email when an identity of a
	// type that gets one is created unverified (POST without
	// skip_verify_email).
	sendsVerification bool
}

// identityPatch is an update: nil fields are left alone. Update ignores
// "primary", so it has no field for it.
type identityPatch struct {
	Value              *string
	Verified           *bool
	VerificationMethod *string
	// sendsVerification sends a verification email when the update leaves
	// a new address unverified (Options.VerificationEmailOnValueChange,
	// without skip_verify_email).
	sendsVerification bool
}

func newStore(now func() time.Time) *store {
	return &store{
		now:            now,
		users:          map[int64]*userRecord{},
		identities:     map[int64]*Identity{},
		holders:        map[valueKey]int64{},
		nextUserID:     firstUserID,
		nextIdentityID: firstIdentityID,
	}
}

// clock is the time stamped on records: UTC, second precision, as Zendesk
// serializes it.
func (st *store) clock() time.Time { return st.now().UTC().Truncate(time.Second) }

// addUser creates a user from spec's name, external id, role and suspended
// flag. An external id already held by an active user is refused unless
// duplicates are allowed.
func (st *store) addUser(spec User, allowDuplicateExternalIDs bool) (*userRecord, error) {
	if spec.Role == "" {
		spec.Role = "end-user"
	}
	if !userRoles[spec.Role] {
		return nil, &ValidationError{Field: "role", Code: "InvalidValue",
			Description: "Role: " + spec.Role + " is not included in the list"}
	}
	if spec.ExternalID != "" && !allowDuplicateExternalIDs && len(st.usersByExternalID(spec.ExternalID, false)) > 0 {
		return nil, &ValidationError{Field: "external_id", Code: "DuplicateValue",
			Description: "External: " + spec.ExternalID + " has already been taken"}
	}
	now := st.clock()
	u := &userRecord{id: st.nextUserID, name: spec.Name, externalID: spec.ExternalID, role: spec.Role,
		suspended: spec.Suspended, createdAt: now, updatedAt: now}
	st.nextUserID++
	st.users[u.id] = u
	return u, nil
}

// liveUser returns a user that is not deleted: the identity endpoints know
// no other.
func (st *store) liveUser(userID int64) (*userRecord, bool) {
	u, ok := st.users[userID]
	return u, ok && !u.deleted
}

// usersByExternalID returns the users whose external id is id, compared
// without regard to case as Zendesk does, ordered by ID; deleted users only
// with includeDeleted.
func (st *store) usersByExternalID(id string, includeDeleted bool) []*userRecord {
	var out []*userRecord
	for _, u := range st.users {
		if u.externalID != "" && strings.EqualFold(u.externalID, id) && (includeDeleted || !u.deleted) {
			out = append(out, u)
		}
	}
	slices.SortFunc(out, func(a, b *userRecord) int { return cmp.Compare(a.id, b.id) })
	return out
}

// removeIdentities deletes every identity of the user, which frees their
// values.
func (st *store) removeIdentities(u *userRecord) {
	for _, id := range u.identityIDs {
		ident := st.identities[id]
		delete(st.holders, keyOf(ident.Type, ident.Value))
		delete(st.identities, id)
	}
	u.identityIDs = nil
}

// deleteUser removes a user and its identities for good, as Zendesk's
// permanent deletion does.
func (st *store) deleteUser(userID int64) {
	if u, ok := st.users[userID]; ok {
		st.removeIdentities(u)
		delete(st.users, userID)
	}
}

// softDeleteUser deletes a user as Zendesk's Delete User does: the user
// stays, inactive, with its name. Its identities are removed, so their
// values can be used again (a guess: Zendesk lets a new user sign up with a
// deleted user's address, and the docs say deletion removes the user's
// associated records). It keeps its external id unless clearExternalID (a
// guess either way: the docs do not say).
func (st *store) softDeleteUser(userID int64, clearExternalID bool) {
	u, ok := st.users[userID]
	if !ok || u.deleted {
		return
	}
	st.removeIdentities(u)
	u.deleted = true
	if clearExternalID {
		u.externalID = ""
	}
	u.updatedAt = st.clock()
}

// userEmail is a user's primary email address, as Zendesk shows it on the
// user.
func (st *store) userEmail(u *userRecord) string {
	for _, id := range u.identityIDs {
		if ident := st.identities[id]; ident.Type == "email" && ident.Primary {
			return ident.Value
		}
	}
	return ""
}

func (st *store) userOf(u *userRecord) User {
	return User{ID: u.id, Name: u.name, Email: st.userEmail(u), ExternalID: u.externalID, Role: u.role,
		Active: !u.deleted, Suspended: u.suspended, CreatedAt: u.createdAt, UpdatedAt: u.updatedAt}
}

// identitiesOf returns copies of a user's identities, ordered by ID.
func (st *store) identitiesOf(userID int64) ([]Identity, error) {
	u, ok := st.liveUser(userID)
	if !ok {
		return nil, ErrNotFound
	}
	out := make([]Identity, 0, len(u.identityIDs))
	for _, id := range u.identityIDs {
		out = append(out, st.identities[id].clone())
	}
	return out, nil
}

// lookup finds an identity through its user, as the API's nested paths do:
// an identity of another user is as unknown as a missing one. A deleted
// user's paths answer 404 (a guess: its identities are gone).
func (st *store) lookup(userID, identityID int64) (*Identity, error) {
	if _, ok := st.liveUser(userID); !ok {
		return nil, ErrNotFound
	}
	ident, ok := st.identities[identityID]
	if !ok || ident.UserID != userID {
		return nil, ErrNotFound
	}
	return ident, nil
}

// identity returns a copy of one of the user's identities.
func (st *store) identity(userID, identityID int64) (Identity, error) {
	ident, err := st.lookup(userID, identityID)
	if err != nil {
		return Identity{}, err
	}
	return ident.clone(), nil
}

// primaryOf returns the user's primary identity of type t, if any.
func (st *store) primaryOf(u *userRecord, t string) *Identity {
	for _, id := range u.identityIDs {
		if ident := st.identities[id]; ident.Type == t && ident.Primary {
			return ident
		}
	}
	return nil
}

// checkUnique refuses a value held by any identity other than self.
func (st *store) checkUnique(t, v string, self int64) *ValidationError {
	if holder, ok := st.holders[keyOf(t, v)]; ok && holder != self {
		return duplicateValue(v)
	}
	return nil
}

// createIdentity adds an identity following POST's rules. spec carries the
// wanted type, value and flags; IDs and timestamps are filled in (timestamps
// only when spec leaves them zero).
func (st *store) createIdentity(spec Identity, opts createOptions) (Identity, error) {
	u, ok := st.liveUser(spec.UserID)
	if !ok {
		return Identity{}, ErrNotFound
	}
	if err := validateType(spec.Type, opts.allowChannelTypes); err != nil {
		return Identity{}, err
	}
	if err := validateValue(spec.Type, spec.Value); err != nil {
		return Identity{}, err
	}
	value, refused := st.phones.apply(spec.Type, spec.Value)
	if refused != nil {
		return Identity{}, refused
	}
	spec.Value = value
	if err := st.checkUnique(spec.Type, spec.Value, 0); err != nil {
		return Identity{}, err
	}
	if spec.VerificationMethod != "" && !verificationMethods[spec.VerificationMethod] {
		return Identity{}, invalidVerificationMethod(spec.VerificationMethod)
	}

	now := st.clock()
	ident := spec.clone()
	ident.ID = st.nextIdentityID
	st.nextIdentityID++
	if ident.CreatedAt.IsZero() {
		ident.CreatedAt = now
	}
	ident.CreatedAt = ident.CreatedAt.UTC().Truncate(time.Second)
	if ident.UpdatedAt.IsZero() {
		ident.UpdatedAt = ident.CreatedAt
	}
	ident.UpdatedAt = ident.UpdatedAt.UTC().Truncate(time.Second)

	// verification_method is the precise state; verified follows from it.
	switch {
	case ident.VerificationMethod != "":
		ident.Verified = ident.VerificationMethod != "none"
	case ident.Verified:
		ident.VerificationMethod = "low"
	default:
		ident.VerificationMethod = "none"
	}
	if !ident.Verified {
		ident.VerifiedAt = nil
	}
	if ident.Type == "email" {
		if ident.DeliverableState == "" {
			ident.DeliverableState = deliverableState(ident.Type, ident.Value)
		}
	} else {
		ident.DeliverableState = ""
	}

	// Primary is per type: the first identity of a type always is; a later
	// one only when asked, which demotes the previous primary.
	switch previous := st.primaryOf(u, ident.Type); {
	case previous == nil:
		ident.Primary = true
	case ident.Primary:
		previous.Primary = false
		previous.UpdatedAt = now
	}

	st.identities[ident.ID] = &ident
	st.holders[keyOf(ident.Type, ident.Value)] = ident.ID
	u.identityIDs = append(u.identityIDs, ident.ID)
	if opts.sendsVerification && !ident.Verified {
		st.sendVerificationEmail(&ident, EmailOnCreate)
	}
	return ident.clone(), nil
}

func invalidVerificationMethod(m string) *ValidationError {
	return &ValidationError{Field: "verification_method", Code: "InvalidValue",
		Description: "Verification method: " + m + " is not included in the list"}
}

// updateIdentity applies an update. Every check runs before anything
// changes, so a refused update leaves the identity as it was.
func (st *store) updateIdentity(userID, identityID int64, p identityPatch) (Identity, error) {
	ident, err := st.lookup(userID, identityID)
	if err != nil {
		return Identity{}, err
	}
	value := ident.Value
	if p.Value != nil && *p.Value != ident.Value {
		if err := validateValue(ident.Type, *p.Value); err != nil {
			return Identity{}, err
		}
		var refused *ValidationError
		if value, refused = st.phones.apply(ident.Type, *p.Value); refused != nil {
			return Identity{}, refused
		}
	}
	valueChanges := value != ident.Value
	if valueChanges {
		if err := st.checkUnique(ident.Type, value, ident.ID); err != nil {
			return Identity{}, err
		}
	}
	if p.VerificationMethod != nil && !verificationMethods[*p.VerificationMethod] {
		return Identity{}, invalidVerificationMethod(*p.VerificationMethod)
	}

	now := st.clock()
	before := ident.clone()
	if valueChanges {
		delete(st.holders, keyOf(ident.Type, ident.Value))
		ident.Value = value
		st.holders[keyOf(ident.Type, ident.Value)] = ident.ID
		ident.DeliverableState = deliverableState(ident.Type, ident.Value)
		ident.UndeliverableCount = 0
		// A new address has not been proven; the same request may still
		// verify it below.
		if isEmailType(ident.Type) {
			unverify(ident)
		}
	}
	if p.Verified != nil {
		if *p.Verified {
			verifyLow(ident)
		} else {
			unverify(ident)
		}
	}
	// verification_method is the newer, more precise attribute, so it wins
	// over "verified" when a request sends both.
	if p.VerificationMethod != nil {
		switch m := *p.VerificationMethod; m {
		case "none":
			unverify(ident)
		case "full":
			ident.Verified, ident.VerificationMethod, ident.VerifiedAt = true, m, &now
		default:
			ident.Verified, ident.VerificationMethod = true, m
		}
	}
	if !sameState(&before, ident) {
		ident.UpdatedAt = now
	}
	if valueChanges && p.sendsVerification && !ident.Verified {
		st.sendVerificationEmail(ident, EmailOnValueChange)
	}
	return ident.clone(), nil
}

func unverify(ident *Identity) {
	ident.Verified, ident.VerificationMethod, ident.VerifiedAt = false, "none", nil
}

// verifyLow marks an identity verified by an agent's say-so; an identity
// already verified keeps its (possibly stronger) method.
func verifyLow(ident *Identity) {
	if !ident.Verified {
		ident.Verified, ident.VerificationMethod = true, "low"
	}
}

// sameState compares what an update can change.
func sameState(a, b *Identity) bool {
	return a.Value == b.Value && a.Verified == b.Verified &&
		a.VerificationMethod == b.VerificationMethod &&
		((a.VerifiedAt == nil) == (b.VerifiedAt == nil)) &&
		(a.VerifiedAt == nil || a.VerifiedAt.Equal(*b.VerifiedAt))
}

// deleteIdentity removes an identity. Deleting a primary promotes the oldest
// remaining identity of its type, unless refusePrimary, in which case it is
// refused while such an identity exists.
func (st *store) deleteIdentity(userID, identityID int64, refusePrimary bool) error {
	ident, err := st.lookup(userID, identityID)
	if err != nil {
		return err
	}
	u := st.users[userID]
	successor := st.oldestOther(u, ident)
	if ident.Primary && refusePrimary && successor != nil {
		return &ValidationError{Field: "base", Code: "PrimaryIdentity",
			Description: "Cannot delete the primary identity. Make another identity primary first."}
	}
	delete(st.holders, keyOf(ident.Type, ident.Value))
	delete(st.identities, ident.ID)
	u.identityIDs = slices.DeleteFunc(u.identityIDs, func(id int64) bool { return id == ident.ID })
	if ident.Primary && successor != nil {
		successor.Primary = true
		successor.UpdatedAt = st.clock()
	}
	return nil
}

// oldestOther is the user's lowest-ID identity of ident's type other than
// ident itself.
func (st *store) oldestOther(u *userRecord, ident *Identity) *Identity {
	for _, id := range u.identityIDs {
		if other := st.identities[id]; id != ident.ID && other.Type == ident.Type {
			return other
		}
	}
	return nil
}

// makePrimary moves the primary flag of the identity's type to it and
// returns the user's whole collection, as the endpoint does.
func (st *store) makePrimary(userID, identityID int64) ([]Identity, error) {
	ident, err := st.lookup(userID, identityID)
	if err != nil {
		return nil, err
	}
	if !ident.Primary {
		now := st.clock()
		if previous := st.primaryOf(st.users[userID], ident.Type); previous != nil {
			previous.Primary = false
			previous.UpdatedAt = now
		}
		ident.Primary = true
		ident.UpdatedAt = now
	}
	return st.identitiesOf(userID)
}

// verifyIdentity records a completed full verification.
func (st *store) verifyIdentity(userID, identityID int64) (Identity, error) {
	ident, err := st.lookup(userID, identityID)
	if err != nil {
		return Identity{}, err
	}
	now := st.clock()
	ident.Verified, ident.VerificationMethod, ident.VerifiedAt = true, "full", &now
	ident.UpdatedAt = now
	return ident.clone(), nil
}

// requestVerification sends a verification email, which only happens for an
// identity that is not verified yet.
func (st *store) requestVerification(userID, identityID int64) error {
	ident, err := st.lookup(userID, identityID)
	if err != nil {
		return err
	}
	if !ident.Verified {
		st.sendVerificationEmail(ident, EmailOnRequest)
	}
	return nil
}

// sendVerificationEmail records an email to the identity's address. Only
// email addresses get one: the link proves ownership of the address, and
// other types have no address to send it to.
func (st *store) sendVerificationEmail(ident *Identity, trigger EmailTrigger) {
	if !getsVerificationEmail(ident.Type) {
		return
	}
	st.verificationEmails = append(st.verificationEmails, VerificationEmail{
		IdentityID: ident.ID, UserID: ident.UserID, Address: ident.Value, Trigger: trigger,
	})
}
