package zendesk

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
)

// userSearchPage is one page of users/search, offset paginated.
type userSearchPage struct {
	Users []User `json:"users"`
	// Identities is nil when Zendesk sent no identities sideload.
	Identities *[]Identity `json:"identities"`
	NextPage   string      `json:"next_page"`
}

// FindUserByEmail returns the user that holds an email identity with that
// address, its primary one or any other, compared without regard to case.
//
// It costs one request: users/search for email:"<address>", with the
// users' identities sideloaded (include=identities), since a user object
// only carries the primary address. The search may also return near
// matches (other addresses that contain this one), which are filtered out;
// and it goes through Zendesk's search index, which takes a while to
// include a new user or address, so a *UserNotFoundError says it searched.
//
// Email identities are unique in an account, so the first page that holds
// the address ends the search; pages of near matches before it cost one
// request each. When Zendesk answers without the sideload, the users whose
// primary address is not this one are checked with a list of their email
// identities, one request each.
//
// It stays out of the reader's gauge, which counts the lookups that may wait
// on a batch: this one waits on none.
func (c *Client) FindUserByEmail(ctx context.Context, email string) (*User, error) {
	// Quoted, the address is one phrase: characters such as "-" or ":"
	// inside it are not read as search operators.
	query := url.Values{"query": {`email:"` + email + `"`}, "include": {"identities"}, "per_page": {strconv.Itoa(pageSize)}}
	r := call{method: http.MethodGet, path: "/api/v2/users/search", query: query}
	var near []User
	seen := map[string]bool{}
	for {
		var page userSearchPage
		if err := c.do(ctx, r, &page); err != nil {
			return nil, err
		}
		holders, others, err := c.emailHolders(ctx, page, email)
		if err != nil {
			return nil, err
		}
		if len(holders) > 0 {
			return oneUser(ByEmail, email, holders)
		}
		near = append(near, others...)
		if page.NextPage == "" {
			return nil, &UserNotFoundError{By: ByEmail, Value: email, Searched: true, NearMatches: near}
		}
		if seen[page.NextPage] {
			return nil, fmt.Errorf("searching users by email: Zendesk returned the next-page link %s twice", page.NextPage)
		}
		seen[page.NextPage] = true
		r = call{method: http.MethodGet, next: page.NextPage}
	}
}

// emailHolders splits the users of a search page into those that hold the
// address and the others.
func (c *Client) emailHolders(ctx context.Context, page userSearchPage, email string) (holders, others []User, err error) {
	sideloaded := map[int64][]Identity{}
	if page.Identities != nil {
		for _, identity := range *page.Identities {
			sideloaded[identity.UserID] = append(sideloaded[identity.UserID], identity)
		}
	}
	for _, u := range page.Users {
		holds := u.Email != nil && SameValue(TypeEmail, *u.Email, email) || holdsEmail(sideloaded[u.ID], email)
		if !holds && page.Identities == nil {
			found, err := c.FindIdentity(ctx, u.ID, TypeEmail, email)
			if err != nil {
				return nil, nil, fmt.Errorf("checking the email identities of user %d, which the search returned without them: %w", u.ID, err)
			}
			holds = found != nil
		}
		if holds {
			holders = append(holders, u)
		} else {
			others = append(others, u)
		}
	}
	return holders, others, nil
}

func holdsEmail(identities []Identity, email string) bool {
	for _, identity := range identities {
		if identity.Type == TypeEmail && SameValue(TypeEmail, identity.Value, email) {
			return true
		}
	}
	return false
}
