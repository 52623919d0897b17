package zendesk

import (
	"context"
	"errors"
	"iter"
	"slices"
	"sync"
)

const (
	// sideloadSuspectSize is how many sideloaded identities make a user's
	// sideload suspect. Zendesk documents no cap on the identities that
	// show_many sideloads; a cap, if there is one, cuts the users with the
	// most identities. Users with this many are rare, so listing them costs
	// little, and any cap at or above this size is caught.
	sideloadSuspectSize = 20
	// listConcurrency bounds the users listed at once when their sideload
	// cannot be trusted. The pacer spreads them over the rate limit.
	listConcurrency = 4
)

// UserIdentities is every identity of one user.
type UserIdentities struct {
	UserID     int64
	Identities []Identity
}

// UsersIdentities reads every identity of each user, with the reads and
// fallbacks of a refresh: one show_many request with the identities
// sideloaded per 100 users, and a listing of the users whose sideload may be
// short (none sideloaded, which is also how an unknown user looks, or as
// many as sideloadSuspectSize), or of every user once Zendesk is known not
// to sideload identities or when show_many fails.
//
// Users come in the order given, duplicates once. A batch is read when the
// iteration reaches it, so a caller that stops early spares the rest. A user
// Zendesk does not know yields an error for which IsNotFound is true, and
// the iteration goes on; any other error is the last value yielded.
func (c *Client) UsersIdentities(ctx context.Context, userIDs []int64) iter.Seq2[UserIdentities, error] {
	return func(yield func(UserIdentities, error) bool) {
		users := uniqueIDs(userIDs)
		for batch := range slices.Chunk(users, showManyLimit) {
			results, errs := c.readUsers(ctx, batch)
			for i, userID := range batch {
				if !yield(UserIdentities{UserID: userID, Identities: results[i]}, errs[i]) {
					return
				}
				if errs[i] != nil && !IsNotFound(errs[i]) {
					return
				}
			}
		}
	}
}

// readUsers reads the identities of up to 100 users: results[i] and errs[i]
// answer users[i].
func (c *Client) readUsers(ctx context.Context, users []int64) (results [][]Identity, errs []error) {
	results, errs = make([][]Identity, len(users)), make([]error, len(users))
	toList := make([]int, 0, len(users))
	byUser, sideloaded := c.sideloadUsers(ctx, users)
	for i, userID := range users {
		identities := byUser[userID]
		if !sideloaded || len(identities) == 0 || len(identities) >= sideloadSuspectSize {
			toList = append(toList, i)
			continue
		}
		results[i] = identities
	}
	if ctx.Err() != nil {
		for i := range errs {
			errs[i] = ctx.Err()
		}
		return results, errs
	}

	// The first failure other than an unknown user stops the lists not yet
	// sent: the caller stops at it anyway.
	listCtx, stop := context.WithCancelCause(ctx)
	defer stop(nil)
	var wg sync.WaitGroup
	slots := make(chan struct{}, listConcurrency)
	for _, i := range toList {
		wg.Go(func() {
			slots <- struct{}{}
			defer func() { <-slots }()
			if listCtx.Err() != nil {
				errs[i] = listCtx.Err()
				return
			}
			results[i], errs[i] = c.ListIdentities(listCtx, users[i])
			if errs[i] != nil && !IsNotFound(errs[i]) {
				stop(errs[i])
			}
		})
	}
	wg.Wait()
	if failure := context.Cause(listCtx); failure != nil && ctx.Err() == nil {
		for _, i := range toList {
			if errs[i] != nil && !IsNotFound(errs[i]) {
				errs[i] = failure
			}
		}
	}
	return results, errs
}

// sideloadUsers reads the users' identities with one show_many request,
// remembered as a refresh's batch is. sideloaded is false when Zendesk did
// not sideload them (now or earlier in the run) or show_many failed: the
// users are listed then.
func (c *Client) sideloadUsers(ctx context.Context, users []int64) (byUser map[int64][]Identity, sideloaded bool) {
	r := c.reader
	r.mu.Lock()
	noSideload := r.noSideload
	r.mu.Unlock()
	if noSideload {
		return nil, false
	}
	byUser, err := r.sideload(ctx, users)
	if err != nil {
		if !errors.Is(err, errNoSideload) {
			c.log.Debug(ctx, "Zendesk show_many failed; listing its users one by one", map[string]any{"users": len(users), "error": err.Error()})
		}
		return nil, false
	}
	return byUser, true
}

// uniqueIDs returns ids without repeats, in their first order.
func uniqueIDs(ids []int64) []int64 {
	seen := make(map[int64]bool, len(ids))
	out := make([]int64, 0, len(ids))
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}
