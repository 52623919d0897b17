package zendesktest

import "time"

// Request is one entry of the request log. It never holds credentials or
// request bodies: Auth keeps only the scheme that was presented.
type Request struct {
	// Time is when the request arrived, by the fake's clock.
	Time     time.Time
	Method   string
	Path     string
	RawQuery string // empty for /oauth/tokens, whose parameters may be secret
	Route    Route
	// UserID and IdentityID are parsed from the path (0 when absent).
	UserID     int64
	IdentityID int64
	// Status is the status sent; 0 when the connection was dropped or the
	// client went away before an answer.
	Status int
	// Auth is "basic", "bearer" or "" (no or another scheme).
	Auth string
}

// Requests returns a copy of the log in arrival order: every request,
// including refused (401, 403, 429), unknown (404) and faulted ones. A
// request still in flight shows Status 0.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Request, len(s.log))
	for i, r := range s.log {
		out[i] = *r
	}
	return out
}

// Count is how many logged requests reached route r, whatever their status.
func (s *Server) Count(r Route) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, req := range s.log {
		if req.Route == r {
			n++
		}
	}
	return n
}

// CountStatus is how many logged requests were answered with status.
func (s *Server) CountStatus(status int) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, req := range s.log {
		if req.Status == status {
			n++
		}
	}
	return n
}

// TotalRequests is the number of logged requests.
func (s *Server) TotalRequests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.log)
}

// ResetRequests empties the log (requests in flight are not logged again).
// Store state, counters such as TokensIssued and VerificationEmails, and
// fault-rule counters are kept.
func (s *Server) ResetRequests() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.log = nil
}
