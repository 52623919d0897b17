package zendesktest

import (
	"net/http"
	"strings"
)

// showManyLimit is the most ids or external ids show_many accepts.
const showManyLimit = 100

// usersPageJSON is a page of users, as show_many and users/search answer.
type usersPageJSON struct {
	Users []userJSON `json:"users"`
	// Identities is a pointer so that "asked for, none found" ([]) and "not
	// asked for" (no key) stay distinct.
	Identities   *[]identityJSON `json:"identities,omitempty"`
	NextPage     *string         `json:"next_page"`
	PreviousPage *string         `json:"previous_page"`
	Count        int             `json:"count"`
}

// showManyUsers answers GET /api/v2/users/show_many with ids=1,2 or
// external_ids=a,b, include=identities and include_deleted=true. Users come
// in the order asked; unknown ids and ids that are not numbers are left out,
// and so are deleted users unless include_deleted asks for them. An
// external id is compared without regard to case, as Zendesk documents, and
// brings every user that holds it.
func (s *Server) showManyUsers(x *exchange) reply {
	q := x.r.URL.Query()
	ids, externalIDs := q.Get("ids"), q.Get("external_ids")
	switch {
	case ids == "" && externalIDs == "":
		return errorReply(http.StatusBadRequest, "InvalidValue", "ids or external_ids: a comma-separated list of user ids or external ids is required")
	case ids != "" && externalIDs != "":
		// A guess: Zendesk's docs offer the two as alternatives and say
		// nothing of a request that sends both.
		return errorReply(http.StatusBadRequest, "InvalidValue", "ids and external_ids cannot be combined")
	}
	parts := strings.Split(ids+externalIDs, ",")
	if len(parts) > showManyLimit {
		return errorReply(http.StatusBadRequest, "TooManyValues", "at most 100 ids or external_ids are accepted")
	}
	includeDeleted := isTrue(q.Get("include_deleted")) && !s.opts.IgnoreIncludeDeleted

	s.mu.Lock()
	defer s.mu.Unlock()
	var found []*userRecord
	seen := map[int64]bool{}
	for _, p := range parts {
		p = strings.TrimSpace(p)
		var matches []*userRecord
		if ids != "" {
			if id, ok := parseID(p); ok && s.store.users[id] != nil {
				matches = []*userRecord{s.store.users[id]}
			}
		} else if p != "" {
			matches = s.store.usersByExternalID(p, true)
		}
		for _, u := range matches {
			if !seen[u.id] && (includeDeleted || !u.deleted) {
				seen[u.id] = true
				found = append(found, u)
			}
		}
	}
	out := usersPageJSON{Users: s.encodeUsers(x.base, found)}
	if includes(q.Get("include"), "identities") && !s.opts.OmitIdentitySideload {
		out.Identities = s.sideloadIdentities(x.base, found, s.opts.SideloadLimit)
	}
	out.Count = len(out.Users)
	return jsonReply(http.StatusOK, out)
}

// encodeUsers renders users; the lock must be held.
func (s *Server) encodeUsers(base string, users []*userRecord) []userJSON {
	out := make([]userJSON, 0, len(users))
	for _, u := range users {
		out = append(out, encodeUser(base, u, s.store.userEmail(u)))
	}
	return out
}

// sideloadIdentities renders the identities of users, at most limit per
// user (0: all); the lock must be held.
func (s *Server) sideloadIdentities(base string, users []*userRecord, limit int) *[]identityJSON {
	idents := []identityJSON{}
	for _, u := range users {
		list, _ := s.store.identitiesOf(u.id) // none for a deleted user
		if limit > 0 && len(list) > limit {
			list = list[:limit]
		}
		idents = append(idents, encodeIdentities(base, list)...)
	}
	return &idents
}

// includes reports whether a comma-separated include list names want.
func includes(list, want string) bool {
	for item := range strings.SplitSeq(list, ",") {
		if strings.TrimSpace(item) == want {
			return true
		}
	}
	return false
}

// isTrue reads a boolean query parameter as Rails does: "true" or "1".
func isTrue(v string) bool { return v == "true" || v == "1" }
