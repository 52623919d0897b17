package zendesktest

import (
	"net/http"
	"strconv"
	"strings"
)

// Route names an endpoint of the fake, for fault rules and the request log.
type Route string

// The fake's routes. RouteUnknown is any other path, or a known path with the
// wrong method: Zendesk answers both with 404 InvalidEndpoint.
const (
	RouteList                Route = "list"
	RouteCreate              Route = "create"
	RouteShow                Route = "show"
	RouteUpdate              Route = "update"
	RouteDelete              Route = "delete"
	RouteMakePrimary         Route = "make_primary"
	RouteVerify              Route = "verify"
	RouteRequestVerification Route = "request_verification"
	RouteShowMany            Route = "show_many"
	RouteShowUser            Route = "show_user"
	RouteSearchUsers         Route = "search_users"
	RouteOAuthTokens         Route = "oauth_tokens"
	RouteUnknown             Route = "unknown"
)

const apiPrefix = "/api/v2/"

// route is where a request goes.
type route struct {
	name       Route
	userID     int64
	identityID int64
	// api is true for every path under /api/v2: those are authenticated
	// and rate limited, known or not.
	api bool
}

// parseRoute maps a method and path to a route. Every API path may end in
// ".json", as Zendesk's do.
func parseRoute(method, path string) route {
	if path == "/oauth/tokens" {
		if method == http.MethodPost {
			return route{name: RouteOAuthTokens}
		}
		return route{name: RouteUnknown}
	}
	rest, ok := strings.CutPrefix(path, apiPrefix)
	if !ok {
		return route{name: RouteUnknown, api: path == "/api/v2"}
	}
	rt := route{name: RouteUnknown, api: true}
	segs := strings.Split(strings.TrimSuffix(rest, ".json"), "/")
	if len(segs) < 2 || segs[0] != "users" {
		return rt
	}
	if len(segs) == 2 {
		return userRoute(rt, method, segs[1])
	}
	if len(segs) < 3 || segs[2] != "identities" {
		return rt
	}
	if rt.userID, ok = parseID(segs[1]); !ok {
		return rt
	}
	if len(segs) > 3 {
		if rt.identityID, ok = parseID(segs[3]); !ok {
			return rt
		}
	}
	rt.name = routeFor(method, segs)
	return rt
}

// userRoute names the routes of users/{name}: show_many, search, and a
// user by ID. Each is read only.
func userRoute(rt route, method, name string) route {
	if method != http.MethodGet {
		return rt
	}
	switch name {
	case "show_many":
		rt.name = RouteShowMany
	case "search":
		rt.name = RouteSearchUsers
	default:
		if id, ok := parseID(name); ok {
			rt.name, rt.userID = RouteShowUser, id
		}
	}
	return rt
}

// routeFor names the identity route for a path already known to be
// users/{id}/identities[/{id}[/action]].
func routeFor(method string, segs []string) Route {
	switch len(segs) {
	case 3:
		switch method {
		case http.MethodGet:
			return RouteList
		case http.MethodPost:
			return RouteCreate
		}
	case 4:
		switch method {
		case http.MethodGet:
			return RouteShow
		case http.MethodPut:
			return RouteUpdate
		case http.MethodDelete:
			return RouteDelete
		}
	case 5:
		if method != http.MethodPut {
			return RouteUnknown
		}
		switch segs[4] {
		case "make_primary":
			return RouteMakePrimary
		case "verify":
			return RouteVerify
		case "request_verification":
			return RouteRequestVerification
		}
	}
	return RouteUnknown
}

// parseID accepts positive decimal IDs only (no sign, no spaces).
func parseID(s string) (int64, bool) {
	if s == "" || strings.TrimLeft(s, "0123456789") != "" {
		return 0, false
	}
	id, err := strconv.ParseInt(s, 10, 64)
	return id, err == nil && id > 0
}
