package zendesk

import (
	"context"
	"errors"
	"iter"
	"slices"
	"sync"
)

// listConcurrency is how many users are listed at once when their
// sideload may be short: the user the iteration reached and the next ones
// of its batch that need a list. The pacer spreads them over the rate
// limit.
const listConcurrency = 4

// UserIdentities is every identity of one user.
type UserIdentities struct {
	UserID     int64
	Identities []Identity
}

// UsersIdentities reads every identity of each user, with the reads and
// fallbacks of a refresh: one show_many request with the identities
// sideloaded per 100 users, and a listing of the users whose sideload may be
// short (none sideloaded, which is also how an unknown user looks, or as
// many as a cap could have left: see wholeSideloads), or of every user once
// Zendesk is known not to sideload identities or when show_many fails.
//
// Users come in the order given, duplicates once. A batch is read when the
// iteration reaches it, and a user is listed when the iteration reaches it
// (with the next listConcurrency-1 users of its batch that need a list), so
// a caller that stops early spares the rest. A user Zendesk does not know
// yields an error for which IsNotFound is true, and the iteration goes on;
// any other error is the last value yielded.
func (c *Client) UsersIdentities(ctx context.Context, userIDs []int64) iter.Seq2[UserIdentities, error] {
	return func(yield func(UserIdentities, error) bool) {
		users := uniqueIDs(userIDs)
		for batch := range slices.Chunk(users, showManyLimit) {
			byUser, whole := c.sideloadUsers(ctx, batch)
			listed := map[int64]listAnswer{}
			for i, userID := range batch {
				identities, err := byUser[userID], ctx.Err()
				if err == nil && !whole[userID] {
					if _, done := listed[userID]; !done {
						c.listAhead(ctx, batch[i:], whole, listed)
					}
					identities, err = listed[userID].identities, listed[userID].err
				}
				if !yield(UserIdentities{UserID: userID, Identities: identities}, err) {
					return
				}
				if err != nil && !IsNotFound(err) {
					return
				}
			}
		}
	}
}

// listAnswer is what one user's list answered.
type listAnswer struct {
	identities []Identity
	err        error
}

// listAhead lists, at the same time, the first users that need a list (not
// whole, not listed yet) among users, up to listConcurrency, and stores
// their answers in listed.
func (c *Client) listAhead(ctx context.Context, users []int64, whole map[int64]bool, listed map[int64]listAnswer) {
	var next []int64
	for _, userID := range users {
		if _, done := listed[userID]; !done && !whole[userID] {
			if next = append(next, userID); len(next) == listConcurrency {
				break
			}
		}
	}
	answers := make([]listAnswer, len(next))
	var wg sync.WaitGroup
	for i, userID := range next {
		wg.Go(func() {
			answers[i].identities, answers[i].err = c.ListIdentities(ctx, userID)
		})
	}
	wg.Wait()
	for i, userID := range next {
		listed[userID] = answers[i]
	}
}

// sideloadUsers reads the users' identities with one show_many request,
// remembered as a refresh's batch is, and tells which users have all theirs
// in it: by the same rule as a refresh (see wholeSideloads). None has when
// Zendesk did not sideload them (now or earlier in the run) or show_many
// failed: the users are listed then.
func (c *Client) sideloadUsers(ctx context.Context, users []int64) (byUser map[int64][]Identity, whole map[int64]bool) {
	r := c.reader
	r.mu.Lock()
	noSideload := r.noSideload
	r.mu.Unlock()
	if noSideload {
		return nil, nil
	}
	byUser, whole, err := r.sideload(ctx, users)
	if err != nil {
		if !errors.Is(err, errNoSideload) {
			c.log.Debug(ctx, "Zendesk show_many failed; listing its users one by one", map[string]any{"users": len(users), "error": err.Error()})
		}
		return nil, nil
	}
	return byUser, whole
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
