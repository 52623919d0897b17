package zendesk

import (
	"slices"
	"strings"
	"sync"
)

// identityCache remembers the identities the client has read, per user, and
// the users themselves (see userCache), so that reading the same identity
// again in one run costs no request:
// Terraform's import reads what the import just found, and a refresh of
// many identities of one user needs that user's collection once. A write
// to a user forgets what was read of that user.
//
// A client lives for one Terraform operation (Terraform configures a new
// provider for each plan or apply), which bounds how old an entry can get.
type identityCache struct {
	mu    sync.Mutex
	users map[int64]*cachedUser
	// writes counts the writes to each user, so that a read that was under
	// way while a write happened is not remembered.
	writes map[int64]uint64
	// allWrites counts every write, for reads that learn which users they
	// cover only from the answer (a lookup by external id).
	allWrites uint64
	// people is the user cache kept next to the identities (see userCache).
	people userCache
}

// source says how much of a user's collection the cache holds, from the
// least to the most authoritative.
type source int

const (
	// sourceNone: nothing, or single identities: a miss says nothing.
	sourceNone source = iota
	// sourceSideload: the identities that show_many sideloaded, which may
	// be fewer than the user has (see wholeSideloads). A miss is checked
	// with a list.
	sourceSideload
	// sourceWhole: the user's whole collection, listed page by page or
	// sideloaded whole. A miss is still confirmed with a direct read before
	// the identity is declared gone.
	sourceWhole
)

type cachedUser struct {
	identities map[int64]Identity
	source     source
	// gone is the answer of a list that said the user does not exist
	// (IsNotFound): it answers every lookup of the user's identities.
	gone error
}

func newIdentityCache() *identityCache {
	return &identityCache{
		users:  map[int64]*cachedUser{},
		writes: map[int64]uint64{},
		people: userCache{byID: map[int64]*User{}, byExternalID: map[string][]User{}},
	}
}

// lookup returns the cached identity and how much of the user's collection
// the cache holds, or the error of a list that found the user gone.
func (c *identityCache) lookup(userID, identityID int64) (identity Identity, found bool, src source, gone error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	u := c.users[userID]
	if u == nil {
		return Identity{}, false, sourceNone, nil
	}
	identity, found = u.identities[identityID]
	return identity, found, u.source, u.gone
}

// whole reports whether the cache holds the user's whole collection, or
// knows the user gone (then gone is the list's error).
func (c *identityCache) whole(userID int64) (whole bool, gone error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	u := c.users[userID]
	if u == nil {
		return false, nil
	}
	return u.source == sourceWhole, u.gone
}

// version returns a token to take before reading a user, for remember.
func (c *identityCache) version(userID int64) uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.writes[userID]
}

// remember stores identities of the user read since version was taken. A
// collection (src above sourceNone) replaces what was known unless that
// came from a more authoritative source; single identities are added, or
// replace a user known gone. A read that a write overtook is dropped.
func (c *identityCache) remember(userID int64, version uint64, identities []Identity, src source) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.writes[userID] != version {
		return
	}
	u := c.users[userID]
	switch {
	case u == nil || u.gone != nil || src > sourceNone && src >= u.source:
		u = &cachedUser{identities: make(map[int64]Identity, len(identities)), source: src}
		c.users[userID] = u
	case src > sourceNone:
		return // a less authoritative collection than the one held
	}
	for _, identity := range identities {
		u.identities[identity.ID] = identity
	}
}

// rememberGone stores that a list of the user read since version answered
// err, Zendesk's word that the user does not exist: none of its identities
// does either. A read that a write overtook is dropped.
func (c *identityCache) rememberGone(userID int64, version uint64, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.writes[userID] != version {
		return
	}
	c.users[userID] = &cachedUser{identities: map[int64]Identity{}, source: sourceWhole, gone: err}
}

// forget drops what is known of the user, its identities and the user
// itself, after a write to it: a write to an identity can change the user's
// primary email and updated_at.
func (c *identityCache) forget(userID int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.users, userID)
	c.writes[userID]++
	c.allWrites++
	c.people.forget(userID)
}

// userCache remembers the users that show_many returned, by id and by
// external id, so that a user lookup is answered by the batch it joined, or
// by one that read the user for identity lookups. It lives inside
// identityCache, under its lock, so that the same writes invalidate both.
type userCache struct {
	// byID holds the users show_many returned for ids it was asked; nil for
	// an id it did not return.
	byID map[int64]*User
	// byExternalID holds, per external id show_many was asked, the users
	// that hold it: none, one, or (in an account with duplicates) several.
	byExternalID map[string][]User
}

func (p *userCache) forget(userID int64) {
	delete(p.byID, userID)
	for key, users := range p.byExternalID {
		for _, u := range users {
			if u.ID == userID {
				delete(p.byExternalID, key)
				break
			}
		}
	}
}

// lookupUser returns what is known of the user with that id: known is false
// when it was never read; user is nil when show_many did not return it.
func (c *identityCache) lookupUser(id int64) (user *User, known bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	u, known := c.people.byID[id]
	if u != nil {
		cp := *u
		u = &cp
	}
	return u, known
}

// rememberUser stores a user (nil: show_many did not return it) read since
// version was taken; a read that a write overtook is dropped.
func (c *identityCache) rememberUser(id int64, version uint64, user *User) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.writes[id] != version {
		return
	}
	if user != nil {
		cp := *user
		user = &cp
	}
	c.people.byID[id] = user
}

// epoch returns a token to take before a read that does not know which
// users it will return, for rememberExternalIDs.
func (c *identityCache) epoch() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.allWrites
}

// lookupExternalID returns the users holding the external id, and whether
// it was read.
func (c *identityCache) lookupExternalID(externalID string) (users []User, known bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	users, known = c.people.byExternalID[externalID]
	return slices.Clone(users), known
}

// rememberExternalIDs stores, for each external id asked, the users of the
// answer that hold it (compared without regard to case, as Zendesk does),
// and each user by id. It is dropped if any write happened since epoch was
// taken.
func (c *identityCache) rememberExternalIDs(epoch uint64, externalIDs []string, users []User) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.allWrites != epoch {
		return
	}
	for _, key := range externalIDs {
		holders := []User{}
		for _, u := range users {
			if u.ExternalID != nil && strings.EqualFold(*u.ExternalID, key) {
				holders = append(holders, u)
			}
		}
		c.people.byExternalID[key] = holders
	}
	for _, u := range users {
		c.people.byID[u.ID] = &u
	}
}
