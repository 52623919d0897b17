package zendesk

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

const (
	// showManyLimit is how many users one show_many request accepts.
	showManyLimit = 100
	// defaultBatchWindow is how long a batch waits for another read to
	// join it. Terraform refreshes up to -parallelism resources at once, and
	// their reads arrive a few milliseconds apart; a batch goes when no read
	// has joined it for this long, or when it is full.
	defaultBatchWindow = 50 * time.Millisecond
	// batchWindowsMax bounds how long a batch keeps waiting, in windows.
	batchWindowsMax = 10
	// fullHouseMin is the fewest waiting lookups that may send a batch
	// before its window closes (see reader.busiest).
	fullHouseMin = 8
	// lookupRounds bounds how often a lookup reloads a user whose cache
	// entry a concurrent write keeps dropping, before it reads directly.
	lookupRounds = 3
)

// errNoSideload tells the readers of a batch that Zendesk left the
// identities out of show_many, so they load their users by listing.
var errNoSideload = errors.New("show_many answered without an identities sideload")

// reader answers identity lookups from as few requests as Zendesk allows.
// Lookups that arrive together (each within a short window of the last)
// are answered by one show_many request that sideloads the identities of up
// to 100 users. A user's list is read only when an identity is missing
// from the sideload, and an identity missing from the list is read
// directly before it is reported gone.
type reader struct {
	c      *Client
	window time.Duration

	mu sync.Mutex
	// active counts the lookups under way, and busiest is the most that
	// ever were at once: about Terraform's -parallelism. When that many
	// lookups wait on the gathering batch, no other read can come to join
	// it, so it goes without waiting for its window to close.
	active, busiest int
	// next gathers the users of the batch that has not been sent yet.
	next *batch
	// loading holds a flight per user whose collection is being read.
	loading map[int64]*flight
	listing map[int64]*flight
	// noSideload is set once Zendesk answers show_many without identities:
	// users are listed one by one for the rest of the run.
	noSideload bool
}

// flight is one load that several lookups wait on.
type flight struct {
	done chan struct{}
	err  error
}

type batch struct {
	ctx      context.Context
	users    []int64
	flights  []*flight
	deadline time.Time
	timer    *time.Timer
	// waiting counts the lookups waiting on the batch.
	waiting int
}

func newReader(c *Client, window time.Duration) *reader {
	return &reader{c: c, window: window, loading: map[int64]*flight{}, listing: map[int64]*flight{}}
}

