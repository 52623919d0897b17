package zendesktest

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// The tests talk to the fake over real HTTP, through this small client, and
// decode answers into their own types: they check the wire, not the fake's
// encoder.

type testClient struct {
	t     *testing.T
	srv   *Server
	http  *http.Client
	authz string
}

// newTestServer starts a fake for t and a client using the default API
// token.
func newTestServer(t *testing.T, opts Options) (*Server, *testClient) {
	t.Helper()
	srv := NewTest(t, opts)
	transport := &http.Transport{}
	t.Cleanup(transport.CloseIdleConnections)
	c := &testClient{
		t:     t,
		srv:   srv,
		http:  &http.Client{Transport: transport},
		authz: basicAuth(DefaultEmail, DefaultAPIToken),
	}
	return srv, c
}

func basicAuth(email, token string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(email+"/token:"+token))
}

// as returns a copy of the client that sends another Authorization header
// ("" sends none).
func (c *testClient) as(authorization string) *testClient {
	cp := *c
	cp.authz = authorization
	return &cp
}

type testResponse struct {
	Status int
	Header http.Header
	Body   []byte
}

// do sends a request to a path of the fake (or an absolute URL). A string
// body is sent as is; anything else is encoded as JSON. Bodies are sent as
// application/json.
func (c *testClient) do(method, path string, body any) *testResponse {
	c.t.Helper()
	resp, err := c.try(method, path, body)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	return resp
}

// try is do without failing the test on a transport error.
func (c *testClient) try(method, path string, body any) (*testResponse, error) {
	c.t.Helper()
	url := path
	if strings.HasPrefix(path, "/") {
		url = c.srv.URL() + path
	}
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			c.t.Fatalf("encode body: %v", err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		c.t.Fatalf("new request: %v", err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.authz != "" {
		req.Header.Set("Authorization", c.authz)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	return &testResponse{Status: resp.StatusCode, Header: resp.Header, Body: raw}, nil
}

// want fails the test unless the status is the expected one.
func (r *testResponse) want(t *testing.T, status int) *testResponse {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status = %d, want %d; body: %s", r.Status, status, r.Body)
	}
	return r
}

func (r *testResponse) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode %q: %v", r.Body, err)
	}
}

// object decodes a JSON object body.
func (r *testResponse) object(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	r.decode(t, &m)
	return m
}

// wireIdentity is an identity as a client reads it.
type wireIdentity struct {
	ID                 int64   `json:"id"`
	URL                string  `json:"url"`
	UserID             int64   `json:"user_id"`
	Type               string  `json:"type"`
	Value              string  `json:"value"`
	Primary            bool    `json:"primary"`
	Verified           bool    `json:"verified"`
	VerificationMethod string  `json:"verification_method"`
	VerifiedAt         *string `json:"verified_at"`
	DeliverableState   *string `json:"deliverable_state"`
	UndeliverableCount int     `json:"undeliverable_count"`
	CreatedAt          string  `json:"created_at"`
	UpdatedAt          string  `json:"updated_at"`
}

// identity decodes {"identity":{...}}.
func (r *testResponse) identity(t *testing.T) wireIdentity {
	t.Helper()
	var env struct {
		Identity *wireIdentity `json:"identity"`
	}
	r.decode(t, &env)
	if env.Identity == nil {
		t.Fatalf("no \"identity\" object in %s", r.Body)
	}
	return *env.Identity
}

// identities decodes {"identities":[...]}.
func (r *testResponse) identities(t *testing.T) []wireIdentity {
	t.Helper()
	var env struct {
		Identities *[]wireIdentity `json:"identities"`
	}
	r.decode(t, &env)
	if env.Identities == nil {
		t.Fatalf("no \"identities\" array in %s", r.Body)
	}
	return *env.Identities
}

// wireError is Zendesk's error shape as a client reads it.
type wireError struct {
	Error       string                       `json:"error"`
	Description string                       `json:"description"`
	Details     map[string][]wireErrorDetail `json:"details"`
}

type wireErrorDetail struct {
	Description string `json:"description"`
	Error       string `json:"error"`
}

func (r *testResponse) apiError(t *testing.T) wireError {
	t.Helper()
	var e wireError
	r.decode(t, &e)
	return e
}

// identityBody wraps attributes as a create or update body.
func identityBody(attrs map[string]any) map[string]any {
	return map[string]any{"identity": attrs}
}

// createIdentity POSTs an identity and returns it, failing unless 201.
func (c *testClient) createIdentity(userID int64, attrs map[string]any) wireIdentity {
	c.t.Helper()
	return c.do(http.MethodPost, identitiesPath(userID), identityBody(attrs)).want(c.t, http.StatusCreated).identity(c.t)
}

func identitiesPath(userID int64) string {
	return "/api/v2/users/" + itoa(userID) + "/identities"
}

func identityPath(userID, identityID int64) string {
	return identitiesPath(userID) + "/" + itoa(identityID)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// fakeClock is a controllable Options.Now.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}
