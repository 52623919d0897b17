package zendesk

import (
	"context"
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tfzendesk/terraform-provider-zendesk/internal/zendesktest"
)

// testUserAgent is the User-Agent every test client sends.
const testUserAgent = "terraform-provider-zendesk/test"

// Backoff bounds of test clients: tiny, so that the exponential backoff is
// visible in the recorded waits without slowing the tests.
const (
	testWaitMin = time.Millisecond
	testWaitMax = 4 * time.Millisecond
)

// waitLog records every pause the client asks for through Config.Wait and
// lets it take none, so tests observe Retry-After and backoff without
// sleeping.
type waitLog struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (w *waitLog) record(d time.Duration) time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.waits = append(w.waits, d)
	return 0
}

// all returns the pauses asked for so far, in order.
func (w *waitLog) all() []time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Clone(w.waits)
}

// clientOption adjusts the Config of a test client.
type clientOption func(*Config)

func withMaxRetries(n int) clientOption { return func(c *Config) { c.MaxRetries = n } }
func withAuth(a Auth) clientOption      { return func(c *Config) { c.Auth = a } }
func withLogger(l Logger) clientOption  { return func(c *Config) { c.Logger = l } }

// withMaxRateLimitWait bounds the time the client waits for the rate limit;
// a negative d lets no request wait for it.
func withMaxRateLimitWait(d time.Duration) clientOption {
	return func(c *Config) { c.MaxRateLimitWait = d }
}

// withWait replaces the recording wait, e.g. with one that really waits.
func withWait(f func(time.Duration) time.Duration) clientOption {
	return func(c *Config) { c.Wait = f }
}

// newTestClient returns a client of the fake that authenticates with the
// fake's default API token, retries up to 3 times and records its waits
// instead of taking them.
func newTestClient(t *testing.T, fake *zendesktest.Server, opts ...clientOption) (*Client, *waitLog) {
	t.Helper()
	return newTestClientAt(t, fake.URL(), opts...)
}

// newTestClientAt is newTestClient for any base URL, such as a test's own
// httptest server.
func newTestClientAt(t *testing.T, baseURL string, opts ...clientOption) (*Client, *waitLog) {
	t.Helper()
	waits := &waitLog{}
	cfg := Config{
		URL:          baseURL,
		Auth:         APIToken(zendesktest.DefaultEmail, zendesktest.DefaultAPIToken),
		UserAgent:    testUserAgent,
		MaxRetries:   3,
		RetryWaitMin: testWaitMin,
		RetryWaitMax: testWaitMax,
		Wait:         waits.record,
		// Pacing at a thousand times the rate the limit allows: these
		// tests are about retries (the pacer's own tests use a clock).
		RateLimitPeriod: 60 * time.Microsecond,
	}
	for _, opt := range opts {
		opt(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(c.http.CloseIdleConnections)
	return c, waits
}

// requestRoutes lists the routes of the requests the fake received, in
// order.
func requestRoutes(fake *zendesktest.Server) []zendesktest.Route {
	var out []zendesktest.Route
	for _, r := range fake.Requests() {
		out = append(out, r.Route)
	}
	return out
}

// wantRequests fails the test unless the fake received exactly these
// requests, in this order.
func wantRequests(t *testing.T, fake *zendesktest.Server, want ...zendesktest.Route) {
	t.Helper()
	if got := requestRoutes(fake); !slices.Equal(got, want) {
		t.Errorf("requests = %v, want %v", got, want)
	}
}

// seenRequest is what a test's own server saw of one request.
type seenRequest struct {
	Method string
	Path   string
	Query  string
	Header http.Header
	Body   string
}

// recordingServer is a test's own Zendesk stand-in: it records every
// request and answers with handler.
type recordingServer struct {
	*httptest.Server
	mu   sync.Mutex
	seen []seenRequest
}

func newRecordingServer(t *testing.T, handler http.HandlerFunc) *recordingServer {
	t.Helper()
	s := &recordingServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		s.seen = append(s.seen, seenRequest{
			Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Header: r.Header.Clone(), Body: string(body),
		})
		s.mu.Unlock()
		handler(w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

// requests returns what the server saw so far.
func (s *recordingServer) requests() []seenRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.seen)
}

// answerWith is a handler that answers every request alike.
func answerWith(status int, contentType, body string, headers ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		for i := 0; i+1 < len(headers); i += 2 {
			w.Header().Set(headers[i], headers[i+1])
		}
		if contentType != "" {
			w.Header().Set("Content-Type", contentType)
		}
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}
}

const oneIdentityJSON = `{"identity":{"id":2,"user_id":1,"type":"email","value":"a@example.org"}}`

func TestClient_sendsItsHeaders(t *testing.T) {
	t.Parallel()
	basic := "Basic " + base64.StdEncoding.EncodeToString([]byte("agent@example.org/token:s3cret"))
	tests := []struct {
		name     string
		auth     Auth
		wantAuth string
	}{
		{"API token", APIToken("agent@example.org", "s3cret"), basic},
		{"OAuth access token", BearerToken("tok-123"), "Bearer tok-123"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newRecordingServer(t, func(w http.ResponseWriter, r *http.Request) {
				status := http.StatusOK
				if r.Method == http.MethodPost {
					status = http.StatusCreated
				}
				answerWith(status, "application/json", oneIdentityJSON)(w, r)
			})
			c, _ := newTestClientAt(t, srv.URL, withAuth(tt.auth))
			ctx := context.Background()
			if _, err := c.GetIdentity(ctx, 1, 2); err != nil {
				t.Fatal(err)
			}
			if _, err := c.CreateIdentity(ctx, 1, CreateIdentityRequest{Type: TypeEmail, Value: "a@example.org"}); err != nil {
				t.Fatal(err)
			}
			seen := srv.requests()
			if len(seen) != 2 {
				t.Fatalf("server saw %d requests, want 2", len(seen))
			}
			for i, wantContentType := range []string{"", "application/json"} {
				h := seen[i].Header
				checks := map[string][2]string{
					"Accept":        {h.Get("Accept"), "application/json"},
					"User-Agent":    {h.Get("User-Agent"), testUserAgent},
					"Authorization": {h.Get("Authorization"), tt.wantAuth},
					"Content-Type":  {h.Get("Content-Type"), wantContentType},
				}
				for name, c := range checks {
					if c[0] != c[1] {
						t.Errorf("%s %s: %s = %q, want %q", seen[i].Method, seen[i].Path, name, c[0], c[1])
					}
				}
			}
		})
	}
}

