package zendesktest

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

const (
	// maxPageSize is the most records a page holds, in both styles.
	maxPageSize = 100
	// offsetRecordLimit is how deep offset pagination may go; beyond it
	// Zendesk wants cursor pagination.
	offsetRecordLimit = 10000
)

// filterByType keeps the identities whose type is listed in type[] (also
// accepted as plain "type"). Empty values are ignored, so "type[]=" filters
// nothing.
func filterByType(list []Identity, q url.Values) []Identity {
	wanted := map[string]bool{}
	for _, key := range []string{"type[]", "type"} {
		for _, v := range q[key] {
			if v != "" {
				wanted[v] = true
			}
		}
	}
	if len(wanted) == 0 {
		return list
	}
	var out []Identity
	for _, i := range list {
		if wanted[i.Type] {
			out = append(out, i)
		}
	}
	return out
}

// undocumentedTypeFilter returns the first type filter value that Zendesk
// does not document for the list, or "".
func undocumentedTypeFilter(q url.Values) string {
	for _, key := range []string{"type[]", "type"} {
		for _, v := range q[key] {
			if v != "" && !listFilterTypes[v] {
				return v
			}
		}
	}
	return ""
}

// listFilterTypeNames lists the documented filter values, sorted.
func listFilterTypeNames() string {
	names := make([]string, 0, len(listFilterTypes))
	for t := range listFilterTypes {
		names = append(names, t)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// paginate renders a list page: cursor style when any page[...] parameter
// is present, offset style otherwise. list is ordered by ID.
func paginate(x *exchange, list []Identity) reply {
	q := x.r.URL.Query()
	if q.Has("page[size]") || q.Has("page[after]") || q.Has("page[before]") {
		return cursorPage(x, q, list)
	}
	return offsetPage(x, q, list)
}

type cursorPageJSON struct {
	Identities []identityJSON `json:"identities"`
	Meta       cursorMetaJSON `json:"meta"`
	Links      cursorLinkJSON `json:"links"`
}

type cursorMetaJSON struct {
	HasMore      bool    `json:"has_more"`
	AfterCursor  *string `json:"after_cursor"`
	BeforeCursor *string `json:"before_cursor"`
}

type cursorLinkJSON struct {
	Next *string `json:"next"`
	Prev *string `json:"prev"`
}

func cursorPage(x *exchange, q url.Values, list []Identity) reply {
	size := maxPageSize
	if q.Has("page[size]") {
		n, err := strconv.Atoi(q.Get("page[size]"))
		if err != nil || n < 1 || n > maxPageSize {
			return paginationError("page[size] must be an integer between 1 and 100")
		}
		size = n
	}
	if q.Has("page[after]") && q.Has("page[before]") {
		return paginationError("page[after] and page[before] cannot be combined")
	}

	start, end := 0, min(size, len(list))
	backward := false
	switch {
	case q.Has("page[after]"):
		id, ok := decodeCursor(q.Get("page[after]"))
		if !ok {
			return paginationError("page[after] is not valid")
		}
		start = sort.Search(len(list), func(i int) bool { return list[i].ID > id })
		end = min(start+size, len(list))
	case q.Has("page[before]"):
		id, ok := decodeCursor(q.Get("page[before]"))
		if !ok {
			return paginationError("page[before] is not valid")
		}
		end = sort.Search(len(list), func(i int) bool { return list[i].ID >= id })
		start = max(end-size, 0)
		backward = true
	}

	page := list[start:end]
	out := cursorPageJSON{Identities: encodeIdentities(x.base, page)}
	moreAfter, moreBefore := end < len(list), start > 0
	out.Meta.HasMore = moreAfter
	if backward {
		out.Meta.HasMore = moreBefore
	}
	if len(page) > 0 {
		after, before := encodeCursor(page[len(page)-1].ID), encodeCursor(page[0].ID)
		out.Meta.AfterCursor, out.Meta.BeforeCursor = &after, &before
		if moreAfter {
			out.Links.Next = pageLink(x, q, "page[after]", after)
		}
		if moreBefore {
			out.Links.Prev = pageLink(x, q, "page[before]", before)
		}
	}
	return jsonReply(http.StatusOK, out)
}

type offsetPageJSON struct {
	Identities   []identityJSON `json:"identities"`
	NextPage     *string        `json:"next_page"`
	PreviousPage *string        `json:"previous_page"`
	Count        int            `json:"count"`
}

func offsetPage(x *exchange, q url.Values, list []Identity) reply {
	page, perPage, bad := offsetWindow(q)
	if bad != nil {
		return *bad
	}
	start, end := offsetBounds(page, perPage, len(list))
	out := offsetPageJSON{Identities: encodeIdentities(x.base, list[start:end]), Count: len(list)}
	out.NextPage, out.PreviousPage = offsetLinks(x, q, page, perPage, len(list))
	return jsonReply(http.StatusOK, out)
}

// offsetWindow reads the page and per_page parameters of offset
// pagination, or returns the answer Zendesk gives for bad ones.
func offsetWindow(q url.Values) (page, perPage int, bad *reply) {
	perPage = maxPageSize
	if q.Has("per_page") {
		n, err := strconv.Atoi(q.Get("per_page"))
		if err != nil || n < 1 {
			return 0, 0, new(errorReply(http.StatusBadRequest, "InvalidPaginationParameter", "per_page must be a positive integer"))
		}
		perPage = min(n, maxPageSize) // Zendesk caps silently
	}
	page = 1
	if q.Has("page") {
		n, err := strconv.Atoi(q.Get("page"))
		if err != nil || n < 1 {
			return 0, 0, new(errorReply(http.StatusBadRequest, "InvalidPaginationParameter", "page must be a positive integer"))
		}
		page = n
	}
	if page > offsetRecordLimit/perPage {
		return 0, 0, new(errorReply(http.StatusBadRequest, "InvalidPaginationParameter",
			"Offset pagination is limited to the first 10000 records. Use cursor pagination (page[size]) to go further."))
	}
	return page, perPage, nil
}

// offsetBounds is the slice of total records that the page shows.
func offsetBounds(page, perPage, total int) (start, end int) {
	offset := (page - 1) * perPage
	return min(offset, total), min(offset+perPage, total)
}

// offsetLinks are the next_page and previous_page links of a page (nil when
// there is none).
func offsetLinks(x *exchange, q url.Values, page, perPage, total int) (next, previous *string) {
	if page*perPage < total {
		next = pageLink(x, q, "page", strconv.Itoa(page+1))
	}
	if page > 1 {
		previous = pageLink(x, q, "page", strconv.Itoa(page-1))
	}
	return next, previous
}

// pageLink is the absolute URL of another page: the same path and filters,
// with the position parameter replaced.
func pageLink(x *exchange, q url.Values, key, value string) *string {
	v := url.Values{}
	for k, vals := range q {
		v[k] = vals
	}
	v.Del("page[after]")
	v.Del("page[before]")
	v.Del("page")
	v.Set(key, value)
	link := x.base + x.r.URL.EscapedPath() + "?" + encodeQuery(v)
	return &link
}

// literalBrackets undoes the escaping of brackets in query keys.
var literalBrackets = strings.NewReplacer("%5B", "[", "%5D", "]")

// encodeQuery is url.Values.Encode with literal brackets in keys, as
// Zendesk writes its links (page[size]=, type[]=).
func encodeQuery(v url.Values) string {
	keys := make([]string, 0, len(v))
	for k := range v {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		key := literalBrackets.Replace(url.QueryEscape(k))
		for _, val := range v[k] {
			if b.Len() > 0 {
				b.WriteByte('&')
			}
			b.WriteString(key)
			b.WriteByte('=')
			b.WriteString(url.QueryEscape(val))
		}
	}
	return b.String()
}

// cursorJSON is what a cursor holds. Clients must treat cursors as opaque.
type cursorJSON struct {
	Order string `json:"o"`
	Value int64  `json:"v"`
}

func encodeCursor(id int64) string {
	raw, _ := json.Marshal(cursorJSON{Order: "id", Value: id})
	return base64.RawURLEncoding.EncodeToString(raw)
}

func decodeCursor(s string) (int64, bool) {
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return 0, false
	}
	var c cursorJSON
	if err := json.Unmarshal(raw, &c); err != nil || c.Order != "id" {
		return 0, false
	}
	return c.Value, true
}
