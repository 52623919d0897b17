package zendesktest

import (
	"net/http"
	"testing"
)

func TestFaultRedirect(t *testing.T) {
	srv, c := newTestServer(t, Options{})
	// The test client must see the redirect, not follow it.
	c.http.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	ana := srv.AddUser("Ana Lima", "ana@example.com")

	srv.AddFault(Fault{Kind: FaultRedirect, Route: RouteCreate, Status: http.StatusTemporaryRedirect, Location: "http://127.0.0.1:1/elsewhere", Times: 1})
	resp := c.do(http.MethodPost, identitiesPath(ana.ID), identityBody(map[string]any{"type": "twitter", "value": "ana"})).
		want(t, http.StatusTemporaryRedirect)
	if got := resp.Header.Get("Location"); got != "http://127.0.0.1:1/elsewhere" {
		t.Errorf("Location = %q", got)
	}
	if n := len(srv.Identities(ana.ID)); n != 1 {
		t.Errorf("the redirected create reached the store: %d identities", n)
	}

	// By default: 302 to the same path and query over https.
	srv.AddFault(Fault{Kind: FaultRedirect, Times: 1})
	resp = c.do(http.MethodGet, identitiesPath(ana.ID)+"?page[size]=2", nil).want(t, http.StatusFound)
	want := "https://" + srv.URL()[len("http://"):] + identitiesPath(ana.ID) + "?page[size]=2"
	if got := resp.Header.Get("Location"); got != want {
		t.Errorf("Location = %q, want %q", got, want)
	}

	srv.AddFault(Fault{Kind: FaultRedirect, Route: RouteOAuthTokens, Location: "https://login.example.com/oauth/tokens", Times: 1})
	c.as("").do(http.MethodPost, "/oauth/tokens", map[string]any{}).want(t, http.StatusFound)
}