// LookupIdentity returns the user's identity with that id. It reads through
// the cache and the batching reader, so a refresh of many identities costs
// about one request per batch of concurrent reads, not one per identity.
func (c *Client) LookupIdentity(ctx context.Context, userID, identityID int64) (*Identity, error) {
	defer c.reader.enter()()
	for round := 0; round < lookupRounds; round++ {
		identity, found, src := c.cache.lookup(userID, identityID)
		if found {
			return &identity, nil
		}
		var err error
		switch src {
		case sourceNone:
			err = c.reader.loadBatched(ctx, userID)
		case sourceSideload:
			err = c.reader.loadList(ctx, userID)
		case sourceList:
			// Missing from the whole collection: confirm before declaring it gone.
			return c.GetIdentity(ctx, userID, identityID)
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if errors.Is(err, errNoSideload) {
			continue
		}
		if err != nil {
			// The shared read failed (or the user is gone): the direct read
			// gives this identity its own answer.
			c.log.Debug(ctx, "Zendesk batched read failed; reading the identity directly", map[string]any{"user_id": userID, "error": err.Error()})
			return c.GetIdentity(ctx, userID, identityID)
		}
	}
	return c.GetIdentity(ctx, userID, identityID)
}

// loadBatched reads the user's identities through the next show_many
// batch, or through a list once show_many is known not to sideload them.
func (r *reader) loadBatched(ctx context.Context, userID int64) error {
	r.mu.Lock()
	if r.noSideload {
		r.mu.Unlock()
		return r.loadList(ctx, userID)
	}
	f, ok := r.loading[userID]
	if !ok {
		f = &flight{done: make(chan struct{})}
		r.loading[userID] = f
		b := r.next
		if b == nil {
			b = &batch{ctx: context.WithoutCancel(ctx), deadline: time.Now().Add(batchWindowsMax * r.window)}
			b.timer = time.AfterFunc(r.quietPeriod(), func() { r.sendNext(b) })
			r.next = b
		} else if quiet := r.quietPeriod(); time.Until(b.deadline) > quiet {
			b.timer.Reset(quiet)
		}
		b.users = append(b.users, userID)
		b.flights = append(b.flights, f)
	}
	if b := r.next; b != nil && (!ok || slices.Contains(b.users, userID)) {
		b.waiting++
		if len(b.users) == showManyLimit || b.waiting >= max(r.busiest, fullHouseMin) {
			r.next = nil
			b.timer.Stop()
			go r.send(b)
		}
	}
	r.mu.Unlock()
	return f.wait(ctx)
}

// quietPeriod is how long the gathering batch waits for another read:
// one window, and longer the more lookups run at once, since then the
// others keep Terraform busy while some wait; r.mu is held.
func (r *reader) quietPeriod() time.Duration {
	return r.window * time.Duration(max(1, r.busiest/fullHouseMin))
}

// enter counts a lookup under way, and returns its end.
func (r *reader) enter() (leave func()) {
	r.mu.Lock()
	r.active++
	r.busiest = max(r.busiest, r.active)
	r.mu.Unlock()
	return func() {
		r.mu.Lock()
		r.active--
		r.mu.Unlock()
	}
}

// sendNext sends b when its window closes, unless it has gone already.
func (r *reader) sendNext(b *batch) {
	r.mu.Lock()
	if r.next != b {
		r.mu.Unlock()
		return
	}
	r.next = nil
	r.mu.Unlock()
	r.send(b)
}

// send reads a batch with one show_many request. The request is the
// batch's, not any one reader's: a reader that gives up does not cancel it
// for the others.
func (r *reader) send(b *batch) {
	versions := make([]uint64, len(b.users))
	for i, userID := range b.users {
		versions[i] = r.c.cache.version(userID)
	}
	byUser, err := r.c.showManyIdentities(b.ctx, b.users)
	if err == nil && byUser == nil {
		err = errNoSideload
		r.mu.Lock()
		r.noSideload = true
		r.mu.Unlock()
		r.c.log.Debug(b.ctx, "Zendesk show_many does not sideload identities; listing users one by one", nil)
	}
	if err == nil {
		for i, userID := range b.users {
			r.c.cache.remember(userID, versions[i], byUser[userID], sourceSideload)
		}
	}
	r.mu.Lock()
	for i, userID := range b.users {
		delete(r.loading, userID)
		b.flights[i].finish(err)
	}
	r.mu.Unlock()
}

// loadList reads the user's whole collection, once for all the lookups
// that need it at the same time.
func (r *reader) loadList(ctx context.Context, userID int64) error {
	r.mu.Lock()
	f, ok := r.listing[userID]
	if !ok {
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

func (f *flight) finish(err error) {
	f.err = err
	close(f.done)
}

func (f *flight) wait(ctx context.Context) error {
	select {
	case <-f.done:
		return f.err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// showManyIdentities reads users with their identities sideloaded, and
// returns the identities by user; every user asked for has an entry, empty
// for a user Zendesk does not know. It returns nil, nil when Zendesk sent
// no identities sideload.
func (c *Client) showManyIdentities(ctx context.Context, userIDs []int64) (map[int64][]Identity, error) {
	ids := make([]string, len(userIDs))
	for i, id := range userIDs {
		ids[i] = strconv.FormatInt(id, 10)
	}
	query := url.Values{"ids": {strings.Join(ids, ",")}, "include": {"identities"}}
	var out struct {
		Identities *[]Identity `json:"identities"`
	}
	if err := c.do(ctx, call{method: http.MethodGet, path: "/api/v2/users/show_many", query: query}, &out); err != nil {
		return nil, err
	}
	if out.Identities == nil {
		return nil, nil
	}
	byUser := make(map[int64][]Identity, len(userIDs))
	for _, id := range userIDs {
		byUser[id] = nil
	}
	for _, identity := range *out.Identities {
		if _, asked := byUser[identity.UserID]; asked {
			byUser[identity.UserID] = append(byUser[identity.UserID], identity)
		}
	}
	return byUser, nil
}
