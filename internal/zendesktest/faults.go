package zendesktest

import (
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// FaultKind is what an injected fault does to a request.
type FaultKind int

const (
	// FaultLatency delays the request by Delay, then serves it normally.
	// A client that gives up during the delay is not served at all.
	FaultLatency FaultKind = iota
	// FaultStatus answers Status with Body, ContentType and RetryAfter
	// without touching the store.
	FaultStatus
	// FaultAfterCommit serves the request (the store changes), then answers
	// Status (default 500) instead of the real answer: the client cannot
	// tell whether its change happened. With Status 503 and no RetryAfter it
	// is a proxy or load balancer in front of Zendesk that gave up on the
	// answer of a request Zendesk committed; Zendesk's own 503 carries a
	// Retry-After and means the request was not processed (FaultStatus).
	FaultAfterCommit
	// FaultDrop closes the connection without an answer, before touching
	// the store.
	FaultDrop
	// FaultDropAfterCommit serves the request, then closes the connection
	// without an answer.
	FaultDropAfterCommit
	// FaultRedirect answers Status (default 302 Found) with a Location
	// header, without touching the store, as a moved host or a proxy in
	// front of the account might. Location defaults to the request's own
	// path and query on the same host over https.
	FaultRedirect
	// FaultNotApplied acknowledges a write to an existing identity without
	// carrying it out: the store does not change, and the answer is the
	// route's success answer built from the store as it is (the identity for
	// update and verify, the user's collection for make_primary, 204 for
	// delete, 200 without an email for request_verification), as a write
	// lost behind a proxy, or read back from a replica that lags, would
	// look. An unknown identity is still a 404. On other routes the request
	// is served normally.
	FaultNotApplied
	// FaultEcho answers Status (default 502 Bad Gateway) with the request
	// echoed back, without touching the store, as a debugging proxy or a
	// gateway in front of the account might: its request line, every
	// header (Authorization included) and its body. The answer is plain
	// text, or, when ContentType is application/json, a JSON error whose
	// description is the echo.
	FaultEcho
)

// String names the kind as tests and logs show it.
func (k FaultKind) String() string {
	switch k {
	case FaultLatency:
		return "latency"
	case FaultStatus:
		return "status"
	case FaultAfterCommit:
		return "after_commit"
	case FaultDrop:
		return "drop"
	case FaultDropAfterCommit:
		return "drop_after_commit"
	case FaultRedirect:
		return "redirect"
	case FaultNotApplied:
		return "not_applied"
	case FaultEcho:
		return "echo"
	}
	return "FaultKind(" + strconv.Itoa(int(k)) + ")"
}

// Fault is a rule for injecting a failure. Rules are tried in the order they
// were added; the first that matches a request and whose turn it is decides
// that request's fate. Faults are evaluated after the rate limit and
// authentication, so refused requests never reach them.
type Fault struct {
	Kind FaultKind
	// Method to match; "" matches any.
	Method string
	// Route to match; "" matches every request under /api/v2. Token
	// exchanges (/oauth/tokens) are faulted only by rules that name
	// RouteOAuthTokens, so a blanket rule does not break authentication.
	Route Route
	// Every applies the fault to every Nth matching request (0 or 1: every
	// one). Counting is per rule.
	Every int
	// Times stops the rule after it applied this many times (0: no limit).
	Times int

	// Status, Body, ContentType and RetryAfter (seconds, sent as
	// Retry-After when > 0) shape the answer of FaultStatus and
	// FaultAfterCommit (and Status that of FaultRedirect). An empty Body
	// gets Zendesk's usual body for Status.
	Status      int
	Body        string
	ContentType string
	RetryAfter  int

	// Delay is FaultLatency's delay.
	Delay time.Duration

	// Location is where FaultRedirect sends the client.
	Location string
}

// faultRule is a Fault with its counters.
type faultRule struct {
	Fault
	seen    int // matching requests while the rule was active
	applied int
}

func (f *faultRule) matches(method string, rt route) bool {
	if f.Method != "" && !strings.EqualFold(f.Method, method) {
		return false
	}
	if f.Route == "" {
		return rt.api
	}
	return f.Route == rt.name
}

// AddFault adds a fault rule after the existing ones.
func (s *Server) AddFault(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &faultRule{Fault: f})
}

