package zendesktest

import (
	"fmt"
	"net"
	"net/http/httptest"
	"sync"
	"time"
)

// Options configures a Server. The zero value is a strict, unlimited fake
// listening on an OS-chosen port of 127.0.0.1.
type Options struct {
	// Addr to listen on; default "127.0.0.1:0".
	Addr string

	// RateLimit is requests per window (0 = unlimited); RateLimitWindow
	// defaults to one minute (tests shorten it). RateLimiter is how they
	// are counted: fixed windows (the default), a refilled bucket or a
	// sliding window.
	RateLimit       int
	RateLimitWindow time.Duration
	RateLimiter     RateLimiter

	// OtherTraffic is the share of RateLimit (0 to 1) that other
	// integrations spend on the same account while the fake runs: their
	// requests arrive evenly and are always counted, so the provider gets
	// the rest of the budget. They are not in the request log (see
	// OtherRequests).
	OtherTraffic float64

	// IgnoreCreateFlags makes POST ignore "primary" and "verified" (some
	// accounts do): the provider must then call make_primary / verify itself.
	IgnoreCreateFlags bool

	// VerificationEmailOnValueChange makes an update that gives an email
	// identity a new, unverified address send it a verification email, as a
	// create does, unless the update carries skip_verify_email. Zendesk's
	// identity docs say nothing of emails on update; its users API does send
	// one when a user's email changes, and takes skip_verify_email there.
	VerificationEmailOnValueChange bool

	// RefusePrimaryDelete makes DELETE of a primary identity answer 422
	// instead of promoting the next identity of that type.
	RefusePrimaryDelete bool

	// SideloadLimit caps how many identities per user show_many sideloads
	// (0 = all).
	SideloadLimit int

	// OmitIdentitySideload drops the "identities" key from show_many answers
	// entirely.
	OmitIdentitySideload bool

	// FormatPhoneNumbers makes the fake store phone numbers (phone_number
	// and agent_forwarding) as Zendesk may format a direct line: spaces and
	// punctuation stripped, and +1 added to a 10-digit North American
	// number, so "555 010-0200" is stored as "+15550100200". Zendesk's docs
	// do not say when it does this; off, values are stored as sent.
	FormatPhoneNumbers bool

	// ValidatePhoneNumbers is the account setting "Validate user phone
	// numbers": a phone number that is not in E.164 format (+ and up to 15
	// digits, nothing else) is refused with 422 RecordInvalid, with an
	// InvalidValue detail on value. It is checked before FormatPhoneNumbers.
	ValidatePhoneNumbers bool

	// StrictTypeFilter makes the list endpoint answer 400 to a type[] value
	// that Zendesk does not document for the filter (google, for one),
	// instead of filtering by it. The body is the fake's guess:
	// {"error":"InvalidValue","description":"..."}.
	StrictTypeFilter bool

	// HostNotFound makes the fake stand in for a host that serves no Zendesk
	// account (a mistyped subdomain, a host-mapped domain that is not set
	// up, a proxy): every request, /oauth/tokens included, is answered 404
	// with an HTML page. SetHostNotFound changes it while the fake runs.
	HostNotFound bool

	// AllowDuplicateExternalIDs lets several active users share an external
	// id. Zendesk's docs say an external id is unique in an account; older
	// accounts or imports may still hold duplicates, which show_many then
	// returns together.
	AllowDuplicateExternalIDs bool

	// DeletionClearsExternalID makes SoftDeleteUser clear the user's
	// external id, so that no lookup by external id finds a deleted user. By
	// default a deleted user keeps it; Zendesk's docs say neither.
	DeletionClearsExternalID bool

	// IgnoreIncludeDeleted makes show_many leave deleted users out even when
	// asked for them with include_deleted=true, as an account or API version
	// that does not know the parameter would.
	IgnoreIncludeDeleted bool

	// SearchExactMatches makes users/search return only users holding an
	// email address equal to the one searched for. By default the search
	// also returns near matches (addresses that contain it), as a search
	// index that splits addresses into words may.
	SearchExactMatches bool

	// SearchOmitsIdentitySideload makes users/search ignore
	// include=identities.
	SearchOmitsIdentitySideload bool

	// SearchIndexDelay is how long, by the fake's clock, a new user or email
	// identity takes to reach the search index: users/search?query= does not
	// find it before. Zendesk indexes asynchronously, typically within
	// seconds to minutes; 0 indexes at once.
	SearchIndexDelay time.Duration

	// TokenLifetime, when set, overrides how long issued OAuth access tokens
	// live (and the expires_in the fake reports), so tests can exercise
	// renewal in seconds.
	TokenLifetime time.Duration

	// Now, when set, replaces time.Now (timestamps, rate-limit windows, token
	// expiry). It is called with the server's lock held, so it must not call
	// back into the Server.
	Now func() time.Time

	// OnRequest, when set, is called once for every request after its answer
	// was sent (or its connection dropped), outside the server's lock. The
	// Request never holds credentials, so it is safe to print.
	OnRequest func(Request)
}

