package zendesk

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

const (
	// showManyLimit is how many users one show_many request accepts.
	showManyLimit = 100
	// lookupRounds bounds how often a lookup reloads a user whose cache
	// entry a concurrent write keeps dropping, before it reads directly.
	lookupRounds = 3
)

// errNoSideload tells the readers of a batch that Zendesk left the
// identities out of show_many, so they load their users by listing.
var errNoSideload = errors.New("show_many answered without an identities sideload")

// reader answers identity and user lookups from as few requests as Zendesk
// allows. Lookups that arrive together are answered by one show_many
// request that sideloads the identities of up to 100 users (see batcher):
// the same request serves the identity lookups of those users and the user
// lookups by id. A user's list is read only when an identity is missing
// from a sideload that may be cut (see wholeSideloads), or when show_many
// fails; an identity missing from a whole collection is read directly
// before it is reported gone, and a list that says the user is gone
// answers every lookup of its identities. User lookups by external id
// gather in a batcher of their own, since show_many takes ids or external
// ids, not both.
type reader struct {
	c     *Client
	gauge *gauge
	users *batcher[int64]
	// externalIDs batches user lookups by external id (see user_lookup.go).
	externalIDs *batcher[string]

	mu sync.Mutex
	// listing holds a flight per user whose collection is being listed.
	listing map[int64]*flight
	// noSideload is set once Zendesk answers show_many without identities:
	// users are listed one by one for the rest of the run.
	noSideload bool
	// mostSideloaded is the most identities show_many has sideloaded for
	// one user in this run (see wholeSideloads).
	mostSideloaded int
}

func newReader(c *Client, window time.Duration) *reader {
	r := &reader{c: c, gauge: newGauge(c.clock), listing: map[int64]*flight{}}
	r.users = newBatcher(r.gauge, window, showManyLimit, r.showMany)
	r.externalIDs = newBatcher(r.gauge, window, showManyLimit, r.showManyByExternalID)
	return r
}

