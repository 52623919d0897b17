package zendesktest

import (
	"net/http"
	"strings"
)

// showManyLimit is the most ids show_many accepts.
const showManyLimit = 100

type showManyJSON struct {
	Users []userJSON `json:"users"`
	// Identities is a pointer so that "asked for, none found" ([]) and "not
	// asked for" (no key) stay distinct.
	Identities   *[]identityJSON `json:"identities,omitempty"`
	NextPage     *string         `json:"next_page"`
	PreviousPage *string         `json:"previous_page"`
	Count        int             `json:"count"`
}

// showManyUsers answers GET /api/v2/users/show_many?ids=1,2&include=identities.
// Unknown ids are left out; ids that are not numbers are ignored.
func (s *Server) showManyUsers(x *exchange) reply {
	q := x.r.URL.Query()
	if q.Get("ids") == "" {
		return errorReply(http.StatusBadRequest, "InvalidValue", "ids: a comma-separated list of user ids is required")
	}
	parts := strings.Split(q.Get("ids"), ",")
	if len(parts) > showManyLimit {
		return errorReply(http.StatusBadRequest, "TooManyValues", "ids: at most 100 ids are accepted")
	}
	sideload := includes(q.Get("include"), "identities") && !s.opts.OmitIdentitySideload

	s.mu.Lock()
	defer s.mu.Unlock()
	out := showManyJSON{Users: []userJSON{}}
	var idents []identityJSON
	seen := map[int64]bool{}
	for _, p := range parts {
		id, ok := parseID(strings.TrimSpace(p))
		if !ok || seen[id] {
			continue
		}
		seen[id] = true
		u, ok := s.store.users[id]
		if !ok {
			continue
		}
		out.Users = append(out.Users, encodeUser(x.base, u, s.store.userEmail(u)))
		if sideload {
			list, _ := s.store.identitiesOf(id)
			if n := s.opts.SideloadLimit; n > 0 && len(list) > n {
				list = list[:n]
			}
			idents = append(idents, encodeIdentities(x.base, list)...)
		}
	}
	if sideload {
		if idents == nil {
			idents = []identityJSON{}
		}
		out.Identities = &idents
	}
	out.Count = len(out.Users)
	return jsonReply(http.StatusOK, out)
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