// Server is a running fake Zendesk. Create it with New or NewTest; all its
// methods are safe for concurrent use.
type Server struct {
	opts Options
	http *httptest.Server

	// closing stops requests that are waiting out an injected latency, so
	// Close never waits for a long delay to elapse.
	closing   chan struct{}
	closeOnce sync.Once

	// mu guards everything below: one lock for the store, the credentials,
	// the rate limiter, the fault rules and the request log, so that a
	// request sees and changes them atomically.
	mu      sync.Mutex
	store   *store
	creds   *credentials
	limiter rateLimiter
	faults  []*faultRule
	log     []*Request
	// hostNotFound starts as Options.HostNotFound (see SetHostNotFound).
	hostNotFound bool
}

// New starts a fake listening on opts.Addr. It serves until Close.
func New(opts Options) (*Server, error) {
	if opts.Addr == "" {
		opts.Addr = "127.0.0.1:0"
	}
	if opts.RateLimitWindow <= 0 {
		opts.RateLimitWindow = time.Minute
	}
	if opts.OtherTraffic < 0 || opts.OtherTraffic >= 1 {
		return nil, fmt.Errorf("zendesktest: OtherTraffic must be a share from 0 to below 1, got %v", opts.OtherTraffic)
	}
	ln, err := net.Listen("tcp", opts.Addr)
	if err != nil {
		return nil, fmt.Errorf("zendesktest: listen on %s: %w", opts.Addr, err)
	}

	s := &Server{
		opts:    opts,
		closing: make(chan struct{}),
		creds:   newCredentials(),
		limiter: newRateLimiter(opts.RateLimit, opts.RateLimitWindow, opts.RateLimiter, opts.OtherTraffic),

		hostNotFound: opts.HostNotFound,
	}
	s.store = newStore(s.now)
	s.store.phones = phonePolicy{validate: opts.ValidatePhoneNumbers, format: opts.FormatPhoneNumbers}

	// NewUnstartedServer binds its own 127.0.0.1:0 listener; swap in ours so
	// Addr is honoured.
	s.http = httptest.NewUnstartedServer(s)
	_ = s.http.Listener.Close()
	s.http.Listener = ln
	s.http.Start()
	return s, nil
}

// TB is the part of testing.TB that NewTest needs; *testing.T and
// *testing.B satisfy it.
type TB interface {
	Helper()
	Cleanup(func())
	Fatalf(format string, args ...any)
}

// NewTest starts a fake for one test and closes it when the test ends. It
// fails the test if the fake cannot start.
func NewTest(t TB, opts Options) *Server {
	t.Helper()
	s, err := New(opts)
	if err != nil {
		t.Fatalf("start fake Zendesk: %v", err)
		return nil
	}
	t.Cleanup(s.Close)
	return s
}

// URL is the fake's base URL, "http://127.0.0.1:PORT", without a trailing
// slash.
func (s *Server) URL() string { return s.http.URL }

// Close stops the fake: it stops accepting connections, cuts injected
// latencies short and waits for requests in flight. It is idempotent.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		close(s.closing)
		s.http.Close()
	})
}

// now is the fake's clock: Options.Now when set.
func (s *Server) now() time.Time {
	if s.opts.Now != nil {
		return s.opts.Now()
	}
	return time.Now()
}