// LookupIdentity returns the user's identity with that id. It reads through
// the cache and the batching reader, so a refresh of many identities costs
// about one request per batch of concurrent reads, not one per identity.
func (c *Client) LookupIdentity(ctx context.Context, userID, identityID int64) (*Identity, error) {
	defer c.reader.gauge.enter()()
	for round := 0; round < lookupRounds; round++ {
		identity, found, src, gone := c.cache.lookup(userID, identityID)
		switch {
		case found:
			return &identity, nil
		case gone != nil:
			return nil, gone
		case src == sourceWhole:
			// Missing from the whole collection: confirm before declaring it gone.
			return c.GetIdentity(ctx, userID, identityID)
		}
		var err error
		if src == sourceNone {
			err = c.reader.loadBatched(ctx, userID)
		} else {
			err = c.reader.loadList(ctx, userID)
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if IsNotFound(err) {
			// The user's list answered that the user is gone: so is every
			// identity of it.
			return nil, err
		}
		if err != nil {
			// The list failed: the direct read gives this identity its own
			// answer.
			c.log.Debug(ctx, "Zendesk list read failed; reading the identity directly", map[string]any{"user_id": userID, "error": err.Error()})
			return c.GetIdentity(ctx, userID, identityID)
		}
	}
	return c.GetIdentity(ctx, userID, identityID)
}

// loadBatched reads the user's identities through the next show_many
// batch. When that cannot serve them (Zendesk does not sideload identities,
// or show_many failed), it lists the user instead: one list per user,
// shared by the lookups of all its identities, not a read per identity.
func (r *reader) loadBatched(ctx context.Context, userID int64) error {
	r.mu.Lock()
	noSideload := r.noSideload
	r.mu.Unlock()
	if !noSideload {
		err := r.users.get(ctx, userID)
		if err == nil || ctx.Err() != nil {
			return err
		}
		if !errors.Is(err, errNoSideload) {
			r.c.log.Debug(ctx, "Zendesk show_many failed; listing the user's identities", map[string]any{"user_id": userID, "error": err.Error()})
		}
	}
	return r.loadList(ctx, userID)
}

// showMany loads a batch of users with one show_many request and remembers
// the users, for user lookups, and their identities, for identity lookups.
func (r *reader) showMany(ctx context.Context, userIDs []int64) error {
	_, _, err := r.sideload(ctx, userIDs)
	return err
}

// sideload is showMany, which also returns the identities by user (see
// showManyByID) and which users have all theirs in it (see wholeSideloads).
func (r *reader) sideload(ctx context.Context, userIDs []int64) (byUser map[int64][]Identity, whole map[int64]bool, err error) {
	versions := make([]uint64, len(userIDs))
	for i, userID := range userIDs {
		versions[i] = r.c.cache.version(userID)
	}
	users, byUser, err := r.c.showManyByID(ctx, userIDs)
	if err != nil {
		return nil, nil, err
	}
	returned := make(map[int64]*User, len(users))
	for i := range users {
		returned[users[i].ID] = &users[i]
	}
	for i, userID := range userIDs {
		r.c.cache.rememberUser(userID, versions[i], returned[userID])
	}
	if byUser == nil {
		r.mu.Lock()
		r.noSideload = true
		r.mu.Unlock()
		r.c.log.Debug(ctx, "Zendesk show_many does not sideload identities; listing users one by one", nil)
		return nil, nil, errNoSideload
	}
	whole = r.wholeSideloads(byUser)
	for i, userID := range userIDs {
		src := sourceSideload
		if whole[userID] {
			src = sourceWhole
		}
		r.c.cache.remember(userID, versions[i], byUser[userID], src)
	}
	return byUser, whole, nil
}

// loadList reads the user's whole collection, once for all the lookups
// that need it at the same time: a lookup that comes after the list
// answered finds the answer in the cache (the collection, or the user gone)
// and sends nothing.
func (r *reader) loadList(ctx context.Context, userID int64) error {
	r.mu.Lock()
	f, ok := r.listing[userID]
	if !ok {
		// A list remembers its answer before it leaves r.listing.
		if whole, gone := r.c.cache.whole(userID); whole {
			r.mu.Unlock()
			return gone
		}
		f = &flight{done: make(chan struct{})}
		r.listing[userID] = f
		go func(ctx context.Context) {
			_, err := r.c.ListIdentities(ctx, userID)
			r.mu.Lock()
			delete(r.listing, userID)
			r.mu.Unlock()
			f.finish(err)
		}(context.WithoutCancel(ctx))
	}
	r.mu.Unlock()
	return f.wait(ctx)
}

// showManyByID reads users with their identities sideloaded, and returns
// the users and the identities by user; every user asked for has an entry,
// empty for a user Zendesk does not know. The identities are nil when
// Zendesk sent no identities sideload.
//
// It asks for deleted users too (include_deleted), so that a user lookup
// reports a deleted user (active false) instead of not finding it. That
// changes nothing for identity lookups: a deleted user has no identities,
// and any that Zendesk would sideload for one are left out, so the
// identity's own read decides whether it still exists, as for a user that
// show_many leaves out.
func (c *Client) showManyByID(ctx context.Context, userIDs []int64) ([]User, map[int64][]Identity, error) {
	ids := make([]string, len(userIDs))
	for i, id := range userIDs {
		ids[i] = strconv.FormatInt(id, 10)
	}
	query := url.Values{"ids": {strings.Join(ids, ",")}, "include": {"identities"}, "include_deleted": {"true"}}
	var out struct {
		Users      []User      `json:"users"`
		Identities *[]Identity `json:"identities"`
	}
	if err := c.do(ctx, call{method: http.MethodGet, path: "/api/v2/users/show_many", query: query}, &out); err != nil {
		return nil, nil, err
	}
	if out.Identities == nil {
		return out.Users, nil, nil
	}
	deleted := map[int64]bool{}
	for _, u := range out.Users {
		deleted[u.ID] = !u.Active
	}
	byUser := make(map[int64][]Identity, len(userIDs))
	for _, id := range userIDs {
		byUser[id] = nil
	}
	for _, identity := range *out.Identities {
		if _, asked := byUser[identity.UserID]; asked && !deleted[identity.UserID] {
			byUser[identity.UserID] = append(byUser[identity.UserID], identity)
		}
	}
	return out.Users, byUser, nil
}
