package zendesk

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"sync/atomic"
	"time"
)

// pageSize is the largest page Zendesk's cursor pagination serves.
const pageSize = 100

// reconcileTimeout bounds the check for a create whose answer was lost when
// the operation's own context is already cancelled.
const reconcileTimeout = 30 * time.Second

type identityEnvelope struct {
	Identity Identity `json:"identity"`
}

type createEnvelope struct {
	Identity CreateIdentityRequest `json:"identity"`
}

type updateEnvelope struct {
	Identity UpdateIdentityRequest `json:"identity"`
}

// identitiesPage is one page of a list, in either pagination style.
type identitiesPage struct {
	Identities []Identity `json:"identities"`
	Meta       struct {
		HasMore bool `json:"has_more"`
	} `json:"meta"`
	Links struct {
		Next string `json:"next"`
	} `json:"links"`
	NextPage string `json:"next_page"`
}

// next returns the URL of the following page, or "" after the last one.
// A cursor page that says there is more but gives no link to it is an
// error: taking it for the last page would cut the list short.
func (p identitiesPage) next() (string, error) {
	switch {
	case p.Meta.HasMore && p.Links.Next == "":
		return "", errors.New("zendesk answered has_more: true without a links.next to the following page")
	case p.Meta.HasMore:
		return p.Links.Next, nil
	}
	return p.NextPage, nil
}

func identitiesPath(userID int64) string {
	return "/api/v2/users/" + strconv.FormatInt(userID, 10) + "/identities"
}

func identityPath(userID, identityID int64, action ...string) string {
	p := identitiesPath(userID) + "/" + strconv.FormatInt(identityID, 10)
	for _, a := range action {
		p += "/" + a
	}
	return p
}

// ListIdentities returns every identity of the user, following the cursor
// pages to the end. With types, only identities of those types are listed:
// Zendesk filters by the types its list accepts (ListFilterTypes); when a
// type is not among them (google), the whole collection is read and
// filtered here, since Zendesk documents no such filter value.
func (c *Client) ListIdentities(ctx context.Context, userID int64, types ...string) ([]Identity, error) {
	query := url.Values{"page[size]": {strconv.Itoa(pageSize)}}
	filterHere := slices.ContainsFunc(types, func(t string) bool { return !slices.Contains(ListFilterTypes, t) })
	if !filterHere {
		for _, t := range types {
			query.Add("type[]", t)
		}
	}
	all, err := c.listPages(ctx, userID, query)
	if err != nil || !filterHere {
		return all, err
	}
	return slices.DeleteFunc(all, func(i Identity) bool { return !slices.Contains(types, i.Type) }), nil
}

// listPages reads every page of the user's list, and remembers an
// unfiltered list as the user's whole collection, and a list that Zendesk
// answers with RecordNotFound as the user gone.
func (c *Client) listPages(ctx context.Context, userID int64, query url.Values) ([]Identity, error) {
	r := call{method: http.MethodGet, path: identitiesPath(userID), query: query}
	version := c.cache.version(userID)
	var all []Identity
	seen := map[string]bool{}
	for {
		var page identitiesPage
		if err := c.do(ctx, r, &page); err != nil {
			if IsNotFound(err) {
				c.cache.rememberGone(userID, version, err)
			}
			return nil, err
		}
		all = append(all, page.Identities...)
		next, err := page.next()
		if err != nil {
			return nil, fmt.Errorf("listing identities of user %d: %w", userID, err)
		}
		if next == "" {
			src := sourceWhole
			if query.Has("type[]") {
				src = sourceNone
			}
			c.cache.remember(userID, version, all, src)
			return all, nil
		}
		if seen[next] {
			return nil, fmt.Errorf("listing identities of user %d: Zendesk returned the next-page link %s twice", userID, next)
		}
		seen[next] = true
		r = call{method: http.MethodGet, next: next}
	}
}

// FindIdentity returns the user's identity of that type and value (emails
// compared without regard to case), or nil when there is none.
func (c *Client) FindIdentity(ctx context.Context, userID int64, identityType, value string) (*Identity, error) {
	identities, err := c.ListIdentities(ctx, userID, identityType)
	if err != nil {
		return nil, err
	}
	for i := range identities {
		if identities[i].Type == identityType && SameValue(identityType, identities[i].Value, value) {
			return &identities[i], nil
		}
	}
	return nil, nil
}

// GetIdentity returns one identity of the user.
func (c *Client) GetIdentity(ctx context.Context, userID, identityID int64) (*Identity, error) {
	version := c.cache.version(userID)
	var out identityEnvelope
	if err := c.do(ctx, call{method: http.MethodGet, path: identityPath(userID, identityID)}, &out); err != nil {
		return nil, err
	}
	c.cache.remember(userID, version, []Identity{out.Identity}, sourceNone)
	return &out.Identity, nil
}

