package zendesktest

import (
	"net/http"
	"strings"
	"testing"
)

func TestHostNotFound_answersEveryPathWithAnHTMLPage(t *testing.T) {
	srv, c := newTestServer(t, Options{HostNotFound: true})
	ana := srv.AddUser("Ana Lima", "ana@example.com")
	email := srv.Identities(ana.ID)[0]
	for _, r := range []struct{ method, path string }{
		{http.MethodGet, identityPath(ana.ID, email.ID)},
		{http.MethodDelete, identityPath(ana.ID, email.ID)},
		{http.MethodGet, "/api/v2/users/show_many?ids=1"},
		{http.MethodPost, "/oauth/tokens"},
		{http.MethodGet, "/"},
	} {
		resp := c.as("").do(r.method, r.path, nil).want(t, http.StatusNotFound)
		if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") || !strings.Contains(string(resp.Body), "<html") {
			t.Errorf("%s %s: Content-Type %q, body %q; want an HTML page", r.method, r.path, ct, resp.Body)
		}
	}
	if _, ok := srv.Identity(email.ID); !ok {
		t.Error("the DELETE reached the store")
	}

	srv.SetHostNotFound(false)
	c.do(http.MethodGet, identityPath(ana.ID, email.ID), nil).want(t, http.StatusOK)
	srv.SetHostNotFound(true)
	c.do(http.MethodGet, identityPath(ana.ID, email.ID), nil).want(t, http.StatusNotFound)
}