// ClearFaults removes every fault rule.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

// pickFault chooses the fault for a request, if any, and counts it. The
// caller holds s.mu.
func (s *Server) pickFault(method string, rt route) (Fault, bool) {
	for _, f := range s.faults {
		if (f.Times > 0 && f.applied >= f.Times) || !f.matches(method, rt) {
			continue
		}
		f.seen++
		if f.Every > 1 && f.seen%f.Every != 0 {
			continue
		}
		f.applied++
		return f.Fault, true
	}
	return Fault{}, false
}

// reply is the answer of a FaultStatus or FaultAfterCommit.
func (f Fault) reply() reply {
	status := f.Status
	if status == 0 {
		status = http.StatusInternalServerError
	}
	var rep reply
	if f.Body == "" {
		rep = defaultErrorReply(status)
	} else {
		rep = reply{status: status, header: http.Header{}, body: []byte(f.Body)}
		rep.header.Set("Content-Type", guessContentType(f.Body))
	}
	if f.ContentType != "" {
		rep.header.Set("Content-Type", f.ContentType)
	}
	if f.RetryAfter > 0 {
		rep.header.Set("Retry-After", strconv.Itoa(f.RetryAfter))
	}
	return rep
}

func guessContentType(body string) string {
	if t := strings.TrimSpace(body); strings.HasPrefix(t, "{") || strings.HasPrefix(t, "[") {
		return jsonContentType
	}
	return "text/plain; charset=utf-8"
}

// defaultErrorReply is what Zendesk typically sends with a status.
func defaultErrorReply(status int) reply {
	switch status {
	case http.StatusUnauthorized:
		return errorReply(status, "Couldn't authenticate you", "")
	case http.StatusForbidden:
		return errorReply(status, "Forbidden", "You do not have access to this page. Please contact the account owner of this help desk for further help.")
	case http.StatusNotFound:
		return recordNotFound()
	case http.StatusConflict:
		return errorReply(status, "Conflict", "The record was changed by another request. Please try again.")
	case http.StatusUnprocessableEntity:
		return recordInvalid(&ValidationError{Field: "base", Code: "InvalidValue", Description: "Record validation errors"})
	case http.StatusTooManyRequests:
		return textReply(status, "Number of allowed API requests per minute exceeded")
	case http.StatusInternalServerError:
		return errorReply(status, "InternalServerError", "Something went wrong. Please try again.")
	case http.StatusServiceUnavailable:
		return errorReply(status, "ServiceUnavailable", "Zendesk is temporarily unavailable. Please try again later.")
	}
	text := http.StatusText(status)
	if text == "" {
		text = "Error " + strconv.Itoa(status)
	}
	return errorReply(status, strings.ReplaceAll(text, " ", ""), text)
}

// echo is the answer of a FaultEcho to the request r, whose body was read.
func (f Fault) echo(r *http.Request, body []byte) reply {
	status := f.Status
	if status == 0 {
		status = http.StatusBadGateway
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s %s\n", r.Method, r.URL.RequestURI(), r.Proto)
	fmt.Fprintf(&b, "Host: %s\n", r.Host)
	names := slices.Sorted(maps.Keys(r.Header))
	for _, name := range names {
		for _, v := range r.Header[name] {
			fmt.Fprintf(&b, "%s: %s\n", name, v)
		}
	}
	b.WriteString("\n")
	b.Write(body)
	if f.ContentType == jsonContentType || f.ContentType == "application/json" {
		return errorReply(status, "BadGateway", b.String())
	}
	return textReply(status, b.String())
}

// redirect is the answer of a FaultRedirect to the request r.
func (f Fault) redirect(r *http.Request) reply {
	status := f.Status
	if status == 0 {
		status = http.StatusFound
	}
	location := f.Location
	if location == "" {
		location = "https://" + strings.ToLower(r.Host) + r.URL.RequestURI()
	}
	rep := textReply(status, "You are being redirected to "+location+".")
	rep.header.Set("Location", location)
	return rep
}