// CreateIdentity adds an identity to the user.
//
// A create is never sent twice blindly: when an attempt ends without a
// usable answer (a dropped connection, a 500, a 503 without Retry-After),
// it may still have been carried out, so the user's identities are searched
// for the type and value first. The one found is returned; when there is
// none, the create is sent again, up to MaxRetries times. A 2xx answer
// without the new identity is looked up the same way, but never sent
// again: something took the request. When the search fails too, the error
// is an *UnconfirmedCreateError.
//
// A create sent again that Zendesk refuses as a duplicate (422
// DuplicateValue) is looked up once more: the earlier attempt may have
// made the identity after all, and a search served before it showed in
// the list missed it. That holds too for a create that the transport sent
// again after a 429 or a 503 with Retry-After, which Zendesk documents as
// not processed but a proxy may send after the create went through. The
// user's own identity is returned; a value another user holds stays the
// 422.
func (c *Client) CreateIdentity(ctx context.Context, userID int64, req CreateIdentityRequest) (*Identity, error) {
	defer c.cache.forget(userID)
	resent := new(atomic.Bool)
	ctx = context.WithValue(ctx, resentKey{}, resent)
	r := call{method: http.MethodPost, path: identitiesPath(userID), body: createEnvelope{Identity: req}}
	for attempt := 1; ; attempt++ {
		var out identityEnvelope
		err := c.do(ctx, r, &out)
		if err == nil {
			err = checkAnswer(r, out.Identity, userID, 0)
		}
		if err == nil {
			return &out.Identity, nil
		}
		var unusable *AnswerError
		answered := errors.As(err, &unusable)
		// Only a create whose outcome was unknown is sent again.
		resentDuplicate := (attempt > 1 || resent.Load()) && IsDuplicateValue(err)
		if !answered && !resentDuplicate && !OutcomeUnknown(err) {
			return nil, err
		}
		found, findErr := c.findAfterLostAnswer(ctx, userID, req)
		if findErr != nil {
			return nil, &UnconfirmedCreateError{UserID: userID, Type: req.Type, Value: req.Value, Err: withAttempts(err, attempt), LookupErr: findErr}
		}
		if found != nil {
			c.log.Debug(ctx, "Zendesk created the identity although its answer was lost", map[string]any{"user_id": userID, "identity_id": found.ID})
			return found, nil
		}
		if answered || resentDuplicate || ctx.Err() != nil || attempt > c.maxRetries {
			return nil, withAttempts(err, attempt)
		}
		if err := c.sleep(ctx, c.backoff(c.waitMin, c.waitMax, attempt-1, nil)); err != nil {
			return nil, err
		}
	}
}

// findAfterLostAnswer looks for the identity a create may have made. It
// runs to the end even when the operation is cancelled meanwhile, so an
// interrupted apply still learns of the identity it created; once
// interrupted, it asks once, briefly, so the interruption stays prompt.
func (c *Client) findAfterLostAnswer(ctx context.Context, userID int64, req CreateIdentityRequest) (*Identity, error) {
	interrupted := ctx.Err() != nil
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), reconcileTimeout)
	defer cancel()
	if interrupted {
		ctx = context.WithValue(ctx, noRetriesKey{}, true)
	}
	return c.FindIdentity(ctx, userID, req.Type, req.Value)
}

// withAttempts records on err how many times a create was sent in all.
func withAttempts(err error, attempts int) error {
	var apiErr *APIError
	var reqErr *RequestError
	switch {
	case errors.As(err, &apiErr):
		apiErr.Attempts = max(apiErr.Attempts, attempts)
	case errors.As(err, &reqErr):
		reqErr.Attempts = max(reqErr.Attempts, attempts)
	}
	return err
}

// checkAnswer refuses an identity that a create (identityID 0) or a write
// to identityID answered with, unless it is the user's identity asked for:
// an empty body, or one of another identity, would otherwise be recorded
// as the identity (id 0 in Terraform's state, say).
func checkAnswer(r call, got Identity, userID, identityID int64) error {
	var problem string
	switch {
	case got.ID <= 0:
		problem = "the answer holds no identity (no \"identity\" with an id)"
	case identityID != 0 && got.ID != identityID:
		problem = fmt.Sprintf("the answer describes identity %d, not %d", got.ID, identityID)
	case got.UserID != userID:
		problem = fmt.Sprintf("the answer describes an identity of user %d, not of user %d", got.UserID, userID)
	default:
		return nil
	}
	return &AnswerError{Method: r.method, Path: r.path, Problem: problem}
}

