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

type cachedUser struct {
	identities map[int64]Identity
	// complete is set when identities holds the user's whole collection.
	complete bool
}

func newIdentityCache() *identityCache {
	return &identityCache{users: map[int64]*cachedUser{}, writes: map[int64]uint64{}}
}

// lookup returns the cached identity, and whether the cache holds the
// user's whole collection (so a miss means the identity is not in it).
func (c *identityCache) lookup(userID, identityID int64) (identity Identity, found, complete bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	u := c.users[userID]
	if u == nil {
		return Identity{}, false, false
	}
	identity, found = u.identities[identityID]
	return identity, found, u.complete
}

// version returns a token to take before reading a user, for remember.
func (c *identityCache) version(userID int64) uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.writes[userID]
}

// remember stores identities of the user read since version was taken;
// complete says they are all of them. A read that a write overtook is
// dropped.
func (c *identityCache) remember(userID int64, version uint64, identities []Identity, complete bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.writes[userID] != version {
		return
	}
	u := c.users[userID]
	if u == nil || complete {
		u = &cachedUser{identities: make(map[int64]Identity, len(identities))}
		c.users[userID] = u
	}
	for _, identity := range identities {
		u.identities[identity.ID] = identity
	}
	u.complete = u.complete || complete
}

// forget drops what is known of the user, after a write to it.
func (c *identityCache) forget(userID int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.users, userID)
	c.writes[userID]++
}
