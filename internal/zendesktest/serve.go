package zendesktest

import (
	"context"
	"io"
	"net/http"
	"time"
)

// exchange is one request on its way through the fake.
type exchange struct {
	r     *http.Request
	route route
	base  string   // scheme://host the client used, for URLs in answers
	entry *Request // its request-log entry
	// rate is set when the request was counted by the rate limiter.
	rate *rateState
	// body is read before anything else (see readBody).
	body    []byte
	bodyErr error
}

// ServeHTTP runs every request through the same steps: log it, apply the
// rate limit, authenticate, pick a fault, serve, answer.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	x := s.arrive(r)
	x.readBody(w)
	status := 0
	// Deferred so that a request aborted by a panic (an un-hijackable
	// drop) still gets its final status.
	defer func() { s.depart(x, status) }()
	status = s.serve(w, x)
}

func (s *Server) arrive(r *http.Request) *exchange {
	rt := parseRoute(r.Method, r.URL.Path)
	entry := &Request{
		Method:     r.Method,
		Path:       r.URL.Path,
		RawQuery:   r.URL.RawQuery,
		Route:      rt.name,
		UserID:     rt.userID,
		IdentityID: rt.identityID,
		Auth:       authScheme(r.Header.Get("Authorization")),
	}
	if rt.name == RouteOAuthTokens {
		entry.RawQuery = ""
	}
	s.mu.Lock()
	entry.Time = s.now()
	s.log = append(s.log, entry)
	s.mu.Unlock()
	return &exchange{r: r, route: rt, base: baseURL(r), entry: entry}
}

// readBody reads the whole request body up front. Besides giving handlers a
// body they can decode at leisure, this matters for injected latency:
// net/http only notices a client hanging up once the body was consumed.
func (x *exchange) readBody(w http.ResponseWriter) {
	x.body, x.bodyErr = io.ReadAll(http.MaxBytesReader(w, x.r.Body, maxBodyBytes))
}

func (s *Server) depart(x *exchange, status int) {
	s.mu.Lock()
	x.entry.Status = status
	entry := *x.entry
	s.mu.Unlock()
	if s.opts.OnRequest != nil {
		s.opts.OnRequest(entry)
	}
}

// serve answers a request and returns the status sent (0: none).
func (s *Server) serve(w http.ResponseWriter, x *exchange) int {
	if s.isHostNotFound() {
		return x.write(w, htmlNotFound())
	}
	if !x.route.api && x.route.name != RouteOAuthTokens {
		return x.write(w, invalidEndpoint())
	}
	fault, faulted, refusal := s.admit(x)
	if refusal != nil {
		return x.write(w, *refusal)
	}
	if faulted {
		switch fault.Kind {
		case FaultLatency:
			if !s.pause(x.r.Context(), fault.Delay) {
				// Returning without an answer would make net/http send
				// an empty 200.
				return drop(w)
			}
		case FaultStatus:
			return x.write(w, fault.reply())
		case FaultDrop:
			return drop(w)
		case FaultRedirect:
			return x.write(w, fault.redirect(x.r))
		case FaultNotApplied:
			if rep, ok := s.notApplied(x); ok {
				return x.write(w, rep)
			}
		case FaultEcho:
			return x.write(w, fault.echo(x.r, x.body))
		}
	}
	rep := s.dispatch(x)
	if faulted {
		switch fault.Kind {
		case FaultAfterCommit:
			return x.write(w, fault.reply())
		case FaultDropAfterCommit:
			return drop(w)
		}
	}
	return x.write(w, rep)
}

// admit applies, in Zendesk's order, the rate limit and authentication, then
// picks the request's fault. All three happen under one lock so concurrent
// requests are counted consistently.
func (s *Server) admit(x *exchange) (f Fault, faulted bool, refusal *reply) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if x.route.api {
		now := s.now()
		if st, limited := s.limiter.take(now); limited {
			x.rate = &st
			if st.exceeded {
				return Fault{}, false, new(st.tooManyRequests())
			}
		}
		if rep := s.creds.check(x.r, now); rep != nil {
			return Fault{}, false, rep
		}
	}
	f, faulted = s.pickFault(x.r.Method, x.route)
	return f, faulted, nil
}

func (s *Server) dispatch(x *exchange) reply {
	switch x.route.name {
	case RouteList:
		return s.listIdentities(x)
	case RouteCreate:
		return s.createIdentity(x)
	case RouteShow:
		return s.showIdentity(x)
	case RouteUpdate:
		return s.updateIdentity(x)
	case RouteDelete:
		return s.deleteIdentity(x)
	case RouteMakePrimary:
		return s.makePrimary(x)
	case RouteVerify:
		return s.verifyIdentity(x)
	case RouteRequestVerification:
		return s.requestVerification(x)
	case RouteShowMany:
		return s.showManyUsers(x)
	case RouteShowUser:
		return s.showUser(x)
	case RouteSearchUsers:
		return s.searchUsers(x)
	case RouteOAuthTokens:
		return s.issueToken(x)
	}
	return invalidEndpoint()
}

// write sends a reply with the rate-limit headers of the request.
func (x *exchange) write(w http.ResponseWriter, rep reply) int {
	h := w.Header()
	for k, v := range rep.header {
		h[k] = v
	}
	if x.rate != nil {
		x.rate.writeHeaders(h, x.route.name == RouteList || x.route.name == RouteShowMany || x.route.name == RouteSearchUsers)
	}
	w.WriteHeader(rep.status)
	if len(rep.body) > 0 {
		_, _ = w.Write(rep.body)
	}
	return rep.status
}

// pause waits out an injected latency. It returns false, and the request is
// not served, if the client gives up or the fake closes meanwhile. The lock
// is never held here.
func (s *Server) pause(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return true
	case <-ctx.Done():
		return false
	case <-s.closing:
		return false
	}
}

// drop closes the connection without an answer, as a crashed proxy would.
func drop(w http.ResponseWriter) int {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		// HTTP/2 cannot be hijacked; aborting the handler resets the
		// stream, which the client also sees as a broken connection.
		panic(http.ErrAbortHandler)
	}
	_ = conn.Close()
	return 0
}
