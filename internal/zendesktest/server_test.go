package zendesktest

import (
	"fmt"
	"net"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// recordingTB stands in for *testing.T to watch what NewTest does with it.
type recordingTB struct {
	fatal    string
	cleanups []func()
}

func (r *recordingTB) Helper()          {}
func (r *recordingTB) Cleanup(f func()) { r.cleanups = append(r.cleanups, f) }
func (r *recordingTB) Fatalf(format string, args ...any) {
	r.fatal = fmt.Sprintf(format, args...)
}

func TestNewTest(t *testing.T) {
	var tb recordingTB
	srv := NewTest(&tb, Options{})
	if srv == nil || tb.fatal != "" || len(tb.cleanups) != 1 {
		t.Fatalf("NewTest = %v, fatal %q, %d cleanups", srv, tb.fatal, len(tb.cleanups))
	}
	if !regexp.MustCompile(`^http://127\.0\.0\.1:[1-9][0-9]*$`).MatchString(srv.URL()) {
		t.Errorf("URL = %q", srv.URL())
	}
	tb.cleanups[0]()
	if _, err := http.Get(srv.URL() + "/api/v2/users/1/identities"); err == nil {
		t.Error("the fake still serves after its cleanup")
	}
}

func TestNewTestFailsOnBusyAddress(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var tb recordingTB
	if srv := NewTest(&tb, Options{Addr: ln.Addr().String()}); srv != nil {
		t.Error("NewTest returned a server on a busy address")
	}
	if !strings.Contains(tb.fatal, ln.Addr().String()) {
		t.Errorf("fatal = %q, want it to name the address", tb.fatal)
	}
}

func TestOversizedBody(t *testing.T) {
	srv, c := newTestServer(t, Options{})
	user := srv.AddUser("Ana Lima", "ana@example.com")
	huge := `{"identity":{"type":"twitter","value":"` + strings.Repeat("x", maxBodyBytes) + `"}}`
	resp, err := c.try(http.MethodPost, identitiesPath(user.ID), huge)
	if err == nil && resp.Status != http.StatusBadRequest {
		t.Errorf("status = %d, want 400 (or a closed connection)", resp.Status)
	}
	if n := len(srv.Identities(user.ID)); n != 1 {
		t.Errorf("an oversized body created an identity")
	}
}
