package zendesktest

import (
	"cmp"
	"net/http"
	"slices"
	"strings"
	"time"
)

// The user endpoints the provider reads: one user, and the search. Both
// only read the store.

type userEnvelope struct {
	User userJSON `json:"user"`
}

// showUser answers GET /api/v2/users/{id}. A deleted user is shown, with
// active false (a guess: the docs say active is "false if the user has been
// deleted", so a deleted user can be read); a permanently deleted one is
// 404.
func (s *Server) showUser(x *exchange) reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.store.users[x.route.userID]
	if !ok {
		return recordNotFound()
	}
	return jsonReply(http.StatusOK, userEnvelope{User: encodeUser(x.base, u, s.store.userEmail(u))})
}

// searchUsers answers GET /api/v2/users/search with query= (Zendesk's
// search syntax, through the search index) or external_id= (an exact
// lookup), offset pagination and include=identities. Deleted users are never
// found (a guess: the search index drops them). Results are ordered by user
// ID (Zendesk orders by relevance, which the fake does not model: an exact
// match may come after near ones).
func (s *Server) searchUsers(x *exchange) reply {
	q := x.r.URL.Query()
	query, externalID := q.Get("query"), q.Get("external_id")
	switch {
	case query == "" && externalID == "":
		// A guess: the docs do not say what a search for nothing answers.
		return errorReply(http.StatusBadRequest, "InvalidValue", "query or external_id is required")
	case query != "" && externalID != "":
		// A guess as well.
		return errorReply(http.StatusBadRequest, "InvalidValue", "query and external_id cannot be combined")
	}
	page, perPage, bad := offsetWindow(q)
	if bad != nil {
		return *bad
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	var found []*userRecord
	if externalID != "" {
		// The docs say external_id "does not support the search syntax. It
		// only accepts ids": the fake reads it as a lookup that bypasses the
		// search index, so it sees new users at once (a guess).
		found = s.store.usersByExternalID(externalID, false)
	} else {
		found = s.searchIndex(parseSearchQuery(query))
	}
	start, end := offsetBounds(page, perPage, len(found))
	out := usersPageJSON{Users: s.encodeUsers(x.base, found[start:end]), Count: len(found)}
	out.NextPage, out.PreviousPage = offsetLinks(x, q, page, perPage, len(found))
	if includes(q.Get("include"), "identities") && !s.opts.SearchOmitsIdentitySideload {
		out.Identities = s.sideloadIdentities(x.base, found[start:end], 0)
	}
	return jsonReply(http.StatusOK, out)
}

// searchTerm is one term of a search query: field:value, or a bare value
// (field "").
type searchTerm struct{ field, value string }

// parseSearchQuery splits a query into terms separated by spaces. A value
// may be quoted ("a phrase", email:"ana@example.com"); the quotes are
// dropped.
func parseSearchQuery(query string) []searchTerm {
	var terms []searchTerm
	rest := strings.TrimSpace(query)
	for rest != "" {
		var term searchTerm
		if i := strings.IndexAny(rest, ": \""); i > 0 && rest[i] == ':' {
			term.field, rest = strings.ToLower(rest[:i]), rest[i+1:]
		}
		if value, after, ok := strings.Cut(strings.TrimPrefix(rest, `"`), `"`); ok && strings.HasPrefix(rest, `"`) {
			term.value, rest = value, after
		} else {
			term.value, rest, _ = strings.Cut(rest, " ")
		}
		terms = append(terms, term)
		rest = strings.TrimSpace(rest)
	}
	return terms
}

// searchIndex returns the active users that every term matches, ordered by
// ID. What is not indexed yet (see Options.SearchIndexDelay) is not found.
func (s *Server) searchIndex(terms []searchTerm) []*userRecord {
	now := s.now()
	indexed := func(created time.Time) bool { return !created.Add(s.opts.SearchIndexDelay).After(now) }
	var out []*userRecord
	for _, u := range s.store.users {
		if u.deleted || !indexed(u.createdAt) {
			continue
		}
		var emails []string
		for _, id := range u.identityIDs {
			if ident := s.store.identities[id]; ident.Type == "email" && indexed(ident.CreatedAt) {
				emails = append(emails, ident.Value)
			}
		}
		if len(terms) > 0 && s.matchesAll(terms, u, emails) {
			out = append(out, u)
		}
	}
	slices.SortFunc(out, func(a, b *userRecord) int { return cmp.Compare(a.id, b.id) })
	return out
}

// matchesAll reports whether every term matches the user: Zendesk joins
// terms with AND.
func (s *Server) matchesAll(terms []searchTerm, u *userRecord, emails []string) bool {
	for _, t := range terms {
		if !s.searchMatches(t, u, emails) {
			return false
		}
	}
	return true
}

// searchMatches reports whether a term matches the user. Fields the fake
// does not model match nothing.
func (s *Server) searchMatches(t searchTerm, u *userRecord, emails []string) bool {
	contains := func(text string) bool { return strings.Contains(strings.ToLower(text), strings.ToLower(t.value)) }
	switch t.field {
	case "type":
		return t.value == "user"
	case "email":
		return slices.ContainsFunc(emails, func(e string) bool {
			if s.opts.SearchExactMatches {
				return strings.EqualFold(e, t.value)
			}
			// A guess at near matches: the index splits addresses into
			// words, so ana@example.com also finds joana@example.com.
			return contains(e)
		})
	case "name":
		return contains(u.name)
	case "role":
		return u.role == t.value
	case "external_id":
		return strings.EqualFold(u.externalID, t.value)
	case "":
		return contains(u.name) || slices.ContainsFunc(emails, contains)
	}
	return false
}
