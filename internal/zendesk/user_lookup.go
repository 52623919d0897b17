package zendesk

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// LookupUser returns the user with that id, deleted (Active false) or not.
// Lookups that run at the same time, and identity lookups among them, share
// one show_many request per 100 users (see reader). A user that show_many
// does not return is read directly before it is reported missing, in case
// Zendesk left a deleted user out; a user Zendesk does not know is a
// *UserNotFoundError.
func (c *Client) LookupUser(ctx context.Context, id int64) (*User, error) {
	defer c.reader.gauge.enter()()
	for range lookupRounds {
		user, known := c.cache.lookupUser(id)
		switch {
		case known && user != nil:
			return user, nil
		case known:
			return c.GetUser(ctx, id)
		}
		err := c.reader.users.get(ctx, id)
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		// errNoSideload concerns identity lookups: the users came.
		if err != nil && !errors.Is(err, errNoSideload) {
			c.log.Debug(ctx, "Zendesk batched user read failed; reading the user directly", map[string]any{"user_id": id, "error": err.Error()})
			return c.GetUser(ctx, id)
		}
	}
	// A write to the user kept dropping what the batches read.
	return c.GetUser(ctx, id)
}

// LookupUserByExternalID returns the user whose external id is externalID,
// compared without regard to case as Zendesk does. Lookups that run at the
// same time share one show_many request per 100 external ids. show_many
// takes a comma-separated list, so an external id that holds a comma is
// looked up alone, with users/search?external_id=.
//
// No user is a *UserNotFoundError; several users an *AmbiguousUserError,
// unless all but one of them are deleted: a deleted user's external id may
// have been given to someone else, and the active user is the answer.
func (c *Client) LookupUserByExternalID(ctx context.Context, externalID string) (*User, error) {
	defer c.reader.gauge.enter()()
	if strings.Contains(externalID, ",") {
		return c.searchByExternalID(ctx, externalID)
	}
	for range lookupRounds {
		if users, known := c.cache.lookupExternalID(externalID); known {
			return oneUser(ByExternalID, externalID, users)
		}
		err := c.reader.externalIDs.get(ctx, externalID)
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if err != nil {
			c.log.Debug(ctx, "Zendesk batched user read failed; searching for the external id directly", map[string]any{"external_id": externalID, "error": err.Error()})
			return c.searchByExternalID(ctx, externalID)
		}
	}
	return c.searchByExternalID(ctx, externalID)
}

// showManyByExternalID loads a batch of external ids with one show_many
// request, deleted users included, and remembers who holds each.
func (r *reader) showManyByExternalID(ctx context.Context, externalIDs []string) error {
	epoch := r.c.cache.epoch()
	query := url.Values{"external_ids": {strings.Join(externalIDs, ",")}, "include_deleted": {"true"}}
	var out struct {
		Users []User `json:"users"`
	}
	if err := r.c.do(ctx, call{method: http.MethodGet, path: "/api/v2/users/show_many", query: query}, &out); err != nil {
		return err
	}
	r.c.cache.rememberExternalIDs(epoch, externalIDs, out.Users)
	return nil
}

// searchByExternalID looks an external id up with its own request. The
// external_id parameter of users/search takes one id, commas included, and
// is not a search of the index (the docs: it "does not support the search
// syntax").
func (c *Client) searchByExternalID(ctx context.Context, externalID string) (*User, error) {
	query := url.Values{"external_id": {externalID}, "per_page": {strconv.Itoa(pageSize)}}
	var out struct {
		Users []User `json:"users"`
	}
	if err := c.do(ctx, call{method: http.MethodGet, path: "/api/v2/users/search", query: query}, &out); err != nil {
		return nil, err
	}
	var holders []User
	for _, u := range out.Users {
		if u.ExternalID != nil && strings.EqualFold(*u.ExternalID, externalID) {
			holders = append(holders, u)
		}
	}
	return oneUser(ByExternalID, externalID, holders)
}