func TestClient_authenticatesWithTheFake(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		auth     Auth
		wantAuth string
	}{
		{"API token", APIToken(zendesktest.DefaultEmail, zendesktest.DefaultAPIToken), "basic"},
		{"OAuth access token", BearerToken(zendesktest.DefaultOAuthToken), "bearer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fake := zendesktest.NewTest(t, zendesktest.Options{})
			user := fake.AddUser("Ada", "ada@example.org")
			c, _ := newTestClient(t, fake, withAuth(tt.auth))
			got, err := c.ListIdentities(context.Background(), user.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 1 || got[0].Value != "ada@example.org" {
				t.Errorf("identities = %+v, want the primary email only", got)
			}
			reqs := fake.Requests()
			if len(reqs) != 1 || reqs[0].Auth != tt.wantAuth || reqs[0].Status != http.StatusOK {
				t.Errorf("requests = %+v, want one %s-authenticated 200", reqs, tt.wantAuth)
			}
		})
	}
}

func TestNew_refusesABadConfig(t *testing.T) {
	t.Parallel()
	auth := APIToken("agent@example.org", "s3cret")
	tests := []struct {
		name    string
		cfg     Config
		wantErr string
	}{
		{"plain http to Zendesk", Config{URL: "http://acme.zendesk.com", Auth: auth}, "https"},
		{"no URL", Config{Auth: auth}, "not an absolute URL"},
		{"no credentials", Config{URL: "https://acme.zendesk.com"}, "no credentials"},
		{"negative retries", Config{URL: "https://acme.zendesk.com", Auth: auth, MaxRetries: -1}, "max retries must be 0 or more"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := New(tt.cfg)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("New = %v, %v; want an error containing %q", c, err, tt.wantErr)
			}
		})
	}
}

func TestNew_keepsTheBaseURLWithoutATrailingSlash(t *testing.T) {
	t.Parallel()
	c, err := New(Config{URL: "https://acme.zendesk.com/", Auth: BearerToken("x")})
	if err != nil {
		t.Fatal(err)
	}
	if got := c.BaseURL(); got != "https://acme.zendesk.com" {
		t.Errorf("BaseURL = %q, want https://acme.zendesk.com", got)
	}
}
