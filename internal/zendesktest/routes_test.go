package zendesktest

import (
	"net/http"
	"testing"
)

func TestParseRoute(t *testing.T) {
	cases := []struct {
		method, path string
		want         route
	}{
		{http.MethodGet, "/api/v2/users/7/identities", route{name: RouteList, userID: 7, api: true}},
		{http.MethodGet, "/api/v2/users/7/identities.json", route{name: RouteList, userID: 7, api: true}},
		{http.MethodPost, "/api/v2/users/7/identities.json", route{name: RouteCreate, userID: 7, api: true}},
		{http.MethodGet, "/api/v2/users/7/identities/9", route{name: RouteShow, userID: 7, identityID: 9, api: true}},
		{http.MethodPut, "/api/v2/users/7/identities/9.json", route{name: RouteUpdate, userID: 7, identityID: 9, api: true}},
		{http.MethodDelete, "/api/v2/users/7/identities/9", route{name: RouteDelete, userID: 7, identityID: 9, api: true}},
		{http.MethodPut, "/api/v2/users/7/identities/9/make_primary", route{name: RouteMakePrimary, userID: 7, identityID: 9, api: true}},
		{http.MethodPut, "/api/v2/users/7/identities/9/make_primary.json", route{name: RouteMakePrimary, userID: 7, identityID: 9, api: true}},
		{http.MethodPut, "/api/v2/users/7/identities/9/verify", route{name: RouteVerify, userID: 7, identityID: 9, api: true}},
		{http.MethodPut, "/api/v2/users/7/identities/9/request_verification.json", route{name: RouteRequestVerification, userID: 7, identityID: 9, api: true}},
		{http.MethodGet, "/api/v2/users/show_many", route{name: RouteShowMany, api: true}},
		{http.MethodGet, "/api/v2/users/show_many.json", route{name: RouteShowMany, api: true}},
		{http.MethodGet, "/api/v2/users/7", route{name: RouteShowUser, userID: 7, api: true}},
		{http.MethodGet, "/api/v2/users/7.json", route{name: RouteShowUser, userID: 7, api: true}},
		{http.MethodGet, "/api/v2/users/search", route{name: RouteSearchUsers, api: true}},
		{http.MethodGet, "/api/v2/users/search.json", route{name: RouteSearchUsers, api: true}},
		{http.MethodPost, "/oauth/tokens", route{name: RouteOAuthTokens}},

		{http.MethodGet, "/oauth/tokens", route{name: RouteUnknown}},
		{http.MethodGet, "/", route{name: RouteUnknown}},
		{http.MethodGet, "/api/v2", route{name: RouteUnknown, api: true}},
		{http.MethodPut, "/api/v2/users/7", route{name: RouteUnknown, api: true}},
		{http.MethodGet, "/api/v2/users/x7", route{name: RouteUnknown, api: true}},
		{http.MethodPost, "/api/v2/users/search", route{name: RouteUnknown, api: true}},
		{http.MethodGet, "/api/v2/users/+7/identities", route{name: RouteUnknown, api: true}},
		{http.MethodGet, "/api/v2/users/0/identities", route{name: RouteUnknown, api: true}},
		{http.MethodGet, "/api/v2/users/7/identities/x", route{name: RouteUnknown, userID: 7, api: true}},
		{http.MethodGet, "/api/v2/users/7/identities.json.json", route{name: RouteUnknown, api: true}},
		{http.MethodPatch, "/api/v2/users/7/identities/9", route{name: RouteUnknown, userID: 7, identityID: 9, api: true}},
		{http.MethodPut, "/api/v2/users/7/identities/9/verify/now", route{name: RouteUnknown, userID: 7, identityID: 9, api: true}},
		{http.MethodGet, "/api/v2/users/7/identities/9/verify", route{name: RouteUnknown, userID: 7, identityID: 9, api: true}},
	}
	for _, tc := range cases {
		if got := parseRoute(tc.method, tc.path); got != tc.want {
			t.Errorf("parseRoute(%s %s) = %+v, want %+v", tc.method, tc.path, got, tc.want)
		}
	}
}
