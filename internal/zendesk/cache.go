package zendesk

import "sync"

// identityCache remembers the identities the client has read, per user, so
// that reading the same identity again in one run costs no request:
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
}

// source says how much of a user's collection the cache holds, from the
// least to the most authoritative.
type source int

const (
	// sourceNone: nothing, or single identities: a miss says nothing.
	sourceNone source = iota
	// sourceSideload: the identities that show_many sideloaded. A miss is
	// checked with a list, since a sideload may carry fewer identities than
	// the user has.
	sourceSideload
	// sourceList: the user's whole collection, listed page by page. A miss
	// is still confirmed with a direct read before the identity is
	// declared gone.
	sourceList
)

type cachedUser struct {
	identities map[int64]Identity
	source     source
}

func newIdentityCache() *identityCache {
	return &identityCache{users: map[int64]*cachedUser{}, writes: map[int64]uint64{}}
}

// lookup returns the cached identity and how much of the user's collection
// the cache holds.
func (c *identityCache) lookup(userID, identityID int64) (identity Identity, found bool, src source) {
	c.mu.Lock()
	defer c.mu.Unlock()
	u := c.users[userID]
	if u == nil {
		return Identity{}, false, sourceNone
	}
	identity, found = u.identities[identityID]
	return identity, found, u.source
}

// version returns a token to take before reading a user, for remember.
func (c *identityCache) version(userID int64) uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.writes[userID]
}

// remember stores identities of the user read since version was taken. A
// collection (src above sourceNone) replaces what was known unless that
// came from a more authoritative source; single identities are added. A
// read that a write overtook is dropped.
func (c *identityCache) remember(userID int64, version uint64, identities []Identity, src source) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.writes[userID] != version {
		return
	}
	u := c.users[userID]
	switch {
	case u == nil || src > sourceNone && src >= u.source:
		u = &cachedUser{identities: make(map[int64]Identity, len(identities)), source: src}
		c.users[userID] = u
	case src > sourceNone:
		return // a less authoritative collection than the one held
	}
	for _, identity := range identities {
		u.identities[identity.ID] = identity
	}
}

// forget drops what is known of the user, after a write to it.
func (c *identityCache) forget(userID int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.users, userID)
	c.writes[userID]++
}