// UpdateIdentity changes the value or verified flag of an identity.
func (c *Client) UpdateIdentity(ctx context.Context, userID, identityID int64, req UpdateIdentityRequest) (*Identity, error) {
	defer c.cache.forget(userID)
	var out identityEnvelope
	r := call{method: http.MethodPut, path: identityPath(userID, identityID), body: updateEnvelope{Identity: req}}
	if err := c.do(ctx, r, &out); err != nil {
		return nil, err
	}
	if err := checkAnswer(r, out.Identity, userID, identityID); err != nil {
		return nil, err
	}
	return &out.Identity, nil
}

// DeleteIdentity removes an identity from the user.
func (c *Client) DeleteIdentity(ctx context.Context, userID, identityID int64) error {
	defer c.cache.forget(userID)
	return c.do(ctx, call{method: http.MethodDelete, path: identityPath(userID, identityID)}, nil)
}

// MakePrimary makes the identity the primary one of its type; the identity
// that was primary before is demoted. Zendesk answers with all of the
// user's identities, which are returned. An answer that does not show the
// identity as primary is an *AnswerError: whatever answered, the identity
// may not be primary, and the caller must not record that it is.
func (c *Client) MakePrimary(ctx context.Context, userID, identityID int64) ([]Identity, error) {
	defer c.cache.forget(userID)
	var out struct {
		Identities []Identity `json:"identities"`
	}
	r := call{method: http.MethodPut, path: identityPath(userID, identityID, "make_primary")}
	if err := c.do(ctx, r, &out); err != nil {
		return nil, err
	}
	if err := checkPromoted(r, out.Identities, userID, identityID); err != nil {
		return nil, err
	}
	return out.Identities, nil
}

// checkPromoted refuses a make_primary answer that does not list
// identityID, of the user, as primary, and says what the answer holds.
func checkPromoted(r call, got []Identity, userID, identityID int64) error {
	i := slices.IndexFunc(got, func(id Identity) bool { return id.ID == identityID })
	var problem string
	switch {
	case len(got) == 0:
		problem = "the answer lists no identities, where Zendesk answers with the user's whole collection"
	case i < 0:
		problem = fmt.Sprintf("the answer lists %d identities, none of them identity %d", len(got), identityID)
	case got[i].UserID != userID:
		problem = fmt.Sprintf("the answer describes identity %d as one of user %d, not of user %d", identityID, got[i].UserID, userID)
	case !got[i].Primary:
		problem = fmt.Sprintf("the answer lists identity %d (%s %q) as not primary", identityID, got[i].Type, got[i].Value)
		if j := slices.IndexFunc(got, func(id Identity) bool { return id.Primary && id.Type == got[i].Type }); j >= 0 {
			problem += fmt.Sprintf(", and identity %d (%q) as the user's primary %s", got[j].ID, got[j].Value, got[j].Type)
		}
	default:
		return nil
	}
	return &AnswerError{Method: r.method, Path: r.path, Problem: problem}
}

// VerifyIdentity marks the identity as verified.
func (c *Client) VerifyIdentity(ctx context.Context, userID, identityID int64) (*Identity, error) {
	defer c.cache.forget(userID)
	var out identityEnvelope
	r := call{method: http.MethodPut, path: identityPath(userID, identityID, "verify")}
	if err := c.do(ctx, r, &out); err != nil {
		return nil, err
	}
	if err := checkAnswer(r, out.Identity, userID, identityID); err != nil {
		return nil, err
	}
	return &out.Identity, nil
}

// RequestVerification asks Zendesk to send the user a verification email
// for the identity.
//
// Each request that gets through sends an email, so it is sent again only
// when Zendesk certainly did not process it: a 429, a 503 with Retry-After,
// or no connection. A 503 without Retry-After is not sent again, nor is a
// 500: a proxy or load balancer may answer so after Zendesk took the
// request, and a second email is worse than a missing one, which the user
// can ask for. After any failure, OutcomeUnknown tells whether the email
// may have gone.
func (c *Client) RequestVerification(ctx context.Context, userID, identityID int64) error {
	defer c.cache.forget(userID)
	return c.do(ctx, call{method: http.MethodPut, path: identityPath(userID, identityID, "request_verification"), acts: true}, nil)
}

// sleep waits for d by the client's clock, or until ctx is done.
func (c *Client) sleep(ctx context.Context, d time.Duration) error {
	t := c.clock.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C():
		return nil
	}
}
